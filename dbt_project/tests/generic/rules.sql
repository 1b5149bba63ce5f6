{#- Every rule a table's rows must keep, as one dbt node: its required columns, its keys, the values its codes may
    take, the rows they must find in other tables and its row-wise expressions. dbt spends the same time of its own
    Python on each node whatever the data, so a table with seven rules is checked in one node instead of seven; the
    column-wise rules share one scan (docs/performance.md, 3 Dec). A broken rule is one row: what it says and how
    many rows break it.

    not_null: columns that hold no NULL.
    unique: keys, each a list of columns (one column: a one-item list) no two rows share; NULLs count as values, as
        in unique_combination_of_columns.
    accepted_values: column → the values it may take (a NULL is left to not_null, as dbt's accepted_values does).
    relationships: {column, to, field} each: every non-NULL `column` is a `field` of `to`.
    expressions: boolean SQL each row satisfies (false or NULL breaks it, as in expression_is_true).
-#}
{% test rules(model, not_null=[], unique=[], accepted_values={}, relationships=[], expressions=[]) %}

{%- set counted = [] -%}
{%- for column in not_null -%}
    {%- do counted.append(("not null: " ~ column, column ~ " is null")) -%}
{%- endfor -%}
{%- for column, values in accepted_values.items() -%}
    {%- set listed = [] -%}
    {%- for value in values -%}{%- do listed.append("'" ~ (value | string | replace("'", "''")) ~ "'") -%}{%- endfor -%}
    {%- do counted.append(("accepted values: " ~ column, column ~ " not in (" ~ listed | join(", ") ~ ")")) -%}
{%- endfor -%}
{%- for expression in expressions -%}
    {%- do counted.append(("expression: " ~ expression, "not coalesce(" ~ expression ~ ", false)")) -%}
{%- endfor -%}

with
{%- if counted %}
broken_rows as (
    select
    {%- for rule, condition in counted %}
        count(*) filter (where {{ condition }}) as rule_{{ loop.index }}{{ "," if not loop.last }}
    {%- endfor %}
    from {{ model }}
),
{%- endif %}
rules as (
    {%- for rule, condition in counted %}
    select '{{ rule | replace("'", "''") }}' as rule, rule_{{ loop.index }} as broken_rows from broken_rows
    union all
    {%- endfor %}
    {%- for key in unique %}
    select 'unique: {{ key | join(", ") }}' as rule, coalesce(sum(rows_with_key), 0) as broken_rows
    from (
        select count(*) as rows_with_key from {{ model }} group by {{ key | join(", ") }} having count(*) > 1
    ) as repeated
    union all
    {%- endfor %}
    {%- for relationship in relationships %}
    select 'relationship: {{ relationship.column }} → {{ relationship.to.identifier }}.{{ relationship.field }}' as rule,
           count(*) as broken_rows
    from {{ model }} as child
    where child.{{ relationship.column }} is not null
      and not exists (
          select 1 from {{ relationship.to }} as parent
          where parent.{{ relationship.field }} = child.{{ relationship.column }}
      )
    union all
    {%- endfor %}
    select 'none' as rule, 0 as broken_rows
)

select rule, broken_rows from rules where broken_rows > 0

{% endtest %}
