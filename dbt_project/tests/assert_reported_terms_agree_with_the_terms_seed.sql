-- An elected body on a roster dated within a term of seed terms carries that term in indicators (from 2025-07-01,
-- 2025–2030: the communes' committees, appointed or elected, are of that term). A roster whose members wrote another
-- term is worth a look (an old row copied, or the old term kept for an appointed committee), not a stop.
{{ config(severity='warn') }}

select
    memberships.unit_code,
    memberships.as_of_date,
    memberships.body_code,
    memberships.term as reported_term,
    terms.term
from {{ ref('int_memberships') }} as memberships
inner join {{ ref('bodies') }} as bodies
    on bodies.body_code = memberships.body_code
inner join {{ ref('terms') }} as terms
    on {{ unit_is_valid_on('terms.first_as_of_date', 'terms.last_as_of_date', 'memberships.as_of_date') }}
where bodies.is_elected
  and memberships.term <> terms.term
group by memberships.unit_code, memberships.as_of_date, memberships.body_code, memberships.term, terms.term
