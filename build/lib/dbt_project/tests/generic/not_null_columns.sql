{#- None of these columns holds a NULL: one scan and one dbt node for all the required columns of a model (dbt spends
    30-50 ms on each node whatever the data, and a staging view re-reads the lake for each). A failing column is one
    row: its name and how many of its rows are NULL. -#}
{% test not_null_columns(model, column_names) %}

with null_counts as (
    select
    {%- for column in column_names %}
        count(*) filter (where {{ column }} is null) as "{{ column }}"{{ "," if not loop.last }}
    {%- endfor %}
    from {{ model }}
)

{% for column in column_names -%}
select '{{ column }}' as column_name, "{{ column }}" as null_rows from null_counts where "{{ column }}" > 0
{% if not loop.last %}union all
{% endif -%}
{%- endfor %}

{% endtest %}
