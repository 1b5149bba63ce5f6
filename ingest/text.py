"""The one cleaning rule for every text cell, and the key text is matched by.

In: cell values as read from a spreadsheet: Unicode NFC or NFD, or legacy TCVN3 (ABC fonts such as .VnTime), whose
bytes Excel shows as Windows-1252 characters ("Hoµng ThÞ YÕn" is "Hoàng Thị Yến"). Out: ``clean_text`` gives NFC
text with the tone marks placed as current spelling places them; ``fold`` gives a key without case, diacritics,
spacing or punctuation. The ``*_series`` functions do the same to a whole polars column.

The byte table is ``tcvn3/tcvn3.csv``, derived from glibc's iconv (see ``tcvn3/README.md``).
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from itertools import chain
from pathlib import Path

import polars as pl

TABLE = Path(__file__).parent / "tcvn3" / "tcvn3.csv"
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
_SOFT_HYPHEN = "\u00ad"  # invisible, but TCVN3's ư: removed only after TCVN3 is decoded


def _has_tone(letter: str) -> bool:
    return any(mark in _TONE_MARKS for mark in unicodedata.normalize("NFD", letter))


def _read_table() -> list[tuple[int, str, str]]:
    """(byte, character Excel shows, Unicode meaning) for all 256 TCVN 5712 bytes."""
    def chars(code_points: str) -> str:
        return "".join(chr(int(code[2:], 16)) for code in code_points.split())

    with TABLE.open(encoding="utf-8", newline="") as table:
        return [(int(row["byte"], 16), chars(row["shown_as"]), chars(row["unicode"])) for row in csv.DictReader(table)]


_TCVN5712 = _read_table()
_VIETNAMESE_LETTERS = "".join(sorted({u for _, _, u in _TCVN5712 if u.isalpha() and not u.isascii()}))

# ABC fonts use only the VN3 part of TCVN 5712: lowercase letters and Ă Â Ê Ô Ơ Ư Đ, from 0xA1 up. glibc's table is
# VN1, which also has capitals with tone marks, and those are left alone: they sit on control bytes (junk in a real
# cell) and on 0x80-0x9F, which Excel shows as – “ ” … (punctuation in a real cell); ABC users wrote capitals with
# the capitals-only font .VnTimeH, which draws the lowercase codes as capitals.
_ABC = {shown: u for byte, shown, u in _TCVN5712 if byte > 0xA0 and u.isalpha() and (u.islower() or not _has_tone(u))}
_DECODE = str.maketrans(_ABC)
_DECODE_CAPITALS = str.maketrans({shown: u.upper() for shown, u in _ABC.items()})
_ENCODE = {u: shown for shown, u in _ABC.items()}
_ENCODE |= {u.upper(): _ENCODE[u] for u in _ENCODE if u.upper() not in _ENCODE}  # as .VnTimeH stored capitals
_ENCODE |= {shown: shown for byte, shown, _ in _TCVN5712  # bytes ABC fonts show as themselves
            if shown not in _ABC and (byte < 0x80 or not shown.isalpha())}

# Evidence of TCVN3 in a word: a character ABC cells show for a letter that is not itself a Vietnamese letter ("µ"
# for à, "­" soft hyphen for ư); one that is (Ô, shown for ễ) where a real capital never is, inside a word ("NguyÔn",
# "YÕn"); or a spelling that is a syllable only once decoded ("Néi" is "Nội").
_MARKERS = "".join(sorted(s for s in _ABC if s not in _VIETNAMESE_LETTERS))
_SHOWN_LETTERS = "".join(sorted(s for s in _ABC if s in _VIETNAMESE_LETTERS))  # é, Ô …: letters in both readings


def _inside_a_word(capitals: str) -> str:
    return f"[a-z][{capitals}]|[A-Za-z][{capitals}][a-z]"


_MARKER = re.compile(f"[{re.escape(_MARKERS)}]|{_inside_a_word(''.join(filter(str.isupper, _SHOWN_LETTERS)))}")
_ABC_CHAR = re.compile(f"[{re.escape(''.join(_ABC))}]")
# A TCVN3 capital (Ă Â Ê Ô Ơ Ư Đ) inside a word spells nothing; decoding it would give "tÊn", which reads as TCVN3
# again, so such a cell is not taken for TCVN3.
_CAPITAL_INSIDE_A_WORD = re.compile(_inside_a_word("".join(s for s, u in _ABC.items() if u.isupper())))
_ASCII_OR_ABC = re.compile(f"[\\x00-\\x7f{re.escape(''.join(_ABC))}]+")
_WORD = re.compile(f"[A-Za-z0-9{re.escape(''.join(_ABC))}]+")  # digits too: "5µm" is not a word

# Decoded words must spell Vietnamese syllables: onset, vowel group, final consonant, at most one tone mark. This
# keeps foreign names (Müller, Muñoz) and symbols next to letters (5µm, ®) from being "decoded". Onsets are any
# consonant cluster, for minority names like Mnông, Hrê, Xtiêng; consonants alone are abbreviations (Đ/c, HĐND).
_CONSONANTS = "bcdđfghjklmnpqrstvwxz"
_VOWEL_GROUPS = ("iêu yêu oai oao oay oeo uây uôi uya uyê uyu ươi ươu ai ao au ay âu ây eo êu ia iê iu oa oă oe oi "
                 "oo ôi ơi ua uă uâ uê ui uô uơ uy ưa ưi ươ ưu yê a ă â e ê i o ô ơ u ư y").split()
_SYLLABLE = re.compile(f"(?:gi|qu|[{_CONSONANTS}]*)(?:{'|'.join(_VOWEL_GROUPS)})(?:ch|ng|nh|[ckmnpt])?"
                       f"|[{_CONSONANTS}]+")
_DROP_TONES = str.maketrans("", "", _TONE_MARKS)

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


_INVISIBLE = re.compile(_character_class(_invisible_characters()))
_NOT_KEY = re.compile("[^a-z0-9]+")
_TWO_CAPITALS = re.compile("[A-Z].*[A-Z]", re.DOTALL)
_LOWERCASE = re.compile("[a-z]")


def _spells_a_syllable(word: str) -> bool:
    bare = unicodedata.normalize("NFD", word.lower())
    tones = sum(bare.count(mark) for mark in _TONE_MARKS)
    return tones <= 1 and _SYLLABLE.fullmatch(unicodedata.normalize("NFC", bare.translate(_DROP_TONES))) is not None


@lru_cache(maxsize=1 << 16)
def _tcvn3_token(token: str) -> tuple[bool, bool]:
    """(possible, marked) for one whitespace-free token. Possible: no letter an ABC cell cannot contain, and each
    word with a TCVN3 character decodes to a syllable. Marked: one such word of two or more characters is evidence
    of TCVN3. Cached, as rosters repeat their words."""
    if any(unicodedata.category(c)[0] in "LM" for c in _ASCII_OR_ABC.sub("", token)):
        return False, False
    possible, marked = True, False
    for word in filter(_ABC_CHAR.search, _WORD.findall(token)):
        possible &= _spells_a_syllable(word.translate(_DECODE)) and not _CAPITAL_INSIDE_A_WORD.search(word)
        marked |= len(word) > 1 and (_MARKER.search(word) is not None or not _spells_a_syllable(word))
    return possible, marked


def _tcvn3_tokens(tokens: list[str]) -> bool:
    verdicts = [_tcvn3_token(token) for token in tokens]
    return all(possible for possible, _ in verdicts) and any(marked for _, marked in verdicts)


def looks_like_tcvn3(text: str) -> bool:
    """True if the cell is TCVN3 shown as Windows-1252 and decoding it gives Vietnamese words.

    Requires evidence (a marker such as "µ", or a word that spells a syllable only once decoded) in a word of two or
    more characters, no letter an ABC cell cannot contain (any letter outside ASCII and the TCVN3 characters, or a
    combining mark, as in NFD text), and every word with a TCVN3 character to decode to a Vietnamese syllable.
    Precision over recall: a wrong conversion destroys a correct name, so "Sè TT" (Số TT) stays as it is: "sè" is
    Vietnamese too.
    """
    return _ABC_CHAR.search(text) is not None and _tcvn3_tokens(text.split())



def _typed_in_capitals(text: str) -> bool:
    """ASCII letters (two or more) all capitals: typed in .VnTimeH, whose lowercase codes are drawn as capitals."""
    return _LOWERCASE.search(text) is None and _TWO_CAPITALS.search(text) is not None


def decode_tcvn3(text: str) -> str:
    """TCVN3 text as Excel shows it → Unicode NFC. Does not check that the text is TCVN3.

    Only the characters ABC fonts use are converted; everything else (ASCII, – “ ”, control characters) is kept.
    A cell whose ASCII letters (two or more) are all capitals was typed in .VnTimeH, so its letters are capitals.
    """
    return unicodedata.normalize("NFC", text.translate(_DECODE_CAPITALS if _typed_in_capitals(text) else _DECODE))


def encode_tcvn3(text: str) -> str:
    """Unicode text → how Excel shows it typed in an ABC font: the inverse of ``decode_tcvn3``, for test fixtures.

    Capitals with tone marks become their lowercase code, as .VnTimeH stored them (so "Ánh" comes back "ánh", and
    an all-capitals cell comes back all capitals). Raises ValueError for a character TCVN3 cannot represent.
    """
    text = unicodedata.normalize("NFC", text)
    missing = sorted({c for c in text if c not in _ENCODE})
    if missing:
        raise ValueError(f"TCVN3 cannot represent {', '.join(f'{c!r} (U+{ord(c):04X})' for c in missing)}")
    return "".join(_ENCODE[c] for c in text)


def _new_style_tone(match: re.Match) -> str:
    onset, first, toned = match[1], match[2] or match[4], match[3] or match[5]
    vowel, tone = unicodedata.normalize("NFD", toned)
    return onset + unicodedata.normalize("NFC", first + tone) + vowel


@lru_cache(maxsize=1 << 16)
def _clean_word(word: str) -> str:
    """NFC and current tone placement for one whitespace-free word; cached, as rosters repeat their words."""
    return _OLD_TONE.sub(_new_style_tone, unicodedata.normalize("NFC", word))


@lru_cache(maxsize=1 << 16)
def _clean_tcvn3_word(word: str, capitals: bool) -> str:
    return _clean_word(word.translate(_DECODE_CAPITALS if capitals else _DECODE))


def clean_text(value: object) -> str | None:
    """A cell value → clean NFC text, or None for None, NaN and cells with nothing visible.

    Non-strings are cleaned as ``str(value)``. Control, zero-width, bidi and other format characters (BOM) are
    removed; any whitespace, including non-breaking spaces and line breaks, separates words by one space, with none
    at the ends; each word is NFC with tone marks placed as current spelling places them (hoà → hòa, Uỷ → Ủy).
    Then TCVN3 is detected in that text and decoded; soft hyphens are removed only from text that is not TCVN3, as
    TCVN3's ư is 0xAD, the soft hyphen.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = value if isinstance(value, str) else str(value)
    if not text.isprintable():
        text = _INVISIBLE.sub("", text)
    if text.isascii():
        return " ".join(text.split()) or None
    words = list(map(_clean_word, text.split()))
    text = " ".join(words)
    if _ABC_CHAR.search(text) and _tcvn3_tokens(words):  # looks_like_tcvn3, without splitting again
        capitals = _typed_in_capitals(text)
        return " ".join([_clean_tcvn3_word(word, capitals) for word in words])
    if _SOFT_HYPHEN in text:
        text = " ".join(map(_clean_word, text.replace(_SOFT_HYPHEN, "").split()))
    return text or None


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
_LETTER = f"[!-~{_VIETNAMESE_LETTERS}]"
_CLEAN = f"^{_LETTER}+(?: {_LETTER}+)*$"  # and no space to collapse or strip
_WORDS = f"^[ 0-9A-Za-z{_VIETNAMESE_LETTERS}]*$"  # fold: only letters, digits and spaces
_SPACES = "[ \t\n\r\u00a0]+"
_TIDY = f"^[ -~\t\n\r\u00a0{_VIETNAMESE_LETTERS}\u0300-\u0303\u0306\u0309\u031b\u0323]*$"  # Vietnamese NFD
_OLD_TONE_CANDIDATE = r"(?:[oO][àáảãạèéẻẽẹÀÁẢÃẠÈÉẺẼẸ]|[uU][ỳýỷỹỵỲÝỶỸỴ])(?:\W|$)"
_UNICODE_ONLY = f"[{''.join(c for c in _VIETNAMESE_LETTERS if c not in _SHOWN_LETTERS)}]"  # ư, ạ …: not TCVN3
_TO_BASE = {c: unicodedata.normalize("NFD", c.lower())[0].replace("đ", "d") for c in _VIETNAMESE_LETTERS} | {" ": ""}


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
    return series.str.contains(_UNICODE_ONLY) | ~series.str.contains(f"[{_SHOWN_LETTERS}]")


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


# A sheet typed in an ABC font is TCVN3 throughout, but many of its cells ("Cao Léc", "Ghi chó", "Sè TT") are
# also valid Unicode on their own. So the decision is taken once per sheet: enough cells that can only be TCVN3,
# and next to none that can only be Unicode.
MIN_TCVN3_CELLS = 3
UNICODE_CELLS_TOLERATED = 0.1


def sheet_is_tcvn3(cells: pl.DataFrame) -> bool:
    """Whether the text of a sheet (a frame of String columns) was typed in TCVN3."""
    columns = [cells[c] for c in cells.columns if cells[c].dtype == pl.String]
    if not columns:
        return False
    distinct = pl.concat(columns).drop_nulls().unique()
    distinct = distinct.filter(~distinct.str.contains(r"^[\x00-\x7f]*$"))
    unicode = int(distinct.str.contains(f"{_UNICODE_ONLY}|[\u0300-\u036f]").sum())

    def decided(sure: int) -> bool:
        return sure >= MIN_TCVN3_CELLS and unicode <= UNICODE_CELLS_TOLERATED * sure

    # Only cells with a TCVN3 character can be sure ones: when even all of them would not be enough (any Unicode
    # sheet with a few names in it), no cell needs the word-by-word test; otherwise stop once there are enough.
    candidates = distinct.filter(distinct.str.contains(_ABC_CHAR.pattern))
    if not decided(candidates.len()):
        return False
    sure = 0
    for value in candidates.to_list():
        sure += looks_like_tcvn3(value)
        if decided(sure):
            return True
    return False


def _clean_distinct(distinct: pl.Series, tcvn3: bool) -> pl.Series:
    if tcvn3:
        abc = re.escape("".join(_ABC))
        could_be = distinct.str.contains(f"^[\\x00-\\x7f{abc}]*$") & distinct.str.contains(f"[{abc}]")
        rows = could_be.fill_null(False).arg_true()
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
