"""Clean the roster sheet of one submission into membership rows and rejected rows.

In: the roster's data rows (text cells) and its header. Out: one membership per person × body, typed and coded
through the seeds, and one rejected row per source row that cannot be accepted, with the first reason that applies.
Rows that are not people (blank, column numbers, totals, the signature block) are skipped, not rejected.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

import polars as pl

from ingest import values
from ingest.header import Header, data_rows
from ingest.reasons import MESSAGES
from ingest.reference import Reference, Vocabulary
from ingest.text import clean_cells, fold_series, map_distinct, sheet_is_tcvn3

TEXT_ROLES = ("row_number", "full_name", "birth", "gender", "ethnicity", "body", "term", "education",
              "political_theory", "position", "organisation")
COLUMN_NUMBER = r"^\(?\d{1,3}\)?$"
MIN_AGE, MAX_AGE = 18, 80


@dataclass(frozen=True)
class CleanRoster:
    memberships: pl.DataFrame
    rejected: pl.DataFrame  # source_row, full_name, reason_code, message
    rows_total: int


def _cleaned_columns(rows: pl.DataFrame, columns: dict[str, str | None], tcvn3: bool) -> list[pl.Series]:
    """The clean text of each role (all null where the sheet lacks its column).

    All roles are cleaned as one column: a roster repeats its words across columns too, and one pass over a few
    thousand distinct cells costs less than a dozen passes over a few hundred each."""
    raw = [rows[name] if name else pl.Series(role, [None] * rows.height, dtype=pl.String)
           for role, name in columns.items()]
    stacked = clean_cells(pl.concat([s.cast(pl.String).alias("cell") for s in raw]), tcvn3)
    return [stacked.slice(i * rows.height, rows.height).alias(role) for i, role in enumerate(columns)]


def _row_kind(folded: pl.Series, markers: dict[str, str]) -> pl.Series:
    """The kind (total, signature) of the first row marker each folded cell starts with, else null."""
    if not markers:
        return pl.Series(folded.name, [None] * folded.len(), dtype=pl.String)
    starts = [pl.when(pl.col("lead").str.starts_with(m)).then(pl.lit(kind)) for m, kind in markers.items()]
    return folded.to_frame("lead").select(pl.coalesce(starts)).to_series()


def _people_rows(rows: pl.DataFrame, header: Header, reference: Reference) -> pl.DataFrame:
    """Text of each role, without the rows that are not people."""
    tcvn3 = sheet_is_tcvn3(header.sheet.cells)
    columns = {role: header.columns.get(role) for role in TEXT_ROLES}
    if header.birth_male:
        columns |= {"birth_male": header.birth_male, "birth_female": header.birth_female}
    frame = pl.DataFrame([rows["source_row"], *_cleaned_columns(rows, columns, tcvn3)])
    births = [c for c in ("birth", "birth_male", "birth_female") if c in frame.columns]
    birth_date, birth_year = values.parse_birth(pl.coalesce(births))
    frame = frame.with_columns(birth_date=birth_date, birth_year=birth_year)
    # Folded, "Tống Sơn Tùng" starts like "Tổng số" and "Công …" like "Cộng": a row with a readable birth is a
    # person, never a totals row or the start of the signature block. So only the other rows are looked at.
    unreadable = frame["birth_year"].is_null().arg_true()
    leading = frame.select(pl.coalesce("row_number", "full_name")).to_series().gather(unreadable)
    kind = _row_kind(fold_series(leading), reference.row_markers.keys)
    marker = pl.Series("marker", [None] * frame.height, dtype=pl.String).scatter(unreadable, kind)
    frame = frame.with_columns(marker)
    signature = frame["marker"].eq("signature").arg_true()
    if len(signature):
        frame = frame.head(int(signature[0]))
    # A row with a name and nothing else is still a person to account for (rejected, never silently skipped).
    person_fields = ["full_name", "birth", "ethnicity", "body", "birth_male", "birth_female"]
    person_fields = [c for c in person_fields if c in frame.columns]
    is_column_numbers = pl.col("full_name").str.contains(COLUMN_NUMBER) & pl.col("ethnicity").str.contains(
        COLUMN_NUMBER
    ).fill_null(True)
    return frame.filter(
        pl.col("marker").is_null()
        & pl.any_horizontal(pl.col(c).is_not_null() for c in person_fields)
        & ~is_column_numbers.fill_null(False)
    ).drop("marker")


def _lookup(series: pl.Series, vocabulary: Vocabulary, prefix: bool) -> pl.Series:
    return map_distinct(series, vocabulary.by_prefix if prefix else vocabulary.exact)


def _bodies(frame: pl.DataFrame, reference: Reference) -> pl.DataFrame:
    """source_row → list of body codes; a list with a null means one part of the cell is unknown."""
    tokens = frame.select(
        "source_row",
        pl.col("body").str.replace_all(";", ",").str.split(",").list.eval(pl.element().str.strip_chars()).alias("token"),
    ).explode("token").filter(pl.col("token").is_not_null() & (pl.col("token") != ""))
    tokens = tokens.with_columns(_lookup(tokens["token"], reference.bodies, prefix=True).alias("body_code"))
    return tokens.group_by("source_row", maintain_order=True).agg(
        pl.col("body_code"), pl.col("body_code").is_null().any().alias("body_unknown")
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


def clean_roster(header: Header, as_of: date, reference: Reference, secret: str) -> CleanRoster:
    """Memberships and rejected rows of one roster sheet (see module docstring)."""
    people = _people_rows(data_rows(header), header, reference)
    if header.birth_male:
        male, female = pl.col("birth_male").is_not_null(), pl.col("birth_female").is_not_null()
        people = people.with_columns(
            pl.coalesce("birth_male", "birth_female").alias("birth"),
            pl.when(male & ~female).then(pl.lit("M")).when(female & ~male).then(pl.lit("F")).alias("gender_code"),
        )
        if header.columns.get("birth") != header.birth_male:
            # The rows were told apart by another birth column than the Nam/Nữ pair: read the pair's own date.
            birth_day, birth_year = values.parse_birth(pl.col("birth"))
            people = people.with_columns(birth_date=birth_day, birth_year=birth_year)
    else:
        people = people.with_columns(values.gender(pl.col("gender").map_batches(fold_series)).alias("gender_code"))
    people = people.with_columns(
        age_years=values.age_at(pl.col("birth_date"), pl.col("birth_year"), as_of),
        term_code=values.term(pl.col("term")),
        ethnic_code=_lookup(people["ethnicity"], reference.ethnic_groups, prefix=False),
        education_code=_lookup(people["education"], reference.education_levels, prefix=True),
        political_theory_code=_lookup(people["political_theory"], reference.political_theory_levels, prefix=True),
    ).join(_bodies(people, reference), on="source_row", how="left")
    reason = (
        pl.when(pl.col("full_name").is_null()).then(pl.lit("missing_name"))
        .when(pl.col("birth_year").is_null()).then(pl.lit("bad_birth_date"))
        .when(~pl.col("age_years").is_between(MIN_AGE, MAX_AGE)).then(pl.lit("age_out_of_range"))
        .when(pl.col("gender_code").is_null()).then(pl.lit("missing_gender"))
        .when(pl.col("ethnic_code").is_null() & pl.col("ethnicity").str.contains(r"^\d+$"))
        .then(pl.lit("ambiguous_ethnicity_code"))
        .when(pl.col("ethnic_code").is_null()).then(pl.lit("unknown_ethnicity"))
        .when(pl.col("body_code").is_null()).then(pl.lit("missing_body"))
        .when(pl.col("body_unknown")).then(pl.lit("unknown_body"))
        .when(pl.col("term").is_not_null() & pl.col("term_code").is_null()).then(pl.lit("bad_term"))
        .when(pl.col("education").is_not_null() & pl.col("education_code").is_null())
        .then(pl.lit("unknown_education"))
        .when(pl.col("political_theory").is_not_null() & pl.col("political_theory_code").is_null())
        .then(pl.lit("unknown_political_theory"))
    )
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
        .unique(subset=["person_key", "body_code"], keep="first", maintain_order=True)
    )
    duplicates = accepted.filter(~pl.col("source_row").is_in(memberships["source_row"].implode())).with_columns(
        pl.lit("duplicate_membership").alias("reason_code")
    )
    rejected = pl.concat([people.filter(pl.col("reason_code").is_not_null()), duplicates]).sort("source_row")
    return CleanRoster(
        memberships=memberships.select(
            pl.col("source_row").cast(pl.Int32), "person_key", "full_name", "birth_date", "birth_year", "age_years",
            pl.col("gender_code").alias("gender"), "ethnic_code", "body_code", pl.col("term_code").alias("term"),
            "education_code", "political_theory_code", "position", "organisation",
        ),
        rejected=rejected.select(
            pl.col("source_row").cast(pl.Int32), "full_name", "reason_code",
            pl.col("reason_code").replace_strict(MESSAGES, return_dtype=pl.String).alias("message"),
        ),
        rows_total=people.height,
    )
