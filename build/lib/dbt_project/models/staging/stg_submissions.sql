-- One row per file received, typed as the lake contract says. Renaming and casting only.
select
    cast(file_name as varchar) as file_name,
    cast(sha256 as varchar) as sha256,
    cast(unit_code as varchar) as unit_code,
    cast(as_of_date as date) as as_of_date,
    cast(received_at as timestamp) as received_at,
    cast(status as varchar) as status,
    cast(rows_total as integer) as rows_total,
    cast(rows_accepted as integer) as rows_accepted,
    cast(rows_rejected as integer) as rows_rejected,
    cast(message as varchar) as message,
    cast(feedback_file as varchar) as feedback_file
from {{ source('lake', 'submissions') }}
