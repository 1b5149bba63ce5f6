-- One row per accepted line of the sheet "Đào tạo - Tuyển dụng" in a parsed submission (any status).
select
    cast(submission_sha256 as varchar) as submission_sha256,
    cast(unit_code as varchar) as unit_code,
    cast(as_of_date as date) as as_of_date,
    cast(source_row as integer) as source_row,
    cast(year as integer) as year,
    cast(metric_code as varchar) as metric_code,
    cast(value as bigint) as value
from {{ source('lake', 'training') }}
