"""Which unit a roster is from, read with its as-of date: the districts until 30 June 2025, the 65 communes and wards
from 1 July 2025, the province's own roster (ingest.unit_names, ingest.title)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from ingest.errors import SubmissionError
from ingest.reference import load_reference
from ingest.settings import load_settings
from ingest.submission import read_submission
from samples.forms import Layout, Person, Roster, write_roster
from tests.conftest import small_roster

SETTINGS = load_settings(env={})
REFERENCE = load_reference(SETTINGS.seeds)
BEFORE, AFTER = date(2020, 10, 15), date(2025, 10, 15)
# Hand-copied from ../shared/reference/communes_lang_son_2025.csv: the units formed (wholly or partly) from
# district 183 Huyện Cao Lộc.
FORMED_FROM_CAO_LOC = {"05977", "06184", "06187", "06196", "06211", "06220", "06286", "06316"}


def resolve(text: str, day: date) -> str:
    return REFERENCE.unit_names.resolve(text, day).code


@pytest.mark.parametrize("text", [
    "Xã Cao Lộc", "xã Cao Lộc", "XÃ CAO LỘC", "Xa Cao Loc", "Đảng bộ xã Cao Lộc", "Đảng ủy xã Cao Lộc",
    "Đảng uỷ xã Cao Lộc", "UBND xã Cao Lộc", "Ủy ban nhân dân xã Cao Lộc", "X. Cao Lộc", "X.Cao Lộc", "Cao Lộc",
    "06211",
])
def test_every_written_form_of_xa_cao_loc_in_2025_is_06211(text):
    assert resolve(text, AFTER) == "06211"


@pytest.mark.parametrize(("text", "code"), [
    ("Phường Kỳ Lừa", "06187"), ("P. Kỳ Lừa", "06187"), ("Phuong Ky Lua", "06187"), ("X. Na Sầm", "06124"),
    ("Xã Quý Hoà", "06076"), ("Xã Quý Hòa", "06076"), ("Vũ Lãng", "06367"), ("Tỉnh ủy Lạng Sơn", "20"),
    ("Lạng Sơn", "20"),  # in 2025 the province is the only unit of that name
])
def test_commune_forms_and_tone_placements_after_the_reform(text, code):
    assert resolve(text, AFTER) == code


@pytest.mark.parametrize(("text", "code"), [
    ("Huyện Cao Lộc", "183"), ("Cao Lộc", "183"), ("Huyện ủy Cao Lộc", "183"), ("183", "183"),
    ("TP. Lạng Sơn", "178"), ("Thành ủy Lạng Sơn", "178"), ("Thành phố Lạng Sơn", "178"),
])
def test_district_names_before_the_reform(text, code):
    assert resolve(text, BEFORE) == code


def test_the_bare_name_follows_the_date_on_either_side_of_1_july_2025():
    assert resolve("Cao Lộc", date(2025, 6, 30)) == "183"
    assert resolve("Cao Lộc", date(2025, 7, 1)) == "06211"


def test_a_district_named_after_the_reform_is_refused_with_its_successors():
    with pytest.raises(SubmissionError) as refused:
        resolve("Huyện Cao Lộc", AFTER)
    assert refused.value.code == "unit_not_valid"
    message = refused.value.message
    assert "01/07/2025" in message and "1672/NQ-UBTVQH15" in message
    assert {code for code in FORMED_FROM_CAO_LOC if f"({code})" in message} == FORMED_FROM_CAO_LOC
    assert "(06529)" not in message  # Xã Lộc Bình was not formed from Cao Lộc


def test_a_commune_named_before_the_reform_is_refused_with_the_district_it_came_from():
    with pytest.raises(SubmissionError) as refused:
        resolve("Xã Cao Lộc", BEFORE)
    assert refused.value.code == "unit_not_valid"
    assert "Huyện Cao Lộc (183)" in refused.value.message and "2025-07-01" in refused.value.message


def test_a_code_keeps_its_validity():
    with pytest.raises(SubmissionError, match="unit_not_valid"):
        resolve("06187", BEFORE)
    with pytest.raises(SubmissionError, match="unit_not_valid"):
        resolve("183", AFTER)


def test_a_name_of_two_units_on_one_date_is_refused_with_both():
    with pytest.raises(SubmissionError) as refused:
        resolve("Lạng Sơn", BEFORE)
    assert refused.value.code == "ambiguous_unit"
    assert "Tỉnh Lạng Sơn (20)" in refused.value.message and "Thành phố Lạng Sơn (178)" in refused.value.message


def test_a_former_commune_is_not_a_unit_and_the_message_says_where_it_went():
    with pytest.raises(SubmissionError) as refused:
        resolve("Xã Mai Pha", AFTER)
    assert refused.value.code == "unknown_unit"
    assert "Phường Đông Kinh (05977)" in refused.value.message


def test_one_spelling_may_name_units_of_different_dates():
    cao_loc = REFERENCE.unit_names.candidates(REFERENCE.unit_names.read("Cao Lộc"))
    assert {u.code for u in cao_loc} == {"183", "06211"}


def _read(tmp_path: Path, title: str, as_of: date, file_name: str = "roster.xlsx", layout: Layout = Layout(),
          roster: Roster | None = None):
    path = write_roster(tmp_path / file_name, roster or small_roster(title, as_of), layout)
    return read_submission(path, file_name, REFERENCE, SETTINGS)


@pytest.mark.parametrize(("title", "as_of", "code"), [
    ("Xã Cao Lộc", AFTER, "06211"), ("Huyện Cao Lộc", BEFORE, "183"), ("Cao Lộc", BEFORE, "183"),
    ("Cao Lộc", AFTER, "06211"), ("Đảng ủy xã Quý Hoà", AFTER, "06076"),
])
def test_a_roster_file_is_assigned_to_the_unit_of_its_date(tmp_path, title, as_of, code):
    parsed = _read(tmp_path, title, as_of)
    assert (parsed.identity.unit_code, parsed.identity.as_of_date) == (code, as_of)
    assert parsed.memberships["body_code"].to_list() == ["department_head"] * 10


def test_phuong_ky_lua_by_the_code_in_its_file_name(tmp_path):
    parsed = _read(tmp_path, "", AFTER, "06187_2025-10-15.xlsx", Layout(title_block=False))
    assert (parsed.identity.unit_code, parsed.identity.as_of_date) == ("06187", AFTER)


@pytest.mark.parametrize(("title", "as_of", "names"), [
    ("Huyện Cao Lộc", AFTER, "Xã Cao Lộc (06211)"),
    ("Xã Cao Lộc", BEFORE, "Huyện Cao Lộc (183)"),
])
def test_a_roster_naming_a_unit_of_the_other_side_of_the_reform_is_refused(tmp_path, title, as_of, names):
    with pytest.raises(SubmissionError) as refused:
        _read(tmp_path, title, as_of)
    assert refused.value.code == "unit_not_valid"
    assert names in refused.value.message


def test_a_roster_dated_in_the_future_is_refused(tmp_path):
    with pytest.raises(SubmissionError) as refused:
        _read(tmp_path, "Xã Cao Lộc", date.today() + timedelta(days=30))
    assert refused.value.code == "as_of_in_future"


def _official_header_csv(path: Path, lines: list[str]) -> Path:
    """The header lines of an official document (no "Đơn vị:" label), above a two-person roster."""
    rows = [*lines, "(Tính đến ngày 15/10/2025)", "",
            "STT,Họ và tên,Ngày sinh,Giới tính,Dân tộc,Đối tượng,Nhiệm kỳ",
            "1,Hoàng Thị Nhàn,07/03/1985,Nữ,Nùng,UV BCH,2025-2030",
            "2,Lương Văn Toản,01/12/1970,Nam,Tày,\"UV BCH, UV BTV\",2025-2030"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8-sig")
    return path


def test_official_header_lines_name_the_unit_under_the_province(tmp_path):
    path = _official_header_csv(tmp_path / "ds.csv", ["ĐẢNG BỘ TỈNH LẠNG SƠN", "ĐẢNG ỦY XÃ CAO LỘC"])
    parsed = read_submission(path, "ds.csv", REFERENCE, SETTINGS)
    assert parsed.identity.unit_code == "06211"
    assert sorted(parsed.memberships["body_code"].to_list()) == [
        "party_committee", "party_committee", "party_standing_committee"]


def test_an_official_header_naming_a_former_commune_is_refused_not_given_to_the_province(tmp_path):
    path = _official_header_csv(tmp_path / "ds.csv", ["ĐẢNG BỘ TỈNH LẠNG SƠN", "ĐẢNG ỦY XÃ MAI PHA"])
    with pytest.raises(SubmissionError) as refused:
        read_submission(path, "ds.csv", REFERENCE, SETTINGS)
    assert refused.value.code == "unknown_unit" and "Phường Đông Kinh" in refused.value.message


def test_the_provinces_own_roster_lists_the_provinces_bodies(tmp_path):
    people = (
        Person("Hoàng Thị Nhàn", date(1980, 3, 7), "F", "Nùng", ("UV BCH", "UV BTV"), "2025-2030"),
        Person("Lương Văn Toản", date(1972, 1, 2), "M", "Tày", ("Ủy viên Ban Chấp hành",), "2025-2030"),
        Person("Vi Đức Thịnh", date(1979, 5, 6), "M", "Kinh", ("Phó trưởng phòng",)),
        Person("Bế Thu Hà", date(1990, 5, 6), "F", "Tày", ("Cán bộ cấp xã",)),  # no such body in a province roster
    )
    parsed = _read(tmp_path, "Tỉnh ủy Lạng Sơn", AFTER, roster=Roster("Tỉnh ủy Lạng Sơn", AFTER, people))
    assert parsed.identity.unit_code == "20"
    assert sorted(parsed.memberships["body_code"].to_list()) == [
        "province_department_deputy", "province_party_committee", "province_party_committee",
        "province_standing_committee"]
    assert parsed.rejected["reason_code"].to_list() == ["unknown_body"]


def test_a_communes_roster_never_lists_the_provinces_bodies(tmp_path):
    people = (Person("Hoàng Thị Nhàn", date(1980, 3, 7), "F", "Nùng", ("UV BCH",), "2025-2030"),)
    parsed = _read(tmp_path, "Xã Cao Lộc", AFTER, roster=Roster("Xã Cao Lộc", AFTER, people))
    assert parsed.memberships["body_code"].to_list() == ["party_committee"]
