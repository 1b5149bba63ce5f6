"""The quality gate end to end: a defect only Great Expectations catches stops publishing; a bad file is set aside.

Both start from a copy of the published demo run (conftest), which stands for "the good run before".
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow

# One indicator row of the demo gets 120 % while its numerator and denominator stay as they are: no dbt test looks
# at the range of value_pct, so only the GX suite can stop it. A 2015 row has no previous period, so change_pp
# (tested by dbt against value_pct) stays NULL and consistent.
DEFECT_ROW = "area_code = '183' and period = 2015 and body_code = 'party_committee' and indicator_code = 'female'"
CONFIG_LINE = "{{ config(alias='indicators') }}\n"
REPO = Path(__file__).resolve().parents[1]


def _published_hashes(published: Path) -> dict[str, str]:
    """sha256 of every file of the release ``published`` points to, and the link itself."""
    release = published.resolve()
    hashes = {"<link>": os.readlink(published)}
    for path in sorted(p for p in release.rglob("*") if p.is_file()):
        hashes[str(path.relative_to(release))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def _broken_dbt_project(target: Path) -> Path:
    """A copy of dbt_project/ (without target/ and logs/) whose indicators mart says 120 % for one row."""
    project = target / "dbt_project"
    shutil.copytree(REPO / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs"))
    model = project / "models" / "marts" / "area_indicators.sql"
    head, body = model.read_text(encoding="utf-8").split(CONFIG_LINE)
    model.write_text(
        f"{head}{CONFIG_LINE}"
        f"select * replace (case when {DEFECT_ROW} then cast(120.0 as double) else value_pct end as value_pct)\n"
        f"from (\n{body}\n) as correct_rows\n",
        encoding="utf-8",
    )
    return project


@pytest.fixture(scope="module")
def blocked(copy_demo_to, run_cli, tmp_path_factory):
    """(run, published hashes before, after): the demo rerun with the broken mart."""
    root = tmp_path_factory.mktemp("gate_blocked")
    inbox, warehouse = copy_demo_to(root)
    before = _published_hashes(warehouse / "published")
    run = run_cli(inbox, warehouse, env={"CADRE_DBT_PROJECT_DIR": str(_broken_dbt_project(root))})
    return run, before, _published_hashes(warehouse / "published")


def test_failing_expectation_exits_3(blocked):
    run, _, _ = blocked
    assert run.returncode == 3, run.explain()
    assert "quality gate blocked publishing" in run.stdout


def test_the_defect_passed_dbt_and_reached_the_working_warehouse(blocked):
    run, _, _ = blocked
    log = run.log.read_text(encoding="utf-8")  # dbt's output is in the run's log, not on the terminal
    assert re.search(r"^Done\. PASS=\d+ WARN=0 ERROR=0 ", log, flags=re.MULTILINE), run.explain()
    with duckdb.connect(str(run.warehouse / "work" / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute(f"select value_pct, numerator <= denominator from indicators where {DEFECT_ROW}").fetchall()
    assert rows == [(120.0, True)]


def test_blocked_run_leaves_every_published_byte_unchanged(blocked):
    run, before, after = blocked
    assert len(before) > 5  # the link, warehouse.duckdb, report.html and the parquet files
    assert after == before
    with duckdb.connect(str(run.published / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute(f"select max(value_pct) from indicators where {DEFECT_ROW}").fetchone()[0] < 100


def test_stdout_names_the_failing_expectation_and_column(blocked):
    run, _, _ = blocked
    assert "  ✗ gx_indicators on indicators: chặn công bố / blocks publishing" in run.stdout
    failed = [line for line in run.stdout.splitlines() if "`expect_column_values_to_be_between`" in line]
    assert any("on `value_pct`" in line and "120" in line for line in failed), run.explain()


def test_validation_report_names_the_failing_expectation_and_column(blocked):
    run, _, _ = blocked
    named = re.search(r"^  báo cáo / report: (.+\.html)$", run.stdout, flags=re.MULTILINE)
    assert named, run.explain()
    report = Path(named[1])
    assert report.parent == run.warehouse / "quality" and report.is_file()
    page = report.read_text(encoding="utf-8")
    failed_rows = re.findall(r"<tr class='failed-error'>(.*?)</tr>", page)
    assert any("<code>expect_column_values_to_be_between</code>" in row and "<td><code>value_pct</code></td>" in row
               for row in failed_rows)
    assert "120.0" in page  # the offending row is shown among the examples


@pytest.fixture(scope="module")
def quarantined(copy_demo_to, run_cli, tmp_path_factory, write_small_roster):
    """The demo inbox plus a Cao Lộc roster of 10 people, 3 with an unknown ethnicity (30 % rejected), run again."""
    root = tmp_path_factory.mktemp("gate_quarantine")
    inbox, warehouse = copy_demo_to(root)
    bad = write_small_roster(inbox / "Cao Loc bo sung.xlsx", "Huyện Cao Lộc", date(2020, 10, 15), people=10,
                             unknown_ethnicity=3)
    latest = max(p.stat().st_mtime for p in inbox.iterdir())
    os.utime(bad, (latest + 60, latest + 60))  # received after the demo file of the same unit and date
    return run_cli(inbox, warehouse), bad.name


def test_file_over_the_reject_limit_is_quarantined_and_the_rest_published(quarantined, demo_published):
    run, bad = quarantined
    assert run.returncode == 0, run.explain()
    statuses = "select file_name, status from submissions"
    with duckdb.connect(str(demo_published / "warehouse.duckdb"), read_only=True) as con:
        demo_statuses = dict(con.execute(statuses).fetchall())
    with duckdb.connect(str(run.published / "warehouse.duckdb"), read_only=True) as con:
        published = dict(con.execute(statuses).fetchall())
        bad_row = con.execute("select area_code, rows_total, rows_rejected from submissions where file_name = ?",
                              [bad]).fetchone()
        areas = {a for (a,) in con.execute("select distinct area_code from indicators").fetchall()}
    assert published.pop(bad) == "quarantined"
    assert bad_row == ("183", 10, 3)
    assert published == demo_statuses  # the demo file of the same unit and date still stands
    assert {"178", "180", "181", "182", "183", "184", "185", "186", "187", "188", "189", "20"} <= areas


def test_quarantined_file_does_not_change_its_units_figures(quarantined, demo_published):
    run, _ = quarantined
    query = "select * from indicators where area_code = '183' order by all"
    with duckdb.connect(str(demo_published / "warehouse.duckdb"), read_only=True) as con:
        before = con.execute(query).fetchall()
    with duckdb.connect(str(run.published / "warehouse.duckdb"), read_only=True) as con:
        after = con.execute(query).fetchall()
    assert before and after == before


def test_stdout_says_which_file_was_quarantined_and_why(quarantined):
    run, bad = quarantined
    lines = run.stdout.splitlines()
    line = lines.index(f"  ! {bad} — Huyện Cao Lộc (183), 15/10/2020: Tạm giữ / quarantined")
    assert lines[line - 1] == "Cần xử lý / needs attention:"
    assert lines[line + 1].startswith("      3/10 ") and "quarantined" in lines[line + 1]
