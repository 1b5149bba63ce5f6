"""What the clerk's feedback shows of a rejected row besides its reason: the value written, the header of its column
as the clerk wrote it, and what would be accepted instead.

In: rejected rows with the role whose cell their reason judged and that cell's text (``ingest.roster``,
``ingest.training`` say which), and per sheet its headers and the lists its cells were looked up in. Out: three text
columns for the feedback workbook only (``ingest.feedback``). They travel in memory with the rejected frame and never
reach the lake: ``rejected_rows`` keep their contract's columns (``ingest.lake.conform``).

What would be accepted: for a value looked up in a list and not found, the closest spellings of that list (difflib on
the folded spellings, at most three, one per code); when none is close, and for every other reason, the reason's
accepted form (seed ``reasons``: accepted, accepted_en). Not here: which reason a row gets.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from ingest.header import Header
from ingest.limits import ELLIPSIS
from ingest.reference import Reason, Vocabulary
from ingest.text import clean_text, fold

FEEDBACK_COLUMNS = ("header", "value", "accepted")  # what rejected frames carry for the feedback workbook
MAX_SPELLINGS = 3
CLOSE = 0.6  # difflib's ratio from which a spelling counts as close (its own default)
# A sheet with more distinct unknown values than this in one list has a wrong column, not misspellings; each costs
# some 0.1 ms to match, so the others get the accepted form.
MATCHED_VALUES = 200
HEADER_CHARS = 100  # a header cell is shown up to this long
EXCEL_DATE = r"^(\d{4})-(\d{2})-(\d{2})[ T]00:00:00(?:\.0+)?$"  # how a date cell of Excel reads as text


@dataclass(frozen=True)
class SheetContext:
    """What one sheet's rejected rows are explained with: each role's header as written, the list each reason
    looked a cell up in, and the fields of the accepted forms (``limit`` is added per row)."""

    headers: Mapping[str, str | None]
    lists: Mapping[str, Vocabulary] = field(default_factory=dict)
    fields: Mapping[str, object] = field(default_factory=dict)


def header_text(header: Header, column: str | None, row: int | None = None) -> str | None:
    """``column``'s cell in the header row (or in ``row``), cleaned and cut to HEADER_CHARS."""
    if column is None:
        return None
    text = clean_text(header.sheet.cells[column][header.row if row is None else row])
    return text[:HEADER_CHARS] + ELLIPSIS if text and len(text) > HEADER_CHARS else text


def shown(value: pl.Expr) -> pl.Expr:
    """A cell's text as the clerk sees it in Excel: a date cell (read as ``1980-05-01 00:00:00``) as dd/mm/yyyy."""
    return value.str.replace(EXCEL_DATE, "${3}/${2}/${1}")


def judged_role(judged: Mapping[str, str], limits: Mapping[str, int]) -> pl.Expr:
    """The role of the cell each row's ``reason_code`` judged: ``judged``'s role for the reason, and for
    value_too_long the first role of ``limits`` whose bounded cell is over its limit (ends in the ellipsis)."""
    over = pl.coalesce(pl.when(pl.col(role).str.len_chars() > limit).then(pl.lit(role))
                       for role, limit in limits.items())
    reason = pl.col("reason_code")
    return pl.when(reason == "value_too_long").then(over).otherwise(
        reason.replace_strict(judged, default=None, return_dtype=pl.String))


def closest_spellings(text: str, vocabulary: Vocabulary) -> list[str]:
    """At most MAX_SPELLINGS spellings of ``vocabulary`` close to ``text``, the closest first, one per code."""
    found: dict[str, str] = {}
    for key in difflib.get_close_matches(fold(text), vocabulary.keys, n=len(vocabulary.keys), cutoff=CLOSE):
        found.setdefault(vocabulary.keys[key], vocabulary.spellings[key])
    return list(found.values())[:MAX_SPELLINGS]


def accepted_form(reason: Reason, fields: Mapping[str, object]) -> str | None:
    """The reason's accepted form with its fields filled in, "Vietnamese / English" (once if both read the same);
    None if the reason has none, or a field it names is unknown for the row."""
    known = {name: value for name, value in fields.items() if value is not None}
    try:
        vietnamese, english = reason.accepted.format(**known), reason.accepted_en.format(**known)
    except KeyError:
        return None
    if not vietnamese:
        return None
    return vietnamese if vietnamese == english else f"{vietnamese} / {english}"


def _accepted(reason: Reason, cell: str | None, looked_up: str | None, vocabulary: Vocabulary | None,
              fields: Mapping[str, object], matched: dict[str, list[str]]) -> str | None:
    if looked_up and vocabulary is not None:
        if looked_up not in matched and len(matched) < MATCHED_VALUES:
            matched[looked_up] = closest_spellings(looked_up, vocabulary)
        if spellings := matched.get(looked_up):
            # A cell of several bodies: say which part the spellings are for.
            return "; ".join(spellings) if looked_up == cell else f"{looked_up} → {'; '.join(spellings)}"
    return accepted_form(reason, fields)


def feedback_columns(rejected: pl.DataFrame, sheets: list[SheetContext], reasons: Mapping[str, Reason],
                     limits: Mapping[str, int]) -> pl.DataFrame:
    """FEEDBACK_COLUMNS for each row of ``rejected``, whose columns ``sheet`` (an index into ``sheets``),
    ``reason_code``, ``role`` (of the cell judged; null if none), ``value`` (that cell's text) and ``looked_up``
    (the text looked up in the reason's list and not found; null if none) say what each row's reason judged."""
    matched: dict[tuple[int, str], dict[str, list[str]]] = {}
    headers, accepted = [], []
    for row in rejected.select("sheet", "reason_code", "role", "value", "looked_up").iter_rows(named=True):
        sheet, role = sheets[row["sheet"]], row["role"]
        reason = reasons[row["reason_code"]]
        headers.append(sheet.headers.get(role) if role else None)
        accepted.append(_accepted(reason, row["value"], row["looked_up"], sheet.lists.get(reason.code),
                                  {**sheet.fields, "limit": limits.get(role)},
                                  matched.setdefault((row["sheet"], reason.code), {})))
    return pl.DataFrame({"header": headers, "value": rejected["value"], "accepted": accepted},
                        schema={name: pl.String for name in FEEDBACK_COLUMNS})


def born_between(as_of: date, min_age: int, max_age: int) -> dict[str, date]:
    """The first and last birth dates aged ``min_age`` to ``max_age`` on ``as_of`` (completed years, as
    ``ingest.values.age_at`` counts them): the fields of age_out_of_range's accepted form."""

    def years_before(years: int) -> date:
        try:
            return as_of.replace(year=as_of.year - years)
        except ValueError:  # 29 February, in a year without one
            return as_of.replace(year=as_of.year - years, day=28)

    return {"born_from": date.fromordinal(years_before(max_age + 1).toordinal() + 1),
            "born_to": years_before(min_age)}
