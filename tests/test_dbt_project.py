"""The dbt project on a hand-built lake: real `dbt build` (dbt-duckdb), figures computed by hand.

The lake below follows docs/lake-contract.md. Units and what each one proves:

- 178 (TP Lạng Sơn), 2024-12-31, accepted: party committee of 41 with 17 women;
  department heads and deputies where one person is both. A superseded file for the same date (41 women) and a
  duplicate of the accepted file must not count. 2024-06-30, accepted: an earlier roster of the same period, left out
  of the province. 2019-12-31, accepted: the previous period (10 women of 40).
- 180 (Tràng Định), 2024-06-30, accepted_with_rejects: party committee of 9 with 1 woman; summed into the province.
- 181 (Bình Gia), quarantined: its rows are in the lake but must not count.
- An unidentified, rejected file. rejected_rows holds only the empty schema file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from ingest.lake import SCHEMAS as LAKE_SCHEMAS

REPO = Path(__file__).resolve().parents[1]
DBT_PROJECT = REPO / "dbt_project"
DBT = Path(sys.executable).parent / "dbt"  # the dbt installed beside this Python, as orchestration runs it

@dataclass(frozen=True)
class Submission:
    sha256: str
    unit_code: str | None
    as_of: date | None
    received_at: datetime
    status: str
    rows_rejected: int = 0
    file_name: str = ""


def sha(label: str) -> str:
    return (label.encode().hex() * 64)[:64]


def members(sub: Submission, body: str, count: int, women: int, *, first_row: int = 5, prefix: str = "",
            term: str | None = None, age: int = 45, ethnic_code: str = "07") -> list[dict]:
    """`count` people of one body, the first `women` of them women, with keys unique to the prefix."""
    prefix = prefix or f"{sub.unit_code}-{body}-"
    return [
        {
            "submission_sha256": sub.sha256, "unit_code": sub.unit_code, "as_of_date": sub.as_of,
            "source_row": first_row + i, "person_key": f"{prefix}{i}", "full_name": f"Người {i}",
            "birth_date": None, "birth_year": sub.as_of.year - age, "age_years": age,
            "gender": "F" if i < women else "M", "ethnic_code": ethnic_code, "body_code": body, "term": term,
            "education_code": "university", "political_theory_code": "advanced", "position": None,
            "organisation": None,
        }
        for i in range(count)
    ]


def write_lake_file(lake: Path, table: str, unit: str, name: str, rows: list[dict]) -> None:
    folder = lake / table / f"unit={unit}"
    folder.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(rows, schema=LAKE_SCHEMAS[table], orient="row").write_parquet(folder / f"{name}.parquet")


def write_empty_lake(lake: Path) -> None:
    """What ingest writes before any submission: an empty file with the schema per table."""
    for table in LAKE_SCHEMAS:
        write_lake_file(lake, table, "none", "empty", [])


def write_submissions(lake: Path, submissions: list[Submission]) -> None:
    by_unit: dict[str, list[dict]] = {}
    for s in submissions:
        by_unit.setdefault(s.unit_code or "unidentified", []).append({
            "file_name": s.file_name or f"{s.unit_code}_{s.as_of}_{s.status}.xlsx", "sha256": s.sha256,
            "unit_code": s.unit_code, "as_of_date": s.as_of, "received_at": s.received_at, "status": s.status,
            "rows_total": 50, "rows_accepted": 50 - s.rows_rejected, "rows_rejected": s.rows_rejected,
            "message": None if s.status == "accepted" else s.status, "feedback_file": None,
        })
    for unit, rows in by_unit.items():
        write_lake_file(lake, "submissions", unit, "submissions", rows)


TERM = "2020-2025"
ACCEPTED_178 = Submission(sha("a178"), "178", date(2024, 12, 31), datetime(2025, 1, 5, 8), "accepted")
SUPERSEDED_178 = Submission(sha("s178"), "178", date(2024, 12, 31), datetime(2025, 1, 2, 8), "superseded")
DUPLICATE_178 = Submission(ACCEPTED_178.sha256, "178", date(2024, 12, 31), datetime(2025, 1, 6, 8), "duplicate",
                           file_name="178_copy.xlsx")
MID_YEAR_178 = Submission(sha("m178"), "178", date(2024, 6, 30), datetime(2024, 7, 3, 8), "accepted")
PREVIOUS_178 = Submission(sha("p178"), "178", date(2019, 12, 31), datetime(2020, 1, 6, 8), "accepted")
ACCEPTED_180 = Submission(sha("a180"), "180", date(2024, 6, 30), datetime(2024, 7, 2, 8), "accepted_with_rejects",
                          rows_rejected=1)
QUARANTINED_181 = Submission(sha("q181"), "181", date(2024, 12, 31), datetime(2025, 1, 3, 8), "quarantined",
                             rows_rejected=20)
UNIDENTIFIED = Submission(sha("u"), None, None, datetime(2025, 1, 4, 8), "rejected", file_name="bao_cao.xlsx")


def write_test_lake(lake: Path) -> None:
    write_empty_lake(lake)
    write_submissions(lake, [ACCEPTED_178, SUPERSEDED_178, DUPLICATE_178, MID_YEAR_178, PREVIOUS_178,
                             ACCEPTED_180, QUARANTINED_181, UNIDENTIFIED])

    committee = members(ACCEPTED_178, "party_committee", 41, 17, term=TERM)
    head_and_deputy = {"person_key": "178-manager-both", "gender": "F"}
    department = (
        members(ACCEPTED_178, "department_head", 2, 0, first_row=60, prefix="178-head-")
        + members(ACCEPTED_178, "department_deputy", 3, 1, first_row=70, prefix="178-deputy-", age=35)
    )
    department[0].update(head_and_deputy)
    department[2].update(head_and_deputy)
    write_lake_file(lake, "memberships", "178", ACCEPTED_178.sha256, committee + department)
    write_lake_file(lake, "memberships", "178", SUPERSEDED_178.sha256,
                    members(SUPERSEDED_178, "party_committee", 41, 41, term=TERM))
    write_lake_file(lake, "memberships", "178", MID_YEAR_178.sha256,
                    members(MID_YEAR_178, "party_committee", 40, 20, term=TERM))
    write_lake_file(lake, "memberships", "178", PREVIOUS_178.sha256,
                    members(PREVIOUS_178, "party_committee", 40, 10, term="2015-2020"))
    write_lake_file(lake, "memberships", "180", ACCEPTED_180.sha256,
                    members(ACCEPTED_180, "party_committee", 9, 1, term=TERM, ethnic_code="01"))
    write_lake_file(lake, "memberships", "181", QUARANTINED_181.sha256,
                    members(QUARANTINED_181, "party_committee", 30, 30, term=TERM))

    def training(sub: Submission, year: int, metric: str, value: int) -> dict:
        return {"submission_sha256": sub.sha256, "unit_code": sub.unit_code, "as_of_date": sub.as_of,
                "source_row": 10, "year": year, "metric_code": metric, "value": value}

    write_lake_file(lake, "training", "178", MID_YEAR_178.sha256,
                    [training(MID_YEAR_178, 2024, "training_participations", 100)])
    write_lake_file(lake, "training", "178", ACCEPTED_178.sha256,
                    [training(ACCEPTED_178, 2024, "training_participations", 120)])
    write_lake_file(lake, "training", "180", ACCEPTED_180.sha256,
                    [training(ACCEPTED_180, 2024, "training_participations", 30)])
    write_lake_file(lake, "training", "181", QUARANTINED_181.sha256,
                    [training(QUARANTINED_181, 2024, "training_participations", 999)])


def run_dbt(warehouse: Path, *args: str, succeeds: bool = True,
            units: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """Run the real dbt CLI on the repo's project, with target/ and logs/ under `warehouse` (``units``: a partition
    run's units). They reach dbt as orchestration passes them: the warehouse in --vars, the same on every run, the
    units in CADRE_RUN_UNITS (dbt_project/macros/run_units.sql); no other CADRE_* variable is left in dbt's
    environment."""
    (warehouse / "work").mkdir(parents=True, exist_ok=True)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("CADRE_")},
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "CADRE_RUN_UNITS": ",".join(units)}
    run_vars = {"warehouse": str(warehouse), "duckdb_memory_limit": "1GB"}
    command = [str(DBT), *args, "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
               "--target-path", str(warehouse / "target"), "--log-path", str(warehouse / "logs"),
               "--vars", json.dumps(run_vars)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert (result.returncode == 0) == succeeds, result.stdout[-6000:] + result.stderr[-2000:]
    return result


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("warehouse")
    write_test_lake(root / "lake")
    run_dbt(root, "build")
    return root


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse / "work" / "warehouse.duckdb"), read_only=True) as con:
        return con.sql(sql).fetchall()


def indicator(warehouse: Path, area_code: str, period: int, body: str = "party_committee",
              indicator_code: str = "female") -> dict:
    with duckdb.connect(str(warehouse / "work" / "warehouse.duckdb"), read_only=True) as con:
        rows = con.sql(
            "select * from indicators where area_code = $area and period = $period and body_code = $body "
            "and indicator_code = $indicator order by as_of_date desc",
            params={"area": area_code, "period": period, "body": body, "indicator": indicator_code},
        ).pl().to_dicts()
    assert rows, f"no indicators row for {area_code} {period} {body} {indicator_code}"
    return rows[0]


@pytest.mark.slow
def test_unit_value_is_exact_share_of_women(warehouse: Path) -> None:
    row = indicator(warehouse, "178", 2024)
    assert (row["area_level"], row["as_of_date"], row["term"]) == ("district", date(2024, 12, 31), TERM)
    assert (row["numerator"], row["denominator"]) == (17, 41)
    assert row["value_pct"] == 100 * 17 / 41


@pytest.mark.slow
def test_only_accepted_submissions_count(warehouse: Path) -> None:
    as_of_dates = query(warehouse, "select distinct as_of_date from indicators where area_code = '178' "
                                   "and period = 2024 order by 1")
    assert as_of_dates == [(date(2024, 6, 30),), (date(2024, 12, 31),)]
    assert indicator(warehouse, "178", 2024)["numerator"] == 17
    assert query(warehouse, "select count(*) from indicators where area_code = '181'") == [(0,)]


@pytest.mark.slow
def test_province_sums_counts_of_latest_unit_rosters(warehouse: Path) -> None:
    province = indicator(warehouse, "20", 2024)
    assert (province["area_level"], province["area_name"]) == ("province", "Tỉnh Lạng Sơn")
    assert (province["numerator"], province["denominator"]) == (17 + 1, 41 + 9)
    assert province["value_pct"] == 100 * 18 / 50
    assert province["value_pct"] != pytest.approx((100 * 17 / 41 + 100 * 1 / 9) / 2)
    assert province["as_of_date"] == date(2024, 12, 31)
    assert (province["units_reporting"], province["units_expected"]) == (2, 11)
    assert province["rows_rejected"] == 1


@pytest.mark.slow
def test_change_is_against_the_previous_period(warehouse: Path) -> None:
    unit = indicator(warehouse, "178", 2024)
    assert (unit["previous_as_of_date"], unit["previous_value_pct"]) == (date(2019, 12, 31), 25.0)
    assert unit["change_pp"] == 100 * 17 / 41 - 25.0
    province = indicator(warehouse, "20", 2024)
    assert province["change_pp"] == 100 * 18 / 50 - 25.0


@pytest.mark.slow
def test_a_person_listed_twice_in_a_body_fails_the_build(warehouse: Path, tmp_path: Path) -> None:
    """Ingest rejects the second listing (duplicate_membership); dbt asserts it instead of removing it again."""
    copy = tmp_path / "warehouse"
    shutil.copytree(warehouse, copy)
    committee = members(ACCEPTED_178, "party_committee", 41, 17, term=TERM)
    write_lake_file(copy / "lake", "memberships", "178", ACCEPTED_178.sha256,
                    committee + [{**committee[0], "source_row": 99}])
    # build, not only test: the copy's staging table must be rebuilt from the copy's lake
    result = run_dbt(copy, "build", "--select", "stg_memberships", succeeds=False)
    assert "Failure in test stg_memberships_one_row_per_person_and_body" in result.stdout, result.stdout[-3000:]


@pytest.mark.slow
def test_two_accepted_files_for_one_unit_and_as_of_date_fail_the_build(warehouse: Path, tmp_path: Path) -> None:
    """Ingest accepts the latest file of a unit and as-of date and supersedes the others; dbt does not choose again."""
    copy = tmp_path / "warehouse"
    shutil.copytree(warehouse, copy)
    write_submissions(copy / "lake", [ACCEPTED_178, replace(SUPERSEDED_178, status="accepted"), DUPLICATE_178,
                                      MID_YEAR_178, PREVIOUS_178, ACCEPTED_180, QUARANTINED_181, UNIDENTIFIED])
    result = run_dbt(copy, "build", "--select", "stg_submissions", "int_accepted_submissions", succeeds=False)
    assert "Failure in test one_accepted_submission_per_unit_and_as_of" in result.stdout, result.stdout[-3000:]


@pytest.mark.slow
def test_department_managers_count_head_and_deputy_once(warehouse: Path) -> None:
    heads = indicator(warehouse, "178", 2024, body="department_head")
    deputies = indicator(warehouse, "178", 2024, body="department_deputy")
    managers = indicator(warehouse, "178", 2024, body="department_managers")
    assert (heads["denominator"], deputies["denominator"], managers["denominator"]) == (2, 3, 4)
    assert managers["numerator"] == 1  # the woman who is both head and deputy
    assert managers["term"] is None


@pytest.mark.slow
def test_target_is_compared_for_party_committee_under_40(warehouse: Path) -> None:
    row = indicator(warehouse, "178", 2024, indicator_code="under_40")
    assert (row["numerator"], row["target_pct"], row["meets_target"]) == (0, 10.0, False)
    assert indicator(warehouse, "178", 2024)["meets_target"] is None


@pytest.mark.slow
def test_ethnicity_composition_shares_of_a_body(warehouse: Path) -> None:
    rows = query(warehouse, "select area_code, ethnic_code, ethnic_name, members, share_pct "
                            "from ethnicity_composition where period = 2024 and body_code = 'party_committee' "
                            "and as_of_date = '2024-12-31' order by area_code, ethnic_code")
    assert rows == [("178", "07", "Nùng", 41, 100.0),
                    ("20", "01", "Kinh", 9, 100 * 9 / 50), ("20", "07", "Nùng", 41, 100 * 41 / 50)]


@pytest.mark.slow
def test_training_latest_as_of_wins_and_province_sums(warehouse: Path) -> None:
    rows = query(warehouse, "select area_code, value from training_recruitment "
                            "where year = 2024 and metric_code = 'training_participations' order by area_code")
    assert rows == [("178", 120), ("180", 30), ("20", 150)]


@pytest.mark.slow
def test_submissions_mart_lists_every_file_in_contract_order(warehouse: Path) -> None:
    columns = [name for (name,) in query(
        warehouse, "select column_name from information_schema.columns where table_name = 'submissions' "
                   "and table_schema = 'main' order by ordinal_position")]
    assert columns == ["file_name", "sha256", "area_code", "as_of_date", "received_at", "status", "rows_total",
                       "rows_accepted", "rows_rejected", "message", "feedback_file", "status_name", "needs_attention"]
    assert query(warehouse, "select count(*) from submissions") == [(8,)]


@pytest.mark.slow
def test_submissions_mart_names_each_status_and_flags_what_needs_attention(warehouse: Path) -> None:
    rows = query(warehouse, "select distinct status, status_name, needs_attention from submissions order by status")
    assert rows == [
        ("accepted", "Đã chấp nhận", False), ("accepted_with_rejects", "Đã chấp nhận, có dòng bị loại", False),
        ("duplicate", "Trùng lặp", False), ("quarantined", "Tạm giữ", True), ("rejected", "Từ chối", True),
        ("superseded", "Đã được thay thế", False),
    ]


@pytest.mark.slow
def test_indicators_columns_and_types_are_the_contract(warehouse: Path) -> None:
    columns = query(warehouse, "select column_name, data_type from information_schema.columns "
                               "where table_name = 'indicators' and table_schema = 'main' order by ordinal_position")
    assert columns == [
        ("area_level", "VARCHAR"), ("area_code", "VARCHAR"), ("area_name", "VARCHAR"), ("period", "INTEGER"),
        ("as_of_date", "DATE"), ("term", "VARCHAR"), ("body_code", "VARCHAR"), ("body_name", "VARCHAR"),
        ("indicator_code", "VARCHAR"), ("numerator", "INTEGER"), ("denominator", "INTEGER"),
        ("value_pct", "DOUBLE"), ("previous_as_of_date", "DATE"), ("previous_value_pct", "DOUBLE"),
        ("change_pp", "DOUBLE"), ("target_pct", "DOUBLE"), ("meets_target", "BOOLEAN"),
        ("rows_rejected", "INTEGER"), ("units_reporting", "INTEGER"), ("units_expected", "INTEGER"),
        ("indicator_name", "VARCHAR"), ("indicator_sort_order", "INTEGER"), ("body_sort_order", "INTEGER"),
    ]


@pytest.mark.slow
def test_indicators_carry_the_names_and_orders_of_the_seeds(warehouse: Path) -> None:
    row = indicator(warehouse, "178", 2024, body="department_managers", indicator_code="under_40")
    assert (row["indicator_name"], row["indicator_sort_order"], row["body_sort_order"]) == (
        "Tỷ lệ dưới 40 tuổi", 2, 5)


@pytest.mark.slow
def test_docs_generate_documents_every_built_column(warehouse: Path) -> None:
    """Every column a model builds has a description, but int_memberships' is_<indicator_code> flags: one per row of
    the indicators seed (its indicator_name says what the flag means), so adding an indicator stays a seed row and a
    rule."""
    run_dbt(warehouse, "docs", "generate")
    manifest = json.loads((warehouse / "target" / "manifest.json").read_text())
    catalog = json.loads((warehouse / "target" / "catalog.json").read_text())
    with (REPO / "dbt_project" / "seeds" / "indicators.csv").open(encoding="utf-8") as seed:
        flags = {f"is_{line.split(',')[0]}" for line in list(seed)[1:]}
    undocumented = [
        f"{node['name']}.{column.lower()}"
        for unique_id, node in catalog["nodes"].items()
        if unique_id.startswith("model.")
        for column in node["columns"]
        if column.lower() not in manifest["nodes"][unique_id]["columns"]
        and not (node["metadata"]["name"] == "int_memberships" and column.lower() in flags)
    ]
    assert undocumented == []


@pytest.mark.slow
def test_a_null_in_a_required_column_fails_the_models_rules_test_naming_it(warehouse: Path, tmp_path: Path) -> None:
    copy = tmp_path / "warehouse"
    shutil.copytree(warehouse, copy)
    with duckdb.connect(str(copy / "work" / "warehouse.duckdb")) as con:
        con.execute("update int_memberships set is_female = null where person_key = (select min(person_key) "
                    "from int_memberships where body_code = 'party_committee') and body_code = 'party_committee'")
    result = run_dbt(copy, "test", "--select", "int_memberships_rules", succeeds=False)
    assert "Failure in test int_memberships_rules" in result.stdout, result.stdout[-3000:]
    assert "Got 1 result, configured to fail if != 0" in result.stdout
    compiled = next((copy / "target" / "compiled").rglob("int_memberships_rules.sql")).read_text(encoding="utf-8")
    nulls = query(copy, "select count(*) from int_memberships where is_female is null")[0][0]
    assert nulls > 0 and query(copy, compiled) == [("not null: is_female", nulls)]
    run_dbt(copy, "test", "--select", "int_accepted_submissions_rules")


@pytest.mark.slow
def test_a_tables_rules_test_fails_with_each_broken_rule_and_how_many_rows_break_it(warehouse: Path,
                                                                                     tmp_path: Path) -> None:
    copy = tmp_path / "warehouse"
    shutil.copytree(warehouse, copy)
    with duckdb.connect(str(copy / "work" / "warehouse.duckdb")) as con:
        con.execute("insert into seed_units select * from seed_units where unit_code = '178'")
        con.execute("update seed_units set unit_level = 'hamlet' where unit_code = '180'")
        con.execute("update seed_units set unit_type = 'thôn' where unit_code = '181'")
        con.execute("update seed_units set parent_code = '99' where unit_code = '182'")
        con.execute("update seed_units set short_name = null where unit_code in ('183', '184')")
    result = run_dbt(copy, "test", "--select", "units_rules", succeeds=False)
    assert "Failure in test units_rules" in result.stdout, result.stdout[-3000:]
    assert "Got 5 results, configured to fail if != 0" in result.stdout
    compiled = next((copy / "target" / "compiled").rglob("units_rules.sql")).read_text(encoding="utf-8")
    assert sorted(query(copy, compiled)) == [
        ("accepted values: unit_level", 1),
        ("not null: short_name", 2),
        ("relationship: parent_code → seed_units.unit_code", 1),
        ("relationship: unit_type → unit_types.unit_type", 1),
        ("unique: unit_code", 2),
    ]
    run_dbt(copy, "test", "--select", "unit_types_rules")


REBUILT_PER_UNIT = ("stg_memberships", "stg_rejected_rows", "stg_training", "int_memberships",
                    "int_unit_indicator_counts", "indicators", "ethnicity_composition")


def table_rows(warehouse: Path, table: str) -> list[tuple]:
    return sorted(query(warehouse, f"select * from {table}"), key=repr)


@pytest.mark.slow
def test_a_partition_run_rebuilds_its_unit_to_what_a_full_build_gives(warehouse: Path, tmp_path: Path) -> None:
    partial, full = tmp_path / "partial", tmp_path / "full"
    shutil.copytree(warehouse, partial)
    changes = [
        # district 180 sends another roster for the same date: 12 members, 5 of them women
        lambda lake: write_lake_file(lake, "memberships", "180", ACCEPTED_180.sha256,
                                     members(ACCEPTED_180, "party_committee", 12, 5, term=TERM, ethnic_code="01")),
        # then its only accepted file turns out rejected: none of its rows may stay
        lambda lake: write_submissions(lake, [ACCEPTED_178, SUPERSEDED_178, DUPLICATE_178, MID_YEAR_178,
                                              PREVIOUS_178, replace(ACCEPTED_180, status="rejected"),
                                              QUARANTINED_181, UNIDENTIFIED]),
    ]
    for change in changes:
        change(partial / "lake")
        run_dbt(partial, "build", "--exclude-resource-type", "unit_test", units=("180",))
        shutil.rmtree(full, ignore_errors=True)
        shutil.copytree(partial / "lake", full / "lake")
        run_dbt(full, "build", "--exclude-resource-type", "unit_test", "--full-refresh")
        for table in REBUILT_PER_UNIT:
            assert table_rows(partial, table) == table_rows(full, table), table
    assert query(partial, "select count(*) from int_memberships where unit_code = '180'") == [(0,)]
    assert query(partial, "select count(*) from int_memberships where unit_code = '178'") != [(0,)]


@pytest.mark.slow
def test_a_partition_run_reads_only_its_units_lake_files(warehouse: Path, tmp_path: Path) -> None:
    """Another unit's unreadable lake file does not concern a partition run (it opens its units' files only, and
    unit 180 has no rejected rows: the empty file of unit=none stands in); a full build reads it and fails."""
    copy = tmp_path / "warehouse"
    shutil.copytree(warehouse, copy)
    (copy / "lake" / "memberships" / "unit=181" / f"{sha('broken')}.parquet").write_bytes(b"not a parquet file")
    write_lake_file(copy / "lake", "memberships", "180", ACCEPTED_180.sha256,
                    members(ACCEPTED_180, "party_committee", 12, 5, term=TERM, ethnic_code="01"))
    run_dbt(copy, "build", "--exclude-resource-type", "unit_test", units=("180",))
    assert query(copy, "select count(*) from stg_memberships where unit_code = '180'") == [(12,)]
    assert query(copy, "select count(*) from stg_memberships where unit_code = '181'") == [(30,)]
    result = run_dbt(copy, "build", "--exclude-resource-type", "unit_test", "--full-refresh", succeeds=False)
    assert f"{sha('broken')}.parquet" in result.stdout, result.stdout[-3000:]


@pytest.mark.slow
def test_a_partition_run_reuses_the_full_runs_parse(warehouse: Path, tmp_path: Path) -> None:
    """The units of a partition run do not make dbt parse the whole project again (as a change of --vars would):
    only the files that read them at parse time, and there are none."""
    copy = tmp_path / "warehouse"
    shutil.copytree(warehouse, copy)
    run_dbt(copy, "build", "--exclude-resource-type", "unit_test", "--full-refresh")
    log = copy / "logs" / "dbt.log"
    log.unlink()
    run_dbt(copy, "build", "--exclude-resource-type", "unit_test", units=("180",))
    assert "Partial parsing enabled, no changes found, skipping parsing" in log.read_text(encoding="utf-8")
    assert "Unable to do partial parsing" not in log.read_text(encoding="utf-8")


@pytest.mark.slow
def test_build_succeeds_on_a_lake_of_empty_files(tmp_path: Path) -> None:
    write_empty_lake(tmp_path / "lake")
    run_dbt(tmp_path, "build")
    assert query(tmp_path, "select count(*) from indicators") == [(0,)]


@pytest.mark.slow
def test_refused_files_naming_a_unit_not_valid_on_their_date_build_and_count_nowhere(tmp_path: Path) -> None:
    """Ingest keeps the unit a unit_not_valid or as_of_in_future file names, so its clerk gets feedback
    (docs/submission-format.md, A12): a former district after the reform, a commune a year ahead."""
    lake = tmp_path / "lake"
    write_empty_lake(lake)
    former = Submission(sha("n183"), "183", date(2025, 10, 15), datetime(2025, 10, 20, 8), "rejected")
    ahead = Submission(sha("f06253"), "06253", date(date.today().year + 1, 1, 1), datetime(2025, 10, 20, 9),
                       "rejected")
    write_submissions(lake, [ACCEPTED_180, former, ahead])
    write_lake_file(lake, "memberships", "180", ACCEPTED_180.sha256,
                    members(ACCEPTED_180, "party_committee", 9, 1, term=TERM))
    run_dbt(tmp_path, "build")
    assert query(tmp_path, "select area_code, as_of_date, needs_attention from submissions where status = 'rejected' "
                           "order by area_code") == [("06253", ahead.as_of, True), ("183", former.as_of, True)]
    assert query(tmp_path, "select distinct area_code from indicators order by 1") == [("180",), ("20",)]


def test_every_model_and_column_has_a_description(tmp_path: Path) -> None:
    run_dbt(tmp_path, "parse")
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    missing = []
    for node in manifest["nodes"].values():
        if node["resource_type"] not in ("model", "seed"):
            continue
        if not node["description"].strip():
            missing.append(node["name"])
        missing += [f"{node['name']}.{name}" for name, column in node["columns"].items()
                    if not column["description"].strip()]
    assert missing == []
