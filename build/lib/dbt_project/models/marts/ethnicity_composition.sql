-- Ethnic composition (Cơ cấu dân tộc) of each body: one row per area × as-of date × body × ethnic group present,
-- for each reporting unit's accepted submissions and the province roll-up of each period (members summed).
with unit_members as (
    select
        memberships.submission_sha256,
        memberships.unit_code,
        memberships.as_of_date,
        memberships.period,
        memberships.body_code,
        memberships.ethnic_code,
        count(*) as members
    from {{ ref('int_memberships') }} as memberships
    group by
        memberships.submission_sha256,
        memberships.unit_code,
        memberships.as_of_date,
        memberships.period,
        memberships.body_code,
        memberships.ethnic_code
),

unit_rows as (
    select
        units.unit_level as area_level,
        unit_members.unit_code as area_code,
        units.unit_name as area_name,
        unit_members.period,
        unit_members.as_of_date,
        unit_members.body_code,
        unit_members.ethnic_code,
        unit_members.members
    from unit_members
    inner join {{ ref('int_accepted_submissions') }} as submissions
        on submissions.submission_sha256 = unit_members.submission_sha256
    inner join {{ ref('units') }} as units
        on units.unit_code = unit_members.unit_code
    where submissions.province_code is not null
),

province_rows as (
    select
        provinces.unit_level as area_level,
        submissions.province_code as area_code,
        provinces.unit_name as area_name,
        submissions.period,
        periods.as_of_date,
        unit_members.body_code,
        unit_members.ethnic_code,
        sum(unit_members.members) as members
    from unit_members
    inner join {{ ref('int_accepted_submissions') }} as submissions
        on submissions.submission_sha256 = unit_members.submission_sha256
    inner join {{ ref('int_province_periods') }} as periods
        on periods.province_code = submissions.province_code
       and periods.period = submissions.period
    inner join {{ ref('units') }} as provinces
        on provinces.unit_code = submissions.province_code
    where submissions.is_in_province_rollup
    group by
        provinces.unit_level,
        submissions.province_code,
        provinces.unit_name,
        submissions.period,
        periods.as_of_date,
        unit_members.body_code,
        unit_members.ethnic_code
),

area_rows as (
    select * from unit_rows
    union all
    select * from province_rows
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
