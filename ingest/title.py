"""Which unit a submission is from and the date its roster is as of.

Read from the title block above the roster header ("Đơn vị: Xã Cao Lộc" or a line "ĐẢNG ỦY XÃ CAO LỘC", and
"(Tính đến ngày 15/10/2025)"); the fallback is a file name ``<GSO code>_<yyyy-mm-dd>.<ext>``. The date comes first:
which unit a name means depends on it (``ingest.unit_names``). A file with neither is refused, never guessed.
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
    return day if day.year >= 1990 else None


def _as_of_in(text: str) -> date | None:
    key = fold(text)
    if not any(marker in key for marker in AS_OF_MARKERS):
        return None
    match = NUMERIC_DATE.search(text) or WORDED_DATE.search(key)  # "ngày 15 tháng 10 năm 2020"
    return _date(match) if match else None


def _title_cells(header: Header) -> list[str]:
    top = header.sheet.cells.head(header.row)
    return [t for values in top.iter_rows() for v in values if v and (t := clean_text(v))]


def _resolve(text: str, as_of: date, reference: Reference) -> str:
    """The code of the one unit ``text`` names on ``as_of`` (``UnitNames.resolve``). Its unit_not_valid refusal
    carries the one unit the name means on other dates, on ``as_of``: who sent the file, for its feedback."""
    names = reference.unit_names
    try:
        return names.resolve(text, as_of).code
    except SubmissionError as error:
        named = names.candidates(names.read(text))
        if error.code == "unit_not_valid" and len(named) == 1:
            error.identity = Identity(named[0].code, as_of)
        raise


def _named_unit(labelled: list[str], mentions: list[str], as_of: date, reference: Reference,
                file_names_unit: bool) -> str | None:
    """The unit the title names: the first "Đơn vị: …", else the header lines that name an organisation ("ĐẢNG ỦY XÃ
    CAO LỘC" under "ĐẢNG BỘ TỈNH LẠNG SƠN": the province heads every official form, so it is the unit only when no
    line names another). Header lines that name no unit on that date are refused unless the file name names one."""
    if labelled:
        return _resolve(labelled[0], as_of, reference)
    found: dict[str, str] = {}
    errors: list[SubmissionError] = []
    for text in mentions:
        try:
            found.setdefault(_resolve(text, as_of, reference), text)
        except SubmissionError as error:
            errors.append(error)
    below = [code for code in found if reference.units[code].parent_code is not None]
    if len(below) > 1:
        listed = ", ".join(f"'{found[c]}'" for c in below)
        raise SubmissionError("ambiguous_unit", f"Đầu trang ghi nhiều đơn vị: {listed}; hãy ghi 'Đơn vị: <tên>' / "
                                                f"the title names several units: {listed}; write 'Đơn vị: <name>'")
    if below:
        return below[0]
    if errors and not file_names_unit:
        raise errors[0]
    return None if errors else next(iter(found), None)


def _unit_code(labelled: list[str], mentions: list[str], from_file: re.Match | None, as_of: date,
               reference: Reference) -> str | None:
    """The unit the title names on ``as_of``, else the file name's; None if neither names one."""
    code = _named_unit(labelled, mentions, as_of, reference, from_file is not None)
    if code is None and from_file:
        code = _resolve(from_file["unit"], as_of, reference)
    return code


def _named_on(labelled: list[str], mentions: list[str], from_file: re.Match | None, as_of: date,
              reference: Reference) -> Identity | None:
    """The unit a file dated ``as_of`` names, valid on that date or not: who sent a file dated in the future."""
    try:
        code = _unit_code(labelled, mentions, from_file, as_of, reference)
    except SubmissionError as error:
        return error.identity
    return Identity(code, as_of) if code else None


def identify(header: Header | None, file_name: str, reference: Reference) -> Identity:
    """The unit and as-of date from the title block, else from the file name; SubmissionError if neither, if the
    date is after today, or if the name means no unit or several on that date. The refusal of a unit that does not
    exist on that date, or of a date after today, carries the unit and date the file names (``identity``)."""
    labelled, mentions, as_of = [], [], None
    for text in _title_cells(header) if header else []:
        if match := UNIT_LABEL.match(text):
            labelled.append(match["name"].strip(" .;,"))
        elif reference.unit_names.read(text).names_organisation:
            mentions.append(text)
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
    today = date.today()
    if as_of > today:
        raise SubmissionError(
            "as_of_in_future",
            f"Ngày số liệu {as_of:%d/%m/%Y} chưa tới (hôm nay {today:%d/%m/%Y}): kiểm tra lại ngày ở đầu trang hoặc tên "
            f"tệp / the as-of date {as_of.isoformat()} is after today ({today.isoformat()})",
            _named_on(labelled, mentions, from_file, as_of, reference),
        )
    code = _unit_code(labelled, mentions, from_file, as_of, reference)
    if code is None:
        raise SubmissionError(
            "unknown_unit",
            "Không tìm thấy đơn vị ('Đơn vị: <tên>' ở đầu trang, hoặc tên tệp <mã>_<yyyy-mm-dd>) / "
            "no reporting unit in the title block or the file name",
        )
    return Identity(code, as_of)


def sender(error: SubmissionError, file_name: str, reference: Reference) -> Identity | None:
    """Who sent a file refused as a whole, so that its clerk gets feedback: the unit and as-of date its file name
    ``<code>_<yyyy-mm-dd>`` names, if that unit exists on that date (a commune's clerk who kept the former district's
    title block); else the ones the refusal still names (``error.identity``: a unit that does not exist on that date,
    a date still to come), else the file name's, even so; None when neither names one unit."""
    try:
        return identify(None, file_name, reference)
    except SubmissionError as refused:
        return error.identity or refused.identity
