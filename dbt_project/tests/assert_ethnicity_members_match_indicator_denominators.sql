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
    select distinct area_level, area_code, as_of_date, body_code, denominator as members, cast(100 as double precision) as share_pct
    from {{ ref('area_indicators') }}
)

{{ rows_that_differ('composition', 'body_sizes', ['area_level', 'area_code', 'as_of_date', 'body_code'],
                    ['members', 'share_pct'], tolerances={'share_pct': 1e-9}) }}
