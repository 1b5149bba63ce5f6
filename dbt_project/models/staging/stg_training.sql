-- One row per accepted line of the sheet "Đào tạo - Tuyển dụng" in a parsed submission (any status).
-- Rebuilt per unit in a partition run (macros/run_units.sql), from that unit's files only (macros/lake_files.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook=["{{ delete_run_units() }}", "{{ list_lake_files('training') }}"]) }}
select
    submission_sha256,
    unit_code,
    as_of_date,
    source_row,
    year,
    metric_code,
    value
from {{ lake_rows('training') }}
{{ where_run_units('unit_code') }}
