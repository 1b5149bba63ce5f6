"""Typed values from text cells, as polars expressions so a whole column is parsed at once.

Each parser returns nulls where the text cannot be read; the roster cleaner turns those nulls into row rejections
with a reason, so nothing unreadable is silently dropped.
"""

from __future__ import annotations

from datetime import date

import polars as pl

# Excel's day 0 for the 1900 date system (its fictitious 29 Feb 1900 makes day 60 the only wrong one).
EXCEL_EPOCH = date(1899, 12, 30)
ISO_DATE = r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?(?:\.0+)?)?$"
DAY_MONTH_YEAR = r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$"
BARE_YEAR = r"^(\d{4})(?:\.0+)?$"
EXCEL_SERIAL = r"^(\d{5})(?:\.0+)?$"
TERM = r"(\d{4})\s*[-–—/]\s*(\d{4})"
GENDERS = {"nam": "M", "m": "M", "male": "M", "nu": "F", "f": "F", "female": "F"}


def _ymd(groups: pl.Expr, year: str, month: str, day: str) -> pl.Expr:
    """'yyyy-mm-dd' from the numbered groups of one ``str.extract_groups`` (one regex pass, not three)."""
    return pl.concat_str(
        groups.struct.field(year).str.zfill(4),
        groups.struct.field(month).str.zfill(2),
        groups.struct.field(day).str.zfill(2),
        separator="-",
    )


def _serial_date(text: pl.Expr) -> pl.Expr:
    days = text.str.extract(EXCEL_SERIAL, 1).cast(pl.Int64, strict=False)
    # Four digits are a bare year (see parse_birth), never a serial date.
    return pl.lit(EXCEL_EPOCH) + pl.duration(days=days)


def parse_birth(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(birth_date, birth_year) from one birth cell; birth_date is null when only a year was written."""
    iso = _ymd(text.str.extract_groups(ISO_DATE), "1", "2", "3")
    dmy = _ymd(text.str.extract_groups(DAY_MONTH_YEAR), "3", "2", "1")
    day = pl.coalesce(pl.coalesce(iso, dmy).str.to_date("%Y-%m-%d", strict=False), _serial_date(text))
    year = pl.coalesce(day.dt.year(), text.str.extract(BARE_YEAR, 1).cast(pl.Int32, strict=False))
    return day, year.cast(pl.Int32)


def _month_day(day: pl.Expr) -> pl.Expr:
    return day.dt.month().cast(pl.Int32) * 100 + day.dt.day().cast(pl.Int32)


def age_at(birth_day: pl.Expr, birth_year: pl.Expr, as_of: pl.Expr) -> pl.Expr:
    """Completed years at ``as_of`` (a Date expression: each row's own); with only a birth year, as-of year − birth
    year (the Party forms' rule). Someone whose birthday is the as-of date has completed that year."""
    not_yet = _month_day(birth_day) > _month_day(as_of)
    return (as_of.dt.year().cast(pl.Int32) - birth_year - not_yet.fill_null(False).cast(pl.Int32)).cast(pl.Int32)


def gender(folded: pl.Expr) -> pl.Expr:
    """'M' / 'F' from Nam / Nữ / M / F in any case (input already folded)."""
    return folded.replace_strict(GENDERS, default=None, return_dtype=pl.String)


def term(text: pl.Expr) -> pl.Expr:
    """'2020-2025' from '2020-2025', '2020 – 2025', 'NK 2020-2025'; null when no valid span is written."""
    start = text.str.extract(TERM, 1)
    end = text.str.extract(TERM, 2)
    valid = end.cast(pl.Int32, strict=False) > start.cast(pl.Int32, strict=False)
    return pl.when(valid).then(pl.concat_str(start, end, separator="-"))


def count(text: pl.Expr) -> pl.Expr:
    """A whole number written as 11753, 11.753 (Vietnamese thousands dot), 11 753 or 41.0; else null."""
    cleaned = (
        pl.when(text.str.contains(r"^\d{1,3}(?:[. ]\d{3})+$"))
        .then(text.str.replace_all(r"[. ]", ""))
        .otherwise(text.str.replace(r"\.0+$", ""))
    )
    return cleaned.cast(pl.Int64, strict=False)
