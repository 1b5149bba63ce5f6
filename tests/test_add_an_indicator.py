"""Adding an indicator is one seed row and one flag expression: done here in a copy of the dbt project, then the
real pipeline runs on it and the new indicator is in the published table and in the report."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from conftest import small_roster
from samples.forms import Layout, write_roster

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
AS_OF = date(2020, 10, 15)
UNITS = {"183": "Huyện Cao Lộc", "185": "Huyện Bắc Sơn"}
NAME = "Tỷ lệ từ 45 tuổi trở lên"


def _age(birth: date) -> int:
    return AS_OF.year - birth.year - ((AS_OF.month, AS_OF.day) < (birth.month, birth.day))


@pytest.fixture(scope="module")
def published(cli, tmp_path_factory) -> tuple[Path, dict[str, tuple[int, int]]]:
    root = tmp_path_factory.mktemp("sixth_indicator")
    project = root / "dbt_project"
    shutil.copytree(REPO / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs"))
    with (project / "seeds" / "indicators.csv").open("a", encoding="utf-8") as seed:
        seed.write(f"aged_45_plus,{NAME},6\n")
    rules = project / "macros" / "indicator_rules.sql"
    text = rules.read_text(encoding="utf-8")
    assert text.count("    }) }}") == 1
    rules.write_text(text.replace("    }) }}", "        'aged_45_plus': 'm.age_years >= 45',\n    }) }}"), encoding="utf-8")

    expected = {}
    for i, (code, title) in enumerate(UNITS.items()):
        roster = small_roster(title, AS_OF, people=10 + 4 * i)
        write_roster(root / "inbox" / f"{code}.xlsx", roster, Layout())
        expected[code] = (sum(_age(p.birth) >= 45 for p in roster.people), len(roster.people))
    done = cli("run", "--inbox", root / "inbox", "--warehouse", root / "warehouse",
               env={"CADRE_DBT_PROJECT_DIR": str(project)})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return root / "warehouse" / "published", expected


def test_the_new_indicator_is_published_for_each_unit_and_the_province(published):
    folder, expected = published
    with duckdb.connect(str(folder / "warehouse.duckdb"), read_only=True) as con:
        rows = dict(((area, (n, d))) for area, n, d in con.execute(
            "select area_code, numerator, denominator from indicators "
            "where indicator_code = 'aged_45_plus' and body_code = 'department_head'").fetchall())
        names = {name for (name,) in con.execute(
            "select distinct indicator_name from indicators where indicator_code = 'aged_45_plus'").fetchall()}
    assert all(0 < n < d for n, d in expected.values())  # the rosters have people on both sides of 45
    assert rows == {**expected, "20": tuple(map(sum, zip(*expected.values())))}
    assert names == {NAME}


def test_the_report_shows_the_new_indicator(published):
    folder, _ = published
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert 'data-indicator="aged_45_plus"' in page
    assert f"<h3>{NAME}</h3>" in page
