"""Clean the optional "Đào tạo - Tuyển dụng" sheet (Năm | Nội dung | Số lượng) into training rows."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ingest import values
from ingest.header import TRAINING_ROLES, Header, data_rows
from ingest.limits import TOO_LONG, bounded, clipped
from ingest.reference import Reference
from ingest.suggestions import SheetContext, feedback_columns, header_text, judged_role, shown
from ingest.tcvn3 import sheet_is_tcvn3
from ingest.text import clean_cells, map_distinct

# Why a line is rejected, in the order the rules are checked (a line gets the first that applies), and the role whose
# cell each rule judges, which the clerk's feedback shows (value_too_long: the cell over its limit).
RULES = [
    # First, as on the roster: the rules below would judge a cell cut to its limit.
    ("value_too_long", None, pl.col(TOO_LONG)),
    ("unknown_metric", "training_content", pl.col("metric_code").is_null()),
    ("bad_year", "training_year", pl.col("year").is_null()),
    ("bad_number", "training_value", pl.col("value").is_null()),
]
JUDGED = {code: role for code, role, _ in RULES if role}


@dataclass(frozen=True)
class CleanTraining:
    rows: pl.DataFrame  # source_row, year, metric_code, value
    rejected: pl.DataFrame  # source_row, full_name (null), reason_code, message, ingest.suggestions.FEEDBACK_COLUMNS
    rows_total: int


def _explained(rejected: pl.DataFrame, header: Header, reference: Reference, limits: dict[str, int]) -> pl.DataFrame:
    """What the clerk's feedback shows of each rejected line: the cell its reason judged, and what is accepted."""
    role = judged_role(JUDGED, limits)
    value = pl.coalesce(pl.when(role == r).then(pl.col(r)) for r in TRAINING_ROLES)
    judged = rejected.select(pl.lit(0).alias("sheet"), "reason_code", role.alias("role"), shown(value).alias("value"),
                             value.alias("looked_up"))
    context = SheetContext({r: header_text(header, header.columns[r]) for r in TRAINING_ROLES},
                           {"unknown_metric": reference.training_metrics})
    return feedback_columns(judged, [context], reference.reasons, limits)


def clean_training(header: Header, reference: Reference) -> CleanTraining:
    """Training rows of the sheet; blank lines are skipped, unreadable ones rejected with a reason."""
    limits = {role: reference.limits[role] for role in TRAINING_ROLES}
    cells = clipped(data_rows(header).select(
        pl.col("source_row").cast(pl.Int32),
        *(pl.col(header.columns[r]).cast(pl.String).alias(r) for r in TRAINING_ROLES),
    ), limits)
    tcvn3 = sheet_is_tcvn3(header.sheet.cells)
    frame = bounded(cells.with_columns(clean_cells(cells[r], tcvn3).alias(r) for r in TRAINING_ROLES), limits).filter(
        pl.any_horizontal(pl.col(r).is_not_null() for r in ("training_content", "training_value")))
    frame = frame.with_columns(
        year=pl.col("training_year").str.extract(r"^(\d{4})(?:\.0+)?$", 1).cast(pl.Int32, strict=False),
        value=values.count(pl.col("training_value")),
        metric_code=map_distinct(frame["training_content"], reference.training_metrics.exact),
    )
    reason = pl.coalesce(pl.when(applies).then(pl.lit(code)) for code, _, applies in RULES)
    frame = frame.with_columns(reason.alias("reason_code"))
    rejected = frame.filter(pl.col("reason_code").is_not_null())
    rejected = pl.concat([rejected.select(
        "source_row", pl.lit(None, pl.String).alias("full_name"), "reason_code",
        pl.col("reason_code").replace_strict(reference.row_messages, return_dtype=pl.String).alias("message"),
    ), _explained(rejected, header, reference, limits)], how="horizontal")
    return CleanTraining(
        rows=frame.filter(pl.col("reason_code").is_null()).select("source_row", "year", "metric_code", "value"),
        rejected=rejected,
        rows_total=frame.height,
    )
