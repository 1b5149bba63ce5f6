-- One row per person × body in a parsed submission (any status: int_memberships keeps the accepted ones).
-- The lake contract fixes the types (see _lake__sources.yml): nothing to cast.
-- Rebuilt per unit in a partition run (macros/run_units.sql), from that unit's files only (macros/lake_files.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook=["{{ delete_run_units() }}", "{{ list_lake_files('memberships') }}"]) }}
select
    submission_sha256,
    unit_code,
    as_of_date,
    source_row,
    person_key,
    full_name,
    birth_date,
    birth_year,
    age_years,
    gender,
    ethnic_code,
    body_code,
    term,
    education_code,
    political_theory_code,
    position,
    organisation
from {{ lake_rows('memberships') }}
{{ where_run_units('unit_code') }}
