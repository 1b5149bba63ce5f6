-- Province roll-up rows of indicators carry the sums of the unit rows they roll up (each unit's latest accepted
-- submission in the period, of the units valid on the period's as-of date). A difference means percentages were
-- averaged, a unit was counted twice or one was left out.
with unit_sums as (
    select
        submissions.province_code as area_code,
        submissions.period,
        unit_rows.body_code,
        unit_rows.indicator_code,
        sum(unit_rows.numerator) as numerator,
        sum(unit_rows.denominator) as denominator
    from {{ ref('area_indicators') }} as unit_rows
    inner join {{ ref('int_accepted_submissions') }} as submissions
        on submissions.unit_code = unit_rows.area_code
       and submissions.as_of_date = unit_rows.as_of_date
    where unit_rows.area_level <> 'province'
      and submissions.is_in_province_rollup
    group by submissions.province_code, submissions.period, unit_rows.body_code, unit_rows.indicator_code
),

province_rows as (
    select area_code, period, body_code, indicator_code, numerator, denominator
    from {{ ref('area_indicators') }}
    where area_level = 'province' and units_expected is not null
)

{{ rows_that_differ('province_rows', 'unit_sums', ['area_code', 'period', 'body_code', 'indicator_code'],
                    ['numerator', 'denominator']) }}
