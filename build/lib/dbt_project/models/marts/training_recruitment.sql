-- Training and recruitment (Đào tạo - Tuyển dụng): one row per area × year × metric. A unit may report the same
-- year in several submissions (a year's figure is revised in the next roster); the latest as-of date wins.
-- Province rows sum the units' winning figures.
with reported as (
    select
        training.unit_code,
        submissions.province_code,
        training.year,
        training.metric_code,
        training.value,
        row_number() over (
            partition by training.unit_code, training.year, training.metric_code
            order by training.as_of_date desc, training.source_row desc
        ) as report_rank
    from {{ ref('stg_training') }} as training
    inner join {{ ref('int_accepted_submissions') }} as submissions
        on submissions.submission_sha256 = training.submission_sha256
       and submissions.unit_code = training.unit_code
       and submissions.as_of_date = training.as_of_date
    where submissions.province_code is not null
),

latest as (
    select *
    from reported
    where report_rank = 1
),

area_rows as (
    select unit_code as area_code, year, metric_code, value
    from latest

    union all

    select province_code as area_code, year, metric_code, sum(value) as value
    from latest
    group by province_code, year, metric_code
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
