"""Which unit a name written by a clerk means on a date.

A unit's name is only meaningful with a date: since the reform of 1 July 2025, "Cao Lộc" is district 183 on a
roster dated before it and commune 06211 after it. A name is read as [organisation] [unit type] bare name:
"Đảng ủy xã Cao Lộc", "UBND xã Cao Lộc", "X. Na Sầm", "Huyện ủy Cao Lộc", "Cao Lộc" or a GSO code. The
organisation words are ``layout/unit_prefixes.csv``, the unit types and their abbreviations the seed
``unit_types.csv``; every comparison is on ``fold``-ed words (case, diacritics and tone placement ignored).

A name resolves to the one unit of that name (and type, if written) valid on the date. Anything else is refused
with both dates' facts in the message, never reassigned: a name valid on no date of the units seed, a unit named
on a day it does not exist (with the units the reform formed from it or that it was formed from), two units
valid on the same day under one name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from ingest.errors import SubmissionError
from ingest.text import clean_text, fold

Words = tuple[str, ...]


@dataclass(frozen=True)
class Unit:
    code: str
    level: str
    type: str
    name: str
    parent_code: str | None
    valid_from: date | None
    valid_to: date | None

    def valid_on(self, day: date) -> bool:
        return valid_on(self.valid_from, self.valid_to, day)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})"


def valid_on(valid_from: date | None, valid_to: date | None, day: date) -> bool:
    """Whether a unit of the units seed exists on ``day``: both ends inclusive, an empty end unbounded. dbt's twin
    is the macro ``unit_is_valid_on``."""
    return (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to)


@dataclass(frozen=True)
class Lineage:
    """One row of the seed ``unit_lineage``: ``unit_code`` was formed on ``changed_on`` from a former unit."""

    unit_code: str
    former_unit_code: str | None  # the former district's code; former communes have none in the seed
    former_unit_name: str
    former_unit_level: str
    changed_on: date
    source: str


def words(text: object) -> Words:
    """The folded words of ``text``; a full stop ends a word ("P.Kỳ Lừa" is "p", "ky", "lua")."""
    cleaned = clean_text(text)
    return tuple(w for w in (fold(part) for part in re.split(r"[\s.]+", cleaned or "")) if w)


def _strip(text_words: Words, sequences: dict[Words, str]) -> tuple[str | None, Words]:
    """The value of the longest sequence ``text_words`` starts with, and the words after it."""
    for length in sorted({len(s) for s in sequences}, reverse=True):
        if length < len(text_words) and text_words[:length] in sequences:
            return sequences[text_words[:length]], text_words[length:]
    return None, text_words


@dataclass(frozen=True)
class Name:
    """A unit name as written: the unit type it states (None: a bare name or a code), its bare name as one key, and
    whether an organisation or committee word introduced it (how a title line without "Đơn vị:" names the unit)."""

    type: str | None
    key: str
    names_organisation: bool


class UnitNames:
    """Spellings of the units seed, any number of units per spelling, resolved by date."""

    def __init__(self, units: list[Unit], spellings: dict[str, list[str]], types: dict[str, list[str]],
                 committees: dict[str, list[str]], prefixes: list[str], lineage: list[Lineage]):
        self.units = {u.code: u for u in units}
        self.lineage = lineage
        self._prefixes = {words(p): "" for p in prefixes}
        self._types = {words(s): t for t, spellings_of in types.items() for s in spellings_of}
        self._committees = {words(s): t for t, spellings_of in committees.items() for s in spellings_of}
        self._by_key: dict[str, set[str]] = defaultdict(set)
        for code, written in spellings.items():
            unit = self.units[code]
            for spelling in written:
                name = self.read(spelling)
                if name.type not in (None, unit.type):
                    raise ValueError(f"units: spelling {spelling!r} of {code} states the type {name.type}, "
                                     f"the unit is a {unit.type}")
                self._by_key[name.key].add(code)
        self._former = defaultdict(set)
        for row in lineage:
            self._former[self.read(row.former_unit_name).key].add(row.unit_code)

    def read(self, text: object) -> Name:
        rest, introduced = words(text), False
        while True:
            prefix, after = _strip(rest, self._prefixes)
            if prefix is None:
                break
            rest, introduced = after, True
        unit_type, after = _strip(rest, self._committees)
        if unit_type is not None:
            return Name(unit_type, "".join(after), True)
        unit_type, after = _strip(rest, self._types)
        return Name(unit_type, "".join(after), introduced)

    def candidates(self, name: Name) -> list[Unit]:
        """Units this name may mean on some date, in seed order."""
        codes = self._by_key.get(name.key, set())
        return [u for u in self.units.values() if u.code in codes and name.type in (None, u.type)]

    def resolve(self, text: str, as_of: date) -> Unit:
        """The one unit ``text`` names on ``as_of``; SubmissionError (unknown_unit, unit_not_valid, ambiguous_unit)
        otherwise, in Vietnamese and English, with the units the clerk may have meant."""
        name = self.read(text)
        candidates = self.candidates(name)
        valid = [u for u in candidates if u.valid_on(as_of)]
        if len(valid) == 1:
            return valid[0]
        if len(valid) > 1:
            listed = ", ".join(u.label for u in valid)
            raise SubmissionError(
                "ambiguous_unit",
                f"Tên đơn vị '{text}' vào ngày {as_of:%d/%m/%Y} có thể là: {listed}; hãy ghi tên đầy đủ (xã, phường, "
                f"huyện…) hoặc mã / on {as_of.isoformat()} '{text}' could be {listed}: write the full name or the code",
            )
        if candidates:
            raise SubmissionError("unit_not_valid", "; ".join(self._not_valid(u, as_of) for u in candidates))
        raise SubmissionError("unknown_unit", self._unknown(text, name))

    def _formed_from(self, unit: Unit) -> list[Lineage]:
        return [row for row in self.lineage if row.unit_code == unit.code and row.former_unit_code]

    def _formed_into(self, unit: Unit) -> list[Lineage]:
        return [row for row in self.lineage if row.former_unit_code == unit.code]

    def _not_valid(self, unit: Unit, as_of: date) -> str:
        if unit.valid_to is not None and as_of > unit.valid_to:
            rows = self._formed_into(unit)
            ended = unit.valid_to + timedelta(days=1)
            if rows:
                successors = ", ".join(dict.fromkeys(self.units[r.unit_code].label for r in rows))
                source = rows[0].source
                return (f"{unit.label} không còn là đơn vị báo cáo từ ngày {ended:%d/%m/%Y} ({source}); số liệu ngày "
                        f"{as_of:%d/%m/%Y} do các đơn vị hình thành từ đơn vị này báo cáo: {successors} / "
                        f"{unit.label} ceased to exist on {ended.isoformat()} ({source}); a roster dated "
                        f"{as_of.isoformat()} comes from the units formed from it: {successors}")
            return (f"{unit.label} không còn tồn tại từ ngày {ended:%d/%m/%Y} / {unit.label} ceased to exist on "
                    f"{ended.isoformat()}")
        start = unit.valid_from
        rows = self._formed_from(unit)
        if rows and start is not None:
            former = ", ".join(dict.fromkeys(self.units[r.former_unit_code].label for r in rows))
            source = rows[0].source
            return (f"{unit.label} chỉ là đơn vị báo cáo từ ngày {start:%d/%m/%Y} ({source}); số liệu ngày "
                    f"{as_of:%d/%m/%Y} do đơn vị cũ báo cáo: {former} / {unit.label} exists from "
                    f"{start.isoformat()} ({source}); a roster dated {as_of.isoformat()} comes from the unit(s) it "
                    f"was formed from: {former}")
        return (f"{unit.label} không tồn tại vào ngày {as_of:%d/%m/%Y} / {unit.label} does not exist on "
                f"{as_of.isoformat()}")

    def _unknown(self, text: str, name: Name) -> str:
        merged = [self.units[c] for c in sorted(self._former.get(name.key, ()))]
        if merged:
            into = ", ".join(u.label for u in merged)
            return (f"'{text}' không phải đơn vị báo cáo; đơn vị này đã được sắp xếp vào: {into} / '{text}' is not a "
                    f"reporting unit; it was merged into: {into}")
        return (f"Không nhận ra đơn vị '{text}' (cần tên xã, phường, huyện, thành phố hoặc mã GSO của đơn vị) / "
                f"unknown reporting unit '{text}'")
