-- Province roll-up of the indicator counts: per period, the numerators and the denominators of each unit's latest
-- accepted submission in the period are summed. Percentages are never averaged: a unit with more members weighs more.
select
    submissions.province_code,
    submissions.period,
    counts.body_code,
    counts.indicator_code,
    max(counts.term) as term,
    cast(sum(counts.numerator) as integer) as numerator,
    cast(sum(counts.denominator) as integer) as denominator
from {{ ref('int_unit_indicator_counts') }} as counts
inner join {{ ref('int_accepted_submissions') }} as submissions
    on submissions.submission_sha256 = counts.submission_sha256
where submissions.is_in_province_rollup
group by submissions.province_code, submissions.period, counts.body_code, counts.indicator_code
