{#- Where staging reads a lake table from. A full build reads the source (every unit's files; on PostgreSQL the loaded
    table). An incremental rebuild of some units on DuckDB reads only those units' files: with 3,000 submissions, the
    source's glob opens every file (union_by_name reads each one's schema) and costs seconds per read, while the
    units' own folders cost milliseconds. read_parquet's file list must be a constant, so a pre-hook
    (list_lake_files) puts the list in a DuckDB variable of the model's connection; unit=none's empty file keeps it
    from being empty when a unit has no file in the table. The glob is the source's own (_lake__sources.yml), read
    from its rendering, so the lake's path has one owner. -#}

{% macro reads_run_units_files() -%}
    {{ return(is_incremental() and run_units() | length > 0 and target.type == 'duckdb') }}
{%- endmacro %}

{% macro list_lake_files(name) -%}
    {%- if reads_run_units_files() -%}
        {%- set glob = modules.re.search("read_parquet\\('([^']+)'", source('lake', name) | string).group(1) -%}
        set variable lake_files_{{ name }} = (
            select list(file order by file)
            from (select file, parse_filename(parse_dirpath(file)) as folder from glob('{{ glob }}'))
            where folder = 'unit=none' or (starts_with(folder, 'unit=') and substr(folder, 6) in {{ run_units_list() }})
        )
    {%- endif -%}
{%- endmacro %}

{% macro lake_rows(name) -%}
    {%- if reads_run_units_files() -%}
        read_parquet(getvariable('lake_files_{{ name }}'), hive_partitioning = false, union_by_name = true)
    {%- else -%}
        {{ source('lake', name) }}
    {%- endif -%}
{%- endmacro %}
