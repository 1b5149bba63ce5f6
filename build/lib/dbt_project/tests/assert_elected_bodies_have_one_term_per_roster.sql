-- The members of an elected body in one roster should share one term (nhiệm kỳ); indicators shows the latest
-- ('2020-2025' over '2015-2020'). A mix usually means a copied row from an older roster: worth a look, not a stop.
{{ config(severity='warn') }}

select
    memberships.unit_code,
    memberships.as_of_date,
    memberships.body_code,
    count(distinct memberships.term) as terms
from {{ ref('int_memberships') }} as memberships
inner join {{ ref('bodies') }} as bodies
    on bodies.body_code = memberships.body_code
where bodies.is_elected
group by memberships.unit_code, memberships.as_of_date, memberships.body_code
having count(distinct memberships.term) > 1
