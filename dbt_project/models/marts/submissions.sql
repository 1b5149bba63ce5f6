-- Every file received and what became of it (Tình hình tiếp nhận báo cáo), for the province's follow-up with units.
-- The published names are sha256 and area_code; status_name and needs_attention come from seed submission_statuses.
select
    submissions.file_name,
    submissions.submission_sha256 as sha256,
    submissions.unit_code as area_code,
    submissions.as_of_date,
    submissions.received_at,
    submissions.status,
    submissions.rows_total,
    submissions.rows_accepted,
    submissions.rows_rejected,
    submissions.message,
    submissions.feedback_file,
    statuses.status_name,
    statuses.needs_attention
from {{ ref('stg_submissions') }} as submissions
-- left: a status missing from the seed keeps its row (and fails the relationships test on status)
left join {{ ref('submission_statuses') }} as statuses
    on statuses.status = submissions.status
