-- Every member of a body has exactly one ethnic group: the members of ethnicity_composition add up to the
-- denominator of indicators for the same area, as-of date and body, and the shares to 100 %.
with composition as (
    select
        area_level,
        area_code,
        as_of_date,
        body_code,
        sum(members) as members,
        sum(share_pct) as share_pct
    from {{ ref('ethnicity_composition') }}
    group by area_level, area_code, as_of_date, body_code
),

body_sizes as (
    select distinct area_level, area_code, as_of_date, body_code, denominator
    from {{ ref('area_indicators') }}
)

select
    coalesce(composition.area_level, body_sizes.area_level) as area_level,
    coalesce(composition.area_code, body_sizes.area_code) as area_code,
    coalesce(composition.as_of_date, body_sizes.as_of_date) as as_of_date,
    coalesce(composition.body_code, body_sizes.body_code) as body_code,
    composition.members,
    body_sizes.denominator,
    composition.share_pct
from composition
full outer join body_sizes
    on body_sizes.area_level = composition.area_level
   and body_sizes.area_code = composition.area_code
   and body_sizes.as_of_date = composition.as_of_date
   and body_sizes.body_code = composition.body_code
where composition.members is distinct from body_sizes.denominator
   or abs(composition.share_pct - 100) > 1e-9
