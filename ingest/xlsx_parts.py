"""Read the parts of an .xlsx package without trusting it: the zip's directory, each part inflated as a stream and
checked against the size it declares, and the list of sheets the workbook names. What the sheets hold is measured
by ``ingest.xlsx_package``.
"""

from __future__ import annotations

import html
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import BinaryIO

from ingest.errors import SubmissionError

CHUNK = 1 << 20
# An Excel workbook has a few dozen parts; more, or a central directory this large, is no workbook (and listing it
# would itself take gigabytes).
MAX_PARTS = 10_000
MAX_CENTRAL_DIRECTORY = 8 << 20
WORKBOOK, WORKBOOK_RELATIONS, WORKSHEETS = "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/"
SHEET = re.compile(r"<(?:[\w.-]+:)?sheet\b([^>]*)>")
RELATIONSHIP = re.compile(r"<(?:[\w.-]+:)?Relationship\b([^>]*)>")
ATTRIBUTE = re.compile(r"""([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def damaged(detail: str, suffix: str = ".xlsx") -> SubmissionError:
    """``suffix``: the format the clerk sent (the zip-level checks serve .ods and .xlsb packages too)."""
    return SubmissionError(
        "not_a_spreadsheet",
        f"Tệp {suffix} bị hỏng hoặc chưa chép xong / the {suffix} file is damaged or incomplete ({detail})",
    )


def too_large(detail_vi: str, detail_en: str) -> SubmissionError:
    return SubmissionError("too_large", f"{detail_vi} / {detail_en}")


def check_central_directory(handle: BinaryIO, suffix: str = ".xlsx") -> None:
    """Refuse a package whose end record announces more parts than a workbook has, before zipfile lists them."""
    size = handle.seek(0, 2)
    handle.seek(max(0, size - (1 << 16) - 22))
    tail = handle.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise damaged("no zip directory", suffix)
    entries, directory_size = struct.unpack("<HI", tail[at + 10:at + 16])
    if entries > MAX_PARTS or directory_size > MAX_CENTRAL_DIRECTORY:
        raise too_large(f"Tệp có quá nhiều phần ({entries})", f"the package has too many parts ({entries})")


def inflated(handle: BinaryIO, info: zipfile.ZipInfo, suffix: str = ".xlsx") -> Iterator[bytes]:
    """The part's bytes, a chunk at a time; refused if it inflates to more (or less) than its header declares."""
    handle.seek(info.header_offset)
    header = handle.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise damaged(f"part {info.filename}", suffix)
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    handle.seek(info.header_offset + 30 + name_length + extra_length)
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x1:
        raise damaged(f"part {info.filename} is compressed or encrypted in a way Excel never writes", suffix)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if info.compress_type == zipfile.ZIP_DEFLATED else None
    left, produced = info.compress_size, 0
    try:
        while left > 0:
            data = handle.read(min(CHUNK, left))
            if not data:
                raise damaged(f"part {info.filename} is cut short", suffix)
            left -= len(data)
            while data:
                chunk, data = (inflater.decompress(data, CHUNK), inflater.unconsumed_tail) if inflater else (data, b"")
                produced += len(chunk)
                if produced > info.file_size:
                    raise damaged(f"part {info.filename} inflates to more than the {info.file_size} bytes it declares", suffix)
                yield chunk
    except zlib.error:
        raise damaged(f"part {info.filename} does not inflate", suffix) from None
    if produced != info.file_size:
        raise damaged(f"part {info.filename} inflates to {produced} bytes, not the {info.file_size} it declares", suffix)


def _attributes(tag: str) -> dict[str, str]:
    """Attributes by local name (``r:id`` → ``id``), values unescaped."""
    return {name.rpartition(":")[2]: html.unescape(double or single)
            for name, double, single in ATTRIBUTE.findall(tag)}


def listed_sheets(parts: dict[str, bytes]) -> list[tuple[str, bool, str]]:
    """(name, visible, part name) of every sheet the workbook lists, in its order."""
    workbook = parts.get(WORKBOOK, b"").decode("utf-8", "replace")
    relations = parts.get(WORKBOOK_RELATIONS, b"").decode("utf-8", "replace")
    targets = {}
    for tag in RELATIONSHIP.findall(relations):
        attributes = _attributes(tag)
        target = attributes.get("Target", "")
        path = PurePosixPath(target.lstrip("/")) if target.startswith("/") else PurePosixPath("xl") / target
        parts_of_path: list[str] = []
        for part in path.parts:  # "../worksheets/x.xml" as zip names spell it
            if part == "..":
                parts_of_path = parts_of_path[:-1]
            elif part != ".":
                parts_of_path.append(part)
        targets[attributes.get("Id")] = "/".join(parts_of_path)
    sheets = []
    for tag in SHEET.findall(workbook):
        attributes = _attributes(tag)
        state = attributes.get("state", "visible")
        sheets.append((attributes.get("name", "?"), state == "visible", targets.get(attributes.get("id"), "")))
    return sheets
