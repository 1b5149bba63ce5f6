"""The one cleaning rule for every text cell, and the key text is matched by.

In: cell values as read from a spreadsheet: Unicode NFC or NFD, or legacy TCVN3 (ABC fonts such as .VnTime), which
``ingest.tcvn3`` recognises and decodes. Out: ``clean_text`` gives NFC text with the tone marks placed as current
spelling places them; ``fold`` gives a key without case, diacritics, spacing or punctuation. The ``*_series``
functions do the same to a whole polars column. Not here: the TCVN3 byte table and its detection rules.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from itertools import chain

import polars as pl

from ingest.tcvn3 import (
    SHOWN_LETTERS,
    NOT_TCVN3,
    TCVN3_CHAR,
    VIETNAMESE_LETTERS,
    VN1_CAPITALS,
    could_be_tcvn3,
    decode_tcvn3,
    without_stray_controls,
    words_are_tcvn3,
)


_SOFT_HYPHEN = "\u00ad"  # invisible, but TCVN3's ư: removed only after TCVN3 is decoded

# Old-style spelling puts the tone on the second vowel of an open "oa", "oe", "uy" (hoà, khoẻ, thuỷ, Uỷ); current
# spelling puts it on the first (hòa, khỏe, thủy, Ủy). Never in quý/quỳ (u belongs to qu: no q in the onset class)
# nor before a final consonant (hoàng, thuyết: the lookahead).
_OLD_TONE = re.compile(r"(?<!\w)([bcdđghklmnprstvxBCDĐGHKLMNPRSTVX]*)"
                       r"(?:([oO])([àáảãạèéẻẽẹÀÁẢÃẠÈÉẺẼẸ])|([uU])([ỳýỷỹỵỲÝỶỸỴ]))(?!\w)")


def _invisible_characters() -> str:
    """Control and format characters (zero-width, bidi marks, BOM), except whitespace and the soft hyphen."""
    # planes 0, 1 and 14 hold every one of them; scanning only those keeps the import fast
    return "".join(c for c in map(chr, chain(range(0x20000), range(0xE0000, 0xE1000)))
                   if unicodedata.category(c) in ("Cc", "Cf") and not c.isspace() and c != _SOFT_HYPHEN)


def _character_class(characters: str) -> str:
    """A regex class of runs ("a-z"): Python's re tests a long list of scattered characters slowly."""
    codes, runs = sorted(map(ord, characters)), []
    for code in codes:
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in runs) + "]"


_INVISIBLE_CHARACTERS = _invisible_characters()
_INVISIBLE = re.compile(_character_class(_INVISIBLE_CHARACTERS))
# Converters write some TCVN3 capitals on control characters (Ý is 0x16): they stay until TCVN3 is decided.
_CAPITAL_CONTROLS = "".join(c for c in VN1_CAPITALS if unicodedata.category(c) == "Cc")
_INVISIBLE_BUT_CAPITALS = re.compile(_character_class("".join(set(_INVISIBLE_CHARACTERS) - set(_CAPITAL_CONTROLS))))
_CAPITAL_CONTROL = re.compile(f"[{_CAPITAL_CONTROLS}]")
_NOT_KEY = re.compile("[^a-z0-9]+")


def _new_style_tone(match: re.Match) -> str:
    onset, first, toned = match[1], match[2] or match[4], match[3] or match[5]
    vowel, tone = unicodedata.normalize("NFD", toned)
    return onset + unicodedata.normalize("NFC", first + tone) + vowel


@lru_cache(maxsize=1 << 16)
def _clean_word(word: str) -> str:
    """NFC and current tone placement for one whitespace-free word; cached, as rosters repeat their words."""
    return _OLD_TONE.sub(_new_style_tone, unicodedata.normalize("NFC", word))


def clean_text(value: object) -> str | None:
    """A cell value → clean NFC text, or None for None, NaN and cells with nothing visible.

    Non-strings are cleaned as ``str(value)``. Control, zero-width, bidi and other format characters (BOM) are
    removed; any whitespace, including non-breaking spaces and line breaks, separates words by one space, with none
    at the ends; each word is NFC with tone marks placed as current spelling places them (hoà → hòa, Uỷ → Ủy).
    Then TCVN3 is detected in that text and decoded; soft hyphens are removed only from text that is not TCVN3, as
    TCVN3's ư is 0xAD, the soft hyphen, and so are the control characters converters write TCVN3 capitals on.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = value if isinstance(value, str) else str(value)
    capital_controls = False
    if not text.isprintable():
        text = _INVISIBLE_BUT_CAPITALS.sub("", text)
        if _CAPITAL_CONTROL.search(text):
            text = without_stray_controls(text)
            capital_controls = _CAPITAL_CONTROL.search(text) is not None
    if text.isascii() and not capital_controls:
        return " ".join(text.split()) or None
    words = list(map(_clean_word, text.split()))
    text = " ".join(words)
    if TCVN3_CHAR.search(text) and words_are_tcvn3(words):  # looks_like_tcvn3, without splitting again
        text = decode_tcvn3(text)
    elif capital_controls or _SOFT_HYPHEN in text:  # in Unicode text, both are invisible
        text = text.replace(_SOFT_HYPHEN, "")
    else:
        return text or None
    # Words change once decoded, or once an invisible character inside them is gone; a control character still
    # there was no capital.
    return " ".join(map(_clean_word, _INVISIBLE.sub("", text).split())) or None


def fold(value: object) -> str:
    """A matching key: ``clean_text``, lowercase, no diacritics (đ, ð → d), only a-z and 0-9. None, blanks → ""."""
    text = clean_text(value)
    return "".join(map(_fold_word, text.split())) if text else ""


@lru_cache(maxsize=1 << 16)
def _fold_word(word: str) -> str:
    # ð: Đ is sometimes typed as the look-alike Icelandic Ð (U+00D0), which has no decomposition
    return _NOT_KEY.sub("", unicodedata.normalize("NFD", word.lower()).replace("đ", "d").replace("ð", "d"))


# Cells of printable ASCII and precomposed Vietnamese letters are NFC with nothing invisible, so polars can finish
# them unless a tone mark may move or they may be TCVN3; likewise NFD cells and cells with stray whitespace, once
# polars has made them NFC and single-spaced. The rest (a minority of distinct values) go through the scalar rules.
_LETTER = f"[!-~{VIETNAMESE_LETTERS}]"
_CLEAN = f"^{_LETTER}+(?: {_LETTER}+)*$"  # and no space to collapse or strip
_WORDS = f"^[ 0-9A-Za-z{VIETNAMESE_LETTERS}]*$"  # fold: only letters, digits and spaces
_SPACES = "[ \t\n\r\u00a0]+"
_TIDY = f"^[ -~\t\n\r\u00a0{VIETNAMESE_LETTERS}\u0300-\u0303\u0306\u0309\u031b\u0323]*$"  # Vietnamese NFD
_OLD_TONE_CANDIDATE = r"(?:[oO][àáảãạèéẻẽẹÀÁẢÃẠÈÉẺẼẸ]|[uU][ỳýỷỹỵỲÝỶỸỴ])(?:\W|$)"
_TO_BASE = {c: unicodedata.normalize("NFD", c.lower())[0].replace("đ", "d") for c in VIETNAMESE_LETTERS} | {" ": ""}


# Up to this many distinct values (a gender column), the scalar rules cost less than the vectorised passes, whose
# cost is mostly fixed per call.
FEW_VALUES = 64


def _finish(quick: pl.Series, done: pl.Series, series: pl.Series, function: Callable[[str], str | None]) -> pl.Series:
    """``quick`` where ``done`` is true; elsewhere ``function`` of ``series``, called once per distinct value."""
    rows = (~done).arg_true()
    rest = series.gather(rows)
    distinct = rest.unique()
    results = pl.Series([function(v) for v in distinct.to_list()], dtype=pl.String)
    return quick.scatter(rows, rest.replace_strict(distinct, results, return_dtype=pl.String)).alias(series.name)


def _tidied(series: pl.Series) -> tuple[pl.Series, pl.Series]:
    """``series`` NFC with its whitespace as single spaces, and whether each cell needed only that."""
    text = series.str.normalize("NFC").str.replace_all(_SPACES, " ").str.strip_chars(" ")
    return text, series.str.contains(_TIDY)


def _as_text(series: pl.Series) -> pl.Series:
    if series.dtype == pl.Null:
        return series.cast(pl.String)
    if series.dtype != pl.String:
        raise TypeError(f"expected a String column, got {series.dtype}")
    return series


def _not_tcvn3(series: pl.Series) -> pl.Series:
    """True where a cell of plain letters cannot be TCVN3: it has a letter TCVN3 does not show, or none it does."""
    return series.str.contains(NOT_TCVN3) | ~series.str.contains(f"[{SHOWN_LETTERS}]")


def _reads_clean(series: pl.Series) -> pl.Series:
    plain = series.str.contains(_CLEAN) & ~series.str.contains(_OLD_TONE_CANDIDATE)
    return (plain & _not_tcvn3(series)).fill_null(True)


def clean_text_series(series: pl.Series) -> pl.Series:
    """``clean_text`` for a String column (same results, nulls kept); an all-null column is accepted too."""
    series = _as_text(series)
    rows = (~_reads_clean(series)).arg_true()
    rest = series.gather(rows)
    text, tidy = _tidied(rest)
    return series.clone().scatter(rows, _finish(text, tidy & _reads_clean(text), rest, clean_text))


def _fold_letters(series: pl.Series) -> pl.Series:
    return series.str.replace_many(_TO_BASE).str.to_lowercase()


def _reads_as_words(series: pl.Series) -> pl.Series:
    return (series.str.contains(_WORDS) & _not_tcvn3(series)).fill_null(True)


def _fold_distinct(series: pl.Series) -> pl.Series:
    if series.len() <= FEW_VALUES:
        return pl.Series([fold(v) for v in series.to_list()], dtype=pl.String)
    rows = (~_reads_as_words(series)).arg_true()
    rest = series.gather(rows)
    text, tidy = _tidied(rest)
    folded = _finish(_fold_letters(text), tidy & _reads_as_words(text), rest, fold)
    return _fold_letters(series).scatter(rows, folded)


def fold_series(series: pl.Series) -> pl.Series:
    """``fold`` for a String column: the same key for every non-null value (blank → ""); nulls stay null."""
    series = _as_text(series)
    distinct = series.drop_nulls().unique()
    return series.replace_strict(distinct, _fold_distinct(distinct), default=None, return_dtype=pl.String)




def _clean_distinct(distinct: pl.Series, tcvn3: bool) -> pl.Series:
    if tcvn3:
        rows = could_be_tcvn3(distinct).fill_null(False).arg_true()
        decoded = map_distinct(distinct.gather(rows), decode_tcvn3)
        distinct = distinct.clone().scatter(rows, decoded)
    return clean_text_series(distinct)


def clean_cells(series: pl.Series, tcvn3: bool) -> pl.Series:
    """``clean_text_series``; in a TCVN3 sheet every cell that TCVN3 can spell is decoded first."""
    series = _as_text(series)
    # Cleaning is cell by cell, and a roster repeats most of its cells (bodies, levels, places): each distinct value
    # is cleaned once, then put back in every row that has it.
    distinct = series.drop_nulls().unique()
    cleaned = _clean_distinct(distinct, tcvn3)
    return series.replace_strict(distinct, cleaned, default=None, return_dtype=pl.String)


def map_distinct(series: pl.Series, function: Callable[[str], str | None]) -> pl.Series:
    """``function`` applied once per distinct non-null value of a String column (rosters repeat a few dozen
    values many times); values it maps to None become null."""
    distinct = series.drop_nulls().unique()
    results = pl.Series([function(v) for v in distinct.to_list()], dtype=pl.String)
    return series.replace_strict(distinct, results, default=None, return_dtype=pl.String)
