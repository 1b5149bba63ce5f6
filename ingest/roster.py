"""Clean roster sheets into membership rows and rejected rows.

In: each roster's sheets (their headers and data rows, as text cells) and its as-of date. Out, per roster: one
membership per person × body, typed and coded through the seeds, and one rejected row per source row that cannot be
accepted, with the first reason that applies and the sheet it is on. Rows that are not people (blank, column
numbers, totals, a sheet's signature block) are skipped, not rejected. The sheets of a roster are one roster: a
person in the same body on two of them is one membership (the later row is a duplicate).

Many rosters are cleaned as one frame (a ``roster`` column tells them apart): polars spends about as long on an
operation over a few thousand rows as over fifty thousand, and cleaning takes some eighty of them, so sixteen
3,500-row rosters cleaned together cost about two thirds of what they cost one by one (what remains is per row: the
person key, the birth dates, the distinct cells). Every rule is per row or per roster, never across rosters: a
person in two rosters is two memberships.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date
from itertools import accumulate

import polars as pl

from ingest import values
from ingest.errors import SubmissionError
from ingest.header import Header, data_rows
from ingest.limits import bounded, clipped
from ingest.reference import Reference, Vocabulary
from ingest.roster_feedback import judged_cells, sheet_context
from ingest.roster_rules import BIRTH_PAIR, HEADER_ROLES, RULES, TEXT_ROLES
from ingest.suggestions import feedback_columns
from ingest.tcvn3 import sheet_is_tcvn3
from ingest.text import clean_cells, fold_series, map_distinct

ROSTER = "roster"  # which roster of the batch a row comes from
SHEET = "sheet"  # which sheet of the batch: a source row is a row of its sheet
COLUMN_NUMBER = r"^\(?\d{1,3}\)?$"


@dataclass(frozen=True)
class Roster:
    """A roster to clean: the headers of its sheets (``ingest.header.find_roster_headers``), the as-of date ages are
    counted at, and the bodies its unit's rosters list (``Reference.bodies_of``)."""

    headers: tuple[Header, ...]
    as_of: date
    bodies: Vocabulary


@dataclass(frozen=True)
class CleanRoster:
    memberships: pl.DataFrame
    rejected: pl.DataFrame  # source_row, full_name, reason_code, message, sheet_name, ingest.suggestions.FEEDBACK_COLUMNS
    rows_total: int
    sheet_rows: tuple[int, ...]  # the people rows of each sheet, in the order of Roster.headers


def _read_columns(header: Header) -> dict[str, str | None]:
    """The column of the sheet each role and birth column is read from, None where the sheet lacks it."""
    return {role: header.columns.get(role) for role in HEADER_ROLES} | dict(
        zip(BIRTH_PAIR, (header.birth_male, header.birth_female)))


def require_calculated_formulas(header: Header) -> None:
    """SubmissionError ``formulas_not_calculated`` when a column the roster is read from holds formula cells saved
    without their value (``Sheet.uncalculated``), which reading takes for empty cells where Excel shows values.
    Formulas in the sheet's other columns, or on other sheets, do not matter."""
    read = set(_read_columns(header).values())
    found = [formulas for column, formulas in header.sheet.uncalculated.items() if column in read]
    if not found:
        return
    cells, name = sum(formulas.cells for formulas in found), header.sheet.name
    first = min(found, key=lambda formulas: (formulas.first_row, formulas.column)).first_cell
    raise SubmissionError(
        "formulas_not_calculated",
        f"Công thức chưa được tính: trang '{name}' có {cells} ô công thức chưa có giá trị trong các cột danh sách "
        f"(ô đầu tiên {first}); mở tệp bằng Excel/LibreOffice, lưu lại rồi gửi lại / formulas were never "
        f"calculated: sheet '{name}' has {cells} formula cell(s) without a value in its roster columns (first "
        f"{first}); open and save the file in Excel or LibreOffice, then send it again",
    )


def _role_cells(index: int, sheet: int, header: Header, as_of: date) -> pl.LazyFrame:
    """A roster sheet's data rows as one text column per role (null where the sheet lacks it), and what the rules
    need to know of its sheet: the as-of date, whether birth dates are split into Nam/Nữ columns, and whether that
    pair must be read again (another birth column told the people rows apart). Lazy: a batch's sheets are collected
    together (polars' fixed cost is per query, and a commune sheet has a few dozen rows)."""
    split = header.birth_male is not None
    return data_rows(header).lazy().select(
        pl.lit(index, dtype=pl.Int32).alias(ROSTER),
        pl.lit(sheet, dtype=pl.Int32).alias(SHEET),
        "source_row",
        *[(pl.col(name).cast(pl.String) if name else pl.lit(None, dtype=pl.String)).alias(role)
          for role, name in _read_columns(header).items()],
        pl.lit(as_of, dtype=pl.Date).alias("as_of"),
        pl.lit(split).alias("split_birth"),
        pl.lit(split and header.columns.get("birth") != header.birth_male).alias("reread_birth"),
    )


def _cleaned(frame: pl.DataFrame, tcvn3: bool) -> pl.DataFrame:
    """Every role's text cleaned (``clean_cells``), all roles as one column.

    A roster repeats its words across columns and rosters repeat each other's: one pass over a few thousand
    distinct cells costs less than a dozen passes over a few hundred each."""
    stacked = clean_cells(pl.concat([frame[role].alias("cell") for role in TEXT_ROLES]), tcvn3)
    return frame.with_columns(stacked.slice(i * frame.height, frame.height).alias(role)
                              for i, role in enumerate(TEXT_ROLES))


def _row_kind(folded: pl.Series, markers: dict[str, str]) -> pl.Series:
    """The kind (total, signature) of the first row marker each folded cell starts with, else null."""
    if not markers:
        return pl.Series(folded.name, [None] * folded.len(), dtype=pl.String)
    starts = [pl.when(pl.col("lead").str.starts_with(m)).then(pl.lit(kind)) for m, kind in markers.items()]
    return folded.to_frame("lead").select(pl.coalesce(starts)).to_series()


def _limits(reference: Reference) -> dict[str, int]:
    return {role: reference.limits["birth" if role in BIRTH_PAIR else role] for role in TEXT_ROLES}


def _people_rows(rosters: list[Roster], reference: Reference) -> pl.DataFrame:
    """Clean text of each role of every roster, each cell bounded (``ingest.limits``), without the rows that are not
    people."""
    limits = _limits(reference)
    sheets = [(i, header, roster.as_of) for i, roster in enumerate(rosters) for header in roster.headers]
    frames = [_role_cells(i, sheet, header, as_of) for sheet, (i, header, as_of) in enumerate(sheets)]
    tcvn3 = [sheet_is_tcvn3(header.sheet.cells) for _, header, _ in sheets]
    groups = [_cleaned(clipped(pl.concat([f for f, t in zip(frames, tcvn3) if t == flag]).collect(), limits), flag)
              for flag in (False, True) if flag in tcvn3]
    frame = bounded(pl.concat(groups).sort(SHEET, maintain_order=True), limits)
    birth_date, birth_year = values.parse_birth(pl.coalesce("birth", "birth_male", "birth_female"))
    frame = frame.with_columns(birth_date=birth_date, birth_year=birth_year)
    # Folded, "Tống Sơn Tùng" starts like "Tổng số" and "Công …" like "Cộng": a row with a readable birth is a
    # person, never a totals row or the start of the signature block. So only the other rows are looked at.
    unreadable = frame["birth_year"].is_null().arg_true()
    leading = frame.select(pl.coalesce("row_number", "full_name")).to_series().gather(unreadable)
    kind = _row_kind(fold_series(leading), reference.row_markers.keys)
    marker = pl.Series("marker", [None] * frame.height, dtype=pl.String).scatter(unreadable, kind)
    frame = frame.with_columns(marker)
    signed = pl.col("marker").eq("signature").fill_null(False).cum_sum().over(SHEET) > 0
    # A row with a name and nothing else is still a person to account for (rejected, never silently skipped).
    person_fields = ["full_name", "birth", "ethnicity", "body", *BIRTH_PAIR]
    is_column_numbers = pl.col("full_name").str.contains(COLUMN_NUMBER) & pl.col("ethnicity").str.contains(
        COLUMN_NUMBER
    ).fill_null(True)
    return frame.filter(
        ~signed
        & pl.col("marker").is_null()
        & pl.any_horizontal(pl.col(c).is_not_null() for c in person_fields)
        & ~is_column_numbers.fill_null(False)
    ).drop("marker")


def _lookup(series: pl.Series, vocabulary: Vocabulary, prefix: bool) -> pl.Series:
    return map_distinct(series, vocabulary.by_prefix if prefix else vocabulary.exact)


def _bodies(frame: pl.DataFrame, rosters: list[Roster]) -> pl.DataFrame:
    """(sheet, source_row) → list of body codes; a list with a null means one part of the cell is unknown."""
    tokens = frame.select(
        ROSTER, SHEET, "source_row",
        pl.col("body").str.replace_all(";", ",").str.split(",").list.eval(pl.element().str.strip_chars()).alias("token"),
    ).explode("token").filter(pl.col("token").is_not_null() & (pl.col("token") != ""))
    vocabularies = {r.bodies.name: r.bodies for r in rosters}
    tokens = tokens.with_columns(pl.coalesce(
        pl.when(pl.col(ROSTER).is_in([i for i, r in enumerate(rosters) if r.bodies.name == name]))
        .then(_lookup(tokens["token"], vocabulary, prefix=True))
        for name, vocabulary in vocabularies.items()
    ).alias("body_code"))
    return tokens.group_by(SHEET, "source_row", maintain_order=True).agg(
        pl.col("body_code"), pl.col("body_code").is_null().any().alias("body_unknown"),
        pl.col("token").filter(pl.col("body_code").is_null()).first().alias("unknown_token"),
    )


def person_keys(identities: pl.Series, secret: str) -> pl.Series:
    """HMAC-SHA256 of each identity under ``secret``, as 32 hex digits (nulls stay null).

    This runs once per row, so the HMAC is spelled out (RFC 2104): the two keyed SHA-256 states are made once and
    copied for each row, which costs half of what ``hmac.new`` or ``hmac.digest`` does per call."""
    key = secret.encode()
    key = (hashlib.sha256(key).digest() if len(key) > hashlib.sha256().block_size else key).ljust(64, b"\0")
    inner, outer = hashlib.sha256(key.translate(hmac.trans_36)), hashlib.sha256(key.translate(hmac.trans_5C))

    def person_key(identity: str) -> str:
        digest = inner.copy()
        digest.update(identity.encode())
        keyed = outer.copy()
        keyed.update(digest.digest())
        return keyed.hexdigest()[:32]

    return pl.Series([None if i is None else person_key(i) for i in identities.to_list()], dtype=pl.String)


def _birth_and_gender(people: pl.DataFrame) -> pl.DataFrame:
    """Gender from the gender column, or from which of the Nam/Nữ birth columns is filled."""
    male, female = pl.col("birth_male").is_not_null(), pl.col("birth_female").is_not_null()
    split = pl.col("split_birth")
    people = people.with_columns(
        pl.when(split).then(pl.coalesce("birth_male", "birth_female")).otherwise(pl.col("birth")).alias("birth"),
        pl.when(split).then(
            pl.when(male & ~female).then(pl.lit("M")).when(female & ~male).then(pl.lit("F"))
        ).otherwise(values.gender(pl.col("gender").map_batches(fold_series))).alias("gender_code"),
    )
    if not people["reread_birth"].any():
        return people
    # The rows were told apart by another birth column than the Nam/Nữ pair: read the pair's own date.
    birth_day, birth_year = values.parse_birth(pl.col("birth"))
    reread = pl.col("reread_birth")
    return people.with_columns(
        birth_date=pl.when(reread).then(birth_day).otherwise(pl.col("birth_date")),
        birth_year=pl.when(reread).then(birth_year).otherwise(pl.col("birth_year")),
    )


def _per_roster(frame: pl.DataFrame, count: int) -> list[pl.DataFrame]:
    parts = frame.partition_by(ROSTER, as_dict=True, include_key=False, maintain_order=True)
    empty = frame.drop(ROSTER).clear()
    return [parts.get((i,), empty) for i in range(count)]


def clean_rosters(rosters: list[Roster], reference: Reference, secret: str) -> list[CleanRoster]:
    """Memberships and rejected rows of each roster sheet, in order (see module docstring)."""
    if not rosters:
        return []
    people = _birth_and_gender(_people_rows(rosters, reference))
    people = people.with_columns(
        age_years=values.age_at(pl.col("birth_date"), pl.col("birth_year"), pl.col("as_of")),
        term_code=values.term(pl.col("term")),
        ethnic_code=_lookup(people["ethnicity"], reference.ethnic_groups, prefix=False),
        education_code=_lookup(people["education"], reference.education_levels, prefix=True),
        political_theory_code=_lookup(people["political_theory"], reference.political_theory_levels, prefix=True),
    ).join(_bodies(people, rosters), on=[SHEET, "source_row"], how="left", maintain_order="left")
    reason = pl.coalesce(pl.when(applies).then(pl.lit(code)) for code, _, applies in RULES)
    people = people.with_columns(reason.alias("reason_code"))
    accepted = people.filter(pl.col("reason_code").is_null())
    # The name keeps its diacritics (Hùng and Hưng are two people); case and spacing are already normalised away.
    identity = pl.concat_str(
        pl.col("full_name").str.to_lowercase(),
        pl.coalesce(pl.col("birth_date").cast(pl.String), pl.col("birth_year").cast(pl.String)),
        pl.col("gender_code"),
        separator="|",
    )
    memberships = (
        accepted.with_columns(person_keys(accepted.select(identity).to_series(), secret).alias("person_key"))
        .explode("body_code")
        .unique(subset=[ROSTER, "person_key", "body_code"], keep="first", maintain_order=True)
    )
    duplicates = accepted.join(
        memberships.select(SHEET, "source_row").unique(), on=[SHEET, "source_row"], how="anti", maintain_order="left"
    ).with_columns(pl.lit("duplicate_membership").alias("reason_code"))
    rejected = pl.concat([people.filter(pl.col("reason_code").is_not_null()), duplicates]).sort(SHEET, "source_row")
    limits = _limits(reference)
    rejected = judged_cells(rejected, limits)
    contexts = [sheet_context(header, roster, reference) for roster in rosters for header in roster.headers]
    explained = feedback_columns(rejected, contexts, reference.reasons, limits)
    memberships = memberships.select(
        ROSTER, pl.col("source_row").cast(pl.Int32), "person_key", "full_name", "birth_date", "birth_year",
        "age_years", pl.col("gender_code").alias("gender"), "ethnic_code", "body_code",
        pl.col("term_code").alias("term"), "education_code", "political_theory_code", "position", "organisation",
    )
    rejected = pl.concat([rejected.select(
        ROSTER, pl.col("source_row").cast(pl.Int32), "full_name", "reason_code",
        pl.col("reason_code").replace_strict(reference.row_messages, return_dtype=pl.String).alias("message"),
        pl.col(SHEET).replace_strict(dict(enumerate(h.sheet.name for r in rosters for h in r.headers)),
                                     return_dtype=pl.String).alias("sheet_name"),
    ), explained], how="horizontal")
    rows = dict(people.group_by(SHEET).len().iter_rows())
    starts = list(accumulate((len(roster.headers) for roster in rosters), initial=0))
    sheet_rows = [tuple(rows.get(sheet, 0) for sheet in range(start, end)) for start, end in zip(starts, starts[1:])]
    return [
        CleanRoster(memberships=kept, rejected=refused, rows_total=sum(counts), sheet_rows=counts)
        for kept, refused, counts in zip(_per_roster(memberships, len(rosters)), _per_roster(rejected, len(rosters)),
                                         sheet_rows)
    ]
