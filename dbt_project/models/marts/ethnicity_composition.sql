-- Ethnic composition (Cơ cấu dân tộc) of each body: one row per area × as-of date × body × ethnic group present,
-- for each reporting unit's accepted submissions and the province roll-up of each period (members summed over the
-- rosters int_area_submissions puts in the area).
with submission_members as (
    select
        submission_sha256,
        body_code,
        ethnic_code,
        count(*) as members
    from {{ ref('int_memberships') }}
    group by submission_sha256, body_code, ethnic_code
),

area_rows as (
    select
        areas.area_level,
        areas.area_code,
        areas.area_name,
        areas.period,
        areas.as_of_date,
        submission_members.body_code,
        submission_members.ethnic_code,
        sum(submission_members.members) as members
    from submission_members
    inner join {{ ref('int_area_submissions') }} as areas
        on areas.submission_sha256 = submission_members.submission_sha256
    where areas.is_in_area_roster
    group by
        areas.area_level,
        areas.area_code,
        areas.area_name,
        areas.period,
        areas.as_of_date,
        submission_members.body_code,
        submission_members.ethnic_code
)

select
    area_rows.area_level,
    area_rows.area_code,
    area_rows.area_name,
    area_rows.period,
    area_rows.as_of_date,
    area_rows.body_code,
    bodies.body_name,
    area_rows.ethnic_code,
    ethnic_groups.ethnic_name,
    cast(area_rows.members as integer) as members,
    {{ percent_of('area_rows.members', 'sum(area_rows.members) over (
        partition by area_rows.area_level, area_rows.area_code, area_rows.as_of_date, area_rows.body_code
    )') }} as share_pct
from area_rows
inner join {{ ref('bodies') }} as bodies
    on bodies.body_code = area_rows.body_code
left join {{ ref('ethnic_groups') }} as ethnic_groups
    on ethnic_groups.ethnic_code = area_rows.ethnic_code
