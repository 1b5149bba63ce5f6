-- One row per person × body in a parsed submission (any status: int_memberships keeps the accepted ones).
select
    cast(submission_sha256 as varchar) as submission_sha256,
    cast(unit_code as varchar) as unit_code,
    cast(as_of_date as date) as as_of_date,
    cast(source_row as integer) as source_row,
    cast(person_key as varchar) as person_key,
    cast(full_name as varchar) as full_name,
    cast(birth_date as date) as birth_date,
    cast(birth_year as integer) as birth_year,
    cast(age_years as integer) as age_years,
    cast(gender as varchar) as gender,
    cast(ethnic_code as varchar) as ethnic_code,
    cast(body_code as varchar) as body_code,
    cast(term as varchar) as term,
    cast(education_code as varchar) as education_code,
    cast(political_theory_code as varchar) as political_theory_code,
    cast(position as varchar) as position,
    cast(organisation as varchar) as organisation
from {{ source('lake', 'memberships') }}
