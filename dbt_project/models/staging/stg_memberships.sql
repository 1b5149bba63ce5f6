-- One row per person × body in a parsed submission (any status: int_memberships keeps the accepted ones).
-- The lake contract fixes the types (see _lake__sources.yml): nothing to cast.
select
    submission_sha256,
    unit_code,
    as_of_date,
    source_row,
    person_key,
    full_name,
    birth_date,
    birth_year,
    age_years,
    gender,
    ethnic_code,
    body_code,
    term,
    education_code,
    political_theory_code,
    position,
    organisation
from {{ source('lake', 'memberships') }}
