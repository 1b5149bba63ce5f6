"""Reference data for ingest, read from the dbt seeds (the one source of truth) and the layout tables.

Every lookup compares ``fold``-ed text (case, diacritics, spacing and punctuation ignored), so "UV BCH",
"Ủy viên BCH" and "Uy vien B.C.H" meet the same key. The seeds folder is the settings' (``Settings.seeds``), so a
copy of the dbt project is read by ingest and dbt alike.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property
from pathlib import Path

from ingest.status import Status, StatusRule, load_status_rules
from ingest.text import fold
from ingest.unit_names import Lineage, Unit, UnitNames

LAYOUT_DIR = Path(__file__).resolve().parent / "layout"
# Keys this short would match the start of too many unrelated words ("tc", "nk"): exact matches only.
MIN_PREFIX_LENGTH = 4
# Texts whose prefix lookup a vocabulary remembers (a few MB at most).
MEMO_SIZE = 1 << 16


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _spellings(row: dict[str, str], *columns: str) -> list[str]:
    values = [row[c] for c in columns if row.get(c)]
    if row.get("aliases"):
        values += row["aliases"].split(";")
    return [v for v in values if v.strip()]


@dataclass(frozen=True)
class Vocabulary:
    """Folded spellings → code, for one reference table, and each folded spelling as the table writes it (the
    table's name of a code first), to show a clerk."""

    name: str
    keys: dict[str, str]
    spellings: dict[str, str] = field(default_factory=dict)
    # by_prefix's answers: header searches ask about every top cell of every file, and the same headings recur in
    # thousands of files.
    _by_prefix: dict[object, str | None] = field(default_factory=dict, init=False, repr=False, compare=False)

    def exact(self, text: object) -> str | None:
        return self.keys.get(fold(text))

    @cached_property
    def _prefix_lengths(self) -> tuple[int, ...]:
        """The lengths of the keys a text may start with, longest first."""
        return tuple(sorted({len(k) for k in self.keys if len(k) >= MIN_PREFIX_LENGTH}, reverse=True))

    def by_prefix(self, text: object) -> str | None:
        """The code whose longest spelling starts ``text`` ("UV BCH Đảng bộ" → party_committee)."""
        if text in self._by_prefix:
            return self._by_prefix[text]
        if len(self._by_prefix) >= MEMO_SIZE:
            self._by_prefix.clear()
        self._by_prefix[text] = code = self._by_longest_prefix(text)
        return code

    def _by_longest_prefix(self, text: object) -> str | None:
        key = fold(text)
        if key in self.keys:
            return self.keys[key]
        # One lookup per key length, not a comparison per key: header searches call this on every top cell.
        best = next((key[:n] for n in self._prefix_lengths if n <= len(key) and key[:n] in self.keys), None)
        if best is None:
            return None
        # "UV BCH UV BTV" (two bodies without a separator) is not a qualified party committee: refuse it.
        rest = key[len(best):]
        if any(len(k) >= MIN_PREFIX_LENGTH and k in rest and c != self.keys[best] for k, c in self.keys.items()):
            return None
        return self.keys[best]


def _vocabulary(name: str, rows: list[dict[str, str]], code: str, *columns: str) -> Vocabulary:
    keys: dict[str, str] = {}
    spellings: dict[str, str] = {}
    for row in rows:
        for spelling in _spellings(row, *columns):
            key = fold(spelling)
            if keys.get(key, row[code]) != row[code]:
                raise ValueError(f"{name}: spelling {spelling!r} names both {keys[key]} and {row[code]}")
            keys[key] = row[code]
            spellings.setdefault(key, spelling.strip())
    return Vocabulary(name, keys, spellings)


@dataclass(frozen=True)
class Reason:
    """One row of the seed ``reasons``: why a row (scope ``row``) or a whole file (scope ``file``) is not counted."""

    code: str
    scope: str
    message: str  # Vietnamese: what the clerk reads
    message_en: str
    accepted: str = ""  # row reasons: what the cell would need to hold, a str.format template (ingest.suggestions)
    accepted_en: str = ""


@dataclass(frozen=True)
class Reference:
    units: dict[str, Unit]
    unit_names: UnitNames
    ethnic_groups: Vocabulary
    bodies: dict[str, Vocabulary]  # roster_level of the seed bodies → the bodies such a roster lists
    education_levels: Vocabulary
    political_theory_levels: Vocabulary
    training_metrics: Vocabulary
    headers: Vocabulary
    row_markers: Vocabulary
    statuses: dict[Status, StatusRule]
    reasons: dict[str, Reason]
    limits: dict[str, int]  # role → the most characters its cell may hold (ingest.limits)

    @property
    def row_messages(self) -> dict[str, str]:
        """Row reason code → the Vietnamese message a rejected row carries."""
        return {r.code: r.message for r in self.reasons.values() if r.scope == "row"}

    def reporting_units(self) -> list[Unit]:
        """Units that submit rosters: every unit of the seed, the province with its own bodies' roster."""
        return list(self.units.values())

    def bodies_of(self, unit_code: str) -> Vocabulary:
        """The bodies a unit's roster lists: the province's own roster lists the province's bodies (Ban Chấp hành
        Đảng bộ tỉnh, …) under the same spellings a district or commune uses for its own, so the two never meet."""
        return self.bodies["province" if self.units[unit_code].level == "province" else "unit"]


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _unit_names(seeds_dir: Path, layout_dir: Path, units: list[Unit], unit_rows: list[dict[str, str]]) -> UnitNames:
    types = _rows(seeds_dir / "unit_types.csv")

    def listed(text: str) -> list[str]:
        return [v for v in text.split(";") if v.strip()]

    return UnitNames(
        units,
        spellings={u["unit_code"]: _spellings(u, "unit_code", "unit_name", "short_name") for u in unit_rows},
        types={t["unit_type"]: [t["unit_type"], *listed(t["abbreviations"])] for t in types},
        committees={t["unit_type"]: listed(t["committee_names"]) for t in types},
        prefixes=[p["prefix"] for p in _rows(layout_dir / "unit_prefixes.csv")],
        lineage=[Lineage(r["unit_code"], r["former_unit_code"] or None, r["former_unit_name"], r["former_unit_level"],
                         date.fromisoformat(r["changed_on"]), r["source"])
                 for r in _rows(seeds_dir / "unit_lineage.csv")],
    )


@cache
def load_reference(seeds_dir: Path, layout_dir: Path = LAYOUT_DIR) -> Reference:
    """Read the seeds in ``seeds_dir`` and the layout tables once per process."""
    unit_rows = _rows(seeds_dir / "units.csv")
    units = [Unit(u["unit_code"], u["unit_level"], u["unit_type"], u["unit_name"], u["parent_code"] or None,
                  _day(u["valid_from"]), _day(u["valid_to"])) for u in unit_rows]
    bodies = [b for b in _rows(seeds_dir / "bodies.csv") if b["is_derived"] != "true"]
    return Reference(
        units={u.code: u for u in units},
        unit_names=_unit_names(seeds_dir, layout_dir, units, unit_rows),
        ethnic_groups=_vocabulary("ethnic_groups", _rows(seeds_dir / "ethnic_groups.csv"), "ethnic_code", "ethnic_name"),
        bodies={level: _vocabulary(f"bodies ({level} rosters)", [b for b in bodies if b["roster_level"] == level],
                                   "body_code", "body_name")
                for level in sorted({b["roster_level"] for b in bodies})},
        education_levels=_vocabulary(
            "education_levels", _rows(seeds_dir / "education_levels.csv"), "education_code", "education_name"
        ),
        political_theory_levels=_vocabulary(
            "political_theory_levels", _rows(seeds_dir / "political_theory_levels.csv"),
            "political_theory_code", "political_theory_name",
        ),
        training_metrics=_vocabulary(
            "training_metrics", _rows(seeds_dir / "training_metrics.csv"), "metric_code", "metric_name"
        ),
        headers=_vocabulary("columns", _rows(layout_dir / "columns.csv"), "role", "header"),
        row_markers=_vocabulary("row_markers", _rows(layout_dir / "row_markers.csv"), "kind", "starts_with"),
        statuses=load_status_rules(seeds_dir),
        reasons={r["reason_code"]: Reason(r["reason_code"], r["scope"], r["message"], r["message_en"],
                                          r["accepted"], r["accepted_en"])
                 for r in _rows(seeds_dir / "reasons.csv")},
        limits={r["role"]: int(r["max_length"]) for r in _rows(layout_dir / "limits.csv")},
    )
