-- The submission that counts for each unit and as-of date, and which of them the province roll-up uses.
-- Ingest decides which file counts (at most one per unit and as-of date, test one_accepted_submission_per_unit_and_as_of):
-- this model only keeps the files whose status is_accepted and ranks them within the period. The roll-up of a period
-- takes each unit's latest roster of the period, of the units that exist on the period's latest as-of date: a
-- district's roster of May 2025 is never summed with the communes that replaced it in July.
with accepted as (
    select
        submissions.submission_sha256,
        submissions.unit_code,
        units.parent_code as province_code,
        units.valid_from,
        units.valid_to,
        submissions.as_of_date,
        cast(extract(year from submissions.as_of_date) as integer) as period,
        submissions.received_at,
        submissions.rows_total,
        submissions.rows_accepted,
        submissions.rows_rejected
    from {{ ref('stg_submissions') }} as submissions
    inner join {{ ref('submission_statuses') }} as statuses
        on statuses.status = submissions.status
    -- left: an accepted file of a unit missing from the seed stays visible to the relationships test
    left join {{ ref('units') }} as units
        on units.unit_code = submissions.unit_code
    where statuses.is_accepted
),

ranked_in_period as (
    select
        accepted.*,
        row_number() over (
            partition by accepted.unit_code, accepted.period
            order by accepted.as_of_date desc
        ) as period_rank
    from accepted
),

dated_periods as (
    select
        ranked_in_period.*,
        max(as_of_date) over (partition by province_code, period) as period_as_of_date
    from ranked_in_period
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
    period_rank = 1
        and province_code is not null
        and {{ unit_is_valid_on('valid_from', 'valid_to', 'period_as_of_date') }} as is_in_province_rollup
from dated_periods
