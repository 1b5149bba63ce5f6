"""The benchmark's commune inboxes (bench.inboxes): the shape issue #18 asks for, planned without writing a file.

Nothing here times anything; ``make bench`` does (docs/performance.md).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bench.inboxes import COMMUNE_BAD_FROM, COMMUNE_ROWS, SCALES, plan
from ingest.reference import load_reference
from ingest.settings import load_settings


def _commune_units_after_reform() -> set[str]:
    reference = load_reference(load_settings().seeds)
    return {u.code for u in reference.reporting_units() if u.level == "commune" and u.valid_on(date(2025, 7, 1))}


def test_communes_scale_is_every_commune_of_the_seed_once():
    planned = plan(SCALES["communes"], Path("inbox"))
    assert {p.unit.code for p in planned} == _commune_units_after_reform()
    assert len(planned) == 65 and len({p.as_of for p in planned}) == 1


def test_communes_national_is_65_units_on_51_past_dates_after_the_reform():
    planned = plan(SCALES["communes_national"], Path("inbox"))
    dates = {p.as_of for p in planned}
    assert len(planned) == 3_315 and len({p.path.name for p in planned}) == 3_315
    assert len(dates) == 51 and min(dates) > date(2025, 7, 1) and max(dates) <= date(2026, 12, 1)


def test_commune_rosters_are_15_to_150_rows_the_same_for_a_unit_on_every_date():
    planned = plan(SCALES["communes_national"], Path("inbox"))
    rows_by_unit = {}
    for p in planned:
        rows_by_unit.setdefault(p.unit.code, set()).add(p.rows)
    assert all(len(rows) == 1 for rows in rows_by_unit.values())
    sizes = {next(iter(rows)) for rows in rows_by_unit.values()}
    assert COMMUNE_ROWS[0] <= min(sizes) and max(sizes) <= COMMUNE_ROWS[1] and len(sizes) > 20


def test_commune_files_reject_at_most_one_row_and_only_when_large_enough_to_stay_under_the_limit():
    planned = plan(SCALES["communes_national"], Path("inbox"))
    bad = [p for p in planned if p.bad_rows]
    assert bad and all(sum(p.bad_rows.values()) == 1 and p.rows >= COMMUNE_BAD_FROM for p in bad)
    assert 1 / COMMUNE_BAD_FROM <= load_settings(env={}).max_reject_share
