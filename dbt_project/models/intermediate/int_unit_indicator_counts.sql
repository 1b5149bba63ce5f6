-- Numerator and denominator of every indicator for every body of every accepted submission.
-- The denominator is the body's members; each indicator's numerator counts its flag is_<indicator_code> of
-- int_memberships (macros/indicator_rules.sql). Rebuilt per unit in a partition run (macros/run_units.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook="{{ delete_run_units() }}") }}

with memberships as (
    select * from {{ ref('int_memberships') }}
    {{ where_run_units('unit_code') }}
),

-- One pass over the members counts every indicator of a body; the term comes from the members (a roster mixing
-- terms is flagged by a test on int_memberships).
bodies_counted as (
    select
        unit_code,
        as_of_date,
        body_code,
        max(term) as term,
        count(*) as denominator,
        {%- for indicator_code in indicator_rules() %}
        sum(case when is_{{ indicator_code }} then 1 else 0 end) as {{ indicator_code }}_numerator{{ ',' if not loop.last }}
        {%- endfor %}
    from memberships
    group by unit_code, as_of_date, body_code
),

-- One row per indicator.
counts as (
    {%- for indicator_code in indicator_rules() %}
    select
        unit_code, as_of_date, body_code, term, denominator,
        '{{ indicator_code }}' as indicator_code,
        {{ indicator_code }}_numerator as numerator
    from bodies_counted
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select
    submissions.submission_sha256,
    counts.unit_code,
    counts.as_of_date,
    submissions.period,
    -- an elected body on a roster dated within a term of seed terms is of that term, whatever the roster wrote
    -- (test assert_reported_terms_agree_with_the_terms_seed warns of a difference); before, the members' term
    case when bodies.is_elected then coalesce(terms.term, counts.term) end as term,
    counts.body_code,
    counts.indicator_code,
    cast(counts.numerator as integer) as numerator,
    cast(counts.denominator as integer) as denominator
from counts
-- an indicator is published only once the seed has it (assert_every_indicator_has_one_rule)
inner join {{ ref('indicators') }} as indicators
    on indicators.indicator_code = counts.indicator_code
inner join {{ ref('int_accepted_submissions') }} as submissions
    on submissions.unit_code = counts.unit_code
   and submissions.as_of_date = counts.as_of_date
inner join {{ ref('bodies') }} as bodies
    on bodies.body_code = counts.body_code
left join {{ ref('terms') }} as terms
    on {{ unit_is_valid_on('terms.first_as_of_date', 'terms.last_as_of_date', 'counts.as_of_date') }}
