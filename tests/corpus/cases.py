"""The hostile-input corpus: each case is a file (or a link, or a pipe) put into the inbox and the exact outcome
ingest must give it. Every row-level case belongs to its own unit, so cases never supersede one another and all of
them can share one inbox with the good files.

An outcome is a ``submissions`` row (status, error code, message, unit, counts), the rejected rows with their reason,
and the names and values that reach the lake; ``None`` means the file is not received at all.
"""

from __future__ import annotations

import csv
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

from samples import hostile
from samples.hostile import FIRST_PERSON_ROW, Person, RosterSheet, people

AS_OF = date(2020, 10, 15)
ARRIVED = datetime(2020, 10, 20, 8, 0, tzinfo=UTC)
FORMULA_LIKE = ('=HYPERLINK("http://example.invalid","Bấm vào đây")', "+84912345678", "-Nguyễn Văn A", "@Lan")


@dataclass(frozen=True)
class Expected:
    status: str
    code: str | None = None  # the parse record's error code, for a refused file
    message: str | None = None  # how submissions.message starts
    unit_code: str | None = None
    as_of: date | None = None
    names: tuple[str, ...] = ()  # full_name of the accepted rows, in row order
    rejected: tuple[tuple[int, str], ...] = ()  # (Excel row, reason code)
    values: tuple[tuple[str, str, object], ...] = ()  # (full_name, lake column, value) of accepted rows
    feedback: str | None = None  # the feedback file written for it


@dataclass(frozen=True)
class Case:
    id: str
    file_name: str  # where it lands, relative to the inbox (as str; may hold folders and undecodable bytes)
    write: Callable[[Path, Path], object]  # (path, a scratch folder outside the inbox)
    expected: Expected | None
    shown_as: str | None = None  # the name submissions shows, when it is not the NFC of file_name

    @property
    def submitted_as(self) -> str:
        return self.shown_as or unicodedata.normalize("NFC", self.file_name)


def _roster(unit_title: str, crowd: list[Person], as_of: date = AS_OF, **touches) -> Callable[[Path, Path], Path]:
    return lambda path, _: hostile.roster_workbook(path, [RosterSheet("Danh sách", unit_title, as_of, crowd, **touches)])


def _accepted(unit_code: str, crowd: list[Person], **more) -> Expected:
    return Expected("accepted", unit_code=unit_code, as_of=AS_OF, names=tuple(p.full_name for p in crowd), **more)


def _refused(code: str, message: str, **more) -> Expected:
    return Expected("rejected", code=code, message=message, **more)


def _write_csv(path: Path, crowd: list[Person], unit_title: str, encoding: str = "utf-8-sig") -> Path:
    sheet = RosterSheet("", unit_title, AS_OF, crowd)
    rows = [[f"{v:%d/%m/%Y}" if isinstance(v, date) else "" if v is None else str(v) for v in row]
            for row in sheet.grid()]
    # Windows' Vietnamese code page lacks most precomposed letters: written without Windows' decomposition, they are
    # lost ("H? và tên"), and the file reads as no accepted encoding
    with path.open("w", encoding=encoding, errors="replace", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _text(content: str) -> Callable[[Path, Path], object]:
    return lambda path, _: path.write_text(content, encoding="utf-8")


def _with_formulas(path: Path, _: Path) -> Path:
    crowd = people(24, 48)
    crowd[1] = replace(crowd[1], full_name="Lương Văn Công")
    first = FIRST_PERSON_ROW - 1  # 0-based row of the first person
    formulas = {(first + i, 0): (f"=A{FIRST_PERSON_ROW + i - 1}+1", i + 1) for i in range(1, 24)}  # STT
    formulas[first + 1, 1] = ('=CONCATENATE("Hoàng ","Văn ","Sai")', "Lương Văn Công")
    formulas[first + 2, 2] = ("=DATE(2010,1,1)", 29221)  # cached 1980-01-01; evaluated it would be 2010
    formulas[first + 3, 4] = ('=IF(TRUE,"Tày","Kinh")', "Nùng")
    formulas[first + 4, 6] = ("=cmd|' /C calc'!A0", "2020-2025")  # DDE: never run, its cached text is read
    formulas[first + 5, 2] = ("=B1", 0)  # saved without a computed value: reads as 0, an unreadable birth
    return hostile.roster_workbook(path, [RosterSheet("Danh sách", "TP. Lạng Sơn", AS_OF, crowd, formulas=formulas)])


def _formulas_expected() -> Expected:
    crowd = people(24, 48)
    names = [p.full_name for p in crowd]
    names[1] = "Lương Văn Công"
    return Expected("accepted_with_rejects", unit_code="178", as_of=AS_OF, names=tuple(names[:5] + names[6:]),
                    rejected=((FIRST_PERSON_ROW + 5, "bad_birth_date"),),
                    values=((names[2], "birth_date", date(1980, 1, 1)), (names[3], "ethnic_code", "07"),
                            (names[4], "term", "2020-2025")),
                    feedback="178_2020-10-15_phan_hoi.xlsx")


MERGED = people(42, 72)
MERGED_BODY_ROWS = (FIRST_PERSON_ROW - 1 + 10, FIRST_PERSON_ROW - 1 + 12)  # persons 11-13 share one body cell
VISIBLE, HIDDEN_SHEET = people(20, 114), people(10, 540)
FORMULA_TEXT = people(80, 134) + [Person(n, "31/02/1980", "Nữ", "Tày") for n in FORMULA_LIKE]
CONTROL = people(30, 214)
CONTROL_WRITTEN = {0: "\u200f{}", 1: "\u202e{}\u202c", 2: "{}\u200b", 3: "\u00a0{}\t", 4: "{}\x07"}
SERIAL = people(42, 244)
SERIAL_TEXT = {0: "29221", 1: "29221.0", 2: "32874", 3: "45000", 4: "60"}


def _control_people() -> list[Person]:
    written = [replace(p, full_name=CONTROL_WRITTEN[i].format(p.full_name)) if i in CONTROL_WRITTEN else p
               for i, p in enumerate(CONTROL)]
    written[5] = replace(written[5], full_name="\u200b\u200f")  # nothing visible: no name
    written[6] = replace(written[6], full_name=written[6].full_name.replace(" ", "\u00a0 \t", 1))
    return written


def _hidden(path: Path, _: Path) -> Path:
    old = RosterSheet("Danh sách cũ", "Huyện Bình Gia", AS_OF, HIDDEN_SHEET, hidden=True)
    current = RosterSheet("Danh sách", "Huyện Bình Gia", AS_OF, VISIBLE,
                          hidden_rows={FIRST_PERSON_ROW - 1 + 2, FIRST_PERSON_ROW - 1 + 3})
    return hostile.roster_workbook(path, [old, current])


def _symlink(target: Callable[[Path, Path], Path]) -> Callable[[Path, Path], object]:
    return lambda path, scratch: path.symlink_to(target(path, scratch))


def _outside_roster(path: Path, scratch: Path) -> Path:
    return hostile.roster_workbook(scratch / "outside" / "Văn Lãng 2021.xlsx",
                                 [RosterSheet("Danh sách", "Huyện Văn Lãng", date(2021, 1, 1), people(10, 550))])


def _outside_folder(path: Path, scratch: Path) -> Path:
    _outside_roster(path, scratch)
    return scratch / "outside"


def _encrypted(path: Path, scratch: Path) -> Path:
    plain = hostile.roster_workbook(scratch / "plain.xlsx", [RosterSheet("Danh sách", "Huyện Văn Quan", AS_OF,
                                                                       people(10, 346))])
    return hostile.encrypted_workbook(path, plain)


def _partial(path: Path, scratch: Path) -> Path:
    complete = hostile.roster_workbook(scratch / "complete.xlsx", [RosterSheet("Danh sách", "Huyện Văn Quan", AS_OF,
                                                                             people(10, 356))])
    return hostile.truncated(path, complete)


INVALID_UTF8_NAME = os.fsdecode("DS Lộc Bình ".encode() + b"\xff\xfe.xlsx")
DAMAGED = "Tệp .xlsx bị hỏng hoặc chưa chép xong / the .xlsx file is damaged or incomplete"
GOOD = [
    Case("good_xlsx", "Danh sách Cao Lộc.xlsx", _roster("Huyện Cao Lộc", people(24, 0)),
         _accepted("183", people(24, 0))),
    Case("good_csv", "182_2020-10-15.csv", lambda path, _: _write_csv(path, people(24, 24), "Huyện Văn Lãng"),
         _accepted("182", people(24, 24))),
]
HOSTILE = [
    Case("text_renamed_xlsx", "Báo cáo.xlsx", _text("Họ và tên, Dân tộc\nHoàng Văn Hùng, Tày\n"),
         _refused("not_a_spreadsheet", "Tệp không phải bảng tính .xlsx / the file is not a .xlsx spreadsheet")),
    Case("zero_bytes", "Danh sách trống.xlsx", lambda path, _: path.write_bytes(b""),
         _refused("not_a_spreadsheet", "Tệp không phải bảng tính .xlsx / the file is not a .xlsx spreadsheet")),
    Case("empty_workbook", "Sổ trắng.xlsx", lambda path, _: hostile.roster_workbook(path, []),
         _refused("no_roster_sheet", "Không tìm thấy trang danh sách cán bộ")),
    Case("password_protected", "DS có mật khẩu.xlsx", _encrypted,
         _refused("encrypted", "Tệp có mật khẩu, hãy gửi bản không đặt mật khẩu / the workbook is password-protected")),
    Case("zip_bomb", "DS nén.xlsx", lambda path, _: hostile.zip_bomb(path),
         _refused("too_large", "Tệp giải nén ra 2500 MB, vượt giới hạn 200 MB / the workbook inflates to 2500 MB")),
    Case("zip_understating_its_size", "DS nén lần 2.xlsx", lambda path, _: hostile.lying_zip(path),
         _refused("not_a_spreadsheet", f"{DAMAGED} (part xl/worksheets/sheet1.xml inflates to more than")),
    Case("million_rows", "183_2021-06-30.xlsx", lambda path, _: hostile.million_rows(path),
         _refused("too_large", "Trang 'Danh sách' có hơn 300000 dòng (giới hạn) / sheet 'Danh sách' has more "
                  "than 300000 rows, the limit", unit_code="183", as_of=date(2021, 6, 30),
                  feedback="183_2021-06-30_phan_hoi.xlsx")),
    Case("five_thousand_columns", "DS ngang.xlsx", lambda path, _: hostile.wide_sheet(path),
         _refused("too_large", "Trang 'Danh sách' có hơn 200 cột (giới hạn)")),
    Case("cells_in_opposite_corners", "DS góc.xlsx", lambda path, _: hostile.corner_cells(path),
         _refused("too_large", "Trang 'Danh sách' có hơn 300000 dòng (giới hạn)")),
    Case("damaged_xls", "DS cũ.xls", lambda path, _: path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)),
         _refused("not_a_spreadsheet", "Không đọc được bảng tính / the workbook cannot be read")),
    Case("csv_not_utf8", "DS Văn Quan.csv",
         lambda path, _: _write_csv(path, people(5, 400), "Huyện Văn Quan", encoding="cp1258"),
         _refused("not_utf8", "Tệp không lưu bằng mã UTF-8, và đọc theo mã Windows-1258 hay TCVN3 (ABC) cũng "
                              "không thấy dòng tiêu đề có 'Họ và tên', 'Dân tộc'")),
    Case("csv_field_of_200_kb", "DS dài.csv", _text("Họ và tên,Dân tộc\n\"" + "x" * 200_000 + "\",Tày\n"),
         _refused("not_a_spreadsheet", "Tệp CSV không đọc được / the CSV file cannot be read")),
    Case("still_being_copied", "DS Văn Quan đang chép.xlsx", _partial, _refused("not_a_spreadsheet", DAMAGED)),
    Case("formulas", "DS Thành phố.xlsx", _with_formulas, _formulas_expected()),
    Case("merged_cells_across_people", "Danh sách Tràng Định.xlsx",
         _roster("Huyện Tràng Định", MERGED, merges=[(*MERGED_BODY_ROWS[:1], 5, MERGED_BODY_ROWS[1], 5),
                                                     (FIRST_PERSON_ROW - 1, 6, FIRST_PERSON_ROW + 3, 6)]),
         Expected("accepted_with_rejects", unit_code="180", as_of=AS_OF,
                  names=tuple(p.full_name for i, p in enumerate(MERGED) if i not in (11, 12)),
                  rejected=((FIRST_PERSON_ROW + 11, "missing_body"), (FIRST_PERSON_ROW + 12, "missing_body")),
                  values=((MERGED[0].full_name, "term", "2020-2025"), (MERGED[1].full_name, "term", None)),
                  feedback="180_2020-10-15_phan_hoi.xlsx")),
    Case("hidden_sheet_and_rows", "DS Bình Gia.xlsx", _hidden, _accepted("181", VISIBLE)),
    Case("formula_like_names", "DS Văn Quan.xlsx", _roster("Huyện Văn Quan", FORMULA_TEXT),
         Expected("accepted_with_rejects", unit_code="184", as_of=AS_OF, names=tuple(p.full_name for p in
                                                                                    FORMULA_TEXT[:80]),
                  rejected=tuple((FIRST_PERSON_ROW + 80 + i, "bad_birth_date") for i in range(4)),
                  feedback="184_2020-10-15_phan_hoi.xlsx")),
    Case("control_and_bidi_characters", "DS Bắc Sơn.xlsx", _roster("Huyện Bắc Sơn", _control_people()),
         Expected("accepted_with_rejects", unit_code="185", as_of=AS_OF,
                  names=tuple(p.full_name for i, p in enumerate(CONTROL) if i != 5),
                  rejected=((FIRST_PERSON_ROW + 5, "missing_name"),), feedback="185_2020-10-15_phan_hoi.xlsx")),
    Case("serial_dates_in_text_cells", "DS Hữu Lũng.xlsx",
         _roster("Huyện Hữu Lũng", [replace(p, birth=SERIAL_TEXT.get(i, p.birth)) for i, p in enumerate(SERIAL)]),
         Expected("accepted_with_rejects", unit_code="186", as_of=AS_OF,
                  names=tuple(p.full_name for i, p in enumerate(SERIAL) if i not in (3, 4)),
                  rejected=((FIRST_PERSON_ROW + 3, "age_out_of_range"), (FIRST_PERSON_ROW + 4, "bad_birth_date")),
                  values=((SERIAL[0].full_name, "birth_date", date(1980, 1, 1)),
                          (SERIAL[1].full_name, "birth_date", date(1980, 1, 1)),
                          (SERIAL[2].full_name, "birth_date", date(1990, 1, 1))),
                  feedback="186_2020-10-15_phan_hoi.xlsx")),
    Case("separators_dots_and_nfd_in_file_name",
         unicodedata.normalize("NFD", "DS ..\\..\\Chi Lăng\\bản cuối ★ .xlsx"),
         _roster("Huyện Chi Lăng", people(20, 286)), _accepted("187", people(20, 286))),
    Case("undecodable_bytes_in_file_name", INVALID_UTF8_NAME, _roster("Huyện Lộc Bình", people(20, 306)),
         _accepted("188", people(20, 306)), shown_as="DS Lộc Bình ??.xlsx"),
    Case("sub_folders", "Đình Lập/Tháng 10/DS Đình Lập.xlsx", _roster("Huyện Đình Lập", people(20, 326)),
         _accepted("189", people(20, 326))),
    Case("symlink_to_a_file_in_the_inbox", "Sao chép - Danh sách Cao Lộc.xlsx",
         lambda path, _: path.symlink_to("Danh sách Cao Lộc.xlsx"),
         Expected("duplicate", message="Trùng nội dung với tệp đã nhận 'Danh sách Cao Lộc.xlsx'", unit_code="183",
                  as_of=AS_OF)),
    Case("symlink_to_a_file_outside", "Danh sách Văn Lãng 2021.xlsx", _symlink(_outside_roster), None),
    Case("symlink_to_a_folder_outside", "Thư mục khác", _symlink(_outside_folder), None),
    Case("dangling_symlink", "Đã xóa.xlsx", lambda path, _: path.symlink_to("không còn nữa.xlsx"), None),
    Case("rsync_copy_in_progress", ".DS Chi Lăng.xlsx.Xa81kQ", _roster("Huyện Chi Lăng", people(5, 390)), None),
    Case("symlink_loop", "Vòng lặp.xlsx", lambda path, _: (path.with_name("Vòng lặp 2.xlsx").symlink_to(path.name),
                                                         path.symlink_to(path.with_name("Vòng lặp 2.xlsx").name)),
         None),
    Case("named_pipe", "đang gửi.xlsx", lambda path, _: os.mkfifo(path), None),
]
CASES = GOOD + HOSTILE
NAMES_NEVER_INGESTED = tuple(p.full_name for p in HIDDEN_SHEET + people(10, 550) + people(5, 390))


def write_case(case: Case, inbox: Path, scratch: Path, minute: int) -> Path:
    """Put ``case`` into ``inbox``, arriving ``minute`` minutes after ARRIVED (links keep their target's time)."""
    path = inbox / case.file_name
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch.mkdir(parents=True, exist_ok=True)
    case.write(path, scratch)
    if path.is_file() and not path.is_symlink():
        moment = ARRIVED.timestamp() + 60 * minute
        os.utime(path, (moment, moment))
    return path


def write_corpus(inbox: Path, scratch: Path, cases: list[Case] = CASES) -> dict[str, Path]:
    """Every case in one inbox, in a fixed arrival order; returns the path of each case by id."""
    return {case.id: write_case(case, inbox, scratch / case.id, minute) for minute, case in enumerate(cases)}


def written_names() -> set[str]:
    """Every name written into any file of the corpus, as written and as ingest cleans it (for leak scans)."""
    return ({p.full_name for p in people(560)} | {"Lương Văn Công", *FORMULA_LIKE}
            | {p.full_name for p in _control_people() if p.full_name.strip("\u200b\u200f")})


def written_birth_dates() -> set[str]:
    """Every birth date written into the corpus, as ISO and as clerks write it."""
    days = [p.birth for p in people(560) if isinstance(p.birth, date)]
    return {f"{d:%Y-%m-%d}" for d in days} | {f"{d:%d/%m/%Y}" for d in days}
