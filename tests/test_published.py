"""What BI tools read after the demo run: the contract's columns and types, exact figures, no personal data, and a
publication that a reader can hold open while the next one is swapped in.

All but the last test read the shared demo run (conftest ``demo_run``); the last publishes into its own warehouse.
"""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from samples.demo import demo_files, demo_roster
from publishing.release import DBT_TARGET, publish

pytestmark = pytest.mark.slow

INDICATORS = ("area_level", "area_code", "area_name", "period", "as_of_date", "term", "body_code", "body_name",
              "indicator_code", "numerator", "denominator", "value_pct", "previous_as_of_date", "previous_value_pct",
              "change_pp", "target_pct", "meets_target", "rows_rejected", "units_reporting", "units_expected",
              "indicator_name", "indicator_sort_order", "body_sort_order")
SUBMISSIONS_FIRST = ("file_name", "sha256", "area_code", "as_of_date", "received_at", "status", "rows_total",
                     "rows_accepted", "rows_rejected", "message")
TRAINING_RECRUITMENT = ("area_code", "year", "metric_code", "metric_name", "value")
# column → (DuckDB type, Parquet type) where the contract fixes one
TYPES = {
    "period": ("INTEGER", pa.int32()), "as_of_date": ("DATE", pa.date32()), "numerator": ("INTEGER", pa.int32()),
    "denominator": ("INTEGER", pa.int32()), "value_pct": ("DOUBLE", pa.float64()),
    "meets_target": ("BOOLEAN", pa.bool_()),
}
PERSONAL_COLUMNS = ("full_name", "person_key")


def _duckdb_columns(database: Path, table: str) -> list[tuple[str, str]]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute("select column_name, data_type from information_schema.columns where table_name = ? "
                           "order by ordinal_position", [table]).fetchall()


def _check_contract(published: Path, table: str, names: tuple[str, ...], exact: bool) -> None:
    duck = _duckdb_columns(published / "warehouse.duckdb", table)
    parquet = pq.read_schema(published / "parquet" / f"{table}.parquet")
    for columns in ([n for n, _ in duck], parquet.names):
        assert (tuple(columns) if exact else tuple(columns[: len(names)])) == names
    for name, data_type in duck:
        if name in TYPES:
            assert data_type == TYPES[name][0], (table, name)
            assert parquet.field(name).type == TYPES[name][1], (table, name)


def test_indicators_columns_are_the_contract(demo_published):
    _check_contract(demo_published, "indicators", INDICATORS, exact=True)


def test_submissions_starts_with_the_contract_columns(demo_published):
    _check_contract(demo_published, "submissions", SUBMISSIONS_FIRST, exact=False)


def test_training_recruitment_columns_are_the_contract(demo_published):
    _check_contract(demo_published, "training_recruitment", TRAINING_RECRUITMENT, exact=True)


def test_value_pct_is_exactly_100_numerator_over_denominator(demo_published):
    with duckdb.connect(str(demo_published / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("select numerator, denominator, value_pct from indicators").fetchall()
    assert len(rows) > 500
    wrong = [(n, d, v) for n, d, v in rows if v != 100 * n / d]
    assert not wrong


def test_province_rollups_are_sums_of_the_units_valid_on_their_date(demo_published):
    """11 districts for 2015 and 2020, the 65 communes and wards for 2025: numerators and denominators summed."""
    with duckdb.connect(str(demo_published / "warehouse.duckdb"), read_only=True) as con:
        summed = con.execute("""
            select province.period, unit_sums.levels, unit_sums.units, province.units_reporting,
                   province.units_expected,
                   count(*) filter (where province.numerator is distinct from unit_sums.numerator
                                       or province.denominator is distinct from unit_sums.denominator) as mismatches
            from indicators as province
            inner join (
                select period, body_code, indicator_code, sum(numerator) as numerator, sum(denominator) as denominator,
                       list(distinct area_level order by area_level) as levels, count(distinct area_code) as units
                from indicators
                where area_level <> 'province'
                group by all
            ) as unit_sums using (period, body_code, indicator_code)
            where province.area_level = 'province' and province.units_expected is not null
              and province.body_code = 'party_committee'
            group by all
            order by 1
        """).fetchall()
    assert summed == [(2015, ["district"], 11, 11, 11, 0), (2020, ["district"], 11, 11, 11, 0),
                      (2025, ["commune"], 65, 65, 65, 0)]
    # every body and indicator of a roll-up, not only the party committee
    with duckdb.connect(str(demo_published / "warehouse.duckdb"), read_only=True) as con:
        differing = con.execute("""
            select province.period, province.body_code, province.indicator_code
            from indicators as province
            left join indicators as unit_rows
                on unit_rows.area_level <> 'province' and unit_rows.period = province.period
               and unit_rows.body_code = province.body_code and unit_rows.indicator_code = province.indicator_code
            where province.area_level = 'province' and province.units_expected is not null
            group by all
            having any_value(province.numerator) is distinct from sum(unit_rows.numerator)
                or any_value(province.denominator) is distinct from sum(unit_rows.denominator)
        """).fetchall()
    assert not differing


def test_the_provinces_own_bodies_are_published_apart_from_the_rollup(demo_published):
    with duckdb.connect(str(demo_published / "warehouse.duckdb"), read_only=True) as con:
        own = con.execute("""
            select body_code, denominator, units_expected from indicators
            where area_code = '20' and period = 2025 and indicator_code = 'female'
              and body_code like 'province%' order by body_sort_order""").fetchall()
    assert [(body, expected) for body, _, expected in own] == [
        ("province_party_committee", None), ("province_standing_committee", None),
        ("province_department_head", None), ("province_department_deputy", None),
        ("province_department_managers", None)]
    assert dict((body, members) for body, members, _ in own)["province_party_committee"] == 52


class NameFinder:
    """Finds any of ``names`` in bytes, encoded as UTF-8 in NFC or in NFD."""

    def __init__(self, names: set[str]):
        self.encoded = {unicodedata.normalize(form, n).encode(): n for n in names for form in ("NFC", "NFD")}
        self.lengths: dict[bytes, set[int]] = defaultdict(set)  # first word → byte lengths of names starting so
        for encoded in self.encoded:
            self.lengths[encoded.split(b" ")[0]].add(len(encoded))

    def found_in(self, data: bytes) -> set[str]:
        found = set()
        for first, lengths in self.lengths.items():
            start = data.find(first)
            while start != -1:
                found |= {self.encoded[part] for n in lengths if (part := data[start:start + n]) in self.encoded}
                start = data.find(first, start + 1)
        return found


def _strings(path: Path) -> bytes:
    """Every text value a BI tool would read from ``path``, decoded (compression and dictionaries undone)."""
    if path.suffix == ".duckdb":
        with duckdb.connect(str(path), read_only=True) as con:
            columns = con.execute("select table_name, column_name from information_schema.columns "
                                  "where data_type = 'VARCHAR'").fetchall()
            values = [v for t, c in columns for (v,) in con.execute(f'select distinct "{c}" from "{t}"').fetchall()]
    elif path.suffix == ".parquet":
        table = pq.read_table(path)
        values = [v for f in table.schema if pa.types.is_string(f.type) for v in table[f.name].to_pylist()]
    elif path.suffix == ".xlsx":
        workbook = openpyxl.load_workbook(path, read_only=True)
        values = [str(v) for sheet in workbook for row in sheet.iter_rows(values_only=True) for v in row]
    else:
        values = [html.unescape(path.read_text(encoding="utf-8", errors="replace"))]
    return "\n".join(v for v in values if v).encode()


def _names_in(path: Path, finder: NameFinder) -> set[str]:
    return finder.found_in(path.read_bytes()) | finder.found_in(_strings(path))


@pytest.fixture(scope="module")
def demo_names(demo_run) -> NameFinder:
    """Every person's name in the demo inbox: as generated (people, clerks, signers) and as ingest cleaned them."""
    names = set()
    for f in demo_files():
        roster = demo_roster(f)
        names |= {p.full_name for p in roster.people} | set(roster.signers)
    lake = demo_run.warehouse / "lake"
    for table in ("memberships", "rejected_rows"):
        names |= set(pl.read_parquet(lake / table / "unit=*" / "*.parquet")["full_name"].drop_nulls().to_list())
    names = {n for n in names if len(n.split()) >= 2}
    assert len(names) > 3000
    return NameFinder(names)


def test_name_finder_finds_names_in_nfc_and_nfd_files_and_in_a_duckdb_table(demo_run, demo_names, tmp_path):
    for encoding in ("nfc", "nfd"):
        csv = next(f for f in demo_files() if f.layout.fmt == "csv" and f.layout.encoding == encoding)
        assert len(_names_in(demo_run.inbox / csv.file_name, demo_names)) > 300, encoding
    database = tmp_path / "names.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute(f"create table people as select full_name from "
                    f"read_parquet('{demo_run.warehouse}/lake/memberships/unit=183/*.parquet')")
    assert len(_names_in(database, demo_names)) > 300


def test_no_personal_name_in_any_published_file(demo_published, demo_names):
    files = sorted(p for p in demo_published.resolve().rglob("*") if p.is_file())
    assert {p.suffix for p in files} == {".duckdb", ".parquet", ".html", ".xlsx", ".txt"}
    leaks = {str(p.name): found for p in files if (found := _names_in(p, demo_names))}
    assert not leaks


def test_no_birth_date_or_person_column_is_published(demo_published):
    columns = []
    with duckdb.connect(str(demo_published / "warehouse.duckdb"), read_only=True) as con:
        columns += [f"{t}.{c}" for t, c in con.execute(
            "select table_name, column_name from information_schema.columns").fetchall()]
    for path in (demo_published / "parquet").glob("*.parquet"):
        columns += [f"{path.name}:{name}" for name in pq.read_schema(path).names]
    assert len(columns) > 40
    assert not [c for c in columns if "birth" in c.lower() or c.rsplit(".", 1)[-1].split(":")[-1] in PERSONAL_COLUMNS]


def _copy_work(source: Path, warehouse: Path) -> None:
    """What publishing reads of a run: the working warehouse, and the manifest of the dbt run that built it."""
    work = warehouse / "work"
    (work / DBT_TARGET).mkdir(parents=True)
    shutil.copyfile(source / "work" / "warehouse.duckdb", work / "warehouse.duckdb")
    shutil.copyfile(source / "work" / DBT_TARGET / "manifest.json", work / DBT_TARGET / "manifest.json")


COMPLETE_DATA = ("select (select count(*) from indicators), (select count(*) from submissions), "
                 "(select count(*) from training_recruitment), (select sum(numerator) from indicators)")
# A BI tool: one connection held open all along, and a new connection for every query, until told to stop.
READER = r"""
import json, os, sys, time
import duckdb

published, stop, QUERY, log = sys.argv[1:5]
database = os.path.join(published, "warehouse.duckdb")
held = duckdb.connect(database, read_only=True)
print(os.readlink(published), flush=True)  # ready, holding this release
with open(log, "w") as out:
    while not os.path.exists(stop):
        release = os.readlink(published)
        with duckdb.connect(database, read_only=True) as fresh:
            seen = fresh.execute(QUERY).fetchone()
        held_seen = held.execute(QUERY).fetchone()
        out.write(json.dumps({"release": release, "fresh": list(seen), "held": list(held_seen)}) + "\n")
        time.sleep(0.01)
"""


def test_reader_sees_complete_data_while_releases_are_swapped_in(demo_published, demo_run, tmp_path):
    warehouse = tmp_path / "warehouse"
    work = warehouse / "work" / "warehouse.duckdb"
    _copy_work(demo_run.warehouse, warehouse)
    publish(work, warehouse)
    with duckdb.connect(str(warehouse / "published" / "warehouse.duckdb"), read_only=True) as con:
        expected = list(con.execute(COMPLETE_DATA).fetchone())
    stop, log = tmp_path / "stop", tmp_path / "reader.jsonl"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(warehouse / "published"), str(stop),
                               COMPLETE_DATA, str(log)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        held_release = reader.stdout.readline().strip()
        releases = [publish(work, warehouse).path.name for _ in range(3)]  # 4 releases: the first one is pruned
    finally:
        stop.touch()
        _, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    seen = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(seen) >= 10
    assert all(s["fresh"] == expected and s["held"] == expected for s in seen), (expected, seen[:3])
    assert len({s["release"] for s in seen}) >= 2  # the reader really read across swaps
    assert not (warehouse / held_release).exists()  # the release it held open was pruned under it
    assert (warehouse / "published").resolve().name == releases[-1]


def test_the_same_data_publishes_the_same_parquet_bytes(demo_run, tmp_path):
    """The release's time is in its id and the spreadsheet, never in a Parquet file: BI caches and the concurrency
    tests compare the files byte for byte."""
    warehouse = tmp_path / "warehouse"
    _copy_work(demo_run.warehouse, warehouse)
    releases = [publish(warehouse / "work" / "warehouse.duckdb", warehouse).path for _ in range(2)]
    files = [sorted((release / "parquet").iterdir()) for release in releases]
    assert [p.name for p in files[0]] == [p.name for p in files[1]] and len(files[0]) == 6
    assert [p.read_bytes() for p in files[0]] == [p.read_bytes() for p in files[1]]
    assert releases[0].name != releases[1].name
