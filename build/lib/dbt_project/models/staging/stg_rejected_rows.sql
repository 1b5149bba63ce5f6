-- One row per source row ingest rejected, with the reason.
select
    cast(submission_sha256 as varchar) as submission_sha256,
    cast(unit_code as varchar) as unit_code,
    cast(as_of_date as date) as as_of_date,
    cast(sheet_name as varchar) as sheet_name,
    cast(source_row as integer) as source_row,
    cast(reason_code as varchar) as reason_code,
    cast(message as varchar) as message
from {{ source('lake', 'rejected_rows') }}
