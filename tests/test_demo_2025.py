"""What the demo's 2025 rosters hold, read back by the real reader: the communes' and wards' Đảng ủy, cadres and
civil servants after the 2025 congresses, and the province's own committees and agencies' managers."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import fastexcel
import polars as pl
import pytest

from samples.demo import demo_files, write_demo_inbox
from ingest.reference import load_reference
from ingest.settings import load_settings
from ingest.submission import read_submission

AS_OF = date(2025, 10, 15)
PROVINCE = "20"


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    """Unit code → its 2025 file."""
    paths = write_demo_inbox(tmp_path_factory.mktemp("inbox"))
    return {f.unit_code: p for f, p in zip(demo_files(), paths) if f.as_of == AS_OF}


@pytest.fixture(scope="module")
def memberships(written) -> dict[str, pl.DataFrame]:
    """Unit code → the memberships the reader kept from its 2025 file."""
    settings = load_settings(env={})
    reference = load_reference(settings.seeds)
    return {code: read_submission(p, p.name, reference, settings).memberships for code, p in written.items()}


def _members(frame: pl.DataFrame, body: str) -> set[str]:
    return set(frame.filter(pl.col("body_code") == body)["person_key"].to_list())


def _communes(memberships: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    return {code: frame for code, frame in memberships.items() if code != PROVINCE}


def test_each_commune_roster_is_small(memberships):
    sizes = {code: frame["person_key"].n_unique() for code, frame in _communes(memberships).items()}
    assert len(sizes) == 65
    assert all(15 <= n <= 150 for n in sizes.values()), sizes


def test_commune_committees_have_15_to_33_members_and_a_standing_committee_among_them(memberships):
    sizes = set()
    for code, frame in _communes(memberships).items():
        committee, standing = _members(frame, "party_committee"), _members(frame, "party_standing_committee")
        assert 15 <= len(committee) <= 33 and 5 <= len(standing) <= 11, code
        assert standing < committee, code
        sizes.add(len(committee))
    assert len(sizes) >= 8  # the size varies by unit


def test_commune_committee_members_are_mostly_its_cadres_and_civil_servants(memberships):
    for code, frame in _communes(memberships).items():
        committee = _members(frame, "party_committee")
        staff = _members(frame, "commune_cadre") | _members(frame, "commune_civil_servant")
        assert _members(frame, "commune_cadre") & committee, code
        assert len(committee & staff) >= len(committee) / 3, code
        assert len(staff - committee) >= 5, code  # and most civil servants are not in it


def test_elected_bodies_of_2025_serve_the_2025_2030_term(memberships):
    for code, frame in memberships.items():
        elected = frame.filter(pl.col("body_code").str.contains("committee"))
        assert elected.height and set(elected["term"].to_list()) == {"2025-2030"}, code


def test_province_roster_lists_its_own_committees_and_agencies_managers(memberships):
    frame = memberships[PROVINCE]
    counts = Counter(frame["body_code"].to_list())
    assert set(counts) == {"province_party_committee", "province_standing_committee", "province_department_head",
                           "province_department_deputy"}
    committee, standing = _members(frame, "province_party_committee"), _members(frame, "province_standing_committee")
    assert (len(committee), len(standing)) == (52, 14) and standing < committee
    assert 50 <= counts["province_department_head"] <= 70 and 80 <= counts["province_department_deputy"] <= 120


def test_commune_committees_have_realistic_shares_of_women_young_and_ethnic_groups(memberships):
    members = pl.concat([f.filter(pl.col("body_code") == "party_committee") for f in _communes(memberships).values()])
    assert 0.15 <= (members["gender"] == "F").mean() <= 0.40
    assert 0.08 <= (members["age_years"] < 40).mean() <= 0.35
    largest = [code for code, _ in Counter(members["ethnic_code"].to_list()).most_common(3)]
    assert set(largest[:2]) == {"02", "07"} and largest[2] == "01"  # Tày and Nùng, then Kinh


def test_2025_titles_name_the_unit_in_each_form_of_the_contract():
    files = [f for f in demo_files() if f.as_of == AS_OF]
    labelled = {f.unit_title for f in files if f.layout.title_block and f.layout.unit_line == "label"}
    assert {"06211", "X. Na Sầm", "Xã Quý Hòa", "Bình Gia", "Tỉnh ủy Lạng Sơn"} <= labelled
    for start in ("Xã ", "Phường ", "Đảng bộ xã ", "Đảng ủy xã ", "UBND xã ", "P. ", "Xa "):
        assert any(t.startswith(start) for t in labelled), start
    assert any(f.layout.unit_line == "letterhead" and f.unit_title.startswith("Đảng ủy") for f in files)
    unnamed = {f.file_name for f in files if not f.layout.title_block}
    assert "06187_2025-10-15.xlsx" in unnamed and len(unnamed) >= 5


def _cells(path: Path) -> list[str]:
    frame = fastexcel.read_excel(path).load_sheet("Danh sách", header_row=None, dtypes="string").to_polars()
    return [v for row in frame.iter_rows() for v in row if v is not None]


def test_old_tone_marks_reach_the_title(written):
    assert "Đơn vị: Xã Quý Hoà" in _cells(written["06076"])


def test_letterhead_file_names_the_commune_below_the_province(written):
    code, f = next((f.unit_code, f) for f in demo_files()
                   if f.layout.unit_line == "letterhead" and f.layout.fmt == "xlsx" and f.layout.encoding == "nfc")
    cells = _cells(written[code])
    assert cells[:2] == ["ĐẢNG BỘ TỈNH LẠNG SƠN", f.unit_title.upper()]


def test_commune_forms_sign_for_the_dang_uy_and_the_province_for_the_tinh_uy(written):
    signed = [f for f in demo_files() if f.as_of == AS_OF and f.layout.footer and f.layout.headers == "full"
              and f.layout.fmt != "csv" and f.layout.encoding == "nfc" and not f.layout.old_tone_marks]
    assert len(signed) >= 3
    for f in signed:
        assert ("TM. TỈNH ỦY" if f.unit_code == PROVINCE else "TM. ĐẢNG ỦY") in _cells(written[f.unit_code]), f.file_name
