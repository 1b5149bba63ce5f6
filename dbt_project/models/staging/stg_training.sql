-- One row per accepted line of the sheet "Đào tạo - Tuyển dụng" in a parsed submission (any status).
select
    submission_sha256,
    unit_code,
    as_of_date,
    source_row,
    year,
    metric_code,
    value
from {{ source('lake', 'training') }}
