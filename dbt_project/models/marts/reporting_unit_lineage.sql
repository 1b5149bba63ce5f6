-- Published as `unit_lineage` (the node name belongs to the seed): which former units each unit was formed from, so
-- a BI user can group the 2025 communes by former district.
{{ config(alias='unit_lineage') }}

select
    unit_code,
    former_unit_code,
    former_unit_name,
    former_unit_level,
    changed_on,
    source
from {{ ref('unit_lineage') }}
