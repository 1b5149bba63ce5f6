-- One row per province and period: which unit submissions the province roll-up includes (each unit's latest
-- accepted as-of date in the period), the as-of date the province rows carry, and how many units were expected.
with included as (
    select *
    from {{ ref('int_accepted_submissions') }}
    where is_in_province_rollup
),

periods as (
    select
        province_code,
        period,
        max(as_of_date) as as_of_date,
        count(distinct unit_code) as units_reporting,
        sum(rows_rejected) as rows_rejected
    from included
    group by province_code, period
),

-- Units of the province that exist on the period's as-of date (the district level ended on 2025-06-30).
expected as (
    select
        periods.province_code,
        periods.period,
        count(*) as units_expected
    from periods
    inner join {{ ref('units') }} as units
        on units.parent_code = periods.province_code
       and {{ unit_is_valid_on('units.valid_from', 'units.valid_to', 'periods.as_of_date') }}
    group by periods.province_code, periods.period
)

select
    periods.province_code,
    periods.period,
    periods.as_of_date,
    cast(periods.units_reporting as integer) as units_reporting,
    cast(coalesce(expected.units_expected, 0) as integer) as units_expected,
    cast(periods.rows_rejected as integer) as rows_rejected
from periods
left join expected
    on expected.province_code = periods.province_code
   and expected.period = periods.period
