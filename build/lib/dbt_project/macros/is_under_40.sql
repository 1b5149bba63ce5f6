{#-
  SQL condition for indicator under_40 (Tỷ lệ dưới 40 tuổi) on a column of completed years.
  vars: under_40_age_limit (default 40) and under_40_inclusive (default false: age < limit; true: age <= limit,
  as in the Party forms' band "từ 40 tuổi trở xuống"). Strings from --vars ('true', 'false') are read as booleans.
-#}
{% macro is_under_40(age_column) -%}
    {%- set limit = var('under_40_age_limit') | int -%}
    {%- set inclusive = var('under_40_inclusive') -%}
    {%- if inclusive is string -%}
        {%- set inclusive = inclusive | lower in ('true', '1', 'yes') -%}
    {%- endif -%}
    {%- if inclusive -%}
        {{ age_column }} <= {{ limit }}
    {%- else -%}
        {{ age_column }} < {{ limit }}
    {%- endif -%}
{%- endmacro %}
