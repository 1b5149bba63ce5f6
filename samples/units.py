"""The reporting units the samples invent rosters for, read from the units seed (never a copy of it).

Until 30 June 2025 Lạng Sơn reported through its 11 districts; from 1 July 2025, with no district level, through its
65 communes and wards, and the province reports its own bodies. A ``UnitRow`` is one row of ``units.csv`` with the
words a clerk needs to name its party committee.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from ingest.settings import load_settings


def seed_rows(name: str) -> list[dict[str, str]]:
    with (load_settings().seeds / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def _committee_names() -> dict[str, str]:
    """Unit type → what its party committee is called; a commune's is its Đảng ủy (the seed names none, since
    "Đảng ủy" is a prefix of every commune committee's name, not a type's own word)."""
    return {row["unit_type"]: row["committee_names"].split(";")[0] or "Đảng ủy" for row in seed_rows("unit_types.csv")}


@cache
def _abbreviations() -> dict[str, str]:
    return {row["unit_type"]: row["abbreviations"].split(";")[0] for row in seed_rows("unit_types.csv")}


@dataclass(frozen=True)
class UnitRow:
    code: str
    level: str  # province | district | commune
    unit_type: str  # tỉnh, thành phố, huyện, xã, phường
    name: str
    short_name: str
    aliases: tuple[str, ...]

    @property
    def is_city(self) -> bool:
        return self.unit_type == "thành phố"

    @property
    def abbreviated(self) -> str:
        """The short name after its type's abbreviation: "X. Na Sầm", "P. Kỳ Lừa", "TP. Lạng Sơn"."""
        return f"{_abbreviations()[self.unit_type]}. {self.short_name}"

    @property
    def party_committee(self) -> str:
        """Tỉnh ủy, Thành ủy, Huyện ủy or Đảng ủy."""
        return _committee_names()[self.unit_type]


def units(level: str) -> list[UnitRow]:
    """The units of one level (province | district | commune) in seed order."""
    return [UnitRow(r["unit_code"], r["unit_level"], r["unit_type"], r["unit_name"], r["short_name"],
                    tuple(a for a in r["aliases"].split(";") if a))
            for r in seed_rows("units.csv") if r["unit_level"] == level]
