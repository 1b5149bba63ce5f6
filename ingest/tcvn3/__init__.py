"""The TCVN3 codec: legacy text typed in ABC fonts (.VnTime, .VnTimeH) or written by converters, and telling it
from Unicode.

Excel shows the bytes of a TCVN3 cell as Windows-1252 characters ("Hoµng ThÞ YÕn" is "Hoàng Thị Yến"). The byte
table is ``tcvn3.csv`` beside this file, derived from glibc's iconv (``README.md``). Not here: cleaning text once it
is Unicode (``ingest.text``).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import polars as pl

from ingest.tcvn3.syllables import has_tone, spells_a_syllable

TABLE = Path(__file__).parent / "tcvn3.csv"


def _read_table() -> list[tuple[int, str, str]]:
    """(byte, character Excel shows, Unicode meaning) for all 256 TCVN 5712 bytes."""
    def chars(code_points: str) -> str:
        return "".join(chr(int(code[2:], 16)) for code in code_points.split())

    with TABLE.open(encoding="utf-8", newline="") as table:
        return [(int(row["byte"], 16), chars(row["shown_as"]), chars(row["unicode"])) for row in csv.DictReader(table)]


_TCVN5712 = _read_table()
VIETNAMESE_LETTERS = "".join(sorted({u for _, _, u in _TCVN5712 if u.isalpha() and not u.isascii()}))

# ABC fonts use only the VN3 part of TCVN 5712: lowercase letters and Ă Â Ê Ô Ơ Ư Đ, from 0xA1 up; ABC users wrote
# capitals with the capitals-only font .VnTimeH, which draws the lowercase codes as capitals. glibc's table is VN1,
# which also has the 60 capitals with tone marks, and converters (iconv -t TCVN5712-1) write them: on control bytes,
# on 0x80-0x9F, which Excel shows as – “ ” … (punctuation in a typed cell), and on bytes shown as À Á Ù ÿ …
ABC = {shown: u for byte, shown, u in _TCVN5712 if byte > 0xA0 and u.isalpha() and (u.islower() or not has_tone(u))}
VN1_CAPITALS = {shown: u for _, shown, u in _TCVN5712 if shown not in ABC and u.isupper() and has_tone(u)}
DECODE = str.maketrans(ABC)
DECODE_CAPITALS = str.maketrans({shown: u.upper() for shown, u in ABC.items()})
_DECODE_WITH_VN1 = str.maketrans(ABC | VN1_CAPITALS)  # one pass: VN1's É (Š) must not become ABC's É (ẫ)
_DECODE_CAPITALS_WITH_VN1 = str.maketrans({shown: u.upper() for shown, u in ABC.items()} | VN1_CAPITALS)
_SHOWN = {byte: shown for byte, shown, _ in _TCVN5712}
_ENCODE = {u: shown for shown, u in ABC.items()}
_ENCODE |= {u.upper(): _ENCODE[u] for u in _ENCODE if u.upper() not in _ENCODE}  # as .VnTimeH stored capitals
_ENCODE |= {shown: shown for byte, shown, _ in _TCVN5712  # bytes ABC fonts show as themselves
            if shown not in ABC and (byte < 0x80 or not shown.isalpha())}

# Evidence of TCVN3 in a word: a character ABC cells show for a letter that is not itself a Vietnamese letter ("µ"
# for à, "­" soft hyphen for ư); one that is (Ô, shown for ễ) where a real capital never is, inside a word ("NguyÔn",
# "YÕn"); or a spelling that is a syllable only once decoded ("Néi" is "Nội").
_MARKERS = "".join(sorted(s for s in ABC if s not in VIETNAMESE_LETTERS))
SHOWN_LETTERS = "".join(sorted(s for s in ABC if s in VIETNAMESE_LETTERS))  # é, Ô …: letters in both readings
# The VN1 capitals by what the same character is in Unicode text: a Vietnamese letter (À, shown for Ắ: such a cell is
# TCVN3 only if something else says so), another letter or a control character (ž for Ủ, 0x16 for Ý: never in
# Vietnamese Unicode text), or punctuation (– for Ọ, ” for Õ: a capital only with a letter beside it).
VN1_LETTERS = "".join(sorted(s for s in VN1_CAPITALS if s in VIETNAMESE_LETTERS))
_VN1_CONTROLS = "".join(s for s in VN1_CAPITALS if unicodedata.category(s) == "Cc")
_VN1_UNLIKE_UNICODE = "".join(s for s in VN1_CAPITALS if s not in VN1_LETTERS and (s.isalpha() or s in _VN1_CONTROLS))
UNICODE_ONLY = "".join(c for c in VIETNAMESE_LETTERS if c not in SHOWN_LETTERS + VN1_LETTERS)  # ư, ạ …: not TCVN3
# Text with a match is not TCVN3: a letter TCVN3 does not show, or a VN1 letter after a small one ("Hoàng": a capital
# there spells nothing, so the à stays a Unicode letter).
NOT_TCVN3 = f"[{UNICODE_ONLY}]|[a-z][{VN1_LETTERS}]"


def _inside_a_word(capitals: str) -> str:
    return f"[a-z][{capitals}]|[A-Za-z][{capitals}][a-z]"


_MARKER = re.compile(f"[{re.escape(_MARKERS)}]|{_inside_a_word(''.join(filter(str.isupper, SHOWN_LETTERS)))}")
ABC_CHAR = re.compile(f"[{re.escape(''.join(ABC))}]")
# A character that, in text which is otherwise ASCII or TCVN3, says the text may be TCVN3.
TCVN3_CHAR = re.compile(f"[{re.escape(''.join(ABC) + ''.join(s for s in VN1_CAPITALS if s not in VN1_LETTERS))}]")
_VN1_CHAR = re.compile(f"[{re.escape(''.join(VN1_CAPITALS))}]")
_VN1_CONTROL = re.compile(f"[{_VN1_CONTROLS}]")
_RUN = re.compile(f"[A-Za-z0-9{re.escape(''.join(ABC) + ''.join(VN1_CAPITALS))}]+")  # a word with VN1's capitals
_SMALL = re.compile(f"[a-z{re.escape(''.join(s for s, u in ABC.items() if u.islower()))}]")
# A TCVN3 capital (Ă Â Ê Ô Ơ Ư Đ) inside a word spells nothing; decoding it would give "tÊn", which reads as TCVN3
# again, so such a cell is not taken for TCVN3.
_CAPITAL_INSIDE_A_WORD = re.compile(_inside_a_word("".join(s for s, u in ABC.items() if u.isupper())))
_ASCII_OR_ABC = re.compile(f"[\\x00-\\x7f{re.escape(''.join(ABC))}]+")
_WORD = re.compile(f"[A-Za-z0-9{re.escape(''.join(ABC))}]+")  # digits too: "5µm" is not a word

_TWO_CAPITALS = re.compile("[A-Z].*[A-Z]", re.DOTALL)
_LOWERCASE = re.compile("[a-z]")


@lru_cache(maxsize=1 << 16)
def _capitals_spell(run: str) -> bool:
    """Whether the VN1 capitals in ``run`` (letters and digits without a space, ``_RUN``) are letters.

    They are when the run decodes to a Vietnamese syllable and each capital stands where capitals do: first in the
    word ("žy" is "Ủy"), or anywhere in a word without small letters ("L’" is "LÒ"). So "–" between spaces, "…"
    after "Nam" and "“míi”" stay punctuation. A capital on a control character is a letter even as a word of its
    own ("Như Ý"): a control character is never text, while "–" alone is a dash.
    """
    if len(run) == 1:
        return run in _VN1_CONTROLS
    if _VN1_CHAR.search(run, 1) and _SMALL.search(run):
        return False
    return spells_a_syllable(run.translate(_DECODE_WITH_VN1))


def _capitals_are_evidence(run: str) -> bool:
    """Whether a run whose capitals spell (``_capitals_spell``) can only be TCVN3: it has a capital that Unicode text
    would not show as that character in a word (ž, 0x16; "–" only between two letters, not "’" after a word)."""
    return len(run) > 1 and any(c in _VN1_UNLIKE_UNICODE or (c in VN1_CAPITALS and 0 < i < len(run) - 1)
                                for i, c in enumerate(run))


# What .VnTimeH stored for each VN1 capital, its small letter's code: detection then treats both alike.
_VN1_AS_ABC = str.maketrans({shown: _ENCODE[u.lower()] for shown, u in VN1_CAPITALS.items()})


def _capitals_as_abc(token: str) -> tuple[str, bool]:
    """``token`` with the VN1 capitals that spell written as ABC codes, and whether one of them is evidence."""
    pieces, evidence, end = [], False, 0
    for match in _RUN.finditer(token):
        run = match[0]
        if _VN1_CHAR.search(run) and _capitals_spell(run):
            pieces += [token[end:match.start()], run.translate(_VN1_AS_ABC)]
            evidence |= _capitals_are_evidence(run)
            end = match.end()
    return "".join(pieces) + token[end:], evidence


@lru_cache(maxsize=1 << 16)
def _tcvn3_token(token: str) -> tuple[bool, bool]:
    """(possible, marked) for one whitespace-free token. Possible: no letter an ABC cell cannot contain once the VN1
    capitals that spell are read, and each word with a TCVN3 character decodes to a syllable. Marked: one such word
    of two or more characters is evidence of TCVN3, as is a VN1 capital Unicode text would not show. Cached, as
    rosters repeat their words."""
    read, marked = _capitals_as_abc(token) if _VN1_CHAR.search(token) else (token, False)
    if any(unicodedata.category(c)[0] in "LM" for c in _ASCII_OR_ABC.sub("", read)):
        return False, False
    possible = True
    for word in filter(ABC_CHAR.search, _WORD.findall(read)):
        possible &= spells_a_syllable(word.translate(DECODE)) and not _CAPITAL_INSIDE_A_WORD.search(word)
    # Evidence from the characters as the cell shows them: À read as Ắ (¾) must not count as a marker.
    for word in filter(ABC_CHAR.search, _WORD.findall(token)):
        marked |= len(word) > 1 and (_MARKER.search(word) is not None or not spells_a_syllable(word))
    return possible, marked


def words_are_tcvn3(tokens: list[str]) -> bool:
    verdicts = [_tcvn3_token(token) for token in tokens]
    return all(possible for possible, _ in verdicts) and any(marked for _, marked in verdicts)


def _tcvn3_can_spell(text: str) -> bool:
    return all(_tcvn3_token(token)[0] for token in text.split())


def looks_like_tcvn3(text: str) -> bool:
    """True if the cell is TCVN3 shown as Windows-1252 and decoding it gives Vietnamese words.

    Requires evidence (a marker such as "µ", a word that spells a syllable only once decoded, or a VN1 capital such
    as "ž" in "žy") in a word of two or more characters, no letter an ABC cell cannot contain (any letter outside
    ASCII and the TCVN3 characters, or a combining mark, as in NFD text), and every word with a TCVN3 character to
    decode to a Vietnamese syllable. Precision over recall: a wrong conversion destroys a correct name, so "Sè TT"
    (Số TT) stays as it is: "sè" is Vietnamese too, and "HÀ GIANG" stays: À is a letter, though a converter's Ắ.
    """
    return TCVN3_CHAR.search(text) is not None and words_are_tcvn3(text.split())


def without_stray_controls(text: str) -> str:
    """``text`` without the control characters VN1 puts capitals on where they spell none ("Hoµng" + 0x01): junk,
    like every other control character, while 0x16 as a word ("Như Ý") is kept for ``decode_tcvn3``."""
    def kept(run: re.Match) -> str:
        return run[0] if not _VN1_CONTROL.search(run[0]) or _capitals_spell(run[0]) else _VN1_CONTROL.sub("", run[0])

    return _RUN.sub(kept, text)


def could_be_tcvn3(cells: pl.Series) -> pl.Series:
    """For each cell of a String column: whether it has only characters TCVN3 shows (ASCII, ABC's, VN1's capitals)
    and one of them says it may be TCVN3 (``TCVN3_CHAR``). Nulls stay null."""
    shown = re.escape("".join(ABC) + "".join(VN1_CAPITALS))
    return cells.str.contains(f"^[\\x00-\\x7f{shown}]*$") & cells.str.contains(TCVN3_CHAR.pattern)


def typed_in_capitals(text: str) -> bool:
    """ASCII letters (two or more) all capitals: typed in .VnTimeH, whose lowercase codes are drawn as capitals."""
    return _LOWERCASE.search(text) is None and _TWO_CAPITALS.search(text) is not None


@lru_cache(maxsize=1 << 16)
def _decoded_run(run: str, capitals: bool) -> str:
    if _VN1_CHAR.search(run) and _capitals_spell(run):
        return run.translate(_DECODE_CAPITALS_WITH_VN1 if capitals else _DECODE_WITH_VN1)
    return run.translate(DECODE_CAPITALS if capitals else DECODE)


_QUOTED = (re.compile("“[^“”]*”"), re.compile("‘[^‘’]*’"))


def _quotation_marks(text: str) -> list[int]:
    """Where the marks are that open or close a pair of quotes (“…”, ‘…’): they stay quotation marks, though the
    same bytes are VN1's Ỏ Õ Ị Ò ("“anh hïng”" would otherwise begin with "Ỏanh")."""
    pairs = [match.span() for quoted in _QUOTED for match in quoted.finditer(text)]
    return sorted({i for start, end in pairs for i in (start, end - 1)})


def decode_tcvn3(text: str) -> str:
    """TCVN3 text as Excel shows it → Unicode NFC. Does not check that the text is TCVN3.

    The characters ABC fonts use are converted, and VN1's capitals with tone marks where they spell a word
    (``_capitals_spell``); everything else (ASCII, – “ ” between words, a control character after a word) is kept.
    A cell whose ASCII letters (two or more) are all capitals was typed in .VnTimeH, so its letters are capitals.
    """
    capitals = typed_in_capitals(text)
    if _VN1_CHAR.search(text) is None:
        return unicodedata.normalize("NFC", text.translate(DECODE_CAPITALS if capitals else DECODE))

    def decoded(piece: str) -> str:
        return _RUN.sub(lambda run: _decoded_run(run[0], capitals), piece)

    pieces, start = [], 0
    for mark in _quotation_marks(text):
        pieces += [decoded(text[start:mark]), text[mark]]
        start = mark + 1
    return unicodedata.normalize("NFC", "".join(pieces) + decoded(text[start:]))


def shown_in_excel(data: bytes) -> str:
    """Legacy-font bytes (a converter's TCVN3 output) → the text Excel shows for them, for test fixtures."""
    return "".join(_SHOWN[byte] for byte in data)


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
    surely_unicode = distinct.str.contains(f"{NOT_TCVN3}|[\u0300-\u036f]")
    unicode = int(surely_unicode.sum())

    def decided(sure: int) -> bool:
        return sure >= MIN_TCVN3_CELLS and unicode <= UNICODE_CELLS_TOLERATED * sure

    # Only cells with a TCVN3 character can be sure ones: when even all of them would not be enough (any Unicode
    # sheet with a few names in it), no cell needs the word-by-word test; otherwise stop once there are enough.
    candidates = distinct.filter(distinct.str.contains(TCVN3_CHAR.pattern))
    if not decided(candidates.len()):
        return False
    # À Á Ù … are Unicode letters and capitals a converter wrote: a cell with them is Unicode if TCVN3 cannot spell it.
    letters = distinct.filter(~surely_unicode & distinct.str.contains(f"[{VN1_LETTERS}]"))
    unicode += sum(not _tcvn3_can_spell(value) for value in letters.to_list())
    sure = 0
    for value in candidates.to_list():
        sure += looks_like_tcvn3(value)
        if decided(sure):
            return True
    return False

