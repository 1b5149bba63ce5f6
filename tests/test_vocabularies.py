"""Docs that list a vocabulary (statuses, reason codes, indicators, bodies, units) list exactly what its seed holds.

A listed vocabulary is a markdown table right below a marker naming the seed and the seed columns its first cells
show, e.g. ``<!-- seed reasons where scope = row: reason_code, message -->``; further cells are free prose. Regenerate
a table from the seed when this test fails. Pure Python: reads the CSV seeds and the markdown.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "dbt_project" / "seeds"
DOCS = {
    "docs/lake-contract.md": {("reasons", "scope = row"), ("submission_statuses", "")},
    "docs/submission-format.md": {("reasons", "scope = row"), ("reasons", "scope = file"), ("submission_statuses", ""),
                                  ("bodies", "is_derived = false"), ("units", "unit_level = province"),
                                  ("units", "unit_level = district"), ("units", "unit_level = commune")},
    "docs/published-tables.md": {("indicators", ""), ("bodies", ""), ("submission_statuses", "")},
    "dbt_project/models/_docs.md": {("reasons", "scope = row"), ("submission_statuses", "")},
}
MARKER = re.compile(r"<!-- seed (?P<seed>\w+)(?: where (?P<where>\w+ = \w+))?: (?P<columns>\w+(?:, \w+)*) -->")
# dbt's doc blocks feed column descriptions: there a vocabulary is named by its seed, not listed again.
CODE_COLUMNS = {"indicators": "indicator_code", "bodies": "body_code", "submission_statuses": "status",
                "reasons": "reason_code"}


@dataclass(frozen=True)
class ListedVocabulary:
    doc: str
    line: int
    seed: str
    where: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    """The table's first len(columns) cells of each row, backticks stripped."""

    def __str__(self) -> str:
        return f"{self.doc}:{self.line} seed {self.seed} {self.where}".strip()


def table_cells(line: str) -> list[str]:
    cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
    return [cell.strip().replace("\\|", "|").strip("`") for cell in cells]


def listed_vocabularies(doc: str) -> list[ListedVocabulary]:
    lines = (REPO / doc).read_text(encoding="utf-8").splitlines()
    found = []
    for i, line in enumerate(lines):
        if not (marker := MARKER.fullmatch(line.strip())):
            continue
        columns = tuple(marker["columns"].split(", "))
        table = []
        for row in lines[i + 3:]:  # after the header and its |---| line
            if not row.startswith("|"):
                break
            table.append(tuple(table_cells(row)[:len(columns)]))
        found.append(ListedVocabulary(doc, i + 1, marker["seed"], marker["where"] or "", columns, tuple(table)))
    return found


def seed_rows(seed: str, where: str = "") -> list[dict[str, str]]:
    with (SEEDS / f"{seed}.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    if where:
        column, value = where.split(" = ")
        rows = [row for row in rows if row[column] == value]
    return rows


ALL_LISTED = [listed for doc in DOCS for listed in listed_vocabularies(doc)]


@pytest.mark.parametrize("listed", ALL_LISTED, ids=str)
def test_listed_vocabulary_equals_its_seed(listed: ListedVocabulary) -> None:
    expected = sorted(tuple(row[column] for column in listed.columns) for row in seed_rows(listed.seed, listed.where))
    assert sorted(listed.rows) == expected


@pytest.mark.parametrize("doc", DOCS)
def test_doc_lists_the_vocabularies_it_documents(doc: str) -> None:
    assert {(listed.seed, listed.where) for listed in listed_vocabularies(doc)} == DOCS[doc]


def test_dbt_doc_blocks_name_a_seed_instead_of_listing_it() -> None:
    """Outside its checked tables, _docs.md may name one code of a vocabulary (department_managers, say), not a list."""
    lines = (REPO / "dbt_project" / "models" / "_docs.md").read_text(encoding="utf-8").splitlines()
    prose = "\n".join(line for line in lines if not line.startswith("|"))
    listed = {}
    for seed, column in CODE_COLUMNS.items():
        codes = {row[column] for row in seed_rows(seed) if "_" in row[column]}  # plain words are prose too
        named = sorted(code for code in codes if re.search(rf"\b{re.escape(code)}\b", prose))
        if len(named) > 1:
            listed[seed] = named
    assert listed == {}


def test_markers_are_well_formed() -> None:
    """A marker the pattern does not read would leave its table unchecked."""
    loose = [f"{doc}:{i + 1}" for doc in DOCS
             for i, line in enumerate((REPO / doc).read_text(encoding="utf-8").splitlines())
             if line.strip().startswith("<!-- seed") and not MARKER.fullmatch(line.strip())]
    assert loose == []
