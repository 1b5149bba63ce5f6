-- Numerator and denominator of every indicator for every body of every accepted submission.
-- The denominator is the body's members; each indicator's rule is the matching flag of int_memberships.
-- Rebuilt per unit in a partition run (macros/run_units.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook="{{ delete_run_units() }}") }}

with memberships as (
    select * from {{ ref('int_memberships') }}
    {{ where_run_units('unit_code') }}
),

flags as (
    select unit_code, as_of_date, body_code, person_key, 'female' as indicator_code, is_female as meets
    from memberships
    union all
    select unit_code, as_of_date, body_code, person_key, 'under_40', is_under_40
    from memberships
    union all
    select unit_code, as_of_date, body_code, person_key, 'ethnic_minority', is_ethnic_minority
    from memberships
    union all
    select unit_code, as_of_date, body_code, person_key, 'university_plus', is_university_plus
    from memberships
    union all
    select unit_code, as_of_date, body_code, person_key, 'advanced_political_theory', is_advanced_political_theory
    from memberships
),

counts as (
    select
        flags.unit_code,
        flags.as_of_date,
        flags.body_code,
        flags.indicator_code,
        sum(case when flags.meets then 1 else 0 end) as numerator,
        count(*) as denominator
    from flags
    inner join {{ ref('indicators') }} as indicators
        on indicators.indicator_code = flags.indicator_code
    group by flags.unit_code, flags.as_of_date, flags.body_code, flags.indicator_code
),

-- The term comes from the members (a roster mixing terms is flagged by a test on int_memberships).
terms as (
    select unit_code, as_of_date, body_code, max(term) as term
    from memberships
    group by unit_code, as_of_date, body_code
)

select
    submissions.submission_sha256,
    counts.unit_code,
    counts.as_of_date,
    submissions.period,
    case when bodies.is_elected then terms.term end as term,
    counts.body_code,
    counts.indicator_code,
    cast(counts.numerator as integer) as numerator,
    cast(counts.denominator as integer) as denominator
from counts
inner join {{ ref('int_accepted_submissions') }} as submissions
    on submissions.unit_code = counts.unit_code
   and submissions.as_of_date = counts.as_of_date
inner join terms
    on terms.unit_code = counts.unit_code
   and terms.as_of_date = counts.as_of_date
   and terms.body_code = counts.body_code
inner join {{ ref('bodies') }} as bodies
    on bodies.body_code = counts.body_code
