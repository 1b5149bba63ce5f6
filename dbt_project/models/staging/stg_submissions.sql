-- One row per file received. Renaming only: sha256 becomes submission_sha256, the name every other lake table uses.
select
    file_name,
    sha256 as submission_sha256,
    unit_code,
    as_of_date,
    received_at,
    status,
    rows_total,
    rows_accepted,
    rows_rejected,
    message,
    feedback_file
from {{ source('lake', 'submissions') }}
