-- One row per source row ingest rejected, with the reason. The name on the row stays in the lake (personal data).
select
    submission_sha256,
    unit_code,
    as_of_date,
    sheet_name,
    source_row,
    reason_code,
    message
from {{ source('lake', 'rejected_rows') }}
