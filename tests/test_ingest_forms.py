"""Every accepted form of a roster gives the same clean membership rows (ingest.submission.read_submission).

One roster, ``ROSTER``, is written in each form districts send (samples.forms) and read back. The default form
(xlsx, one birth column with Excel dates, Unicode NFC, full headers, a title block) is checked against values derived
by hand from the roster; every other form must give exactly the same memberships, person keys included. Only the
Excel row numbers may differ, and they are checked against the row each layout puts a person on.

TCVN3 (ABC fonts) has no capitals with tone marks: a clerk typed them with the capitals-only font, so they come back
as small letters ("Ánh" → "ánh"). The names, positions and organisations below, the text memberships keep, have no
such capital, so TCVN3 can carry them unchanged and the comparison needs no normalisation.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import date
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from polars.testing import assert_frame_equal

from samples.forms import Layout, Person, Roster, write_roster
from samples.iconv import iconv_knows_tcvn5712
from ingest.reference import load_reference
from ingest.settings import load_settings
from ingest.submission import ParsedSubmission, read_submission
from ingest.title import Identity

AS_OF = date(2020, 10, 15)
PEOPLE = (
    Person("Hoàng Thị Yến", date(1985, 3, 7), "F", "Nùng", ("UV BCH", "Ủy viên BTV Huyện ủy"), "2020-2025",
           "Đại học", "Cao cấp", "Chủ tịch Hội LHPN huyện", "Huyện Cao Lộc"),
    Person("Lương Văn Hòa", date(1970, 12, 1), "M", "Tày", ("Trưởng phòng",), "", "Thạc sĩ", "Trung cấp",
           "Trưởng phòng Nội vụ", "Phòng Nội vụ"),
    Person("Nguyễn Đức Thủy", date(1962, 1, 31), "M", "Kinh", ("UV BCH Đảng bộ", "Phó trưởng phòng"),
           "NK 2015-2020", "Thạc sĩ", "Cao cấp", "Phó trưởng phòng Tài chính", "Phòng Tài chính - Kế hoạch"),
    Person("Vi Thị Lan", date(1990, 10, 15), "F", "Dao", ("Cán bộ cấp xã",), "", "Cao đẳng", "",
           "Chủ tịch Hội LHPN xã", "Xã Hợp Thành"),
)
ROSTER = Roster("Huyện Cao Lộc", AS_OF, PEOPLE)
# What the roster says, coded through the seeds: one row per person × body, in the order written.
# (full_name, birth_date, birth_year, age at 15/10/2020, gender, ethnic_code, body_code, term, education,
#  political theory, position, organisation)
EXPECTED = [
    ("Hoàng Thị Yến", date(1985, 3, 7), 1985, 35, "F", "07", "party_committee", "2020-2025", "university",
     "advanced", "Chủ tịch Hội LHPN huyện", "Huyện Cao Lộc"),
    ("Hoàng Thị Yến", date(1985, 3, 7), 1985, 35, "F", "07", "party_standing_committee", "2020-2025", "university",
     "advanced", "Chủ tịch Hội LHPN huyện", "Huyện Cao Lộc"),
    ("Lương Văn Hòa", date(1970, 12, 1), 1970, 49, "M", "02", "department_head", None, "master", "intermediate",
     "Trưởng phòng Nội vụ", "Phòng Nội vụ"),
    ("Nguyễn Đức Thủy", date(1962, 1, 31), 1962, 58, "M", "01", "party_committee", "2015-2020", "master",
     "advanced", "Phó trưởng phòng Tài chính", "Phòng Tài chính - Kế hoạch"),
    ("Nguyễn Đức Thủy", date(1962, 1, 31), 1962, 58, "M", "01", "department_deputy", "2015-2020", "master",
     "advanced", "Phó trưởng phòng Tài chính", "Phòng Tài chính - Kế hoạch"),
    ("Vi Thị Lan", date(1990, 10, 15), 1990, 30, "F", "09", "commune_cadre", None, "college", None,
     "Chủ tịch Hội LHPN xã", "Xã Hợp Thành"),
]
COLUMNS = ["full_name", "birth_date", "birth_year", "age_years", "gender", "ethnic_code", "body_code", "term",
           "education_code", "political_theory_code", "position", "organisation"]
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
TITLE_ROWS = 5  # ĐẢNG CỘNG SẢN VIỆT NAM, heading, Đơn vị, Tính đến, a blank row


def _read(path: Path, file_name: str | None = None) -> ParsedSubmission:
    return read_submission(path, file_name or path.name, load_reference(load_settings(env={}).seeds), load_settings(env={}))


def _write_and_read(tmp_path: Path, roster: Roster, layout: Layout, file_name: str = "") -> ParsedSubmission:
    path = write_roster(tmp_path / (file_name or f"Danh sách cán bộ.{layout.fmt}"), roster, layout)
    return _read(path)


def _first_person_row(layout: Layout) -> int:
    """The Excel row of the first person: under the title block, the header (two rows for Nam | Nữ) and the
    optional column-number row."""
    return ((TITLE_ROWS if layout.title_block else 0) + (2 if layout.birth_columns == "split" else 1)
            + layout.column_numbers + 1)


def _expected_source_rows(layout: Layout) -> list[int]:
    """The Excel row of each expected membership: one row per person, or per body with one_per_row."""
    rows, row = [], _first_person_row(layout)
    for person in PEOPLE:
        for _ in person.bodies:
            rows.append(row)
            row += layout.bodies_per_row == "one_per_row"
        row += layout.bodies_per_row != "one_per_row"
    return rows


def _has_toned_capital(text: str) -> bool:
    return any(c.isupper() and any(m in unicodedata.normalize("NFD", c) for m in TONE_MARKS) for c in text)


@pytest.fixture(scope="module")
def reference_read(tmp_path_factory) -> ParsedSubmission:
    return _write_and_read(tmp_path_factory.mktemp("default"), ROSTER, Layout())


def test_roster_text_kept_in_memberships_is_representable_in_tcvn3():
    kept = [t for p in PEOPLE for t in (p.full_name, p.position, p.organisation)]
    assert not [t for t in kept if _has_toned_capital(t)]


def test_default_form_gives_the_roster_as_written(reference_read):
    assert reference_read.identity == Identity("183", AS_OF)
    assert reference_read.memberships.select(COLUMNS).rows() == EXPECTED
    assert reference_read.memberships["source_row"].to_list() == _expected_source_rows(Layout())
    assert reference_read.rejected.is_empty()
    assert reference_read.rows_total == len(PEOPLE)


FORMS = {
    "xls": (Layout(fmt="xls"), ROSTER, ""),
    "csv_with_bom": (Layout(fmt="csv"), ROSTER, ""),
    "csv_without_bom": (Layout(fmt="csv", csv_bom=False), ROSTER, ""),
    "split_nam_nu_birth_columns": (Layout(birth_columns="split"), ROSTER, ""),
    "dd_mm_yyyy_text_dates": (Layout(date_style="dmy"), ROSTER, ""),
    "iso_text_dates": (Layout(date_style="iso"), ROSTER, ""),
    "nfd_text": (Layout(encoding="nfd"), ROSTER, ""),
    "tcvn3_text": (Layout(encoding="tcvn3"), ROSTER, ""),
    "tcvn3_converted_by_iconv": (Layout(encoding="tcvn3_iconv"), ROSTER, ""),
    "old_tone_marks": (Layout(old_tone_marks=True), ROSTER, ""),
    "short_headers": (Layout(headers="short"), ROSTER, ""),
    "plain_tinh_den_title": (Layout(date_title="plain"), ROSTER, ""),
    "no_title_block_code_and_date_file_name": (Layout(title_block=False), ROSTER, "183_2020-10-15.xlsx"),
    "unit_short_name": (Layout(), replace(ROSTER, unit_title="Cao Lộc"), ""),
    "unit_without_diacritics": (Layout(), replace(ROSTER, unit_title="Huyen Cao Loc"), ""),
    "unit_gso_code": (Layout(), replace(ROSTER, unit_title="183"), ""),
    "cover_sheet_first": (Layout(cover_sheet=True), ROSTER, ""),
    "one_body_per_row": (Layout(bodies_per_row="one_per_row"), ROSTER, ""),
    "bodies_separated_by_semicolons": (Layout(body_separator="; "), ROSTER, ""),
    "column_number_row": (Layout(column_numbers=True), ROSTER, ""),
    "totals_row_and_signature_block": (Layout(footer=True), replace(ROSTER, signers=("Vi Văn Lâm", "Lộc Văn Tú")),
                                       ""),
    "gender_in_capitals": (Layout(gender_style="upper"), ROSTER, ""),
    "gender_in_small_letters": (Layout(gender_style="lower"), ROSTER, ""),
    "gender_as_m_f": (Layout(gender_style="mf"), ROSTER, ""),
    # Several variations at once, as real offices combine them.
    "xls_split_tcvn3_numbered_with_footer": (
        Layout(fmt="xls", birth_columns="split", encoding="tcvn3", column_numbers=True, footer=True), ROSTER, ""),
    "csv_nfd_split_dmy_short_headers": (
        Layout(fmt="csv", encoding="nfd", birth_columns="split", date_style="dmy", headers="short"), ROSTER, ""),
    "tcvn3_old_tones_one_per_row_cover_sheet": (
        Layout(encoding="tcvn3", old_tone_marks=True, bodies_per_row="one_per_row", cover_sheet=True,
               gender_style="upper"), replace(ROSTER, unit_title="Cao Lộc"), ""),
    "csv_without_title_iso_dates_m_f": (
        Layout(fmt="csv", csv_bom=False, title_block=False, date_style="iso", gender_style="mf"), ROSTER,
        "183_2020-10-15.csv"),
    "xls_dmy_short_headers_one_per_row_plain_title": (
        Layout(fmt="xls", date_style="dmy", headers="short", bodies_per_row="one_per_row", date_title="plain"),
        replace(ROSTER, unit_title="Huyen Cao Loc"), ""),
    # What other programs and locales save (docs/submission-format.md A1, A7).
    "csv_semicolons_as_excel_in_vi_vn": (Layout(fmt="csv", csv_separator=";"), ROSTER, ""),
    "unicode_text_utf16_le_tabs_txt": (Layout(fmt="txt", csv_separator="\t", text_encoding="utf-16-le"), ROSTER, ""),
    "utf16_be_csv": (Layout(fmt="csv", text_encoding="utf-16-be"), ROSTER, ""),
    "csv_windows_1258": (Layout(fmt="csv", text_encoding="cp1258"), ROSTER, ""),
    "csv_tcvn3_bytes": (Layout(fmt="csv", encoding="tcvn3", text_encoding="tcvn3"), ROSTER, ""),
    "ods": (Layout(fmt="ods"), ROSTER, ""),
    "xlsm_with_a_macro": (Layout(fmt="xlsm"), ROSTER, ""),
    "xlsb": (Layout(fmt="xlsb"), ROSTER, ""),
    "ods_split_tcvn3_numbered_with_footer_and_cover": (
        Layout(fmt="ods", birth_columns="split", encoding="tcvn3", column_numbers=True, footer=True,
               cover_sheet=True), ROSTER, ""),
    "xlsb_split_dmy_one_per_row": (
        Layout(fmt="xlsb", birth_columns="split", date_style="dmy", bodies_per_row="one_per_row"), ROSTER, ""),
    "txt_windows_1258_semicolons_without_title": (
        Layout(fmt="txt", text_encoding="cp1258", csv_separator=";", title_block=False), ROSTER,
        "183_2020-10-15.txt"),
}


@pytest.mark.parametrize("form", FORMS)
def test_each_form_gives_the_same_memberships_as_the_default(tmp_path, reference_read, form):
    layout, roster, file_name = FORMS[form]
    if layout.encoding == "tcvn3_iconv" and not iconv_knows_tcvn5712():
        pytest.skip("needs glibc iconv with TCVN5712-1")
    parsed = _write_and_read(tmp_path, roster, layout, file_name)
    assert parsed.identity == Identity("183", AS_OF)
    assert parsed.rejected.is_empty()
    assert_frame_equal(parsed.memberships.drop("source_row"), reference_read.memberships.drop("source_row"))
    assert parsed.memberships["source_row"].to_list() == _expected_source_rows(layout)


def test_bare_birth_years_give_the_same_rows_without_birth_day(tmp_path, reference_read):
    """A form with only years keeps everything but the day; age becomes as-of year − birth year, and the person
    key (name, birth, gender) is a different key, as the birth is known less precisely."""
    parsed = _write_and_read(tmp_path, ROSTER, Layout(date_style="year", headers="short"))
    assert parsed.rejected.is_empty()
    assert parsed.memberships["birth_date"].null_count() == parsed.memberships.height
    assert parsed.memberships["age_years"].to_list() == [AS_OF.year - row[2] for row in EXPECTED]
    unchanged = [c for c in COLUMNS if c not in ("birth_date", "age_years")]
    assert_frame_equal(parsed.memberships.select(unchanged), reference_read.memberships.select(unchanged))


def test_old_tone_marks_are_stored_in_current_spelling(tmp_path):
    roster = replace(ROSTER, people=(replace(PEOPLE[1], full_name="Lương Văn Hoà", position="Phó trưởng phòng Nội vụ",
                                             bodies=("Uỷ viên BTV",)),))
    parsed = _write_and_read(tmp_path, roster, Layout(fmt="csv"))
    assert parsed.memberships.select("full_name", "body_code").rows() == [("Lương Văn Hòa", "party_standing_committee")]


def test_name_in_nfd_is_stored_as_nfc(tmp_path):
    parsed = _write_and_read(tmp_path, ROSTER, Layout(fmt="csv", encoding="nfd"))
    names = parsed.memberships["full_name"].unique(maintain_order=True).to_list()
    assert names == [p.full_name for p in PEOPLE]
    assert all(unicodedata.is_normalized("NFC", n) for n in names)


def test_tcvn3_names_are_decoded_to_unicode(tmp_path):
    parsed = _write_and_read(tmp_path, ROSTER, Layout(encoding="tcvn3"))
    assert parsed.memberships["full_name"].unique(maintain_order=True).to_list() == [p.full_name for p in PEOPLE]


@pytest.mark.skipif(not iconv_knows_tcvn5712(), reason="needs glibc iconv with TCVN5712-1")
@pytest.mark.parametrize("fmt", ["xlsx", "xls", "csv"])
def test_tcvn3_converted_by_iconv_keeps_capitals_with_tone_marks(tmp_path, fmt):
    """Converters, unlike ABC fonts, write capitals with tone marks: on control bytes (Ý, Ứ, the Ữ of NỮ), on bytes
    shown as punctuation (Ủ is "ž", Ộ "—") and on bytes shown as Unicode letters (Ễ is "Ù")."""
    people = (
        replace(PEOPLE[0], full_name="Lò Thị Ánh", bodies=("Ủy viên Ban Chấp hành", "ỦY VIÊN BTV"),
                position="Ủy viên Ban Thường vụ", organisation="Ủy ban nhân dân huyện"),
        replace(PEOPLE[1], full_name="NGUYỄN VĂN ỨNG", ethnicity="Thái"),
        replace(PEOPLE[3], full_name="Nông Thị Như Ý", position="Ủy viên BCH Hội LHPN xã"),
    )
    roster = replace(ROSTER, people=people)
    layout = Layout(fmt=fmt, gender_style="upper")
    unicode = _write_and_read(tmp_path / "unicode", roster, layout)
    converted = _write_and_read(tmp_path / "iconv", roster, replace(layout, encoding="tcvn3_iconv"))
    assert converted.rejected.is_empty()
    assert converted.memberships["full_name"].unique(maintain_order=True).to_list() == [p.full_name for p in people]
    assert_frame_equal(converted.memberships, unicode.memberships)


def test_unit_named_tp_lang_son_is_the_city(tmp_path):
    parsed = _write_and_read(tmp_path, replace(ROSTER, unit_title="TP. Lạng Sơn"), Layout())
    assert parsed.identity == Identity("178", AS_OF)


# --- the optional "Đào tạo - Tuyển dụng" sheet -------------------------------------------------------------------

TRAINING = (
    (2020, "Lượt cán bộ được bồi dưỡng", "11.753"),
    (2020, "Tuyển dụng công chức cấp xã", "12"),
    (2019, "Cán bộ, công chức cấp xã đến công tác tại các phòng, ban cấp huyện", "3"),
)


@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_training_sheet_gives_year_metric_and_number(tmp_path, fmt):
    parsed = _write_and_read(tmp_path, replace(ROSTER, training=TRAINING), Layout(fmt=fmt))
    # Header "Năm | Nội dung | Số lượng" is row 1, so the lines are rows 2-4; "11.753" uses the thousands dot.
    assert parsed.training.rows() == [
        (2, 2020, "training_participations", 11753),
        (3, 2020, "recruited_commune_civil_servants", 12),
        (4, 2019, "commune_staff_moved_up", 3),
    ]
    assert parsed.rejected.is_empty()
    assert parsed.rows_total == len(PEOPLE) + len(TRAINING)


def test_training_sheet_does_not_change_the_memberships(tmp_path, reference_read):
    parsed = _write_and_read(tmp_path, replace(ROSTER, training=TRAINING), Layout(cover_sheet=True))
    assert_frame_equal(parsed.memberships, reference_read.memberships)


def test_unknown_training_metric_is_a_rejected_row_of_the_training_sheet(tmp_path):
    training = (TRAINING[0], (2020, "Số xe công vụ", "3"))
    parsed = _write_and_read(tmp_path, replace(ROSTER, training=training), Layout())
    assert parsed.training["metric_code"].to_list() == ["training_participations"]
    assert parsed.rejected.select("sheet_name", "source_row", "reason_code", "message").rows() == [
        ("Đào tạo - Tuyển dụng", 3, "unknown_metric", "Nội dung đào tạo - tuyển dụng không có trong danh mục"),
    ]
    assert parsed.rows_total == len(PEOPLE) + 2


def test_unreadable_training_number_is_a_bad_number_row(tmp_path):
    training = ((2020, "Lượt cán bộ được bồi dưỡng", "khoảng 11 nghìn"),)
    parsed = _write_and_read(tmp_path, replace(ROSTER, training=training), Layout())
    assert parsed.rejected.select("source_row", "reason_code", "message").rows() == [
        (2, "bad_number", "Số lượng không đọc được"),
    ]


# --- the example in docs/submission-format.md (A13) ---------------------------------------------------------------

def test_the_documented_example_roster_reads_as_documented(tmp_path):
    """Two title lines, the header on row 3, five people, a totals row 9: 5 people, 6 memberships, no rejects."""
    rows = [
        ["Đơn vị: Huyện Cao Lộc"],
        ["(Tính đến ngày 15/10/2020)"],
        ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Đối tượng", "Nhiệm kỳ", "Trình độ chuyên môn",
         "Lý luận chính trị", "Chức vụ", "Cơ quan, đơn vị"],
        [1, "Hoàng Văn An", "12/03/1975", "Nam", "Tày", "UV BCH, UV BTV", "2020-2025", "Thạc sĩ", "Cao cấp",
         "Bí thư Huyện ủy", "Huyện ủy Cao Lộc"],
        [2, "Lương Thị Bích", 1986, "Nữ", "Nùng", "UV BCH", "2020-2025", "Đại học", "Trung cấp",
         "Trưởng ban Dân vận", "Ban Dân vận Huyện ủy"],
        [3, "Nguyễn Văn Cường", "1982-07-01", "Nam", "Kinh", "Trưởng phòng", None, "Đại học", "Cao cấp",
         "Trưởng phòng", "Phòng Nội vụ"],
        [4, "Triệu Thị Dung", "05/11/1990", "Nữ", "Dao", "Phó trưởng phòng", None, "Cao đẳng", None,
         "Phó trưởng phòng", "Phòng Tài chính - Kế hoạch"],
        [5, "Vi Văn Em", "20/01/1988", "Nam", "Nùng", "Công chức cấp xã", None, "Trung cấp", "Sơ cấp",
         "Công chức Tư pháp - Hộ tịch", "UBND xã Hợp Thành"],
        [None, "Tổng cộng: 5 người"],
    ]
    path = tmp_path / "Danh sách Cao Lộc.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("Danh sách")
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, int):
                    sheet.write_number(r, c, value)
                elif value is not None:
                    sheet.write_string(r, c, value)
    parsed = _read(path)
    assert parsed.identity == Identity("183", AS_OF)
    assert parsed.rejected.is_empty()
    assert parsed.rows_total == 5
    assert parsed.memberships.select("source_row", "full_name", "body_code").rows() == [
        (4, "Hoàng Văn An", "party_committee"), (4, "Hoàng Văn An", "party_standing_committee"),
        (5, "Lương Thị Bích", "party_committee"), (6, "Nguyễn Văn Cường", "department_head"),
        (7, "Triệu Thị Dung", "department_deputy"), (8, "Vi Văn Em", "commune_civil_servant"),
    ]
    assert parsed.memberships.filter(pl.col("full_name") == "Lương Thị Bích").select(
        "birth_date", "birth_year", "age_years", "gender").rows() == [(None, 1986, 34, "F")]
