"""TCVN3 written by converters (glibc's ``iconv -t TCVN5712-1``): the capitals with tone marks ABC fonts lack.

What a converter writes comes from iconv on this machine (``samples.iconv``), never from the codec's own table, so
these tests check the codec against the converter. Converters put the 60 capitals with tone marks on control bytes, on
bytes Excel shows as punctuation (– “ ” …) and on bytes that are letters in Unicode too (À Ù …). Ingest reads them as
capitals inside the words of TCVN3 text ("žy" is "Ủy", "L’" is "LÒ") and leaves punctuation between words alone.
"""

from __future__ import annotations

import csv
import unicodedata

import polars as pl
import pytest

from ingest.header import find_roster_headers
from ingest.reference import LAYOUT_DIR, load_reference
from ingest.settings import load_settings
from ingest.tcvn3 import ABC, decode_tcvn3, encode_tcvn3, looks_like_tcvn3, sheet_is_tcvn3
from ingest.tcvn3.syllables import has_tone
from ingest.text import clean_cells, clean_text, fold
from ingest.workbook import Sheet
from samples.iconv import converted_by_iconv, iconv_knows_tcvn5712
from tests.test_text import vietnamese_letters

pytestmark = pytest.mark.skipif(not iconv_knows_tcvn5712(), reason="needs glibc iconv with TCVN5712-1")

LETTERS = vietnamese_letters()
CAPITALS = [c for c in LETTERS if c.isupper()]
SMALL = [c for c in LETTERS if c.islower()]


def _sheet_cleaned(text: str) -> str | None:
    """``text`` cleaned as a cell of a sheet judged TCVN3 (``ingest.roster``'s path)."""
    return clean_cells(pl.Series([text]), tcvn3=True).item()


@pytest.mark.parametrize("letter", SMALL)
def test_iconv_writes_each_small_letter_as_abc_fonts_do(letter):
    assert converted_by_iconv(letter) == encode_tcvn3(letter)


def test_iconv_writes_the_60_capitals_with_tone_marks_outside_the_abc_characters():
    written = {c: converted_by_iconv(c) for c in CAPITALS}
    outside = {c for c, shown in written.items() if shown not in ABC}
    assert outside == {c for c in CAPITALS if has_tone(c)}
    assert all(len(shown) == 1 for shown in written.values())


@pytest.mark.parametrize("letter", CAPITALS)
def test_capital_inside_a_word_in_capitals_is_decoded(letter):
    text = f"VĂN X{letter}N"  # "VĂN": a cell only À or Ù would tell from Unicode is not taken for TCVN3
    assert clean_text(converted_by_iconv(text)) == text
    assert _sheet_cleaned(converted_by_iconv(text)) == text


@pytest.mark.parametrize("letter", CAPITALS)
def test_capital_starting_a_word_is_decoded(letter):
    text = f"Văn {letter}n"
    assert clean_text(converted_by_iconv(text)) == text
    assert _sheet_cleaned(converted_by_iconv(text)) == text


@pytest.mark.parametrize("letter", SMALL)
def test_small_letter_inside_a_word_is_decoded(letter):
    assert decode_tcvn3(converted_by_iconv(f"Xu{letter}n")) == f"Xu{letter}n"


ON_CONTROL_BYTES = [c for c in CAPITALS  # 0x01-0x17 and the five bytes cp1252 leaves undefined
                    if iconv_knows_tcvn5712() and unicodedata.category(converted_by_iconv(c)) == "Cc"]


@pytest.mark.parametrize("letter", ON_CONTROL_BYTES)
def test_capital_on_a_control_byte_is_a_word_of_its_own_too(letter):
    # a control character is never text; cleaning would otherwise remove it as invisible ("Như Ý" → "Như")
    assert clean_text(converted_by_iconv(f"Như {letter}")) == f"Như {letter}"
    assert _sheet_cleaned(converted_by_iconv(f"Như {letter}")) == f"Như {letter}"


@pytest.mark.parametrize("text", ["Ủy viên Ban Chấp hành", "ỦY VIÊN BAN CHẤP HÀNH", "Nguyễn Thị Như Ý", "NỮ",
                                  "NGUYỄN VĂN ĐỨC", "Lò Thị Ánh", "TRƯỜNG ĐẠI HỌC", "ĐẢNG CỘNG SẢN VIỆT NAM",
                                  "Ủy ban nhân dân", "TỔNG CỘNG", "Ứng Hòa", "GHI CHÚ"])
def test_cell_converted_by_iconv_is_recognised_and_decoded(text):
    assert looks_like_tcvn3(converted_by_iconv(text))
    assert clean_text(converted_by_iconv(text)) == text


# Typed in an ABC font, these bytes are punctuation: – between spaces, quotes around words, … after a word.
PUNCTUATED = ["Phòng Tài chính – Kế hoạch “mới”", "Tài chính – Kế hoạch", "“Đại học”", "‘Nam’ — ghi chú…",
              "Nam • Nữ", "Danh hiệu “anh hùng”", "1990–1995", "Xếp loại: tốt…", "KẾT QUẢ “TỐT”", "Nam…"]


@pytest.mark.parametrize("text", PUNCTUATED)
def test_punctuation_in_a_tcvn3_sheet_stays_punctuation(text):
    assert _sheet_cleaned(encode_tcvn3(text)) == text


@pytest.mark.parametrize("text", ["HÀ GIANG LÊ", "LÊ THÁI", "TÔ HOÀI", "Hoàng Tú", "VÀ", "Lê Ánh", "CÁN BỘ"])
def test_unicode_with_letters_converters_use_for_capitals_is_left_alone(text):
    # À Á Â Ã Í Ù Ú à are Ắ Ầ Ẩ Ẫ Ể Ễ Ế Ổ in VN1, and Unicode letters: never the only sign of TCVN3
    assert not looks_like_tcvn3(text)
    assert clean_text(text) == text


def test_a_sheet_converted_by_iconv_is_tcvn3_though_some_capitals_show_as_unicode_letters():
    cells = ["Hoàng Thị Yến", "Nùng", "Cấp phó", "NGUYỄN MINH"]  # "NGUYÙN MINH": Ù is a Unicode letter
    assert sheet_is_tcvn3(pl.DataFrame({"c0": [converted_by_iconv(t) for t in cells]}))


def test_header_in_capitals_converted_by_iconv_is_found():
    header = ["STT", "HỌ VÀ TÊN", "NGÀY, THÁNG, NĂM SINH", "GIỚI TÍNH", "DÂN TỘC", "ĐỐI TƯỢNG", "GHI CHÚ"]
    person = ["1", "Lò Thị Ánh", "1980", "NỮ", "Thái", "Ủy viên BCH", "-"]
    cells = pl.DataFrame({f"c{j}": [converted_by_iconv(h), converted_by_iconv(v)] for j, (h, v) in
                          enumerate(zip(header, person))})
    [found] = find_roster_headers([Sheet("Danh sách", cells)], load_reference(load_settings(env={}).seeds))
    assert found.columns == {"row_number": "c0", "full_name": "c1", "birth": "c2", "gender": "c3",
                             "ethnicity": "c4", "body": "c5", "note": "c6"}


def _spellings() -> list[str]:
    """Every spelling ingest matches by ``fold``: column headers, row markers, unit prefixes, body names."""
    seeds = load_settings(env={}).seeds
    found = []
    for path, column in [(LAYOUT_DIR / "columns.csv", "header"), (LAYOUT_DIR / "row_markers.csv", "starts_with"),
                         (LAYOUT_DIR / "unit_prefixes.csv", "prefix"), (seeds / "bodies.csv", "body_name")]:
        with path.open(encoding="utf-8", newline="") as table:
            for row in csv.DictReader(table):
                found += [row[column], *filter(None, row.get("aliases", "").split(";"))]
    return found


def test_every_spelling_in_capitals_converted_by_iconv_folds_like_the_spelling():
    spellings = _spellings()
    assert [s for s in spellings if fold(converted_by_iconv(s.upper())) != fold(s)] == []
    assert len(spellings) > 100


def test_every_spelling_converted_by_iconv_folds_as_typed_in_an_abc_font():
    # "Ủy viên BCH" is "žy viªn BCH" from a converter, "ñy viªn BCH" from .VnTime: the same key
    assert [s for s in _spellings() if fold(converted_by_iconv(s)) != fold(encode_tcvn3(s))] == []
