{#-
  The rule of each indicator of seed indicators: {indicator_code: SQL boolean expression}. The expressions read the
  columns and joins of int_memberships' final select (m = the membership, ethnic_groups, education_levels,
  political_theory_levels = its seed rows); a NULL counts as not meeting the indicator. int_memberships emits one
  column is_<indicator_code> per rule and int_unit_indicator_counts counts each of them.
  Adding an indicator: a row in seeds/indicators.csv and its expression here (assert_every_indicator_has_one_rule
  fails until both exist).
-#}
{% macro indicator_rules() %}
    {{ return({
        'female': "m.gender = 'F'",
        'under_40': is_under_40('m.age_years'),
        'ethnic_minority': 'ethnic_groups.is_ethnic_minority',
        'university_plus': 'education_levels.is_university_plus',
        'advanced_political_theory': 'political_theory_levels.is_advanced',
    }) }}
{% endmacro %}
