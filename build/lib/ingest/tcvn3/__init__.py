"""The TCVN3 codec: legacy text typed in ABC fonts (.VnTime, .VnTimeH), and telling it from Unicode.

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

TABLE = Path(__file__).parent / "tcvn3.csv"
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng


def _has_tone(letter: str) -> bool:
    return any(mark in TONE_MARKS for mark in unicodedata.normalize("NFD", letter))


def _read_table() -> list[tuple[int, str, str]]:
    """(byte, character Excel shows, Unicode meaning) for all 256 TCVN 5712 bytes."""
    def chars(code_points: str) -> str:
        return "".join(chr(int(code[2:], 16)) for code in code_points.split())

    with TABLE.open(encoding="utf-8", newline="") as table:
        return [(int(row["byte"], 16), chars(row["shown_as"]), chars(row["unicode"])) for row in csv.DictReader(table)]


_TCVN5712 = _read_table()
VIETNAMESE_LETTERS = "".join(sorted({u for _, _, u in _TCVN5712 if u.isalpha() and not u.isascii()}))

# ABC fonts use only the VN3 part of TCVN 5712: lowercase letters and Ă Â Ê Ô Ơ Ư Đ, from 0xA1 up. glibc's table is
# VN1, which also has capitals with tone marks, and those are left alone: they sit on control bytes (junk in a real
# cell) and on 0x80-0x9F, which Excel shows as – “ ” … (punctuation in a real cell); ABC users wrote capitals with
# the capitals-only font .VnTimeH, which draws the lowercase codes as capitals.
ABC = {shown: u for byte, shown, u in _TCVN5712 if byte > 0xA0 and u.isalpha() and (u.islower() or not _has_tone(u))}
DECODE = str.maketrans(ABC)
DECODE_CAPITALS = str.maketrans({shown: u.upper() for shown, u in ABC.items()})
_ENCODE = {u: shown for shown, u in ABC.items()}
_ENCODE |= {u.upper(): _ENCODE[u] for u in _ENCODE if u.upper() not in _ENCODE}  # as .VnTimeH stored capitals
_ENCODE |= {shown: shown for byte, shown, _ in _TCVN5712  # bytes ABC fonts show as themselves
            if shown not in ABC and (byte < 0x80 or not shown.isalpha())}

# Evidence of TCVN3 in a word: a character ABC cells show for a letter that is not itself a Vietnamese letter ("µ"
# for à, "­" soft hyphen for ư); one that is (Ô, shown for ễ) where a real capital never is, inside a word ("NguyÔn",
# "YÕn"); or a spelling that is a syllable only once decoded ("Néi" is "Nội").
_MARKERS = "".join(sorted(s for s in ABC if s not in VIETNAMESE_LETTERS))
SHOWN_LETTERS = "".join(sorted(s for s in ABC if s in VIETNAMESE_LETTERS))  # é, Ô …: letters in both readings
UNICODE_ONLY = "".join(c for c in VIETNAMESE_LETTERS if c not in SHOWN_LETTERS)  # ư, ạ …: not TCVN3


def _inside_a_word(capitals: str) -> str:
    return f"[a-z][{capitals}]|[A-Za-z][{capitals}][a-z]"


_MARKER = re.compile(f"[{re.escape(_MARKERS)}]|{_inside_a_word(''.join(filter(str.isupper, SHOWN_LETTERS)))}")
ABC_CHAR = re.compile(f"[{re.escape(''.join(ABC))}]")
# A TCVN3 capital (Ă Â Ê Ô Ơ Ư Đ) inside a word spells nothing; decoding it would give "tÊn", which reads as TCVN3
# again, so such a cell is not taken for TCVN3.
_CAPITAL_INSIDE_A_WORD = re.compile(_inside_a_word("".join(s for s, u in ABC.items() if u.isupper())))
_ASCII_OR_ABC = re.compile(f"[\\x00-\\x7f{re.escape(''.join(ABC))}]+")
_WORD = re.compile(f"[A-Za-z0-9{re.escape(''.join(ABC))}]+")  # digits too: "5µm" is not a word

# Decoded words must spell Vietnamese syllables: onset, vowel group, final consonant, at most one tone mark. This
# keeps foreign names (Müller, Muñoz) and symbols next to letters (5µm, ®) from being "decoded". Onsets are any
# consonant cluster, for minority names like Mnông, Hrê, Xtiêng; consonants alone are abbreviations (Đ/c, HĐND).
_CONSONANTS = "bcdđfghjklmnpqrstvwxz"
_VOWEL_GROUPS = ("iêu yêu oai oao oay oeo uây uôi uya uyê uyu ươi ươu ai ao au ay âu ây eo êu ia iê iu oa oă oe oi "
                 "oo ôi ơi ua uă uâ uê ui uô uơ uy ưa ưi ươ ưu yê a ă â e ê i o ô ơ u ư y").split()
_SYLLABLE = re.compile(f"(?:gi|qu|[{_CONSONANTS}]*)(?:{'|'.join(_VOWEL_GROUPS)})(?:ch|ng|nh|[ckmnpt])?"
                       f"|[{_CONSONANTS}]+")
_DROP_TONES = str.maketrans("", "", TONE_MARKS)

_TWO_CAPITALS = re.compile("[A-Z].*[A-Z]", re.DOTALL)
_LOWERCASE = re.compile("[a-z]")


def _spells_a_syllable(word: str) -> bool:
    bare = unicodedata.normalize("NFD", word.lower())
    tones = sum(bare.count(mark) for mark in TONE_MARKS)
    return tones <= 1 and _SYLLABLE.fullmatch(unicodedata.normalize("NFC", bare.translate(_DROP_TONES))) is not None


@lru_cache(maxsize=1 << 16)
def _tcvn3_token(token: str) -> tuple[bool, bool]:
    """(possible, marked) for one whitespace-free token. Possible: no letter an ABC cell cannot contain, and each
    word with a TCVN3 character decodes to a syllable. Marked: one such word of two or more characters is evidence
    of TCVN3. Cached, as rosters repeat their words."""
    if any(unicodedata.category(c)[0] in "LM" for c in _ASCII_OR_ABC.sub("", token)):
        return False, False
    possible, marked = True, False
    for word in filter(ABC_CHAR.search, _WORD.findall(token)):
        possible &= _spells_a_syllable(word.translate(DECODE)) and not _CAPITAL_INSIDE_A_WORD.search(word)
        marked |= len(word) > 1 and (_MARKER.search(word) is not None or not _spells_a_syllable(word))
    return possible, marked


def words_are_tcvn3(tokens: list[str]) -> bool:
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
    return ABC_CHAR.search(text) is not None and words_are_tcvn3(text.split())



def typed_in_capitals(text: str) -> bool:
    """ASCII letters (two or more) all capitals: typed in .VnTimeH, whose lowercase codes are drawn as capitals."""
    return _LOWERCASE.search(text) is None and _TWO_CAPITALS.search(text) is not None


def decode_tcvn3(text: str) -> str:
    """TCVN3 text as Excel shows it → Unicode NFC. Does not check that the text is TCVN3.

    Only the characters ABC fonts use are converted; everything else (ASCII, – “ ”, control characters) is kept.
    A cell whose ASCII letters (two or more) are all capitals was typed in .VnTimeH, so its letters are capitals.
    """
    return unicodedata.normalize("NFC", text.translate(DECODE_CAPITALS if typed_in_capitals(text) else DECODE))


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
    unicode = int(distinct.str.contains(f"[{UNICODE_ONLY}]|[\u0300-\u036f]").sum())

    def decided(sure: int) -> bool:
        return sure >= MIN_TCVN3_CELLS and unicode <= UNICODE_CELLS_TOLERATED * sure

    # Only cells with a TCVN3 character can be sure ones: when even all of them would not be enough (any Unicode
    # sheet with a few names in it), no cell needs the word-by-word test; otherwise stop once there are enough.
    candidates = distinct.filter(distinct.str.contains(ABC_CHAR.pattern))
    if not decided(candidates.len()):
        return False
    sure = 0
    for value in candidates.to_list():
        sure += looks_like_tcvn3(value)
        if decided(sure):
            return True
    return False

