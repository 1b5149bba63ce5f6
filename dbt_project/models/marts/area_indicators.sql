-- Published as `indicators` (the node name `indicators` belongs to the seed of indicator definitions).
-- Indicators of cadre composition (Chỉ tiêu cơ cấu cán bộ): one row per area × as-of date × body × indicator, for each
-- reporting unit's accepted submissions and the province roll-up of each period, with the previous period and target.
{{ config(alias='indicators') }}

-- Counts per area: a unit's row is its submission's counts, a province's row sums the counts of the rosters
-- int_area_submissions puts in it (never an average of percentages).
with area_counts as (
    select
        areas.area_level,
        areas.area_code,
        areas.area_name,
        areas.period,
        areas.as_of_date,
        max(counts.term) as term,
        counts.body_code,
        counts.indicator_code,
        cast(sum(counts.numerator) as integer) as numerator,
        cast(sum(counts.denominator) as integer) as denominator,
        areas.rows_rejected,
        areas.units_reporting,
        areas.units_expected
    from {{ ref('int_unit_indicator_counts') }} as counts
    inner join {{ ref('int_area_submissions') }} as areas
        on areas.submission_sha256 = counts.submission_sha256
    where areas.is_in_area_roster
    group by
        areas.area_level,
        areas.area_code,
        areas.area_name,
        areas.period,
        areas.as_of_date,
        counts.body_code,
        counts.indicator_code,
        areas.rows_rejected,
        areas.units_reporting,
        areas.units_expected
),

area_rows as (
    select
        area_counts.*,
        {{ percent_of('area_counts.numerator', 'area_counts.denominator') }} as value_pct
    from area_counts
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
    area_rows.units_expected,
    -- appended to the published contract: names and orders for the report and BI, so they need no seed
    indicators.indicator_name,
    indicators.sort_order as indicator_sort_order,
    bodies.sort_order as body_sort_order
from area_rows
inner join {{ ref('bodies') }} as bodies
    on bodies.body_code = area_rows.body_code
inner join {{ ref('indicators') }} as indicators
    on indicators.indicator_code = area_rows.indicator_code
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
-- a target applies to one term of one body at one area level (seed targets); none, and meets_target is NULL
left join {{ ref('targets') }} as targets
    on targets.term = area_rows.term
   and targets.body_code = area_rows.body_code
   and targets.area_level = area_rows.area_level
   and targets.indicator_code = area_rows.indicator_code
