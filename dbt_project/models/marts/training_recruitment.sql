-- Training and recruitment (Đào tạo - Tuyển dụng): one row per area × year × metric. A unit may report the same
-- year in several submissions (a year's figure is revised in the next roster): per unit, the latest as-of date wins
-- among all its accepted submissions, and the province sums its units' winning figures. The province's own roster
-- reports its bodies; a training sheet in it is not summed with the units' (only unit areas and roll-ups count).
with reported as (
    select
        areas.area_code,
        training.unit_code,
        training.year,
        training.metric_code,
        training.value,
        row_number() over (
            partition by areas.area_code, training.unit_code, training.year, training.metric_code
            order by training.as_of_date desc, training.source_row desc
        ) as report_rank
    from {{ ref('stg_training') }} as training
    inner join {{ ref('int_area_submissions') }} as areas
        on areas.submission_sha256 = training.submission_sha256
       and areas.unit_code = training.unit_code
    where areas.area_level <> 'province' or areas.is_rollup
),

area_rows as (
    select area_code, year, metric_code, sum(value) as value
    from reported
    where report_rank = 1
    group by area_code, year, metric_code
)

select
    area_rows.area_code,
    area_rows.year,
    area_rows.metric_code,
    training_metrics.metric_name,
    cast(area_rows.value as bigint) as value
from area_rows
inner join {{ ref('training_metrics') }} as training_metrics
    on training_metrics.metric_code = area_rows.metric_code
