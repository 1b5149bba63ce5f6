-- The submission that counts for each unit and as-of date, and which of them the province roll-up uses.
-- Ingest already accepts at most one file per (unit_code, as_of_date); ranking again keeps the marts right if that
-- ever slips.
with accepted as (
    select
        submissions.submission_sha256,
        unit_code,
        as_of_date,
        received_at,
        rows_total,
        rows_accepted,
        rows_rejected,
        row_number() over (
            partition by unit_code, as_of_date
            order by received_at desc, submission_sha256
        ) as received_rank
    from {{ ref('stg_submissions') }} as submissions
    inner join {{ ref('submission_statuses') }} as statuses
        on statuses.status = submissions.status
    where statuses.is_accepted
      and unit_code is not null
      and as_of_date is not null
),

latest_received as (
    select
        accepted.*,
        cast(extract(year from accepted.as_of_date) as integer) as period
    from accepted
    where received_rank = 1
),

ranked_in_period as (
    select
        latest_received.*,
        units.parent_code as province_code,
        row_number() over (
            partition by latest_received.unit_code, latest_received.period
            order by latest_received.as_of_date desc
        ) as period_rank
    from latest_received
    inner join {{ ref('units') }} as units
        on units.unit_code = latest_received.unit_code
)

select
    submission_sha256,
    unit_code,
    province_code,
    as_of_date,
    period,
    received_at,
    rows_total,
    rows_accepted,
    rows_rejected,
    period_rank = 1 as is_latest_in_period,
    -- The province's own roster (no parent) is not summed into itself.
    period_rank = 1 and province_code is not null as is_in_province_rollup
from ranked_in_period
