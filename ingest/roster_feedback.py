"""What the clerk's feedback explains a roster's rejected rows with: each sheet's headers as written and the lists its
cells were looked up in (``sheet_context``), and the cell each row's reason judged (``judged_cells``). The
explaining itself (closest spellings, accepted forms) is ``ingest.suggestions``'; which reason a row gets is
``ingest.roster_rules``'.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from ingest.header import Header
from ingest.reference import Reference
from ingest.roster_rules import BIRTH_PAIR, JUDGED, MAX_AGE, MIN_AGE, TEXT_ROLES
from ingest.suggestions import SheetContext, born_between, header_text, judged_role, shown

if TYPE_CHECKING:
    from ingest.roster import Roster


def sheet_context(header: Header, roster: Roster, reference: Reference) -> SheetContext:
    """What the feedback explains the rejected rows of one of a roster's sheets with: its headers as written (the
    Nam | Nữ columns of the split form under their merged heading, "Ngày, tháng, năm sinh – Nữ"), the roster's
    lists, the ages of its as-of date."""
    headers = {role: header_text(header, column) for role, column in header.columns.items()}
    if header.birth_male is not None:
        top = header_text(header, header.birth_male) or header_text(header, header.birth_female)
        below = [header_text(header, c, header.row + 1) for c in (header.birth_male, header.birth_female)]
        headers |= {role: " – ".join(filter(None, (top, sub))) for role, sub in zip(BIRTH_PAIR, below)}
        headers["birth"] = headers["gender"] = " – ".join(filter(None, (top, " | ".join(filter(None, below)))))
    lists = {"unknown_ethnicity": reference.ethnic_groups, "unknown_body": roster.bodies,
             "unknown_education": reference.education_levels,
             "unknown_political_theory": reference.political_theory_levels}
    return SheetContext(headers, lists, born_between(roster.as_of, MIN_AGE, MAX_AGE))


def judged_cells(rejected: pl.DataFrame, limits: dict[str, int]) -> pl.DataFrame:
    """``rejected`` with what each row's reason judged: the role of the cell, its text and the text the reason's list
    did not know (one part of a cell of several bodies). In the split form, the birth date is whichever of Nam | Nữ
    is filled, and a missing gender shows both.

    Each column is computed from the one before it as a column, not as an expression: nested, the role's expression
    would be repeated in the value's and the value's in the looked-up text, and polars plans such a tree in about
    a tenth of a second whatever the rows, which was most of cleaning a small roster."""
    split, male, female = pl.col("split_birth"), pl.col("birth_male"), pl.col("birth_female")
    role = judged_role(JUDGED, limits)
    birth = split & (role == "birth")
    role = (pl.when(birth & male.is_not_null()).then(pl.lit("birth_male"))
            .when(birth & female.is_not_null()).then(pl.lit("birth_female")).otherwise(role))
    rejected = rejected.with_columns(role.alias("role"))
    judged = pl.col("role")
    value = pl.when(split & (judged == "gender")).then(pl.concat_str(male, female, separator=" | ", ignore_nulls=True))
    value = value.otherwise(pl.coalesce(pl.when(judged == r).then(pl.col(r)) for r in TEXT_ROLES))
    return rejected.with_columns(value.alias("looked_up")).with_columns(
        shown(pl.col("looked_up")).alias("value"),
        pl.when(pl.col("reason_code") == "unknown_body").then(pl.col("unknown_token"))
        .otherwise(pl.col("looked_up")).alias("looked_up"),
    )
