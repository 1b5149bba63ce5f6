{#-
  100 × part / whole as a double, never rounded: the multiplication happens on integers first, so the result is the
  same double as Python's 100 * part / whole.
-#}
{% macro percent_of(part, whole) -%}
    cast(100 * {{ part }} as double precision) / {{ whole }}
{%- endmacro %}
