-- One row per source row ingest rejected, with the reason. The name on the row stays in the lake (personal data).
-- Rebuilt per unit in a partition run (macros/run_units.sql), from that unit's files only (macros/lake_files.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook=["{{ delete_run_units() }}", "{{ list_lake_files('rejected_rows') }}"]) }}
select
    submission_sha256,
    unit_code,
    as_of_date,
    sheet_name,
    source_row,
    reason_code,
    message
from {{ lake_rows('rejected_rows') }}
{{ where_run_units('unit_code') }}
