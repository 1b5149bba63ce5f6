"""Whole files through ingest.pipeline.ingest_inbox: refused files, the archive, statuses, feedback, reruns.

Every test drops files written with samples.forms into a temporary inbox (arrival times set with os.utime, as
the inbox's mtime is when a file arrived), runs the real ingest into a temporary warehouse and reads what it wrote:
``lake/submissions`` (one row per file received), the lake's row tables, ``archive/`` and ``feedback/``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from xml.etree import ElementTree

import fastexcel
import polars as pl
import pytest
import xlsxwriter
from polars.testing import assert_frame_equal

import ingest.routing
from samples.forms import Layout, Person, Roster, write_roster
from ingest.errors import SubmissionError
from ingest.pipeline import ingest_inbox
from ingest.reference import load_reference
from ingest.settings import Settings, load_settings
from ingest.submission import read_submission

AS_OF = date(2020, 10, 15)
ARRIVED = datetime(2020, 10, 20, 8, 0, tzinfo=UTC)
GIVEN = ("Hùng", "Dũng", "Cường", "Tuấn", "Thắng", "Hải", "Long", "Sơn", "Bình", "Thành", "Quân", "Khánh", "Trung",
         "Nam", "Toàn", "Phong", "Vinh", "Lâm", "Tiến", "Đạt", "Kiên", "Huy", "Tùng", "Duy", "Lợi", "Chiến",
         "Thuận", "Quyết", "Mạnh", "Khoa", "Thịnh", "Hiếu", "Hào", "Bảo", "Công", "Định", "Giang", "Hậu", "Kha",
         "Lực")
FIRST_ROW = 7  # title block rows 1-5, header row 6
NS = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def _people(count: int) -> tuple[Person, ...]:
    """``count`` different people, all fine: Tày men born 1970-1989, members of the party committee."""
    return tuple(Person(f"Hoàng Văn {GIVEN[i]}", date(1970 + i % 20, 1 + i % 12, 1 + i % 28), "M", "Tày", ("UV BCH",))
                 for i in range(count))


CAO_LOC = Roster("Huyện Cao Lộc", AS_OF, _people(4))  # unit 183


def _settings(tmp_path: Path, **env: str) -> Settings:
    return load_settings(inbox=tmp_path / "inbox", warehouse=tmp_path / "warehouse", env=env)


def _arrive(path: Path, minute: int) -> Path:
    """Give ``path`` the arrival time ARRIVED + ``minute`` minutes."""
    moment = ARRIVED.timestamp() + 60 * minute
    os.utime(path, (moment, moment))
    return path


def _drop(settings: Settings, name: str, roster: Roster, layout: Layout = Layout(), minute: int = 0) -> Path:
    return _arrive(write_roster(settings.inbox / name, roster, layout), minute)


def _ingest(settings: Settings) -> None:
    ingest_inbox(settings, log=lambda _: None)


def _submissions(settings: Settings) -> dict[str, dict]:
    """lake/submissions of every unit, by the file name each file arrived under."""
    files = sorted(settings.lake.glob("submissions/unit=*/submissions.parquet"))
    frame = pl.concat([pl.read_parquet(f, hive_partitioning=False) for f in files])
    return {row["file_name"]: row for row in frame.iter_rows(named=True)}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows(settings: Settings, table: str, unit_code: str, path: Path) -> pl.DataFrame:
    return pl.read_parquet(settings.lake / table / f"unit={unit_code}" / f"{_sha256(path)}.parquet")


def _lake(settings: Settings) -> dict[str, pl.DataFrame]:
    """Every Parquet file of the lake, by its path inside the lake."""
    return {p.relative_to(settings.lake).as_posix(): pl.read_parquet(p, hive_partitioning=False)
            for p in sorted(settings.lake.rglob("*.parquet"))}


def _write_sheet(path: Path, sheet_name: str, rows: list[list[str]]) -> Path:
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet(sheet_name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write_string(r, c, value)
    return path


# --- file-level rejections: each refused with its message, the good file beside it still ingested ----------------

def _ingest_beside_a_good_file(settings: Settings, bad: Path) -> dict:
    """Ingest ``bad`` (already in the inbox) with a good roster of Cao Lộc; check the good one; return bad's row."""
    good = _drop(settings, "Danh sách Cao Lộc.xlsx", CAO_LOC, minute=1)
    _arrive(bad, 0)
    _ingest(settings)
    submissions = _submissions(settings)
    assert submissions[good.name]["status"] == "accepted"
    assert submissions[good.name]["rows_accepted"] == len(CAO_LOC.people)
    assert _rows(settings, "memberships", "183", good)["full_name"].to_list() == [p.full_name for p in CAO_LOC.people]
    row = submissions[bad.name]
    assert row["status"] == "rejected"
    assert (row["rows_total"], row["rows_accepted"], row["rows_rejected"]) == (0, 0, 0)
    return row


def test_text_file_renamed_xlsx_is_refused_as_not_a_spreadsheet(tmp_path):
    settings = _settings(tmp_path)
    bad = settings.inbox / "Danh sách Văn Lãng.xlsx"
    bad.parent.mkdir(parents=True)
    bad.write_text("Họ và tên, Dân tộc\nHoàng Văn Hùng, Tày\n", encoding="utf-8")
    row = _ingest_beside_a_good_file(settings, bad)
    assert row["unit_code"] is None
    assert row["message"] == "Tệp không phải bảng tính .xlsx / the file is not a .xlsx spreadsheet"


def test_workbook_without_a_roster_sheet_is_refused(tmp_path):
    settings = _settings(tmp_path)
    settings.inbox.mkdir(parents=True)
    bad = _write_sheet(settings.inbox / "Báo cáo Văn Lãng.xlsx", "Tổng hợp", [
        ["BÁO CÁO TỔNG HỢP"], ["Chỉ tiêu", "Số lượng"], ["Cán bộ nữ", "12"],
    ])
    row = _ingest_beside_a_good_file(settings, bad)
    assert row["message"].startswith("Không tìm thấy trang danh sách cán bộ (dòng tiêu đề có 'Họ và tên' và 'Dân tộc'")
    assert "'Tổng hợp'" in row["message"]


def test_missing_required_column_is_refused_naming_it_and_the_headers_found(tmp_path):
    settings = _settings(tmp_path)
    bad = write_roster(settings.inbox / "Danh sách Văn Lãng.csv", replace(CAO_LOC, unit_title="Huyện Văn Lãng"),
                       Layout(fmt="csv"))
    rows = list(csv.reader(bad.read_text(encoding="utf-8-sig").splitlines()))
    dropped = rows[5].index("Đối tượng")  # the header row, under the five title rows
    rows = [row[:dropped] + row[dropped + 1:] for row in rows]
    with bad.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    row = _ingest_beside_a_good_file(settings, bad)
    found = " | ".join(rows[5])  # STT | Họ và tên | Ngày, tháng, năm sinh | Giới tính | Dân tộc | Nhiệm kỳ | …
    assert row["message"].startswith(
        f"Trang 'Danh sách Văn Lãng' thiếu cột 'Đối tượng / Nhóm chức danh'; các cột tìm thấy: {found} / "
    )


@pytest.mark.parametrize(("column", "named"), [
    ("Đối tượng", "'Đối tượng / Nhóm chức danh'"),
    ("Ngày, tháng, năm sinh", "'Ngày sinh / Năm sinh'"),
    ("Giới tính", "'Giới tính (hoặc cột Nam / Nữ dưới 'Ngày, tháng, năm sinh')'"),
    ("Dân tộc", "'Dân tộc'"),
    ("Họ và tên", "'Họ và tên'"),
])
def test_each_required_column_missing_is_named_with_the_headers_found(tmp_path, column, named):
    path = write_roster(tmp_path / "Danh sách.csv", CAO_LOC, Layout(fmt="csv"))
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    dropped = rows[5].index(column)
    rows = [row[:dropped] + row[dropped + 1:] for row in rows]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with pytest.raises(SubmissionError) as refused:
        read_submission(path, path.name, load_reference(load_settings(env={}).seeds), load_settings(env={}))
    assert refused.value.code == "missing_column"
    assert refused.value.message.startswith(
        f"Trang 'Danh sách' thiếu cột {named}; các cột tìm thấy: {' | '.join(rows[5])} / "
    )


def test_unknown_unit_is_refused_with_the_name_written(tmp_path):
    settings = _settings(tmp_path)
    bad = write_roster(settings.inbox / "Danh sách Bảo Lạc.xlsx", replace(CAO_LOC, unit_title="Huyện Bảo Lạc"),
                       Layout())
    row = _ingest_beside_a_good_file(settings, bad)
    assert row["unit_code"] is None
    assert row["message"].startswith("Không nhận ra đơn vị 'Huyện Bảo Lạc' (cần tên xã, phường, huyện, thành phố hoặc mã GSO")


def test_no_as_of_date_is_refused(tmp_path):
    settings = _settings(tmp_path)
    bad = write_roster(settings.inbox / "Danh sách Văn Lãng.xlsx", CAO_LOC, Layout(title_block=False))
    row = _ingest_beside_a_good_file(settings, bad)
    assert row["message"].startswith("Không tìm thấy ngày số liệu ('Tính đến ngày dd/mm/yyyy' ở đầu trang")


def test_roster_without_people_is_refused_for_its_unit_with_feedback(tmp_path):
    settings = _settings(tmp_path)
    bad = write_roster(settings.inbox / "Danh sách Văn Lãng.xlsx", Roster("Huyện Văn Lãng", AS_OF, ()), Layout())
    row = _ingest_beside_a_good_file(settings, bad)
    assert (row["unit_code"], row["as_of_date"]) == ("182", AS_OF)
    assert row["message"] == "Danh sách không có dòng cán bộ nào / the roster has no people rows"
    assert row["feedback_file"] == "182_2020-10-15_phan_hoi.xlsx"
    lines = fastexcel.read_excel(settings.feedback / row["feedback_file"]).load_sheet(
        0, header_row=None, dtypes="string").to_polars()["__UNNAMED__0"].to_list()
    assert lines[3] == row["message"]


# --- nothing lost -------------------------------------------------------------------------------------------------

def test_every_received_file_is_archived_unchanged_under_its_sha256(tmp_path):
    settings = _settings(tmp_path)
    received = [
        _drop(settings, "Danh sách Cao Lộc.xlsx", CAO_LOC),
        _drop(settings, "Đình Lập/DS CAN BO.XLS", replace(CAO_LOC, unit_title="Đình Lập"), Layout(fmt="xls")),
        _drop(settings, "189_2020-10-15.csv", CAO_LOC, Layout(fmt="csv", title_block=False)),
    ]
    text = settings.inbox / "ghi chú.xlsx"
    text.write_text("không phải bảng tính", encoding="utf-8")
    _ingest(settings)
    for path in [*received, text]:
        archived = settings.archive / f"{_sha256(path)}{path.suffix.lower()}"
        assert archived.read_bytes() == path.read_bytes()
    assert len(list(settings.archive.glob("*.json"))) == 4


def test_receipt_records_name_and_arrival_time_and_the_parse_record_unit_and_as_of(tmp_path):
    settings = _settings(tmp_path)
    path = _drop(settings, "Danh sách Cao Lộc.xlsx", CAO_LOC, minute=3)
    _ingest(settings)
    receipt = json.loads((settings.archive / f"{_sha256(path)}.json").read_text(encoding="utf-8"))
    assert receipt["arrivals"] == [{"file_name": "Danh sách Cao Lộc.xlsx", "received_at": "2020-10-20T08:03:00+00:00"}]
    record = json.loads((settings.parsed / f"{_sha256(path)}.json").read_text(encoding="utf-8"))
    assert (record["unit_code"], record["as_of_date"], record["error_code"]) == ("183", "2020-10-15", None)


def test_same_content_under_a_second_name_is_a_duplicate_and_changes_nothing(tmp_path):
    settings = _settings(tmp_path)
    first = _drop(settings, "Danh sách Cao Lộc.xlsx", CAO_LOC)
    _ingest(settings)
    rows_before = {k: v for k, v in _lake(settings).items() if not k.startswith("submissions/")}
    copy = _arrive(Path(shutil.copyfile(first, settings.inbox / "Danh sách Cao Lộc (1).xlsx")), 10)
    _ingest(settings)
    submissions = _submissions(settings)
    assert submissions[first.name]["status"] == "accepted"
    assert submissions[copy.name]["status"] == "duplicate"
    assert submissions[copy.name]["message"] == "Trùng nội dung với tệp đã nhận 'Danh sách Cao Lộc.xlsx'"
    assert submissions[copy.name]["rows_accepted"] == 0
    rows_after = {k: v for k, v in _lake(settings).items() if not k.startswith("submissions/")}
    assert rows_after.keys() == rows_before.keys()
    for name, frame in rows_before.items():
        assert_frame_equal(rows_after[name], frame)


def test_newer_file_for_the_same_unit_and_date_supersedes_the_older(tmp_path):
    settings = _settings(tmp_path)
    older = _drop(settings, "DS Cao Lộc lần 1.xlsx", CAO_LOC, minute=0)
    newer = _drop(settings, "DS Cao Lộc lần 2.xlsx", replace(CAO_LOC, people=_people(5)), minute=30)
    _ingest(settings)
    submissions = _submissions(settings)
    assert submissions[older.name]["status"] == "superseded"
    assert submissions[older.name]["message"] == "Thay bằng tệp 'DS Cao Lộc lần 2.xlsx'"
    assert submissions[newer.name]["status"] == "accepted"
    for path in (older, newer):
        assert (settings.archive / f"{_sha256(path)}.xlsx").exists()
    assert _rows(settings, "memberships", "183", older).height == 4  # kept in the lake; the status decides
    assert _rows(settings, "memberships", "183", newer).height == 5


def test_file_above_the_reject_share_is_quarantined_and_the_earlier_file_stays_accepted(tmp_path):
    settings = _settings(tmp_path)
    earlier = _drop(settings, "DS Cao Lộc.xlsx", CAO_LOC, minute=0)
    bad_people = (*CAO_LOC.people[:3], replace(CAO_LOC.people[3], ethnicity="Không rõ"))  # 1 of 4 rows: 25 %
    later = _drop(settings, "DS Cao Lộc sửa.xlsx", replace(CAO_LOC, people=bad_people), minute=30)
    _ingest(settings)
    submissions = _submissions(settings)
    assert submissions[earlier.name]["status"] == "accepted"
    assert submissions[later.name]["status"] == "quarantined"
    assert (submissions[later.name]["rows_total"], submissions[later.name]["rows_rejected"]) == (4, 1)


def test_reject_share_limit_comes_from_the_setting(tmp_path):
    settings = _settings(tmp_path, CADRE_MAX_REJECT_SHARE="0.3")
    bad_people = (*CAO_LOC.people[:3], replace(CAO_LOC.people[3], ethnicity="Không rõ"))  # 25 % ≤ 30 %
    path = _drop(settings, "DS Cao Lộc.xlsx", replace(CAO_LOC, people=bad_people))
    _ingest(settings)
    assert _submissions(settings)[path.name]["status"] == "accepted_with_rejects"


def test_ingesting_the_same_inbox_twice_gives_the_same_lake(tmp_path):
    settings = _settings(tmp_path)
    _drop(settings, "DS Cao Lộc.xlsx", replace(CAO_LOC, people=(*_people(30), replace(
        _people(31)[30], birth="31/02/1980"))), minute=0)
    _drop(settings, "183_2015-10-15.csv", replace(CAO_LOC, as_of=date(2015, 10, 15)),
          Layout(fmt="csv", title_block=False), minute=1)
    _drop(settings, "DS Đình Lập.xls", replace(CAO_LOC, unit_title="Đình Lập"), Layout(fmt="xls"), minute=2)
    (settings.inbox / "ghi chú.xlsx").write_text("không phải bảng tính", encoding="utf-8")
    _ingest(settings)
    first = _lake(settings)
    feedback = _feedback_files(settings)
    _ingest(settings)
    second = _lake(settings)
    assert second.keys() == first.keys()
    for name, frame in first.items():
        assert_frame_equal(second[name], frame)
    assert _feedback_files(settings) == feedback


# --- feedback to the clerk ----------------------------------------------------------------------------------------

def _feedback_files(settings: Settings) -> dict[str, bytes]:
    """Every file under feedback/ (unidentified/ included), by its path there."""
    return {p.relative_to(settings.feedback).as_posix(): p.read_bytes()
            for p in sorted(settings.feedback.rglob("*")) if p.is_file()}


def _feedback_rows(path: Path) -> list[tuple]:
    """The rejected rows listed in a feedback workbook: they start under its header row (row 6)."""
    cells = fastexcel.read_excel(path).load_sheet(0, header_row=None, dtypes="string").to_polars()
    return cells.slice(6).rows()


def test_feedback_lists_each_rejected_row_with_row_number_name_and_reason(tmp_path):
    settings = _settings(tmp_path)
    people = (*_people(20), Person("Lý Văn Ba", "31/02/1980", "M", "Tày", ("UV BCH",)), *_people(40)[20:],
              Person("Lý Thị Tư", date(1980, 1, 1), "F", "7", ("UV BCH",)))  # 2 of 42 rows: 4.8 %
    path = _drop(settings, "DS Cao Lộc.xlsx", replace(CAO_LOC, people=people))
    _ingest(settings)
    row = _submissions(settings)[path.name]
    assert row["status"] == "accepted_with_rejects"
    assert row["feedback_file"] == "183_2020-10-15_phan_hoi.xlsx"
    feedback = settings.feedback / "183_2020-10-15_phan_hoi.xlsx"
    head = fastexcel.read_excel(feedback).load_sheet(0, header_row=None, dtypes="string").to_polars()
    assert head["__UNNAMED__0"].to_list()[:3] == [
        "Đơn vị: Huyện Cao Lộc", "Số liệu tính đến ngày: 15/10/2020", "Tệp đã gửi: DS Cao Lộc.xlsx"
    ]
    assert _feedback_rows(feedback) == [
        (str(FIRST_ROW + 20), "Danh sách", "Lý Văn Ba",
         "Ngày sinh không đọc được (dùng dd/mm/yyyy, yyyy-mm-dd hoặc năm 4 chữ số)", "bad_birth_date",
         "Ngày, tháng, năm sinh", "31/02/1980",
         "dd/mm/yyyy, yyyy-mm-dd hoặc năm 4 chữ số / dd/mm/yyyy, yyyy-mm-dd or a 4-digit year"),
        (str(FIRST_ROW + 41), "Danh sách", "Lý Thị Tư",
         "Dân tộc ghi bằng số không xác định được (có hai danh mục mã khác nhau), hãy ghi tên dân tộc",
         "ambiguous_ethnicity_code", "Dân tộc", "7",
         "tên dân tộc, không ghi số (Phụ lục P3) / the ethnic group's name, not a number (Appendix P3)"),
    ]


def test_formula_like_names_are_text_cells_in_the_feedback(tmp_path):
    settings = _settings(tmp_path)
    names = ['=HYPERLINK("http://example.invalid","Bấm vào đây")', "+84912345678", "-Nguyễn Văn A", "@Lan"]
    people = tuple(Person(n, "31/02/1980", "M", "Tày", ("UV BCH",)) for n in names)
    _drop(settings, "DS Cao Lộc.xlsx", replace(CAO_LOC, people=(*CAO_LOC.people, *people)))
    _ingest(settings)
    feedback = settings.feedback / "183_2020-10-15_phan_hoi.xlsx"
    assert [r[2] for r in _feedback_rows(feedback)] == names
    with zipfile.ZipFile(feedback) as workbook:
        sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
        shared = ElementTree.fromstring(workbook.read("xl/sharedStrings.xml"))
    assert "<f>" not in sheet and "<f " not in sheet
    strings = ["".join(t.text or "" for t in si.iter(f"{{{NS['x']}}}t")) for si in shared.findall("x:si", NS)]
    cells = {c.get("r"): c for c in ElementTree.fromstring(sheet).iter(f"{{{NS['x']}}}c")}
    for offset, name in enumerate(names):
        cell = cells[f"C{7 + offset}"]  # "Họ và tên" is column C; listed rows start at row 7
        assert cell.get("t") in ("s", "inlineStr")
        assert strings[int(cell.find("x:v", NS).text)] == name


def test_feedback_file_disappears_once_a_corrected_file_is_accepted(tmp_path):
    settings = _settings(tmp_path)
    bad_people = (*CAO_LOC.people[:3], replace(CAO_LOC.people[3], birth="31/02/1980"))
    _drop(settings, "DS Cao Lộc.xlsx", replace(CAO_LOC, people=bad_people), minute=0)
    _ingest(settings)
    feedback = settings.feedback / "183_2020-10-15_phan_hoi.xlsx"
    assert feedback.exists()
    corrected = _drop(settings, "DS Cao Lộc đã sửa.xlsx", CAO_LOC, minute=30)
    _ingest(settings)
    assert not feedback.exists()
    row = _submissions(settings)[corrected.name]
    assert (row["status"], row["feedback_file"]) == ("accepted", None)




# --- the parse cache: one parse per file, the lake derived from the archive --------------------------------------

def _lake_files(settings: Settings) -> dict[str, bytes]:
    return {p.relative_to(settings.lake).as_posix(): p.read_bytes() for p in sorted(settings.lake.rglob("*.parquet"))}


def test_a_deleted_lake_is_rebuilt_from_the_archive_as_it_was(tmp_path):
    settings = _settings(tmp_path)
    _drop(settings, "Danh sách Cao Lộc.xlsx", CAO_LOC, minute=3)
    _ingest(settings)
    before = _lake_files(settings)
    shutil.rmtree(settings.lake)
    _ingest(settings)
    assert _lake_files(settings) == before and any("memberships/unit=183/" in name for name in before)


def test_a_run_for_one_unit_opens_another_units_unparsed_file_once(tmp_path, monkeypatch):
    """What identifying found is kept: the next run for a unit does not open the other units' files again (after an
    upgrade that would be every archived file, on every sensor run until the nightly one)."""
    settings = _settings(tmp_path)
    cao_loc = _drop(settings, "Danh sách Cao Lộc.xlsx", CAO_LOC, minute=3)
    _drop(settings, "Danh sách Bắc Sơn.xlsx", replace(CAO_LOC, unit_title="Huyện Bắc Sơn"), minute=4)
    opened: list[str] = []
    identify = ingest.routing.identify_file
    monkeypatch.setattr(ingest.routing, "identify_file",
                        lambda path, name, *rest: opened.append(name) or identify(path, name, *rest))
    ingest_inbox(settings, ["185"], log=lambda _: None)
    assert sorted(opened) == ["Danh sách Bắc Sơn.xlsx", "Danh sách Cao Lộc.xlsx"]
    opened.clear()
    ingest_inbox(settings, ["185"], log=lambda _: None)
    assert opened == []
    lines: list[str] = []
    ingest_inbox(settings, ["183"], log=lines.append)
    assert opened == [] and [line for line in lines if line.startswith("read ")] == [
        "read Danh sách Cao Lộc.xlsx: unit 183, as of 2020-10-15"]
    assert (settings.parsed / f"{_sha256(cao_loc)}.json").exists()
    assert _submissions(settings)["Danh sách Cao Lộc.xlsx"]["status"] == "accepted"


def test_a_run_for_one_unit_leaves_another_units_new_file_unparsed_for_that_units_run(tmp_path):
    settings = _settings(tmp_path)
    cao_loc = _drop(settings, "Danh sách Cao Lộc.xlsx", CAO_LOC, minute=3)
    bac_son = _drop(settings, "Danh sách Bắc Sơn.xlsx", replace(CAO_LOC, unit_title="Huyện Bắc Sơn"), minute=4)
    lines: list[str] = []
    ingest_inbox(settings, ["185"], log=lines.append)
    assert [line for line in lines if line.startswith("read ")] == [
        "read Danh sách Bắc Sơn.xlsx: unit 185, as of 2020-10-15"]
    assert not (settings.parsed / f"{_sha256(cao_loc)}.json").exists()
    assert (settings.parsed / f"{_sha256(bac_son)}.json").exists()
    lines.clear()
    ingest_inbox(settings, ["183"], log=lines.append)
    assert [line for line in lines if line.startswith("read ")] == [
        "read Danh sách Cao Lộc.xlsx: unit 183, as of 2020-10-15"]
    assert _submissions(settings)["Danh sách Cao Lộc.xlsx"]["status"] == "accepted"
