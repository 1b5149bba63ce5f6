"""The quality gate on a tiny hand-built warehouse: clean data passes, each injected defect fails the right expectation.

Real GX and DuckDB, no mocks. The warehouse has two districts (178, 180) reporting as of 2024-12-31 and one district
(181) whose validity ended before that date, so it is not expected to report.
"""

import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from engines.reader import DuckDBWarehouse
from expectations import (Suite, SuiteResult, copy_latest_report, latest_report, load_suites, report_path, validate,
                          write_report)
from expectations.runner import _read_frame, read_suite

PARAMS = {"max_reject_share": 0.05}
# The suites read the statuses' flags from the seed itself, as dbt loads it.
SUBMISSION_STATUSES = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "submission_statuses.csv"
SHA = "ab" * 32

SEEDS = """
create table ethnic_groups as
    select * from (values ('01', 'Kinh', 'Việt'), ('02', 'Tày', null), ('07', 'Nùng', null))
    as t(ethnic_code, ethnic_name, aliases);
create table bodies as
    select * from (values ('party_committee', 'Ban Chấp hành Đảng bộ', null, true, false, 1),
                          ('department_head', 'Trưởng phòng và tương đương', null, false, false, 3))
    as t(body_code, body_name, aliases, is_elected, is_derived, sort_order);
create table education_levels as
    select * from (values ('master', 'Thạc sĩ'), ('university', 'Đại học'))
    as t(education_code, education_name);
create table political_theory_levels as
    select * from (values ('advanced', 'Cao cấp'), ('intermediate', 'Trung cấp'))
    as t(political_theory_code, political_theory_name);
create table units as
    select unit_code, unit_level, unit_name, null as short_name, null as aliases, parent_code,
           valid_from::date as valid_from, valid_to::date as valid_to
    from (values ('20', 'province', 'Tỉnh Lạng Sơn', null, null, null),
                 ('178', 'district', 'Thành phố Lạng Sơn', '20', null, '2025-06-30'),
                 ('180', 'district', 'Huyện Tràng Định', '20', null, '2025-06-30'),
                 ('181', 'district', 'Huyện Bình Gia', '20', null, '2019-12-31'))
    as t(unit_code, unit_level, unit_name, parent_code, valid_from, valid_to);
"""

# unit, body, (gender, age, ethnic code, education, political theory) per member
MEMBERS = {
    ("178", "party_committee"): [("F", 38, "02", "master", "advanced"), ("M", 45, "01", "university", None),
                                 ("M", 52, "07", None, "intermediate"), ("F", 41, "07", "university", "advanced")],
    ("178", "department_head"): [("M", 35, "01", "university", None), ("F", 47, "02", "master", "advanced")],
    ("180", "party_committee"): [("M", 50, "02", "university", "advanced"), ("F", 29, "07", None, None),
                                 ("M", 60, "02", "university", "intermediate")],
    ("180", "department_head"): [("F", 44, "07", "university", "advanced")],
}

INDICATORS = """
create table indicators as
select 'district' as area_level, unit_code as area_code, u.unit_name as area_name, 2024 as period,
       as_of_date, term, body_code, b.body_name, 'female' as indicator_code,
       count(*) filter (where is_female) as numerator, count(*) as denominator,
       100.0 * count(*) filter (where is_female) / count(*) as value_pct,
       null::date as previous_as_of_date, null::double as previous_value_pct, null::double as change_pp,
       null::double as target_pct, null::boolean as meets_target, 0 as rows_rejected,
       1 as units_reporting, 1 as units_expected
from int_memberships join units as u using (unit_code) join bodies as b using (body_code)
group by all;
-- 178's party committee was 25 % women at the previous roster
update indicators set previous_as_of_date = date '2023-12-31', previous_value_pct = 25.0, change_pp = value_pct - 25.0
where area_code = '178' and body_code = 'party_committee';
"""

SUBMISSIONS = [
    ("178_2024.xlsx", "178", "accepted", 6, 6, 0),
    ("180_2024.xlsx", "180", "accepted_with_rejects", 40, 39, 1),
    ("180_2024_old.xlsx", "180", "superseded", 40, 38, 2),
    ("180_2024_copy.xlsx", "180", "duplicate", 40, 39, 1),
]


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    return small_warehouse()


def small_warehouse() -> duckdb.DuckDBPyConnection:
    """The clean hand-built warehouse of this module's docstring, in memory (also copied to PostgreSQL by
    tests/test_postgres_engine.py, to run the same suites there)."""
    con = duckdb.connect()
    con.execute(SEEDS)
    con.execute(f"create table submission_statuses as select * from read_csv('{SUBMISSION_STATUSES}', header = true)")
    con.execute(
        "create table int_memberships (unit_code varchar, as_of_date date, person_key varchar, body_code varchar,"
        " gender varchar, age_years integer, ethnic_code varchar, education_code varchar,"
        " political_theory_code varchar, term varchar, is_female boolean, is_under_40 boolean)"
    )
    for (unit, body), members in MEMBERS.items():
        for n, (gender, age, ethnic, education, theory) in enumerate(members):
            term = "2020-2025" if body == "party_committee" else None
            person_key = f"{unit}/{body}/{n}"
            con.execute(
                "insert into int_memberships values (?, date '2024-12-31', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [unit, person_key, body, gender, age, ethnic, education, theory, term, gender == "F", age < 40],
            )
    con.execute(INDICATORS)
    con.execute(
        "create table submissions (file_name varchar, sha256 varchar, area_code varchar,"
        " as_of_date date, received_at timestamp, status varchar, rows_total integer, rows_accepted integer,"
        " rows_rejected integer, message varchar, feedback_file varchar)"
    )
    for n, (file_name, unit, status, total, accepted, rejected) in enumerate(SUBMISSIONS):
        con.execute(
            "insert into submissions values (?, ?, ?, date '2024-12-31', timestamp '2025-01-05 08:00' + ?::int"
            " * interval 1 hour, ?, ?, ?, ?, null, null)",
            [file_name, f"{n:02d}" + SHA[2:], unit, n, status, total, accepted, rejected],
        )
    return con


def suite(name: str) -> Suite:
    return next(s for s in load_suites() if s.name == name)


def failures(result: SuiteResult) -> dict[tuple[str, str], str]:
    """(expectation type, column) → severity of every failed expectation."""
    return {(o.type, o.column): o.severity for o in result.failures}


def test_clean_warehouse_passes_every_suite(con):
    results = [validate(s, DuckDBWarehouse(con), PARAMS) for s in load_suites()]
    assert {r.suite for r in results} == {"memberships", "indicators", "submissions"}
    assert all(r.success for r in results)
    assert [failures(r) for r in results] == [{}, {}, {}]


def test_suites_name_the_dbt_model_they_guard():
    assert {s.name: s.table for s in load_suites()} == {
        "indicators": "indicators",
        "memberships": "int_memberships",
        "submissions": "submissions",
    }


def test_suite_queries_select_no_personal_names():
    queries = [spec.query for s in load_suites() for spec in s.expectations]
    assert not [q for q in queries if "full_name" in q or "birth_date" in q]


def test_value_pct_above_100_fails_the_range(con):
    con.execute("update indicators set value_pct = 120 where area_code = '180' and body_code = 'department_head'")
    result = validate(suite("indicators"), DuckDBWarehouse(con), PARAMS)
    assert not result.success
    # 120 also contradicts numerator / denominator, which the formula check reports.
    assert failures(result) == {
        ("expect_column_values_to_be_between", "value_pct"): "error",
        ("expect_column_values_to_be_between", "value_pct_error"): "error",
    }
    outcome = next(o for o in result.failures if o.column == "value_pct")
    assert outcome.observed["unexpected_count"] == 1
    assert outcome.examples[0]["area_code"] == "180" and outcome.examples[0]["value_pct"] == 120


def test_numerator_above_denominator_fails_the_pair_check(con):
    con.execute(
        "update indicators set numerator = denominator + 1, value_pct = 100.0 * (denominator + 1) / denominator"
        " where area_code = '178' and body_code = 'department_head'"
    )
    result = validate(suite("indicators"), DuckDBWarehouse(con), PARAMS)
    assert not result.success
    assert failures(result) == {
        ("expect_column_pair_values_a_to_be_greater_than_b", "denominator, numerator"): "error",
        ("expect_column_values_to_be_between", "value_pct"): "error",
    }


def test_duplicate_indicator_key_fails_uniqueness(con):
    con.execute("insert into indicators select * from indicators where area_code = '178' limit 1")
    result = validate(suite("indicators"), DuckDBWarehouse(con), PARAMS)
    assert not result.success
    assert failures(result) == {
        ("expect_compound_columns_to_be_unique", "area_code, as_of_date, body_code, indicator_code"): "error"
    }
    assert len(result.failures[0].examples) == 2


def test_change_pp_not_matching_previous_value_fails(con):
    con.execute("update indicators set change_pp = change_pp + 1 where change_pp is not null")
    result = validate(suite("indicators"), DuckDBWarehouse(con), PARAMS)
    assert not result.success
    assert failures(result) == {("expect_column_values_to_be_between", "change_pp_error"): "error"}


def test_change_pp_without_previous_value_fails(con):
    con.execute("update indicators set change_pp = 3.0 where area_code = '180'")
    result = validate(suite("indicators"), DuckDBWarehouse(con), PARAMS)
    assert failures(result) == {("expect_column_values_to_be_in_set", "change_pp_null_with_previous"): "error"}


def test_unit_with_memberships_missing_from_indicators_fails(con):
    con.execute("delete from indicators where area_code = '180'")
    result = validate(suite("indicators"), DuckDBWarehouse(con), PARAMS)
    assert not result.success
    # 180 also no longer appears as a district that reported: that is the information beside the error.
    assert failures(result) == {
        ("expect_column_values_to_not_be_null", "indicators_area_code"): "error",
        ("expect_column_values_to_not_be_null", "reported_area_code"): "info",
    }
    missing = next(o for o in result.failures if o.column == "indicators_area_code")
    assert {(e["unit_code"], e["body_code"]) for e in missing.examples} == {
        ("180", "party_committee"),
        ("180", "department_head"),
    }


def test_district_that_has_not_reported_is_information_not_a_warning(con):
    con.execute("update units set valid_to = date '2025-06-30' where unit_code = '181'")
    result = validate(suite("indicators"), DuckDBWarehouse(con), PARAMS)
    assert result.success and not result.warnings
    assert failures(result) == {("expect_column_values_to_not_be_null", "reported_area_code"): "info"}
    assert result.failures[0].examples[0]["unit_name"] == "Huyện Bình Gia"


def test_district_reporting_earlier_in_the_period_has_reported(con):
    con.execute("update int_memberships set as_of_date = date '2024-11-30' where unit_code = '180'")
    con.execute("update indicators set as_of_date = date '2024-11-30' where area_code = '180'")
    assert failures(validate(suite("indicators"), DuckDBWarehouse(con), PARAMS)) == {}


def test_the_provinces_own_roster_missing_from_indicators_fails(con):
    """The province's own bodies are published (docs/published-tables.md): memberships of its roster without
    indicators rows mean the marts dropped them."""
    con.execute(
        "insert into int_memberships select * replace ('20' as unit_code, 'province_party_committee' as body_code) "
        "from int_memberships where unit_code = '178' and body_code = 'party_committee'"
    )
    assert failures(validate(suite("indicators"), DuckDBWarehouse(con), PARAMS)) == {
        ("expect_column_values_to_not_be_null", "indicators_area_code"): "error"}


def test_gender_outside_f_m_fails(con):
    con.execute("update int_memberships set gender = 'X' where person_key = '178/party_committee/1'")
    result = validate(suite("memberships"), DuckDBWarehouse(con), PARAMS)
    assert not result.success
    assert failures(result) == {("expect_column_values_to_be_in_set", "gender"): "error"}


def test_age_90_fails_the_age_range(con):
    con.execute("update int_memberships set age_years = 90 where person_key = '180/party_committee/2'")
    result = validate(suite("memberships"), DuckDBWarehouse(con), PARAMS)
    assert failures(result) == {("expect_column_values_to_be_between", "age_years"): "error"}
    example = result.failures[0].examples[0]
    assert (example["unit_code"], example["body_code"], example["age_years"]) == ("180", "party_committee", 90)
    assert "person_key" not in example


def test_unknown_ethnic_code_fails(con):
    con.execute("update int_memberships set ethnic_code = '99' where person_key = '178/party_committee/0'")
    result = validate(suite("memberships"), DuckDBWarehouse(con), PARAMS)
    assert failures(result) == {("expect_column_values_to_be_in_set", "ethnic_code"): "error"}


def test_ethnic_codes_come_from_the_seed(con):
    con.execute("update int_memberships set ethnic_code = '08' where person_key = '178/party_committee/0'")
    con.execute("insert into ethnic_groups values ('08', 'HMông', 'Mông')")
    assert validate(suite("memberships"), DuckDBWarehouse(con), PARAMS).success


def test_duplicate_membership_fails_uniqueness(con):
    con.execute("insert into int_memberships select * from int_memberships where person_key = '178/party_committee/0'")
    result = validate(suite("memberships"), DuckDBWarehouse(con), PARAMS)
    assert failures(result) == {
        ("expect_compound_columns_to_be_unique", "unit_code, as_of_date, person_key, body_code"): "error"
    }
    assert [e["unit_code"] for e in result.failures[0].examples] == ["178", "178"]
    assert not any("person_key" in e for e in result.failures[0].examples)


def test_membership_without_a_person_key_fails_completeness(con):
    con.execute("update int_memberships set person_key = null where person_key = '180/party_committee/2'")
    result = validate(suite("memberships"), DuckDBWarehouse(con), PARAMS)
    assert failures(result) == {("expect_column_values_to_not_be_null", "person_key"): "error"}
    assert result.failures[0].observed["unexpected_count"] == 1


def test_the_frame_checks_codes_as_categories_and_keys_as_python_strings(con):
    """Codes (few distinct values) become categories; person keys (all distinct) Python strings, which pandas hashes
    for the uniqueness check without a dictionary as long as the column."""
    con.execute("create table wide as select i % 3 as n, 'code' || (i % 3) as code, 'key' || i as key "
                "from range(1000) as t(i)")
    frame = _read_frame(DuckDBWarehouse(con), "select n, code, key from wide")
    assert str(frame["code"].dtype) == "category"
    assert frame["key"].dtype == object and frame["key"].map(type).eq(str).all()
    assert (frame["n"].dtype.name, frame["key"].nunique(), frame["code"].nunique()) == ("int64", 1000, 3)


def test_accepted_submission_with_30_percent_rejects_fails(con):
    con.execute("update submissions set rows_accepted = 28, rows_rejected = 12 where file_name = '180_2024.xlsx'")
    result = validate(suite("submissions"), DuckDBWarehouse(con), PARAMS)
    assert not result.success
    assert failures(result) == {("expect_column_values_to_be_between", "accepted_reject_share"): "error"}
    outcome = result.failures[0]
    assert outcome.kwargs["max_value"] == 0.05
    assert outcome.examples[0]["file_name"] == "180_2024.xlsx"


def test_suites_over_person_keys_show_only_columns_without_them():
    """The report is world-readable and Dagster shows the examples: a suite whose rows carry a person key names the
    columns its examples may show, and the key is not one of them."""
    keyed = [s for s in load_suites() if any("person_key" in spec.query for spec in s.expectations)]
    assert [s.name for s in keyed] == ["memberships"]
    assert all(s.example_columns and "person_key" not in s.example_columns for s in keyed)


def test_reject_share_limit_is_the_configured_parameter(con):
    con.execute("update submissions set rows_accepted = 28, rows_rejected = 12 where file_name = '180_2024.xlsx'")
    assert validate(suite("submissions"), DuckDBWarehouse(con), {"max_reject_share": 0.5}).success


def test_missing_parameter_is_refused(con):
    with pytest.raises(KeyError, match="max_reject_share"):
        validate(suite("submissions"), DuckDBWarehouse(con), {})


def test_quarantined_file_warns_but_passes(con):
    con.execute(
        "insert into submissions values ('181_2024.xlsx', ?, '181', date '2024-12-31', timestamp '2025-01-06',"
        " 'quarantined', 40, 28, 12, '12 of 40 rows rejected', '181_2024-12-31_phan_hoi.xlsx')",
        ["cd" * 32],
    )
    result = validate(suite("submissions"), DuckDBWarehouse(con), PARAMS)
    assert result.success
    assert failures(result) == {("expect_column_values_to_not_be_in_set", "status"): "warn"}
    assert result.failures[0].examples[0]["file_name"] == "181_2024.xlsx"


def _page(results: list[SuiteResult], folder: Path, run_id: str = "run-0001", keep: int = 30,
          now: datetime | None = None) -> Path:
    return write_report(results, report_path(folder, run_id, now), keep=keep, now=now)


def test_report_names_the_failing_expectation_and_column(con, tmp_path):
    con.execute("update indicators set value_pct = 120 where area_code = '180' and body_code = 'department_head'")
    results = [validate(s, DuckDBWarehouse(con), PARAMS) for s in load_suites()]
    page = _page(results, tmp_path / "quality").read_text(encoding="utf-8")
    failing_row = next(row for row in page.split("<tr") if "failed-error" in row and "value_pct</code>" in row)
    assert "expect_column_values_to_be_between" in failing_row


def test_report_escapes_warehouse_values(con, tmp_path):
    con.execute(
        "insert into submissions values ('<script>alert(1)</script>.xlsx', ?, null, null, now(), 'rejected',"
        " 0, 0, 0, 'unreadable', null)",
        ["ef" * 32],
    )
    page = _page([validate(suite("submissions"), DuckDBWarehouse(con), PARAMS)], tmp_path).read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.xlsx" in page


def test_report_is_vietnamese_first_then_english_in_hanoi_time(con, tmp_path):
    con.execute("update units set valid_to = date '2025-06-30' where unit_code = '181'")
    results = [validate(s, DuckDBWarehouse(con), PARAMS) for s in load_suites()]
    page = _page(results, tmp_path, now=datetime(2025, 1, 31, 17, 30, tzinfo=UTC)).read_text(encoding="utf-8")
    assert "<html lang='vi'>" in page
    assert page.index("Báo cáo chất lượng dữ liệu") < page.index("Data quality report")
    assert "00:30 ngày 01/02/2025" in page and "generated 2025-02-01 00:30, Hanoi time" in page
    unreported = suite("indicators").expectations[-1]
    assert unreported.severity == "info"
    assert page.index(unreported.why_vi) < page.index(unreported.why)
    assert "đạt, có thông tin" in page and "tr class='failed-info'" in page


def test_report_is_readable_by_everyone_and_writable_by_no_one(con, tmp_path):
    before = os.umask(0o077)  # a run's umask: everything else it writes is the service user's alone
    try:
        page = _page([validate(s, DuckDBWarehouse(con), PARAMS) for s in load_suites()], tmp_path / "quality")
    finally:
        os.umask(before)
    assert stat.S_IMODE(page.stat().st_mode) == 0o444
    assert stat.S_IMODE(page.parent.stat().st_mode) == 0o755


def test_only_the_newest_reports_are_kept(con, tmp_path):
    results = [validate(suite("submissions"), DuckDBWarehouse(con), PARAMS)]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    pages = [_page(results, tmp_path, f"run-{i}", keep=3, now=start + timedelta(hours=i)) for i in range(5)]
    assert sorted(tmp_path.iterdir()) == pages[2:]
    assert latest_report(tmp_path) == pages[-1]


def test_the_newest_report_is_copied_into_a_release(con, tmp_path):
    results = [validate(suite("submissions"), DuckDBWarehouse(con), PARAMS)]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    newest = [_page(results, tmp_path / "quality", f"run-{i}", now=start + timedelta(hours=i)) for i in range(2)][-1]
    (tmp_path / "release").mkdir()
    assert copy_latest_report(tmp_path / "empty", tmp_path / "release") is None
    copied = copy_latest_report(tmp_path / "quality", tmp_path / "release")
    assert copied == tmp_path / "release" / "quality_report.html"
    assert copied.read_bytes() == newest.read_bytes()


def test_report_never_shows_a_person_key(con, tmp_path):
    con.execute("insert into int_memberships select * from int_memberships where person_key = '178/party_committee/0'")
    con.execute("update int_memberships set age_years = 90 where person_key = '180/party_committee/2'")
    result = validate(suite("memberships"), DuckDBWarehouse(con), PARAMS)
    assert len(result.failures) == 2
    page = _page([result], tmp_path).read_text(encoding="utf-8")
    assert "party_committee/" not in page and "person_key</th>" not in page
    assert "<td>90</td>" in page  # the failing row is still shown, by what locates it and the failing value


def test_suite_without_severity_is_refused(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text(
        json.dumps(
            {
                "name": "broken",
                "table": "indicators",
                "query": "select 1 as x",
                "expectations": [
                    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "x"},
                     "meta": {"severity": "fatal", "dimension": "validity", "why": "test", "why_vi": "thử"}}
                ],
            }
        )
    )
    with pytest.raises(ValueError, match="broken.json"):
        read_suite(path)


def test_expectation_without_a_vietnamese_why_is_refused(tmp_path):
    path = tmp_path / "english_only.json"
    expectation = {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "x"},
                   "meta": {"severity": "error", "dimension": "validity", "why": "test"}}
    path.write_text(json.dumps({"name": "english_only", "table": "indicators", "query": "select 1 as x",
                                "expectations": [expectation]}))
    with pytest.raises(ValueError, match="why_vi"):
        read_suite(path)


def test_expectation_on_a_missing_column_fails_with_the_reason(con, tmp_path):
    path = tmp_path / "typo.json"
    path.write_text(
        json.dumps(
            {
                "name": "typo",
                "table": "indicators",
                "query": "select area_code from indicators",
                "expectations": [
                    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "area_cod"},
                     "meta": {"severity": "error", "dimension": "completeness", "why": "test", "why_vi": "thử"}}
                ],
            }
        )
    )
    result = validate(read_suite(path), DuckDBWarehouse(con), PARAMS)
    assert not result.success
    assert "area_cod" in result.failures[0].observed["exception"]


def test_outcomes_keep_the_suite_order(con):
    memberships = suite("memberships")
    result = validate(memberships, DuckDBWarehouse(con), PARAMS)
    assert [(o.type, o.kwargs.get("column")) for o in result.results] == [
        (spec.type, spec.kwargs.get("column")) for spec in memberships.expectations
    ]


def test_examples_and_observed_values_are_json_ready(con):
    con.execute("update int_memberships set age_years = 90 where person_key = '180/party_committee/2'")
    outcome = validate(suite("memberships"), DuckDBWarehouse(con), PARAMS).failures[0]
    assert json.loads(json.dumps([outcome.observed, list(outcome.examples)]))[1][0]["as_of_date"] == "2024-12-31"

