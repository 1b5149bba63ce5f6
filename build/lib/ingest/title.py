"""Which unit a submission is from and the date its roster is as of.

Read from the title block above the roster header ("Đơn vị: Huyện Cao Lộc", "(Tính đến ngày 15/10/2020)"); the
fallback is a file name ``<GSO code>_<yyyy-mm-dd>.<ext>``. A file with neither is refused, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingest.errors import SubmissionError
from ingest.header import Header
from ingest.reference import Reference
from ingest.text import clean_text, fold

UNIT_LABEL = re.compile(r"^\s*(?:đơn vị|don vi)\s*(?:báo cáo|bao cao)?\s*[:：]\s*(?P<name>.+)$", re.IGNORECASE)
AS_OF_MARKERS = ("tinhden", "tinhtoi", "tinhdenngay")
NUMERIC_DATE = re.compile(r"(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})\s*[/.\-]\s*(?P<y>\d{4})")
WORDED_DATE = re.compile(r"ngay(?P<d>\d{1,2})thang(?P<m>\d{1,2})nam(?P<y>\d{4})")
FILE_NAME = re.compile(r"^(?P<unit>\d{2,5})_(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:$|[_\-. ])")


@dataclass(frozen=True)
class Identity:
    unit_code: str
    as_of_date: date


def _date(match: re.Match) -> date | None:
    try:
        day = date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None
    return day if 1990 <= day.year <= date.today().year + 1 else None


def _as_of_in(text: str) -> date | None:
    key = fold(text)
    if not any(marker in key for marker in AS_OF_MARKERS):
        return None
    match = NUMERIC_DATE.search(text) or WORDED_DATE.search(key)  # "ngày 15 tháng 10 năm 2020"
    return _date(match) if match else None


def _title_cells(header: Header) -> list[str]:
    top = header.sheet.cells.head(header.row)
    return [t for values in top.iter_rows() for v in values if v and (t := clean_text(v))]


def _unit(name: str, as_of: date | None, reference: Reference) -> str:
    code = reference.unit_names.exact(name)
    unit = reference.units.get(code) if code else None
    if unit is None or unit.parent_code is None:
        raise SubmissionError(
            "unknown_unit",
            f"Không nhận ra đơn vị '{name}' (cần tên huyện/thành phố hoặc mã GSO) / unknown reporting unit '{name}'",
        )
    if as_of is not None and not unit.valid_on(as_of):
        raise SubmissionError(
            "unit_not_valid",
            f"Đơn vị {unit.name} không còn/chưa tồn tại vào ngày {as_of:%d/%m/%Y} / "
            f"unit {unit.code} is not valid on {as_of.isoformat()}",
        )
    return unit.code


def identify(header: Header | None, file_name: str, reference: Reference) -> Identity:
    """The unit and as-of date from the title block, else from the file name; SubmissionError if neither."""
    name = as_of = None
    for text in _title_cells(header) if header else []:
        if name is None and (match := UNIT_LABEL.match(text)):
            name = match["name"].strip(" .;,")
        as_of = as_of or _as_of_in(text)
    from_file = FILE_NAME.match(Path(file_name).name)
    if as_of is None and from_file:
        as_of = _date(from_file)
    if as_of is None:
        raise SubmissionError(
            "no_as_of_date",
            "Không tìm thấy ngày số liệu ('Tính đến ngày dd/mm/yyyy' ở đầu trang, hoặc tên tệp "
            "<mã>_<yyyy-mm-dd>) / no as-of date in the title block or the file name",
        )
    if name is None and from_file:
        name = from_file["unit"]
    if name is None:
        raise SubmissionError(
            "unknown_unit",
            "Không tìm thấy đơn vị ('Đơn vị: <tên>' ở đầu trang, hoặc tên tệp <mã>_<yyyy-mm-dd>) / "
            "no reporting unit in the title block or the file name",
        )
    return Identity(_unit(name, as_of, reference), as_of)
