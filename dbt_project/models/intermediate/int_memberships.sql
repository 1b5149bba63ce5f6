-- Memberships of accepted submissions, one row per unit × as-of date × person × body, plus the derived bodies
-- (seed bodies.part_of: department_managers of department_head and department_deputy, and the province's own
-- twin), with the flag behind each indicator (is_<indicator_code>, macros/indicator_rules.sql).
-- Rebuilt per unit in a partition run (macros/run_units.sql).
-- Ingest keeps one row per person and body in a file (a repeat is rejected as duplicate_membership); the test
-- stg_memberships_one_row_per_person_and_body asserts it.
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook="{{ delete_run_units() }}") }}
with listings as (
    select
        memberships.submission_sha256,
        memberships.unit_code,
        memberships.as_of_date,
        submissions.period,
        memberships.source_row,
        memberships.person_key,
        memberships.body_code,
        memberships.term,
        memberships.gender,
        memberships.age_years,
        memberships.ethnic_code,
        memberships.education_code,
        memberships.political_theory_code
    from {{ ref('stg_memberships') }} as memberships
    inner join {{ ref('int_accepted_submissions') }} as submissions
        on submissions.submission_sha256 = memberships.submission_sha256
       and submissions.unit_code = memberships.unit_code
       and submissions.as_of_date = memberships.as_of_date
    {{ where_run_units('memberships.unit_code') }}
),

-- A derived body (Lãnh đạo cấp phòng: heads and deputies together) counts a person listed in several of its parts
-- (head of one office, deputy of another) once, with the attributes of their highest-ranked listing (lowest
-- bodies.sort_order, then the first source row). row_number() rather than DuckDB's arg_min(struct_pack(...)): the
-- same SQL runs on PostgreSQL.
ranked_parts as (
    select
        bodies.part_of as body_code,
        listings.submission_sha256,
        listings.unit_code,
        listings.as_of_date,
        listings.period,
        listings.person_key,
        listings.gender,
        listings.age_years,
        listings.ethnic_code,
        listings.education_code,
        listings.political_theory_code,
        row_number() over (
            partition by bodies.part_of, listings.unit_code, listings.as_of_date, listings.person_key
            order by bodies.sort_order, listings.source_row
        ) as part_rank
    from listings
    inner join {{ ref('bodies') }} as bodies
        on bodies.body_code = listings.body_code
    where bodies.part_of is not null
),

all_memberships as (
    select
        submission_sha256, unit_code, as_of_date, period, person_key, body_code, term,
        gender, age_years, ethnic_code, education_code, political_theory_code
    from listings

    union all

    select
        submission_sha256, unit_code, as_of_date, period, person_key, body_code,
        cast(null as varchar) as term,
        gender, age_years, ethnic_code, education_code, political_theory_code
    from ranked_parts
    where part_rank = 1
)

select
    m.submission_sha256,
    m.unit_code,
    m.as_of_date,
    m.period,
    m.person_key,
    m.body_code,
    m.term,
    m.gender,
    m.age_years,
    m.ethnic_code,
    m.education_code,
    m.political_theory_code,
    {%- for indicator_code, rule in indicator_rules().items() %}
    coalesce({{ rule }}, false) as is_{{ indicator_code }}{{ ',' if not loop.last }}
    {%- endfor %}
from all_memberships as m
left join {{ ref('ethnic_groups') }} as ethnic_groups
    on ethnic_groups.ethnic_code = m.ethnic_code
left join {{ ref('education_levels') }} as education_levels
    on education_levels.education_code = m.education_code
left join {{ ref('political_theory_levels') }} as political_theory_levels
    on political_theory_levels.political_theory_code = m.political_theory_code
