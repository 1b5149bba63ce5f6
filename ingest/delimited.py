"""Read a sheet saved as text (.csv, .txt): tell its encoding and its separator, and split it into rows of cells.

Encodings (docs/submission-format.md A1). A byte order mark settles UTF-8, UTF-16 LE or UTF-16 BE (Excel's "Unicode
Text" is UTF-16 LE with a mark, tab-separated); without one, bytes that read as UTF-8 are UTF-8. Any other file has
one byte per character, and every byte string reads both as Windows-1258 (Excel's "CSV" on a Vietnamese Windows) and
as TCVN3 (legacy programs, and text typed in ABC fonts), so the roster is the arbiter, not a statistical guess: the
reading in which the roster's header words ('Họ và tên', 'Dân tộc', as ``ingest/layout/columns.csv`` spells them)
appear with their diacritics wins. When neither reading shows them, or both do, the file is refused naming the
candidates. TCVN3 text is handed on as a spreadsheet shows it (each byte as the character Excel shows for it, the
``shown_as`` column of ``ingest/tcvn3/tcvn3.csv``), so the rest of ingest decodes it as it decodes a .VnTime cell.

Separators: a comma, a semicolon (Excel's CSV where the list separator is ";", as in the vi-VN locale, whose decimal
mark is then ","), a tab. The separator is the one that splits a row of the file's top into the most header cells.
Not here: which row is the header (``ingest.header``) or what a cell means.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from ingest.errors import SubmissionError
from ingest.header_search import HEADER_CELL_CHARS, HEADER_SEARCH_ROWS, ROSTER_KEYS
from ingest.reference import LAYOUT_DIR, Vocabulary
from ingest.tcvn3 import TABLE, decode_tcvn3

# The title block and the header are in a file's first rows; a megabyte holds them many times over, and telling the
# encoding and the separator from it costs the same for a 200 MB file.
HEAD_BYTES = 1 << 20
SEPARATORS = {",": ("dấu phẩy (,)", "commas"), ";": ("dấu chấm phẩy (;)", "semicolons"), "\t": ("tab", "tabs")}
BOMS = ((codecs.BOM_UTF8, "utf-8", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"))
CP1258, TCVN3 = "Windows-1258", "TCVN3 (ABC)"


@dataclass(frozen=True)
class TextSheet:
    """The rows of a text file, and what reading it decided (``note``, vi / en) when that was not the plain form."""

    rows: list[list[str | None]]
    note: str | None


@cache
def _marked_spellings() -> tuple[str, ...]:
    """The spellings of the roster's key columns that carry diacritics, casefolded: text that shows one of them was
    read in its right encoding."""
    with (LAYOUT_DIR / "columns.csv").open(encoding="utf-8", newline="") as handle:
        spellings = {unicodedata.normalize("NFC", row["header"]).casefold() for row in csv.DictReader(handle)
                     if row["role"] in ROSTER_KEYS}
    return tuple(sorted(s for s in spellings if not s.isascii()))


@cache
def _tcvn3_shown() -> dict[int, str]:
    """Byte → the character a spreadsheet shows for it, where that is not the Latin-1 character of the byte."""
    with TABLE.open(encoding="utf-8", newline="") as table:
        shown = {int(row["byte"], 16): chr(int(row["shown_as"][2:], 16)) for row in csv.DictReader(table)}
    return {byte: char for byte, char in shown.items() if char != chr(byte)}


def tcvn3_as_shown(data: bytes) -> str:
    """TCVN3 bytes as the characters a spreadsheet shows for them ("Hoµng" for the bytes of "Hoàng")."""
    return data.decode("latin-1").translate(_tcvn3_shown())


def _split(text: str, separator: str) -> csv.reader:
    return csv.reader(io.StringIO(text), delimiter=separator)


def _header_roles(text: str, separator: str, headers: Vocabulary) -> set[str]:
    """The roles named by the row of the file's top that names the most, split at ``separator``."""
    best: set[str] = set()
    try:
        for _, row in zip(range(HEADER_SEARCH_ROWS), _split(text, separator)):
            roles = {headers.by_prefix(cell[:HEADER_CELL_CHARS]) for cell in row if cell.strip()} - {None}
            best = max(best, roles, key=len)
    except csv.Error:  # a field past the csv module's limit: what came before it still counts
        pass
    return best


def _separator(text: str, headers: Vocabulary) -> tuple[str, set[str]]:
    """The separator whose split names the most header roles, and those roles (first in SEPARATORS on a tie)."""
    return max(((s, _header_roles(text, s, headers)) for s in SEPARATORS), key=lambda found: len(found[1]))


def _cp1258(data: bytes) -> str:
    # Windows writes a tone mark as a combining character after its letter: NFC puts them together
    return unicodedata.normalize("NFC", data.decode("cp1258"))


SINGLE_BYTE = {CP1258: _cp1258, TCVN3: tcvn3_as_shown}


def _single_byte_readings(data: bytes) -> dict[str, str]:
    readings = {}
    for name, decode in SINGLE_BYTE.items():
        try:
            readings[name] = decode(data)
        except UnicodeDecodeError:  # a byte Windows-1258 leaves undefined: not Windows-1258
            continue
    return readings


def _marked_words(name: str, text: str) -> int:
    unicode = decode_tcvn3(text) if name == TCVN3 else text
    folded = unicode.casefold()
    return sum(spelling in folded for spelling in _marked_spellings())


def _single_byte(data: bytes, headers: Vocabulary) -> tuple[str, str]:
    """(encoding, text) of a file that is not UTF-8: the reading of the top that shows the roster's header words
    with their diacritics; failing that, the one reading that shows the header at all (the other cannot be)."""
    readings = _single_byte_readings(data[:HEAD_BYTES])
    evidence = {name: (_marked_words(name, text), ROSTER_KEYS <= _separator(text, headers)[1])
                for name, text in readings.items()}
    best = max(evidence.values())
    fitting = [name for name, found in evidence.items() if found == best]
    if best == (0, False):
        raise SubmissionError(
            "not_utf8",
            f"Tệp không lưu bằng mã UTF-8, và đọc theo mã {' hay '.join(readings)} cũng không thấy dòng tiêu đề có "
            f"'Họ và tên', 'Dân tộc': hãy lưu lại bằng \"CSV UTF-8\" hoặc gửi tệp .xlsx / the file is not saved as "
            f"UTF-8, and read as {' or '.join(readings)} it shows no header row with 'Họ và tên' and 'Dân tộc' either: "
            f"save it as \"CSV UTF-8\" or send an .xlsx file",
        )
    if len(fitting) > 1:
        candidates = " hoặc ".join(fitting), " or ".join(fitting)
        raise SubmissionError(
            "ambiguous_encoding",
            f"Không xác định được mã chữ của tệp: đọc theo mã {candidates[0]} đều thấy dòng tiêu đề như nhau "
            f"(tiêu đề không dấu?); hãy lưu lại bằng \"CSV UTF-8\" hoặc gửi tệp .xlsx / the file's encoding cannot "
            f"be told: read as {candidates[1]} it shows the header alike (a header without diacritics?); save it as "
            f"\"CSV UTF-8\" or send an .xlsx file",
        )
    chosen = fitting[0]
    if len(data) <= HEAD_BYTES:
        return chosen, readings[chosen]
    try:
        return chosen, SINGLE_BYTE[chosen](data)
    except UnicodeDecodeError as error:
        raise SubmissionError(
            "not_utf8", f"Byte {error.start} của tệp không đọc được theo mã {chosen}, mã của phần đầu tệp / byte "
                        f"{error.start} of the file does not read as {chosen}, the encoding of its top",
        ) from None


def _decoded(data: bytes, headers: Vocabulary) -> tuple[str, str]:
    """(encoding, text) of a text file; raises ``not_utf8`` or ``ambiguous_encoding``."""
    for mark, codec, name in BOMS:
        if data.startswith(mark):
            try:
                return name, data[len(mark):].decode(codec)
            except UnicodeDecodeError as error:
                raise SubmissionError(
                    "not_utf8",
                    f"Tệp bắt đầu bằng dấu của mã {name} nhưng byte {error.start + len(mark)} không đọc được theo "
                    f"mã đó (tệp hỏng?): hãy lưu lại bằng \"CSV UTF-8\" / the file starts with a {name} byte order "
                    f"mark but byte {error.start + len(mark)} does not read as {name} (damaged?): save it again as "
                    f"\"CSV UTF-8\"",
                ) from None
    try:
        return "UTF-8", data.decode("utf-8")
    except UnicodeDecodeError:
        return _single_byte(data, headers)


def _note(encoding: str, separator: str) -> str | None:
    if (encoding, separator) == ("UTF-8", ","):
        return None
    vi, en = SEPARATORS[separator]
    return (f"Tệp được đọc theo mã {encoding}, các cột cách nhau bằng {vi} / the file was read as {encoding}, with "
            f"its columns separated by {en}")


def read_text_sheet(data: bytes, headers: Vocabulary, check: Callable[[int, int], None]) -> TextSheet:
    """The rows of a text file's bytes, blank cells as None; ``check`` sees (rows, widest row) after every row, so a
    file over a size limit stops being read at the first row past it.

    Raises SubmissionError ``not_utf8`` (no accepted encoding shows the roster), ``ambiguous_encoding`` (two do),
    ``no_roster_sheet`` (no separator splits the top into any header cell: the message names those tried) and
    ``not_a_spreadsheet`` (a row the csv module cannot read, such as a field longer than any roster's).
    """
    encoding, text = _decoded(data, headers)
    separator, roles = _separator(text[:HEAD_BYTES], headers)
    if not roles:
        searched = HEADER_SEARCH_ROWS
        tried_vi, tried_en = (", ".join(labels[i] for labels in SEPARATORS.values()) for i in (0, 1))
        raise SubmissionError(
            "no_roster_sheet",
            f"Không tìm thấy dòng tiêu đề của danh sách ('Họ và tên', 'Dân tộc', …) trong {searched} dòng đầu của "
            f"tệp (đọc theo mã {encoding}), dù tách cột bằng {tried_vi} / no roster header row ('Họ và tên', "
            f"'Dân tộc', …) in the first {searched} rows of the file (read as {encoding}), with columns separated "
            f"by {tried_en} alike",
        )
    rows, width = [], 0
    try:
        for row in _split(text, separator):
            rows.append([cell if cell.strip() else None for cell in row])
            width = max(width, len(row))
            check(len(rows), width)
    except csv.Error as error:
        raise SubmissionError(
            "not_a_spreadsheet", f"Tệp CSV không đọc được / the CSV file cannot be read ({error})"
        ) from None
    return TextSheet(rows, _note(encoding, separator))
