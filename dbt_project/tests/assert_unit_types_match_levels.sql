-- A unit's type belongs to its level (a xã is a commune, a huyện a district): ingest reads the type a clerk writes
-- ("Huyện Cao Lộc") to tell units of one name apart, so a unit filed under the wrong type would never be found.
select units.unit_code, units.unit_level, units.unit_type, unit_types.unit_level as level_of_type
from {{ ref('units') }} as units
inner join {{ ref('unit_types') }} as unit_types
    on unit_types.unit_type = units.unit_type
where unit_types.unit_level <> units.unit_level
