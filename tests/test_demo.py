"""The demo inbox and the roster-form writers behind it (samples). What the 2025 rosters hold: test_demo_2025."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
import tarfile
from collections import Counter
import unicodedata
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import fastexcel
import polars as pl
import pytest

from samples.demo import demo_bad_rows, demo_files, demo_roster, write_demo_inbox
from samples.forms import Layout, Person, Roster, layout_options, write_roster
from ingest.reference import load_reference
from ingest.settings import load_settings
from ingest.submission import read_submission

AS_OF = date(2020, 10, 15)
NUNG = Person("Hoàng Thị Yến", date(1985, 3, 7), "F", "Nùng", ("UV BCH", "Ủy viên BTV"), "2020-2025", "Đại học",
              "Cao cấp", "Chủ tịch Hội LHPN huyện", "Huyện Cao Lộc")
TAY = Person("Lương Văn Hòa", date(1970, 12, 1), "M", "Tày", ("Trưởng phòng",), "", "Thạc sĩ", "Trung cấp",
             "Trưởng phòng Nội vụ", "Phòng Nội vụ")
ROSTER = Roster("Huyện Cao Lộc", AS_OF, (NUNG, TAY), ((2020, "Lượt cán bộ được bồi dưỡng", "11.753"),))
# The commit whose demo inbox the 2015 and 2020 figures were published from: the last before the seeds gained the
# communes of 2025 and the province's own bodies.
PUBLISHED_DEMO = "cbf44f2"


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> list[Path]:
    return write_demo_inbox(tmp_path_factory.mktemp("inbox"))


def _cells(path: Path, sheet: int | str = 0) -> list[str]:
    """Every non-empty cell of one sheet as text."""
    frame = fastexcel.read_excel(path).load_sheet(sheet, header_row=None, dtypes="string").to_polars()
    return [v for row in frame.iter_rows() for v in row if v is not None]


def _sheet_xml(path: Path, number: int = 1) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(f"xl/worksheets/sheet{number}.xml").decode()


def test_writing_the_demo_twice_gives_identical_bytes(inbox, tmp_path):
    again = write_demo_inbox(tmp_path)
    assert [p.name for p in again] == [p.name for p in inbox]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(inbox, again))


def _seed_units(level: str) -> list[str]:
    with (load_settings(env={}).seeds / "units.csv").open(encoding="utf-8") as handle:
        return [row["unit_code"] for row in csv.DictReader(handle) if row["unit_level"] == level]


def test_demo_has_one_file_per_district_and_congress_then_one_per_commune_and_the_province_in_2025(inbox):
    files = demo_files()
    assert len(inbox) == len(files) == 88 == len({f.file_name for f in files})
    assert [(f.unit_code, f.as_of) for f in files[:22]] == [
        (code, day) for code in _seed_units("district") for day in (date(2015, 10, 15), date(2020, 10, 15))
    ]
    communes = _seed_units("commune")
    assert len(communes) == 65
    assert [(f.unit_code, f.as_of) for f in files[22:]] == [(c, date(2025, 10, 15)) for c in communes + ["20"]]
    assert all(p.exists() and p.suffix == f".{f.layout.fmt}" for p, f in zip(inbox, files))


def test_district_files_are_the_bytes_the_2015_and_2020_figures_were_published_from(inbox, tmp_path, clean_env):
    """The published commit's own samples, ingest and seeds write the inbox again; its 22 files must be ours."""
    repo = Path(__file__).resolve().parent.parent
    git = shutil.which("git")
    if git is None or subprocess.run([git, "-C", repo, "cat-file", "-e", f"{PUBLISHED_DEMO}^{{commit}}"],
                                     capture_output=True).returncode:
        pytest.skip(f"no git history back to {PUBLISHED_DEMO}")
    archive = subprocess.run([git, "-C", repo, "archive", PUBLISHED_DEMO, "samples", "ingest", "dbt_project/seeds"],
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tmp_path / "published_code")
    write = "import sys; from pathlib import Path; from samples.demo import write_demo_inbox as w; w(Path(sys.argv[1]))"
    subprocess.run([sys.executable, "-c", write, tmp_path / "published"], cwd=tmp_path / "published_code",
                   env=clean_env({"PYTHONPATH": str(tmp_path / "published_code")}), check=True)
    published = sorted((tmp_path / "published").iterdir())
    ours = {p.name: p for p in inbox[:22]}
    assert sorted(ours) == [p.name for p in published]
    assert [p.name for p in published if p.read_bytes() != ours[p.name].read_bytes()] == []


def test_every_layout_option_is_used_by_some_demo_file():
    used = {(name, getattr(f.layout, name)) for f in demo_files() for name in layout_options()}
    unused = {(name, value) for name, values in layout_options().items() for value in values} - used
    assert not unused


def test_files_without_title_block_are_named_by_code_and_date():
    for f in demo_files():
        if not f.layout.title_block:
            assert f.file_name == f"{f.unit_code}_{f.as_of.isoformat()}.{f.layout.fmt}"


def test_bad_rows_stay_far_below_the_quarantine_limit():
    assert sum(sum(b.values()) for b in demo_bad_rows().values()) >= 30
    assert sum(1 for f in demo_files()[22:] if f.bad_rows) >= 5
    for f in demo_files():
        assert sum(f.bad_rows.values()) <= 0.02 * len(demo_roster(f).people), f.file_name


def test_reader_rejects_exactly_the_planned_bad_rows_and_keeps_the_rest(inbox):
    reference, settings = load_reference(load_settings(env={}).seeds), load_settings(env={})
    for f, path in zip(demo_files(), inbox):
        parsed = read_submission(path, path.name, reference, settings)
        assert (parsed.identity.unit_code, parsed.identity.as_of_date) == (f.unit_code, f.as_of), f.file_name
        assert Counter(parsed.rejected["reason_code"].to_list()) == Counter(f.bad_rows), f.file_name
        people = demo_roster(replace(f, bad_rows={})).people
        assert parsed.memberships.height == sum(len(p.bodies) for p in people), f.file_name


def test_tcvn3_demo_file_holds_legacy_font_text(inbox):
    f, path = next((f, p) for f, p in zip(demo_files(), inbox) if f.layout.encoding == "tcvn3" and p.suffix == ".xlsx")
    cells = pl.read_excel(path, engine="calamine", sheet_name="Danh sách", has_header=False)
    text = " ".join(str(v) for row in cells.iter_rows() for v in row if v is not None)
    assert "Nïng" in text and "Tµy" in text
    assert "Nùng" not in text and "Tày" not in text


def test_split_birth_columns_are_merged_cells_in_xlsx(tmp_path):
    path = write_roster(tmp_path / "split.xlsx", ROSTER, Layout(birth_columns="split"))
    merges = set(re.findall(r'<mergeCell ref="([A-Z]+\d+:[A-Z]+\d+)"/>', _sheet_xml(path)))
    # Title block is rows 1-5, header rows 6-7: A STT, B name, C:D birth over Nam | Nữ, E ethnicity …
    assert {"C6:D6", "A6:A7", "B6:B7", "E6:E7"} <= merges


def test_split_birth_date_goes_under_the_persons_sex(tmp_path):
    path = write_roster(tmp_path / "split.xlsx", ROSTER, Layout(birth_columns="split", date_style="dmy"))
    rows = fastexcel.read_excel(path).load_sheet(0, header_row=None, dtypes="string").to_polars().rows()
    assert rows[6][2:4] == ("Nam", "Nữ")
    assert rows[7][2:4] == (None, "7/3/1985") and rows[8][2:4] == ("01/12/1970", None)


def test_split_birth_columns_in_csv_are_two_header_rows(tmp_path):
    path = write_roster(tmp_path / "split.csv", Roster("Huyện Cao Lộc", AS_OF, (NUNG,)), Layout(
        fmt="csv", birth_columns="split", title_block=False))
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][:4] == ["STT", "Họ và tên", "Ngày, tháng, năm sinh", ""]
    assert rows[1][:4] == ["", "", "Nam", "Nữ"]


def test_csv_byte_order_mark_is_optional(tmp_path):
    roster = Roster("Huyện Cao Lộc", AS_OF, (NUNG,))
    with_bom = write_roster(tmp_path / "a.csv", roster, Layout(fmt="csv"))
    without = write_roster(tmp_path / "b.csv", roster, Layout(fmt="csv", csv_bom=False))
    assert with_bom.read_bytes().startswith(b"\xef\xbb\xbf") and not without.read_bytes().startswith(b"\xef\xbb\xbf")


def test_excel_dates_are_date_cells_in_xlsx_and_xls(tmp_path):
    roster = Roster("Huyện Cao Lộc", AS_OF, (NUNG, TAY))
    for fmt in ("xlsx", "xls"):
        path = write_roster(tmp_path / f"dates.{fmt}", roster, Layout(fmt=fmt, title_block=False))
        sheet = fastexcel.read_excel(path).load_sheet(0).to_polars()
        assert sheet["Họ và tên"].to_list() == ["Hoàng Thị Yến", "Lương Văn Hòa"]
        assert sheet["Ngày, tháng, năm sinh"].cast(pl.Date).to_list() == [date(1985, 3, 7), date(1970, 12, 1)]


@pytest.mark.parametrize(("style", "written"), [("iso", "1985-03-07"), ("year", "1985"), ("dmy", "7/3/1985")])
def test_date_style_decides_how_the_birth_is_written(tmp_path, style, written):
    path = write_roster(tmp_path / "d.csv", Roster("183", AS_OF, (NUNG,)), Layout(fmt="csv", date_style=style))
    assert f",{written}," in path.read_text(encoding="utf-8-sig")


def test_one_body_per_row_repeats_the_person(tmp_path):
    path = write_roster(tmp_path / "r.csv", Roster("183", AS_OF, (NUNG,)), Layout(
        fmt="csv", bodies_per_row="one_per_row", title_block=False))
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))[1:]
    assert [(r[1], r[5]) for r in rows] == [("Hoàng Thị Yến", "UV BCH"), ("Hoàng Thị Yến", "Ủy viên BTV")]


def test_nfd_layout_decomposes_every_text_cell(tmp_path):
    path = write_roster(tmp_path / "nfd.csv", Roster("183", AS_OF, (NUNG,)), Layout(fmt="csv", encoding="nfd"))
    text = path.read_text(encoding="utf-8-sig")
    assert unicodedata.normalize("NFD", "Hoàng Thị Yến") in text and "Hoàng" not in text


def test_old_tone_marks_move_to_the_second_vowel(tmp_path):
    path = write_roster(tmp_path / "old.csv", Roster("183", AS_OF, (NUNG, TAY)), Layout(fmt="csv", old_tone_marks=True))
    text = path.read_text(encoding="utf-8-sig")
    assert "Uỷ viên BTV" in text and "Lương Văn Hoà" in text and "Hoàng Thị Yến" in text


def test_training_sheet_keeps_the_thousands_dot(tmp_path):
    path = write_roster(tmp_path / "t.xlsx", ROSTER, Layout())
    assert _cells(path, "Đào tạo - Tuyển dụng") == ["Năm", "Nội dung", "Số lượng", "2020",
                                                    "Lượt cán bộ được bồi dưỡng", "11.753"]


def test_cover_sheet_comes_before_the_roster(tmp_path):
    path = write_roster(tmp_path / "c.xls", ROSTER, Layout(fmt="xls", cover_sheet=True))
    assert fastexcel.read_excel(path).sheet_names == ["Hướng dẫn", "Danh sách", "Đào tạo - Tuyển dụng"]


def test_letterhead_names_the_unit_under_the_province_without_a_label(tmp_path):
    path = write_roster(tmp_path / "l.xlsx", Roster("Đảng ủy xã Cao Lộc", date(2025, 10, 15), (NUNG,)),
                        Layout(unit_line="letterhead"))
    cells = _cells(path)
    assert cells[:2] == ["ĐẢNG BỘ TỈNH LẠNG SƠN", "ĐẢNG ỦY XÃ CAO LỘC"]
    assert not any(c.startswith("Đơn vị") for c in cells)


def test_signature_block_signs_for_the_rosters_committee(tmp_path):
    roster = Roster("Xã Cao Lộc", date(2025, 10, 15), (NUNG,), signers=("Vi Thị Lan", "Bế Văn Nam"),
                    signed_for="TM. ĐẢNG ỦY")
    assert "TM. ĐẢNG ỦY" in _cells(write_roster(tmp_path / "s.xlsx", roster, Layout(footer=True)))


def test_footer_has_total_and_signature_block(tmp_path):
    path = write_roster(tmp_path / "f.xlsx", Roster("183", AS_OF, (NUNG, TAY), signers=("Vi Thị Lan", "Bế Văn Nam")),
                        Layout(footer=True, column_numbers=True))
    cells = _cells(path)
    assert "Tổng cộng: 2 người" in cells and "Người lập biểu" in cells and "TM. BAN THƯỜNG VỤ" in cells
    assert cells[-2:] == ["Vi Thị Lan", "Bế Văn Nam"]


def test_csv_refuses_a_second_sheet(tmp_path):
    with pytest.raises(ValueError, match="one sheet"):
        write_roster(tmp_path / "x.csv", ROSTER, Layout(fmt="csv"))


def test_unknown_layout_value_is_refused():
    with pytest.raises(ValueError, match="encoding"):
        Layout(encoding="utf-16")
