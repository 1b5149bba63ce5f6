{#- Every row satisfies a boolean SQL expression; a row where it is false or NULL fails. -#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not coalesce({{ expression }}, false)

{% endtest %}
