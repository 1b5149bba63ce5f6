"""The marts across the reform of 1 July 2025, built by the real dbt on a lake written here: districts in 2020, the
communes and wards in 2025, a district's roster of May 2025 that the 2025 roll-up must leave out, and the
province's own bodies, which must never be summed into the roll-up."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from samples.forms import Layout, Person, Roster, write_roster
from tests.test_dbt_project import (
    Submission, indicator, members, query, run_dbt, sha, write_empty_lake, write_lake_file, write_submissions,
)

pytestmark = pytest.mark.slow

TP_2020 = Submission(sha("t178"), "178", date(2020, 10, 15), datetime(2020, 10, 20, 8), "accepted")
CAO_LOC_2020 = Submission(sha("c183"), "183", date(2020, 10, 15), datetime(2020, 10, 20, 9), "accepted")
CAO_LOC_MAY_2025 = Submission(sha("m183"), "183", date(2025, 5, 31), datetime(2025, 6, 2, 8), "accepted")
XA_CAO_LOC = Submission(sha("x06211"), "06211", date(2025, 10, 15), datetime(2025, 10, 20, 8), "accepted")
KY_LUA = Submission(sha("k06187"), "06187", date(2025, 10, 15), datetime(2025, 10, 20, 9), "accepted")
PROVINCE = Submission(sha("p20"), "20", date(2025, 10, 15), datetime(2025, 10, 21, 8), "accepted")
SUBMISSIONS = [TP_2020, CAO_LOC_2020, CAO_LOC_MAY_2025, XA_CAO_LOC, KY_LUA, PROVINCE]


def _write_lake(lake: Path, commune_body: str = "party_committee") -> None:
    write_empty_lake(lake)
    write_submissions(lake, SUBMISSIONS)
    write_lake_file(lake, "memberships", "178", TP_2020.sha256,
                    members(TP_2020, "party_committee", 10, 3, term="2020-2025", age=35))
    write_lake_file(lake, "memberships", "183", CAO_LOC_2020.sha256,
                    members(CAO_LOC_2020, "party_committee", 20, 4, term="2020-2025"))
    write_lake_file(lake, "memberships", "183", CAO_LOC_MAY_2025.sha256,
                    members(CAO_LOC_MAY_2025, "party_committee", 30, 30, term="2020-2025"))
    # The hand-counted committee: 27 members, 9 of them women, on a roster without a term column.
    write_lake_file(lake, "memberships", "06211", XA_CAO_LOC.sha256,
                    members(XA_CAO_LOC, commune_body, 27, 9, term=None))
    # The ward's clerk kept the old term for the committee appointed in July 2025.
    write_lake_file(lake, "memberships", "06187", KY_LUA.sha256,
                    members(KY_LUA, "party_committee", 15, 5, term="2020-2025"))
    write_lake_file(lake, "memberships", "20", PROVINCE.sha256,
                    members(PROVINCE, "province_party_committee", 52, 12, term="2025-2030")
                    + members(PROVINCE, "province_standing_committee", 14, 3, term="2025-2030", first_row=70))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The warehouse dbt built, and what dbt printed."""
    root = tmp_path_factory.mktemp("two_level")
    _write_lake(root / "lake")
    return root, run_dbt(root, "build").stdout


@pytest.fixture(scope="module")
def warehouse(built) -> Path:
    return built[0]


def test_a_communes_committee_is_exact_at_commune_level_with_no_previous_term(warehouse):
    row = indicator(warehouse, "06211", 2025)
    assert (row["area_level"], row["area_name"], row["term"]) == ("commune", "Xã Cao Lộc", "2025-2030")
    assert (row["numerator"], row["denominator"], row["value_pct"]) == (9, 27, 100 * 9 / 27)
    # Xã Cao Lộc (06211) has no earlier term as a unit, although district 183 bore its name.
    assert (row["previous_as_of_date"], row["previous_value_pct"], row["change_pp"]) == (None, None, None)


def test_committees_on_rosters_from_july_2025_are_of_the_term_2025_2030(built, warehouse):
    assert indicator(warehouse, "06211", 2025)["term"] == "2025-2030"  # no term written
    assert indicator(warehouse, "06187", 2025)["term"] == "2025-2030"  # "2020-2025" written: a warning, not a stop
    assert "Warning in test assert_reported_terms_agree_with_the_terms_seed" in built[1]
    assert indicator(warehouse, "183", 2025)["term"] == "2020-2025"  # May 2025: the members' own term


def test_the_2025_rollup_sums_the_communes_valid_on_its_date_and_expects_65(warehouse):
    row = indicator(warehouse, "20", 2025)
    assert (row["area_level"], row["as_of_date"]) == ("province", date(2025, 10, 15))
    # The district's May roster (30 women of 30) is not summed with the communes that replaced it.
    assert (row["numerator"], row["denominator"]) == (9 + 5, 27 + 15)
    assert (row["units_reporting"], row["units_expected"]) == (2, 65)
    may = indicator(warehouse, "183", 2025)
    assert (may["area_level"], may["as_of_date"], may["numerator"]) == ("district", date(2025, 5, 31), 30)


def test_the_2020_rollup_still_sums_the_districts_and_expects_11(warehouse):
    row = indicator(warehouse, "20", 2020)
    assert (row["numerator"], row["denominator"]) == (3 + 4, 10 + 20)
    assert (row["units_reporting"], row["units_expected"]) == (2, 11)


def test_the_provinces_own_committee_is_a_province_row_of_its_own(warehouse):
    own = indicator(warehouse, "20", 2025, body="province_party_committee")
    assert (own["area_level"], own["numerator"], own["denominator"]) == ("province", 12, 52)
    assert (own["units_reporting"], own["units_expected"]) == (None, None)
    bodies_by_kind = query(warehouse, """
        select units_expected is not null as is_rollup, list(distinct body_code order by body_code)
        from indicators where area_code = '20' and period = 2025 group by 1 order by 1""")
    assert bodies_by_kind == [
        (False, ["province_party_committee", "province_standing_committee"]),
        (True, ["party_committee"]),
    ]


def test_targets_apply_to_their_term_and_level_only(warehouse):
    district_2020 = indicator(warehouse, "178", 2020, indicator_code="under_40")
    assert (district_2020["target_pct"], district_2020["meets_target"]) == (10.0, True)  # 10 of 10 under 40
    province_2020 = indicator(warehouse, "20", 2020, indicator_code="under_40")
    assert (province_2020["numerator"], province_2020["target_pct"], province_2020["meets_target"]) == (10, 10.0, True)
    for area in ("06211", "20"):  # no 2025–2030 target is shipped
        row = indicator(warehouse, area, 2025, indicator_code="under_40")
        assert (row["target_pct"], row["meets_target"]) == (None, None)


def test_units_and_lineage_are_published_with_their_dates(warehouse):
    assert query(warehouse, "select unit_level, unit_type, valid_from, valid_to from units where unit_code = '06211'") \
        == [("commune", "xã", date(2025, 7, 1), None)]
    assert query(warehouse, "select unit_type, valid_to from units where unit_code = '183'") \
        == [("huyện", date(2025, 6, 30))]
    spanning = query(warehouse, """
        select unit_code from unit_lineage where former_unit_level = 'district'
        group by unit_code having count(*) = 2 order by 1""")
    assert spanning == [("05977",), ("06187",), ("06286",), ("06316",)]  # Đông Kinh, Kỳ Lừa, Khánh Khê, Tân Đoàn


def test_a_province_body_in_a_communes_rows_fails_the_build(warehouse, tmp_path):
    """The dbt test that keeps the province's own bodies out of every row but the province's own."""
    copy = tmp_path / "warehouse"
    shutil.copytree(warehouse, copy)
    _write_lake(copy / "lake", commune_body="province_party_committee")
    result = run_dbt(copy, "build", succeeds=False)
    assert "Failure in test assert_province_own_bodies_never_in_the_rollup" in result.stdout, result.stdout[-3000:]


def _committee(size: int, women: int, unit: str) -> tuple[Person, ...]:
    """A party committee of ``size`` written out by hand: the first ``women`` are women, members 0 and 1 also sit in
    the standing committee."""
    return tuple(
        Person(f"Nông {'Thị' if i < women else 'Văn'} {unit} {chr(65 + i % 26)}{i}", date(1968 + i % 20, 1 + i % 12, 3),
               "F" if i < women else "M", ("Tày", "Nùng", "Kinh")[i % 3],
               ("UV BCH", "UV BTV") if i < 2 else ("Ủy viên Ban Chấp hành",), "2025-2030")
        for i in range(size))


def test_a_hand_counted_commune_committee_is_published_exactly(run_cli, tmp_path):
    """From roster files to the published indicators: a commune's committee of 27 with 9 women, a ward named only by
    its file name, the province's own committee, and a district named on a 2025 roster (refused)."""
    inbox = tmp_path / "inbox"
    as_of = date(2025, 10, 15)
    write_roster(inbox / "Đảng ủy xã Cao Lộc.xlsx", Roster("Đảng ủy xã Cao Lộc", as_of, _committee(27, 9, "CL")),
                 Layout())
    write_roster(inbox / "06187_2025-10-15.xlsx", Roster("", as_of, _committee(15, 6, "KL")),
                 Layout(title_block=False))
    write_roster(inbox / "tinh uy.xlsx", Roster("Tỉnh ủy Lạng Sơn", as_of, _committee(52, 13, "TU")), Layout())
    write_roster(inbox / "huyen cao loc.xlsx", Roster("Huyện Cao Lộc", as_of, _committee(20, 2, "HCL")), Layout())
    done = run_cli(inbox, tmp_path / "warehouse")
    assert done.returncode == 0, done.explain()
    with duckdb.connect(str(done.published / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("""
            select area_level, area_code, body_code, numerator, denominator, previous_value_pct, units_reporting,
                   units_expected
            from indicators where indicator_code = 'female' and body_code like '%party_committee'
            order by area_code, body_code""").fetchall()
        refused = con.execute("select status, message from submissions where file_name = 'huyen cao loc.xlsx'").fetchall()
    assert rows == [
        ("commune", "06187", "party_committee", 6, 15, None, None, None),
        ("commune", "06211", "party_committee", 9, 27, None, None, None),
        ("province", "20", "party_committee", 15, 42, None, 2, 65),
        ("province", "20", "province_party_committee", 13, 52, None, None, None),
    ]
    (status, message), = refused
    assert status == "rejected" and "Xã Cao Lộc (06211)" in message and "01/07/2025" in message
