{#-
  SQL condition: a unit (seed units) exists with its code on `day`. Both ends are inclusive; an empty valid_from
  means since before the warehouse, an empty valid_to still valid. The Python twin is ingest.unit_names.valid_on
  (same semantics), which refuses a submission of a unit on a day it does not exist (unit_not_valid).
-#}
{% macro unit_is_valid_on(valid_from, valid_to, day) -%}
    (({{ valid_from }} is null or {{ valid_from }} <= {{ day }})
     and ({{ valid_to }} is null or {{ valid_to }} >= {{ day }}))
{%- endmacro %}
