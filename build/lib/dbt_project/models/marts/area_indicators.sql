-- Published as `indicators` (the node name `indicators` belongs to the seed of indicator definitions).
-- Indicators of cadre composition (Chỉ tiêu cơ cấu cán bộ): one row per area × as-of date × body × indicator, for each
-- reporting unit's accepted submissions and the province roll-up of each period, with the previous period and target.
{{ config(alias='indicators') }}

with unit_rows as (
    select
        units.unit_level as area_level,
        counts.unit_code as area_code,
        units.unit_name as area_name,
        counts.period,
        counts.as_of_date,
        counts.term,
        counts.body_code,
        counts.indicator_code,
        counts.numerator,
        counts.denominator,
        submissions.rows_rejected,
        cast(null as integer) as units_reporting,
        cast(null as integer) as units_expected
    from {{ ref('int_unit_indicator_counts') }} as counts
    inner join {{ ref('int_accepted_submissions') }} as submissions
        on submissions.submission_sha256 = counts.submission_sha256
    inner join {{ ref('units') }} as units
        on units.unit_code = counts.unit_code
    -- The province's own roster would collide with its roll-up rows (see test accepted_submissions_have_a_province).
    where submissions.province_code is not null
),

province_rows as (
    select
        provinces.unit_level as area_level,
        counts.province_code as area_code,
        provinces.unit_name as area_name,
        counts.period,
        periods.as_of_date,
        counts.term,
        counts.body_code,
        counts.indicator_code,
        counts.numerator,
        counts.denominator,
        periods.rows_rejected,
        periods.units_reporting,
        periods.units_expected
    from {{ ref('int_province_indicator_counts') }} as counts
    inner join {{ ref('int_province_periods') }} as periods
        on periods.province_code = counts.province_code
       and periods.period = counts.period
    inner join {{ ref('units') }} as provinces
        on provinces.unit_code = counts.province_code
),

area_rows as (
    select
        area_rows.*,
        {{ percent_of('area_rows.numerator', 'area_rows.denominator') }} as value_pct
    from (
        select * from unit_rows
        union all
        select * from province_rows
    ) as area_rows
),

-- The comparison row: same area, body and indicator, latest as-of date of the latest earlier period.
previous_dates as (
    select
        current_rows.area_level,
        current_rows.area_code,
        current_rows.as_of_date,
        current_rows.body_code,
        current_rows.indicator_code,
        max(earlier_rows.as_of_date) as previous_as_of_date
    from area_rows as current_rows
    inner join area_rows as earlier_rows
        on earlier_rows.area_level = current_rows.area_level
       and earlier_rows.area_code = current_rows.area_code
       and earlier_rows.body_code = current_rows.body_code
       and earlier_rows.indicator_code = current_rows.indicator_code
       and earlier_rows.period < current_rows.period
    group by
        current_rows.area_level,
        current_rows.area_code,
        current_rows.as_of_date,
        current_rows.body_code,
        current_rows.indicator_code
)

select
    area_rows.area_level,
    area_rows.area_code,
    area_rows.area_name,
    area_rows.period,
    area_rows.as_of_date,
    area_rows.term,
    area_rows.body_code,
    bodies.body_name,
    area_rows.indicator_code,
    area_rows.numerator,
    area_rows.denominator,
    area_rows.value_pct,
    previous_dates.previous_as_of_date,
    previous_rows.value_pct as previous_value_pct,
    area_rows.value_pct - previous_rows.value_pct as change_pp,
    targets.target_pct,
    case targets.comparison
        when '>=' then area_rows.value_pct >= targets.target_pct
        when '<=' then area_rows.value_pct <= targets.target_pct
    end as meets_target,
    area_rows.rows_rejected,
    area_rows.units_reporting,
    area_rows.units_expected
from area_rows
inner join {{ ref('bodies') }} as bodies
    on bodies.body_code = area_rows.body_code
left join previous_dates
    on previous_dates.area_level = area_rows.area_level
   and previous_dates.area_code = area_rows.area_code
   and previous_dates.as_of_date = area_rows.as_of_date
   and previous_dates.body_code = area_rows.body_code
   and previous_dates.indicator_code = area_rows.indicator_code
left join area_rows as previous_rows
    on previous_rows.area_level = previous_dates.area_level
   and previous_rows.area_code = previous_dates.area_code
   and previous_rows.as_of_date = previous_dates.previous_as_of_date
   and previous_rows.body_code = previous_dates.body_code
   and previous_rows.indicator_code = previous_dates.indicator_code
left join {{ ref('targets') }} as targets
    on targets.body_code = area_rows.body_code
   and targets.indicator_code = area_rows.indicator_code
