-- Every file received and what became of it (Tình hình tiếp nhận báo cáo), for the province's follow-up with units.
select
    file_name,
    submission_sha256 as sha256,
    unit_code as area_code,
    as_of_date,
    received_at,
    status,
    rows_total,
    rows_accepted,
    rows_rejected,
    message,
    feedback_file
from {{ ref('stg_submissions') }}
