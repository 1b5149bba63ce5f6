-- Published as `units` (the node name `units` belongs to the seed). Reporting units reference for BI
-- (Danh mục đơn vị), from seed units without the spellings ingest uses to recognise a unit.
{{ config(alias='units') }}

select
    unit_code,
    unit_level,
    unit_name,
    short_name,
    parent_code,
    valid_from,
    valid_to,
    -- appended to the published contract with the two-level government of 2025-07-01
    unit_type
from {{ ref('units') }}
