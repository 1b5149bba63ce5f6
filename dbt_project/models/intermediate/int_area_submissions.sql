-- Which accepted submissions make up each area (địa bàn): the roll-up from units to their province, written once for
-- every mart. A unit is its own area for each of its submissions; its province gets a row for each of them too, with
-- the period's as-of date, units and rejected rows. A province's roll-up on a date is its units' latest rosters of the
-- period (is_in_area_roster); marts that need other figures (training's latest report per year) choose among all.
-- The province's own roster (its own bodies, seed bodies.roster_level = 'province') is an area of level province
-- too, but never a roll-up (is_rollup false): its bodies have codes of their own, so no row mixes the two.
with submissions as (
    select *
    from {{ ref('int_accepted_submissions') }}
),

unit_areas as (
    select
        units.unit_level as area_level,
        submissions.unit_code as area_code,
        units.unit_name as area_name,
        submissions.period,
        submissions.as_of_date,
        submissions.submission_sha256,
        submissions.unit_code,
        true as is_in_area_roster,
        submissions.rows_rejected,
        cast(null as integer) as units_reporting,
        cast(null as integer) as units_expected,
        false as is_rollup
    from submissions
    inner join {{ ref('units') }} as units
        on units.unit_code = submissions.unit_code
),

province_areas as (
    select
        provinces.unit_level as area_level,
        submissions.province_code as area_code,
        provinces.unit_name as area_name,
        submissions.period,
        periods.as_of_date,
        submissions.submission_sha256,
        submissions.unit_code,
        submissions.is_in_province_rollup as is_in_area_roster,
        periods.rows_rejected,
        periods.units_reporting,
        periods.units_expected,
        true as is_rollup
    from submissions
    inner join {{ ref('int_province_periods') }} as periods
        on periods.province_code = submissions.province_code
       and periods.period = submissions.period
    inner join {{ ref('units') }} as provinces
        on provinces.unit_code = submissions.province_code
)

select * from unit_areas
union all
select * from province_areas
