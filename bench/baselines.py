"""The yardsticks the pipeline's ingest is measured against, on the same files in the same run.

- ``floor_unzip``: inflating every sheet's XML and the shared strings, the physical floor of reading an .xlsx.
- ``calamine_read``: ``polars.read_excel(engine="calamine")`` of every sheet, the raw reader under ingest (its wall
  and its CPU seconds: the per-file overhead of ingest is ingest's CPU less this one's).
- ``naive_ingest``: a user's script: pandas + openpyxl to read, a row-wise ``apply`` to clean (the same rules in
  spirit: NFC text, dates, genders, seed codes, person key), one Parquet file per workbook.
- ``ingest_stages``: ingest's own read / clean / write, one file after another in one process, for the split of
  its time (the pipeline itself parses on every core).

    python -m bench.baselines floor|calamine|naive|stages OUT.json FILE...
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import importlib
import json
import re
import sys
import tempfile
import time
import unicodedata
import zipfile
from datetime import date, datetime
from pathlib import Path

import polars as pl

from ingest.settings import DEVELOPMENT_PERSON_KEY_SECRET, load_settings


def floor_unzip(files: list[Path]) -> dict:
    inflated = 0
    for path in files:
        with zipfile.ZipFile(path) as package:
            for part in package.namelist():
                if part.startswith("xl/worksheets/") or part == "xl/sharedStrings.xml":
                    inflated += len(package.read(part))
    return {"bytes": inflated}


def calamine_read(files: list[Path]) -> dict:
    rows = 0
    for path in files:
        rows += sum(sheet.height for sheet in pl.read_excel(path, engine="calamine", sheet_id=0).values())
    return {"rows": rows}


def _fold(text: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]", "", bare.replace("đ", "d"))


class _NaiveCleaner:
    """What a careful analyst writes in pandas: one Python call per row."""

    def __init__(self) -> None:
        self.ethnic = {_fold(r["ethnic_name"]): r["ethnic_code"] for r in _rows("ethnic_groups.csv")}
        self.bodies = {_fold(b): r["body_code"] for r in _rows("bodies.csv")
                       for b in [r["body_name"], *r["aliases"].split(";")] if b}
        self.key = DEVELOPMENT_PERSON_KEY_SECRET.encode()

    def birth(self, value) -> date | None:
        if isinstance(value, datetime):
            return value.date()
        text = str(value).strip()
        for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%Y"):
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        return None

    def row(self, row, columns: dict[str, int]) -> dict:
        def cell(role):
            value = row[columns[role]] if role in columns else None
            return None if value is None or value != value else unicodedata.normalize("NFC", str(value)).strip()

        name, birth = cell("name"), self.birth(row[columns["birth"]]) if "birth" in columns else None
        gender = {"nam": "M", "m": "M", "nu": "F", "f": "F"}.get(_fold(cell("gender") or ""))
        bodies = [self.bodies.get(_fold(b)) for b in re.split("[,;]", cell("body") or "") if b.strip()]
        identity = f"{(name or '').lower()}|{birth}|{gender}"
        return {
            "full_name": name, "birth_date": birth, "gender": gender,
            "ethnic_code": self.ethnic.get(_fold(cell("ethnicity") or "")), "body_codes": bodies,
            "person_key": hmac.new(self.key, identity.encode(), hashlib.sha256).hexdigest()[:32],
            "position": cell("position"), "organisation": cell("organisation"),
        }


def _rows(name: str) -> list[dict[str, str]]:
    with (load_settings().seeds / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


HEADERS = {"name": ("ho va ten", "ho ten"), "birth": ("ngay thang nam sinh", "ngay sinh", "nam sinh", "nam"),
           "gender": ("gioi tinh",), "ethnicity": ("dan toc",), "body": ("doi tuong", "nhom chuc danh"),
           "position": ("chuc vu",), "organisation": ("co quan",)}


def _header(frame) -> tuple[int, dict[str, int]] | None:
    for index in range(min(20, len(frame))):
        texts = [_fold(str(v)) if v == v and v is not None else "" for v in frame.iloc[index]]
        if any(t.startswith("hovaten") or t == "hoten" for t in texts):
            found = {}
            for role, names in HEADERS.items():
                for column, text in enumerate(texts):
                    if role not in found and any(text.startswith(_fold(n)) for n in names):
                        found[role] = column
            return index, found
    return None


def naive_ingest(files: list[Path]) -> dict:
    import pandas as pd

    cleaner, rows = _NaiveCleaner(), 0
    with tempfile.TemporaryDirectory() as out:
        for path in files:
            sheets = pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl")
            for name, frame in sheets.items():
                found = _header(frame)
                if found is None:
                    continue
                index, columns = found
                data = frame.iloc[index + 1:]
                data = data[data.iloc[:, columns["name"]].notna()]
                clean = pd.DataFrame(list(data.apply(cleaner.row, axis=1, raw=True, columns=columns)))
                clean.to_parquet(Path(out) / f"{path.stem}-{len(name)}.parquet")
                rows += len(clean)
    return {"rows": rows}


def ingest_stages(files: list[Path]) -> dict:
    """ingest's read_sheets, the rest of read_submissions (cleaning) and the lake writes, in the batches a reader
    worker is handed, one after another."""
    import ingest.submission
    from ingest import lake
    from ingest.errors import Refused
    from ingest.parsing import BATCH_FILES
    from ingest.reference import load_reference
    from ingest.settings import load_settings

    settings = load_settings()
    reference = load_reference(settings.seeds)
    read_sheets, spent = ingest.submission.read_sheets, {"read": 0.0}

    def timed_read(*args, **kwargs):
        start = time.perf_counter()
        try:
            return read_sheets(*args, **kwargs)
        finally:
            spent["read"] += time.perf_counter() - start

    ingest.submission.read_sheets = timed_read
    parse = write = 0.0
    rows = 0
    with tempfile.TemporaryDirectory() as scratch:
        for first in range(0, len(files), BATCH_FILES):
            batch = files[first:first + BATCH_FILES]
            start = time.perf_counter()
            results = ingest.submission.read_submissions([(p, p.name) for p in batch], reference, settings)
            middle = time.perf_counter()
            for path, parsed in zip(batch, results):
                if isinstance(parsed, Refused):
                    raise RuntimeError(f"{path.name} refused: {parsed.code}: {parsed.message}")
                lake.write_rows(Path(scratch), parsed.identity.unit_code, path.stem, parsed.identity.as_of_date, {
                    "memberships": parsed.memberships, "training": parsed.training, "rejected_rows": parsed.rejected})
                rows += parsed.rows_total
            parse, write = parse + middle - start, write + time.perf_counter() - middle
    return {"rows": rows, "read_s": spent["read"], "clean_s": parse - spent["read"], "write_lake_s": write}


# Imported before the clock starts: polars reads .xlsx through fastexcel into pyarrow, importing them on its first
# read (0.2 s), so the calamine baseline's time and CPU are its reading only.
PRELOADED = ("fastexcel", "pyarrow")
KINDS = {"floor": floor_unzip, "calamine": calamine_read, "naive": naive_ingest, "stages": ingest_stages}

if __name__ == "__main__":
    kind, out, *paths = sys.argv[1:]
    for module in PRELOADED:
        importlib.import_module(module)
    start, cpu = time.perf_counter(), time.process_time()
    result = KINDS[kind]([Path(p) for p in paths])
    # cpu_seconds: this process's user + sys on every thread (calamine reads on one, polars may add others)
    result["seconds"], result["cpu_seconds"] = time.perf_counter() - start, time.process_time() - cpu
    Path(out).write_text(json.dumps(result))
