"""The same roster in every office form publishes the same indicators as the canonical .xlsx, through the real
pipeline (one ``cadre-warehouse run``: ingest, dbt, the quality gate, the release).

Each form is the hand-counted roster of tests/test_ingest_forms.py written for its own 2020 district (the title
names it), so all of them share one inbox and one run; the canonical .xlsx is Huyện Cao Lộc's. A form is an id and
a writer, ``(path without suffix, roster) → path written``: a form no Layout describes (a hidden roster sheet, a file
converted by iconv) is one more writer in FORMS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from corpus.runs import lake_submissions, published_table
from samples.forms import Layout, Roster, write_roster
from samples.units import units
from test_ingest_forms import ROSTER

Writer = Callable[[Path, Roster], Path]
CANONICAL_UNIT = "183"  # Huyện Cao Lộc, whose roster ROSTER is


def _layout(layout: Layout) -> Writer:
    return lambda stem, roster: write_roster(stem.with_suffix(f".{layout.fmt}"), roster, layout)


FORMS: dict[str, Writer] = {
    "canonical_xlsx": _layout(Layout()),
    "csv_semicolons_utf8_bom": _layout(Layout(fmt="csv", csv_separator=";")),
    "unicode_text_utf16_txt": _layout(Layout(fmt="txt", csv_separator="\t", text_encoding="utf-16-le")),
    "utf16_be_csv": _layout(Layout(fmt="csv", text_encoding="utf-16-be")),
    "csv_windows_1258": _layout(Layout(fmt="csv", text_encoding="cp1258")),
    "csv_tcvn3_bytes": _layout(Layout(fmt="csv", encoding="tcvn3", text_encoding="tcvn3")),
    "ods": _layout(Layout(fmt="ods")),
    "xlsm": _layout(Layout(fmt="xlsm")),
    "xlsb": _layout(Layout(fmt="xlsb")),
    "hidden_roster_sheet": _layout(Layout(hidden_roster=True)),
    "csv_tcvn3_converted_by_iconv": _layout(Layout(fmt="csv", encoding="tcvn3_iconv", text_encoding="tcvn3")),
}
# The canonical form for Cao Lộc, then each other form for the next district of the seed.
DISTRICTS = [CANONICAL_UNIT] + [u.code for u in units("district") if u.code != CANONICAL_UNIT]
NAMES = {u.code: u.name for u in units("district")}
UNIT_OF = dict(zip(FORMS, DISTRICTS, strict=False))


def test_every_form_has_a_district_of_its_own():
    assert len(UNIT_OF) == len(FORMS) <= len(DISTRICTS)


@pytest.fixture(scope="module")
def published(run_cli, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The run's warehouse, and the file name each form was sent under."""
    root = tmp_path_factory.mktemp("office_forms")
    inbox, warehouse = root / "inbox", root / "warehouse"
    inbox.mkdir()
    sent = {form: write(inbox / f"Danh sách {form}", replace(ROSTER, unit_title=NAMES[UNIT_OF[form]])).name
            for form, write in FORMS.items()}
    run = run_cli(inbox, warehouse)
    assert run.returncode == 0, run.explain()
    return warehouse, sent


def _unit_indicators(indicators: pl.DataFrame, unit_code: str) -> pl.DataFrame:
    rows = indicators.filter(pl.col("area_code") == unit_code).drop("area_code", "area_name")
    return rows.sort(rows.columns)


@pytest.mark.slow
def test_each_forms_submission_is_accepted_for_its_district(published):
    warehouse, sent = published
    submissions = {row["file_name"]: row for row in lake_submissions(warehouse).iter_rows(named=True)}
    assert {form: (submissions[name]["status"], submissions[name]["unit_code"]) for form, name in sent.items()} == {
        form: ("accepted", UNIT_OF[form]) for form in FORMS}


@pytest.mark.slow
@pytest.mark.parametrize("form", [f for f in FORMS if UNIT_OF[f] != CANONICAL_UNIT])
def test_each_form_publishes_the_canonical_units_indicators(published, form):
    warehouse, _ = published
    indicators = published_table(warehouse / "published", "indicators")
    canonical = _unit_indicators(indicators, CANONICAL_UNIT)
    assert canonical.height > 0
    assert _unit_indicators(indicators, UNIT_OF[form]).equals(canonical)
