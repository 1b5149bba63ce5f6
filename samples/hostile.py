"""Writers of hostile files: every byte is built here, in code, so a reader sees how each file is made.

Rosters come in two kinds: ``roster_workbook`` writes a plain roster through xlsxwriter with the hostile touch a case
needs (formulas, merged cells, hidden sheets and rows); the package writers build .xlsx zips part by part for what no
spreadsheet program writes (a zip bomb, a zip whose headers lie, a sheet reaching row 1,048,576).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import xlsxwriter
from msoffcrypto.format.ooxml import OOXMLFile

from ingest.xlsx_package import column_letters

FAMILY = ("Hoàng", "Nông", "Lương", "Vi", "Bế", "Lăng", "Triệu", "Lộc", "Hà", "Mông", "Chu", "Dương", "Đinh", "Tô")
MIDDLE = {"M": ("Văn", "Đức", "Quang", "Hữu"), "F": ("Thị", "Thu", "Kim", "Ngọc")}
GIVEN = {"M": ("Toản", "Thịnh", "Vũ", "Nghĩa", "Hùng", "Khải", "Sáng", "Tường", "Lâm", "Hiển"),
         "F": ("Nhàn", "Hà", "Oanh", "Lụa", "Mai", "Huyền", "Thắm", "Yến", "Liên", "Duyên")}
HEADER = ("STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Đối tượng", "Nhiệm kỳ")
ETHNIC_GROUPS = ("Tày", "Nùng", "Kinh", "Dao")
FIRST_PERSON_ROW = 5  # Excel row of the first person: title (1-2), blank (3), header (4)


@dataclass(frozen=True)
class Person:
    full_name: str
    birth: date | str  # text is written as a text cell, as typed
    gender: str  # "Nam" / "Nữ"
    ethnicity: str
    body: str = "UV BCH"
    term: str = "2020-2025"


def people(count: int, first: int = 0) -> list[Person]:
    """``count`` different people (every name unique over indexes 0-559), all valid party committee members."""
    found = []
    for i in range(first, first + count):
        sex = "MF"[i % 2]
        name = f"{FAMILY[i % 14]} {MIDDLE[sex][i // 14 % 4]} {GIVEN[sex][i // 56 % 10]}"
        found.append(Person(name, date(1965 + i % 30, 1 + i % 12, 1 + i % 28), "Nam" if sex == "M" else "Nữ",
                            ETHNIC_GROUPS[i % 4]))
    return found


@dataclass
class RosterSheet:
    """One sheet of a roster workbook and the hostile touches it carries (0-based row and column indexes)."""

    name: str
    unit_title: str
    as_of: date
    people: list[Person]
    hidden: bool = False
    hidden_rows: set[int] = field(default_factory=set)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (first row, col, last row, col)
    formulas: dict[tuple[int, int], tuple[str, str | int]] = field(default_factory=dict)  # → (formula, cached)

    def grid(self) -> list[list[object]]:
        rows: list[list[object]] = [[f"Đơn vị: {self.unit_title}"], [f"(Tính đến ngày {self.as_of:%d/%m/%Y})"], [],
                                    list(HEADER)]
        for number, p in enumerate(self.people, start=1):
            rows.append([number, p.full_name, p.birth, p.gender, p.ethnicity, p.body, p.term])
        return rows


def roster_workbook(path: Path, sheets: list[RosterSheet]) -> Path:
    """An .xlsx with the given sheets; every text cell is written as text, dates as date cells."""
    path.parent.mkdir(parents=True, exist_ok=True)
    options = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    with xlsxwriter.Workbook(str(path), options) as book:
        book.set_properties({"created": date(2020, 10, 20)})  # fixed, so the same case gives the same bytes
        day = book.add_format({"num_format": "dd/mm/yyyy"})
        written = []
        for spec in sheets:
            sheet = book.add_worksheet(spec.name)
            covered = {(r, c) for r1, c1, r2, c2 in spec.merges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
            for r1, c1, r2, c2 in spec.merges:
                sheet.merge_range(r1, c1, r2, c2, spec.grid()[r1][c1])
            for r, row in enumerate(spec.grid()):
                for c, value in enumerate(row):
                    if (r, c) in covered:
                        continue
                    if (r, c) in spec.formulas:
                        formula, cached = spec.formulas[r, c]
                        sheet.write_formula(r, c, formula, None, cached)
                    elif isinstance(value, date):
                        sheet.write_datetime(r, c, value, day)
                    elif isinstance(value, int):
                        sheet.write_number(r, c, value)
                    elif value is not None:
                        sheet.write_string(r, c, value)
            for r in spec.hidden_rows:
                sheet.set_row(r, None, None, {"hidden": True})
            written.append((sheet, spec.hidden))
        shown = [sheet for sheet, hidden in written if not hidden]
        if shown:  # xlsxwriter will not hide the active sheet: show the first visible one
            shown[0].activate()
            shown[0].set_first_sheet()
        for sheet, hidden in written:
            if hidden:
                sheet.hide()
    return path


def encrypted_workbook(path: Path, plain: Path, password: str = "mat-khau-2020") -> Path:
    """``plain`` encrypted as Excel does when a password is set (an OLE container, not a zip)."""
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(plain.read_bytes())).encrypt(password, out)
    path.write_bytes(out.getvalue())
    return path


# --- .xlsx packages built part by part ------------------------------------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
).encode()
PACKAGE_RELS = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" '
                f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>').encode()
WORKBOOK = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{OFFICE}"><sheets>'
            f'<sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>').encode()
WORKBOOK_RELS = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" '
                 f'Type="{OFFICE}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>').encode()
SHEET_OPEN = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
SHEET_CLOSE = b"</sheetData></worksheet>"
SKELETON = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": PACKAGE_RELS, "xl/workbook.xml": WORKBOOK,
            "xl/_rels/workbook.xml.rels": WORKBOOK_RELS}


def text_cell(reference: str, text: str) -> bytes:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def one_sheet_package(path: Path | io.BytesIO, rows: Iterable[bytes]) -> Path | io.BytesIO:
    """An .xlsx whose one sheet "Danh sách" holds ``rows`` (``<row>`` elements), streamed into the zip."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for name, content in SKELETON.items():
            package.writestr(name, content)
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_OPEN)
            for row in rows:
                sheet.write(row)
            sheet.write(SHEET_CLOSE)
    return path


def million_rows(path: Path, rows: int = 1_000_000) -> Path:
    """A sheet of ``rows`` rows, one number each: a runaway export."""
    path.write_bytes(_rows_package(rows))
    return path


@cache
def _rows_package(rows: int) -> bytes:
    package = io.BytesIO()
    one_sheet_package(package, (f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>'.encode() for r in range(1, rows + 1)))
    return package.getvalue()


def wide_sheet(path: Path, columns: int = 5000) -> Path:
    """A header row of ``columns`` cells: a pivot of every person into columns."""
    cells = b"".join(text_cell(f"{column_letters(c)}1", f"Cột {c}") for c in range(1, columns + 1))
    return one_sheet_package(path, [b'<row r="1">' + cells + b"</row>"])


def corner_cells(path: Path) -> Path:
    """Two cells, A1 and XFD1048576: a 2 KB file whose sheet spans every row and column Excel has."""
    return one_sheet_package(path, [b'<row r="1">' + text_cell("A1", "Họ và tên") + b"</row>",
                                    b'<row r="1048576">' + text_cell("XFD1048576", "x") + b"</row>"])


def _local_header(name: bytes, crc: int, compressed: int, size: int) -> bytes:
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, compressed, size, len(name), 0) + name


def _central_header(name: bytes, crc: int, compressed: int, size: int, offset: int) -> bytes:
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, compressed, size, len(name),
                       0, 0, 0, 0, 0, offset) + name


def _deflated(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def _package(parts: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of (name, deflated bytes, crc, declared size) parts, written by hand so sizes can be anything."""
    body, directory = bytearray(), bytearray()
    for name, compressed, crc, size in parts:
        encoded = name.encode()
        directory += _central_header(encoded, crc, len(compressed), size, len(body))
        body += _local_header(encoded, crc, len(compressed), size) + compressed
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(directory), len(body), 0)
    return bytes(body + directory + end)


def _skeleton_parts() -> list[tuple[str, bytes, int, int]]:
    return [(name, _deflated(data), zlib.crc32(data), len(data)) for name, data in SKELETON.items()]


@cache
def _spaces(megabytes: int) -> tuple[bytes, int]:
    """``megabytes`` MB of spaces inside sheetData, deflated (about 1 KB per MB), and the crc of what it inflates to.

    Each MB is deflated alone after a full flush, so every one compresses to the same bytes and the stream is one
    piece repeated; the crc still has to go over every inflated byte.
    """
    block = b" " * (1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    piece = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    head, tail = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS), zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = (head.compress(SHEET_OPEN) + head.flush(zlib.Z_FULL_FLUSH) + piece * megabytes
              + tail.compress(SHEET_CLOSE) + tail.flush())
    crc = zlib.crc32(SHEET_OPEN)
    for _ in range(megabytes):
        crc = zlib.crc32(block, crc)
    return stream, zlib.crc32(SHEET_CLOSE, crc)


def zip_bomb(path: Path, megabytes: int = 2500) -> Path:
    """An honest zip bomb: a 3 MB file whose sheet XML declares, and inflates to, ``megabytes`` MB."""
    stream, crc = _spaces(megabytes)
    size = len(SHEET_OPEN) + (megabytes << 20) + len(SHEET_CLOSE)
    path.write_bytes(_package([*_skeleton_parts(), ("xl/worksheets/sheet1.xml", stream, crc, size)]))
    return path


def lying_zip(path: Path, megabytes: int = 2500) -> Path:
    """A zip bomb whose headers declare a 2 KB sheet that inflates to ``megabytes`` MB; the crc matches the first
    2 KB, so a reader that trusts the declared size finds nothing wrong."""
    stream, _ = _spaces(megabytes)
    declared = 2048
    prefix = zlib.decompressobj(-zlib.MAX_WBITS).decompress(stream, declared)
    path.write_bytes(_package([*_skeleton_parts(), ("xl/worksheets/sheet1.xml", stream, zlib.crc32(prefix),
                                                    declared)]))
    return path


def truncated(path: Path, complete: Path, share: float = 0.6) -> Path:
    """The first ``share`` of ``complete``: what the inbox holds while a copy is still running."""
    data = complete.read_bytes()
    path.write_bytes(data[: int(len(data) * share)])
    return path


def xml_rows(grid: Iterable[Iterable[object]]) -> Iterator[bytes]:
    """``<row>`` elements of text cells, for package builders."""
    for r, values in enumerate(grid, start=1):
        cells = b"".join(text_cell(f"{column_letters(c)}{r}", str(v)) for c, v in enumerate(values, start=1))
        yield f'<row r="{r}">'.encode() + cells + b"</row>"
