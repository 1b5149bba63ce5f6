{#-
  The body of a test comparing two relations row by row (usually CTEs of the calling test): a full outer join on
  `keys`, returning each key whose row is missing on one side or whose `columns` differ. `tolerances` maps a column
  to the absolute difference allowed (doubles summed in another order). The result names the sides after `left`
  and `right` (in_<left>, <left>_<column>, …), so a failure reads as what was compared with what.
-#}
{% macro rows_that_differ(left, right, keys, columns=[], tolerances={}) -%}
select
    {%- for key in keys %}
    coalesce({{ left }}.{{ key }}, {{ right }}.{{ key }}) as {{ key }},
    {%- endfor %}
    {%- for column in columns %}
    {{ left }}.{{ column }} as {{ left }}_{{ column }},
    {{ right }}.{{ column }} as {{ right }}_{{ column }},
    {%- endfor %}
    {{ left }}.{{ keys[0] }} is not null as in_{{ left }},
    {{ right }}.{{ keys[0] }} is not null as in_{{ right }}
from {{ left }}
full outer join {{ right }}
    on {% for key in keys %}{{ right }}.{{ key }} = {{ left }}.{{ key }}{{ '\n   and ' if not loop.last }}{% endfor %}
where {{ left }}.{{ keys[0] }} is null
   or {{ right }}.{{ keys[0] }} is null
{%- for column in columns %}
   {%- if column in tolerances %}
   or not coalesce(abs({{ left }}.{{ column }} - {{ right }}.{{ column }}) <= {{ tolerances[column] }}, false)
   {%- else %}
   or {{ left }}.{{ column }} is distinct from {{ right }}.{{ column }}
   {%- endif %}
{%- endfor %}
{%- endmacro %}
