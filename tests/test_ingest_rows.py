"""Row by row: which rows of a roster are rejected and why, which are skipped, and the person key.

Each test writes a small roster with samples.forms and reads it with ingest.submission.read_submission. In the
default form the title block fills rows 1-5 and the header row 6, so the people start at Excel row 7 (``ROW``).
Every rejection is checked for its reason code, the Vietnamese message the clerk reads, and the Excel row number.
"""

from __future__ import annotations

import csv
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import polars as pl

from samples.forms import Layout, Person, Roster, write_roster
from ingest.reference import load_reference
from ingest.settings import load_settings
from ingest.submission import ParsedSubmission, read_submission
from ingest.text import fold

AS_OF = date(2020, 10, 15)
ROW = 7  # the first person's row in the default form: title block rows 1-5, header row 6
HUNG = Person("Hoàng Văn Hùng", date(1975, 5, 20), "M", "Tày", ("UV BCH",), "2020-2025", "Đại học", "Cao cấp",
              "Phó Chủ tịch UBND huyện", "UBND huyện")
MAI = Person("Nông Thị Mai", date(1984, 2, 3), "F", "Nùng", ("Trưởng phòng",), "", "Thạc sĩ", "Trung cấp",
             "Trưởng phòng Tư pháp", "Phòng Tư pháp")


def _read(tmp_path: Path, people: tuple[Person, ...], layout: Layout = Layout(),
          env: dict[str, str] | None = None) -> ParsedSubmission:
    path = write_roster(tmp_path / f"Danh sách.{layout.fmt}", Roster("Huyện Cao Lộc", AS_OF, people), layout)
    return read_submission(path, path.name, load_reference(load_settings(env={}).seeds), load_settings(env=env or {}))


def _rejections(parsed: ParsedSubmission) -> list[tuple]:
    return parsed.rejected.select("source_row", "full_name", "reason_code", "message").rows()


def _between_good_rows(tmp_path: Path, bad: Person, layout: Layout = Layout()) -> ParsedSubmission:
    """Read HUNG, ``bad``, MAI: the bad person is on Excel row ROW + 1; the good rows around it must stay."""
    parsed = _read(tmp_path, (HUNG, bad, MAI), layout)
    assert parsed.memberships["full_name"].to_list() == [HUNG.full_name, MAI.full_name]
    assert parsed.memberships["source_row"].to_list() == [ROW, ROW + 2]
    assert parsed.rows_total == 3
    return parsed


# --- one reason per test ------------------------------------------------------------------------------------------

def test_missing_name_is_rejected(tmp_path):
    parsed = _between_good_rows(tmp_path, replace(HUNG, full_name="", bodies=("UV BTV",)))
    assert _rejections(parsed) == [(ROW + 1, None, "missing_name", "Thiếu họ và tên")]


def test_impossible_birth_date_is_rejected(tmp_path):
    parsed = _between_good_rows(tmp_path, replace(HUNG, full_name="Lý Văn Ba", birth="31/02/1980"))
    assert _rejections(parsed) == [(ROW + 1, "Lý Văn Ba", "bad_birth_date",
                                    "Ngày sinh không đọc được (dùng dd/mm/yyyy, yyyy-mm-dd hoặc năm 4 chữ số)")]


def test_person_under_18_at_the_as_of_date_is_rejected(tmp_path):
    # Turns 18 the day after 15/10/2020.
    parsed = _between_good_rows(tmp_path, replace(HUNG, full_name="Lý Văn Trẻ", birth=date(2002, 10, 16)))
    assert _rejections(parsed) == [(ROW + 1, "Lý Văn Trẻ", "age_out_of_range",
                                    "Tuổi tại ngày số liệu ngoài khoảng 18–80, kiểm tra lại ngày sinh")]


def test_person_over_80_at_the_as_of_date_is_rejected(tmp_path):
    # Turned 81 on 15/10/2020.
    parsed = _between_good_rows(tmp_path, replace(HUNG, full_name="Lý Văn Già", birth=date(1939, 10, 15)))
    assert [r[2] for r in _rejections(parsed)] == ["age_out_of_range"]


def test_ages_18_and_80_at_the_as_of_date_are_accepted(tmp_path):
    youngest = replace(HUNG, full_name="Lý Văn Trẻ", birth=date(2002, 10, 15))  # 18th birthday on the as-of date
    oldest = replace(MAI, full_name="Lý Thị Già", birth=date(1939, 10, 16))  # 81 only tomorrow
    parsed = _read(tmp_path, (youngest, oldest))
    assert parsed.rejected.is_empty()
    assert parsed.memberships["age_years"].to_list() == [18, 80]


def test_unknown_ethnicity_is_rejected(tmp_path):
    parsed = _between_good_rows(tmp_path, replace(HUNG, full_name="Lý Văn Ba", ethnicity="Không rõ"))
    assert _rejections(parsed) == [(ROW + 1, "Lý Văn Ba", "unknown_ethnicity",
                                    "Dân tộc không có trong danh mục 54 dân tộc")]


def test_ethnicity_written_as_a_bare_number_is_ambiguous(tmp_path):
    parsed = _between_good_rows(tmp_path, replace(HUNG, full_name="Lý Văn Ba", ethnicity="7"))
    assert _rejections(parsed) == [(
        ROW + 1, "Lý Văn Ba", "ambiguous_ethnicity_code",
        "Dân tộc ghi bằng số không xác định được (có hai danh mục mã khác nhau), hãy ghi tên dân tộc",
    )]


def test_unknown_body_is_rejected(tmp_path):
    parsed = _between_good_rows(tmp_path, replace(HUNG, full_name="Lý Văn Ba", bodies=("Chủ tịch xã",)))
    assert _rejections(parsed) == [(ROW + 1, "Lý Văn Ba", "unknown_body",
                                    "Đối tượng / nhóm chức danh không có trong danh mục")]


def test_one_unknown_body_in_a_cell_rejects_the_whole_row(tmp_path):
    parsed = _between_good_rows(tmp_path, replace(HUNG, full_name="Lý Văn Ba", bodies=("UV BCH", "Chủ tịch xã")))
    assert [r[2] for r in _rejections(parsed)] == ["unknown_body"]


def test_missing_body_is_rejected(tmp_path):
    parsed = _between_good_rows(tmp_path, replace(HUNG, full_name="Lý Văn Ba", bodies=()))
    assert _rejections(parsed) == [(ROW + 1, "Lý Văn Ba", "missing_body", "Thiếu đối tượng / nhóm chức danh")]


def test_missing_gender_is_rejected(tmp_path):
    parsed = _between_good_rows(tmp_path, replace(HUNG, full_name="Lý Văn Ba", gender=None))
    assert _rejections(parsed) == [(ROW + 1, "Lý Văn Ba", "missing_gender",
                                    "Thiếu giới tính (Nam/Nữ), hoặc ngày sinh ghi ở cả cột Nam và cột Nữ")]


def test_birth_date_under_both_nam_and_nu_is_missing_gender(tmp_path):
    layout = Layout(fmt="csv", birth_columns="split")
    path = write_roster(tmp_path / "Danh sách.csv", Roster("Huyện Cao Lộc", AS_OF, (HUNG, MAI)), layout)
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    nam, nu = rows[6].index("Nam"), rows[6].index("Nữ")  # header rows 6-7 under the title block
    rows[7][nu] = rows[7][nam]  # HUNG's date, row 8, now under both
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    parsed = read_submission(path, path.name, load_reference(load_settings(env={}).seeds), load_settings(env={}))
    assert [(r[0], r[2]) for r in _rejections(parsed)] == [(8, "missing_gender")]
    assert parsed.memberships["full_name"].to_list() == [MAI.full_name]


def test_same_membership_twice_in_one_file_rejects_the_second_row(tmp_path):
    parsed = _read(tmp_path, (HUNG, MAI, HUNG))
    assert _rejections(parsed) == [(ROW + 2, HUNG.full_name, "duplicate_membership",
                                    "Người này đã có trong cùng nhóm chức danh ở dòng trước (trùng lặp)")]
    assert parsed.memberships["source_row"].to_list() == [ROW, ROW + 1]


def test_unreadable_term_is_rejected(tmp_path):
    parsed = _between_good_rows(tmp_path, replace(HUNG, full_name="Lý Văn Ba", term="2025-2020"))
    assert _rejections(parsed) == [(ROW + 1, "Lý Văn Ba", "bad_term", "Nhiệm kỳ không đọc được (ghi dạng 2020-2025)")]


def test_unknown_education_is_rejected(tmp_path):
    parsed = _between_good_rows(tmp_path, replace(HUNG, full_name="Lý Văn Ba", education="Lớp 12"))
    assert _rejections(parsed) == [(ROW + 1, "Lý Văn Ba", "unknown_education",
                                    "Trình độ chuyên môn không có trong danh mục")]


def test_unknown_political_theory_is_rejected(tmp_path):
    parsed = _between_good_rows(tmp_path, replace(HUNG, full_name="Lý Văn Ba", political_theory="Bồi dưỡng"))
    assert _rejections(parsed) == [(ROW + 1, "Lý Văn Ba", "unknown_political_theory",
                                    "Trình độ lý luận chính trị không có trong danh mục")]


def test_blank_education_and_political_theory_are_accepted_as_unknown_level(tmp_path):
    parsed = _read(tmp_path, (replace(HUNG, education="", political_theory=""),))
    assert parsed.rejected.is_empty()
    assert parsed.memberships.select("education_code", "political_theory_code").rows() == [(None, None)]


def test_each_rejected_row_has_only_its_first_reason(tmp_path):
    parsed = _read(tmp_path, (replace(HUNG, birth="31/02/1980", ethnicity="Không rõ", bodies=()),))
    assert [r[2] for r in _rejections(parsed)] == ["bad_birth_date"]


def test_rejected_row_numbers_follow_the_layout_rows(tmp_path):
    # Cover sheet first (its rows do not count), title rows 1-5, header rows 6-7 (Nam | Nữ), column numbers row 8.
    layout = Layout(birth_columns="split", column_numbers=True, cover_sheet=True)
    parsed = _read(tmp_path, (HUNG, MAI, replace(HUNG, full_name="Lý Văn Ba", ethnicity="Không rõ")), layout)
    assert parsed.memberships["source_row"].to_list() == [9, 10]
    assert [(r[0], r[2]) for r in _rejections(parsed)] == [(11, "unknown_ethnicity")]


# --- rows that are not people: skipped, not rejected -------------------------------------------------------------

def test_column_number_totals_and_signature_rows_are_skipped(tmp_path):
    roster = Roster("Huyện Cao Lộc", AS_OF, (HUNG, MAI), signers=("Vi Văn Lâm", "Lộc Văn Tú"))
    path = write_roster(tmp_path / "ds.xlsx", roster, Layout(column_numbers=True, footer=True))
    parsed = read_submission(path, path.name, load_reference(load_settings(env={}).seeds), load_settings(env={}))
    assert parsed.rejected.is_empty()
    assert parsed.rows_total == 2
    assert parsed.memberships["full_name"].to_list() == [HUNG.full_name, MAI.full_name]


def test_blank_and_numbered_empty_rows_are_skipped(tmp_path):
    empty = Person("", "", None, "", ())  # a template row with only its STT
    path = write_roster(tmp_path / "ds.csv", Roster("Huyện Cao Lộc", AS_OF, (HUNG, empty, MAI)), Layout(fmt="csv"))
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[7:7] = ["", ",,,,,,,,,,,"]  # two blank rows after HUNG (row 7): the empty person moves to row 10
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    parsed = read_submission(path, path.name, load_reference(load_settings(env={}).seeds), load_settings(env={}))
    assert parsed.rejected.is_empty()
    assert parsed.rows_total == 2
    assert parsed.memberships["source_row"].to_list() == [ROW, ROW + 4]


def test_names_that_start_like_a_totals_row_are_people(tmp_path):
    # Folded, "Tống Sơn" starts like "Tổng số" and "Công" like "Cộng"; without a STT column the name leads the row.
    tong = replace(HUNG, full_name="Tống Sơn Tùng")
    cong = replace(MAI, full_name="Công Tằng Tôn Nữ Hoa")
    parsed = _read(tmp_path, (tong, HUNG, cong, MAI), Layout(headers="short"))
    assert parsed.rejected.is_empty()
    assert parsed.memberships["full_name"].to_list() == [
        "Tống Sơn Tùng", HUNG.full_name, "Công Tằng Tôn Nữ Hoa", MAI.full_name
    ]


def test_several_bodies_in_one_cell_give_one_membership_each(tmp_path):
    parsed = _read(tmp_path, (replace(HUNG, bodies=("UV BCH", "UV BTV", "Trưởng ban")),))
    assert parsed.memberships.select("source_row", "body_code").rows() == [
        (ROW, "party_committee"), (ROW, "party_standing_committee"), (ROW, "department_head")
    ]


def test_bodies_with_trailing_qualifiers_are_recognised(tmp_path):
    people = (replace(HUNG, bodies=("UV BCH Đảng bộ", "Ủy viên BTV Huyện ủy")),
              replace(MAI, bodies=("Phó trưởng phòng Tư pháp",)))
    parsed = _read(tmp_path, people)
    assert parsed.rejected.is_empty()
    assert parsed.memberships["body_code"].to_list() == [
        "party_committee", "party_standing_committee", "department_deputy"
    ]


# --- person key ---------------------------------------------------------------------------------------------------

def test_same_person_on_two_rows_for_two_bodies_has_one_person_key(tmp_path):
    parsed = _read(tmp_path, (replace(HUNG, bodies=("UV BCH", "Trưởng phòng")), MAI),
                   Layout(bodies_per_row="one_per_row"))
    hung = parsed.memberships.filter(pl.col("full_name") == HUNG.full_name)
    assert hung["source_row"].to_list() == [ROW, ROW + 1]
    assert hung["person_key"].n_unique() == 1
    assert parsed.memberships["person_key"].n_unique() == 2


def test_person_key_changes_with_the_secret(tmp_path):
    default = _read(tmp_path / "a", (HUNG,))
    other = _read(tmp_path / "b", (HUNG,), env={"CADRE_PERSON_KEY_SECRET": "another secret"})
    assert default.memberships["person_key"].item() != other.memberships["person_key"].item()


def test_person_key_holds_no_part_of_the_name(tmp_path):
    key = _read(tmp_path, (HUNG,)).memberships["person_key"].item()
    assert re.fullmatch(r"[0-9a-f]{32}", key)
    assert not any(fold(part) in key for part in HUNG.full_name.split() + [HUNG.full_name])


def test_different_people_born_the_same_day_have_different_keys(tmp_path):
    parsed = _read(tmp_path, (HUNG, replace(HUNG, full_name="Hoàng Văn Hải", bodies=("UV BTV",))))
    assert parsed.memberships["person_key"].n_unique() == 2


def test_two_bodies_without_a_separator_are_rejected_not_half_read(tmp_path):
    parsed = _between_good_rows(tmp_path, replace(HUNG, full_name="Lý Văn Ba", bodies=("UV BCH UV BTV",)))
    assert [r[2] for r in _rejections(parsed)] == ["unknown_body"]


def test_names_that_differ_only_by_a_diacritic_are_two_people(tmp_path):
    hung = replace(HUNG, bodies=("UV BCH",))
    hu_ng = replace(HUNG, full_name="Hoàng Văn Hưng", bodies=("UV BCH",))
    parsed = _read(tmp_path, (hung, hu_ng))
    assert parsed.rejected.height == 0
    assert parsed.memberships["person_key"].n_unique() == 2


def test_a_row_with_only_a_name_is_rejected_not_skipped(tmp_path):
    lone = Person("Lý Văn Ba", "", None, "", (), "", "", "", "", "")
    parsed = _read(tmp_path, (HUNG, lone, MAI), Layout(fmt="csv"))
    assert parsed.rows_total == 3
    assert [(r[0], r[2]) for r in _rejections(parsed)] == [(ROW + 1, "bad_birth_date")]


def test_tcvn3_cells_that_also_read_as_unicode_are_decoded_in_a_tcvn3_sheet(tmp_path):
    # "Cấp phó" in TCVN3 is "CÊp phã": valid Unicode letters on their own, TCVN3 by the company it keeps.
    deputy = replace(MAI, full_name="Lương Văn Lộc", bodies=("Cấp phó",))
    parsed = _read(tmp_path, (HUNG, deputy, MAI), Layout(encoding="tcvn3"))
    assert parsed.rejected.is_empty()
    assert parsed.memberships.filter(pl.col("source_row") == ROW + 1)["body_code"].to_list() == ["department_deputy"]
