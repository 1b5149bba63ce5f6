{#- Incremental rebuild of per-unit models. A Dagster run for some unit partitions (the inbox sensor's) passes their
    codes in the environment variable CADRE_RUN_UNITS ("178" or "178,180"; by hand, the var `units` wins:
    `--vars '{"units": ["178"]}'`). Not a var from orchestration: dbt parses the whole project again whenever the
    vars differ from its last parse's, while an environment variable only re-parses the files that read it at parse
    time (none: is_incremental() is false then). The row staging tables (stg_memberships,
    stg_rejected_rows, stg_training), int_memberships and int_unit_indicator_counts then delete and rebuild only those
    units' rows, every other model and every test still covers all units. A full run
    (nightly, `cadre-warehouse run`) passes no units and --full-refresh; without either, all rows are rebuilt.
    Codes are text: a YAML number (178) or a comma-separated string ("178,180") is read as the same codes. -#}

{% macro run_units() %}
    {%- set units = var('units', env_var('CADRE_RUN_UNITS', '')) -%}
    {%- if units is string -%}
        {%- set units = units.split(',') -%}
    {%- elif units is number -%}
        {%- set units = [units] -%}
    {%- endif -%}
    {{ return(units | map('string') | map('trim') | reject('equalto', '') | list) }}
{% endmacro %}

{% macro run_units_list() -%}
    ({% for unit in run_units() %}'{{ unit | replace("'", "''") }}'{{ ', ' if not loop.last }}{% endfor %})
{%- endmacro %}

{#- `where <column> in (<the run's units>)` in an incremental rebuild of some units, else nothing. -#}
{% macro where_run_units(column) -%}
    {%- if is_incremental() and run_units() %}where {{ column }} in {{ run_units_list() }}{% endif -%}
{%- endmacro %}

{#- Pre-hook of a per-unit incremental model: remove the rows about to be rebuilt. -#}
{% macro delete_run_units() -%}
    {%- if is_incremental() %}delete from {{ this }}{% if run_units() %} where unit_code in {{ run_units_list() }}{% endif %}{% endif -%}
{%- endmacro %}
