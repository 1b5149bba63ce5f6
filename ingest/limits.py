"""Bound the length of every text cell a row gives (the layout table ``limits.csv``, read as ``Reference.limits``).

In: a frame with one text column per role, before and after ``ingest.text`` cleans it. Out: the same frame with each
cell bounded and a column ``TOO_LONG`` saying which rows had a cell over its role's limit; the roster and training
rules reject those rows (reason ``value_too_long``). Not here: which roles a sheet has, or any other rule of a row.
"""

from __future__ import annotations

import polars as pl

TOO_LONG = "too_long"
# Before cleaning, a cell is cut at this many times its limit: NFD writes a Vietnamese letter in up to three code
# points, and stray spaces or invisible characters go away when cleaned, so a cell this long is over its limit
# whatever cleaning would make of it, and cleaning never spends time on a megabyte of it.
RAW_SLACK = 4
ELLIPSIS = "…"


def clipped(frame: pl.DataFrame, limits: dict[str, int]) -> pl.DataFrame:
    """``frame`` with each column of ``limits`` cut to RAW_SLACK × its limit, and ``TOO_LONG`` true on the rows where
    one was cut. Use on raw cells, before cleaning."""
    over = [pl.col(role).str.len_chars() > RAW_SLACK * limit for role, limit in limits.items()]
    return frame.with_columns(
        pl.any_horizontal(over).fill_null(False).alias(TOO_LONG),
        *(pl.col(role).str.slice(0, RAW_SLACK * limit) for role, limit in limits.items()),
    )


def bounded(frame: pl.DataFrame, limits: dict[str, int]) -> pl.DataFrame:
    """A ``clipped`` frame once cleaned: ``TOO_LONG`` also where a clean cell is longer than its limit, and such a
    cell kept as its first ``limit`` characters and "…", so no more of it reaches the lake or the clerk's feedback."""
    over = {role: pl.col(role).str.len_chars() > limit for role, limit in limits.items()}
    return frame.with_columns(
        (pl.col(TOO_LONG) | pl.any_horizontal(over.values()).fill_null(False)).alias(TOO_LONG),
        *(pl.when(over[role]).then(pl.col(role).str.slice(0, limit) + ELLIPSIS).otherwise(pl.col(role)).alias(role)
          for role, limit in limits.items()),
    )
