"""Vietnamese text cleaning: TCVN3 detection and decoding, NFC, tone placement, invisible characters, fold keys."""

from __future__ import annotations

import csv
import subprocess
import unicodedata

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.tcvn3 import TABLE, decode_tcvn3, encode_tcvn3, looks_like_tcvn3
from ingest.text import clean_text, clean_text_series, fold, fold_series
from samples.iconv import iconv_knows_tcvn5712

NFC_NAMES = ["Hoàng Thị Yến", "Nguyễn Văn Đức", "Đại học", "Trường", "Lò Thị Hương", "Ủy viên BCH", "Lê Tú",
             "Bè Ý", "LÊ THÁI", "Tôi"]
TCVN3_NAMES = {  # as Excel shows a .VnTime cell → what the clerk typed
    "Hoµng ThÞ YÕn": "Hoàng Thị Yến",
    "§¹i häc": "Đại học",
    "N÷": "Nữ",
    "Tµy": "Tày",
    "Nïng": "Nùng",
    "NguyÔn Minh Anh": "Nguyễn Minh Anh",
    "YÕn": "Yến",
    "Tr\u00adêng": "Trường",
    "L\u00adu V¨n Phóc": "Lưu Văn Phúc",
    "Th\u00ad ký": "Thư ký",
    "H§ND x· T©n Thanh": "HĐND xã Tân Thanh",
    "Néi dung": "Nội dung",  # no marker, but "Néi" spells nothing as Unicode
}
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def vietnamese_letters() -> list[str]:
    """Every lowercase Vietnamese letter with a diacritic (67) and its capital, built from vowels × tone marks."""
    tones = ["", *TONE_MARKS]
    lower = {unicodedata.normalize("NFC", vowel + tone) for vowel in "aăâeêioôơuưy" for tone in tones} - set("aeiouy")
    lower.add("đ")
    return sorted(lower) + sorted(letter.upper() for letter in lower)


def _iconv_tcvn5712(byte: int) -> str:
    result = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=bytes([byte]), capture_output=True,
                            check=True)
    return result.stdout.decode("utf-8")


def _table_rows() -> list[tuple[int, str, str]]:
    def chars(code_points: str) -> str:
        return "".join(chr(int(code[2:], 16)) for code in code_points.split())

    with TABLE.open(encoding="utf-8", newline="") as table:
        return [(int(r["byte"], 16), chars(r["shown_as"]), chars(r["unicode"])) for r in csv.DictReader(table)]


def test_table_has_every_byte_once_in_order():
    assert [byte for byte, _, _ in _table_rows()] == list(range(256))


def test_table_shows_bytes_as_windows_1252():
    shown = {byte: shown for byte, shown, _ in _table_rows()}
    assert (shown[0xB5], shown[0xA7], shown[0x96], shown[0xAD]) == ("µ", "§", "–", "\u00ad")
    assert shown[0x81] == "\x81"  # undefined in cp1252: the same Latin-1 code point


@pytest.mark.skipif(not iconv_knows_tcvn5712(), reason="needs glibc iconv with TCVN5712-1")
@pytest.mark.parametrize("byte", [0x01, 0x41, 0x80, 0x96, 0xA0, 0xA7, 0xAD, 0xAE, 0xB3, 0xB5, 0xD5, 0xF7, 0xFF])
def test_table_matches_iconv(byte):
    assert _table_rows()[byte][2] == unicodedata.normalize("NFC", _iconv_tcvn5712(byte))


def test_there_are_134_vietnamese_letters_with_diacritics():
    assert len(set(vietnamese_letters())) == 134


@pytest.mark.parametrize("letter", vietnamese_letters())
def test_every_letter_survives_encode_decode(letter):
    toned_capital = letter.isupper() and any(mark in unicodedata.normalize("NFD", letter) for mark in TONE_MARKS)
    # ABC fonts have no capitals with tone marks: .VnTimeH drew them from the lowercase code
    assert decode_tcvn3(encode_tcvn3(letter)) == (letter.lower() if toned_capital else letter)


def test_all_capitals_cell_comes_back_in_capitals():
    assert encode_tcvn3("HOÀNG THỊ YẾN") == "HOµNG THÞ YÕN"
    assert decode_tcvn3("HOµNG THÞ YÕN") == "HOÀNG THỊ YẾN"


def test_encode_shows_known_tcvn3_spellings():
    assert encode_tcvn3("Hoàng Thị Yến") == "Hoµng ThÞ YÕn"
    assert encode_tcvn3("Đại học") == "§¹i häc"
    assert encode_tcvn3("Phòng Tài chính – Kế hoạch") == "Phßng Tµi chÝnh – KÕ ho¹ch"


@pytest.mark.parametrize("text", ["Muñoz", "Straße", "→", "中文", "Ǹ"])
def test_encode_refuses_what_tcvn3_cannot_represent(text):
    with pytest.raises(ValueError, match="TCVN3 cannot represent"):
        encode_tcvn3(text)


@pytest.mark.parametrize(("shown", "meant"), TCVN3_NAMES.items())
def test_tcvn3_names_decode(shown, meant):
    assert decode_tcvn3(shown) == meant


@pytest.mark.parametrize("shown", TCVN3_NAMES)
def test_detector_fires_on_tcvn3(shown):
    assert looks_like_tcvn3(shown)


@pytest.mark.parametrize("text", NFC_NAMES)
def test_detector_ignores_nfc(text):
    assert not looks_like_tcvn3(text)


@pytest.mark.parametrize("text", NFC_NAMES)
def test_detector_ignores_nfd(text):
    assert not looks_like_tcvn3(unicodedata.normalize("NFD", text))


@pytest.mark.parametrize("text", ["Nguyen Van An", "UBND", "TP. Lang Son", "1970", ""])
def test_detector_ignores_ascii(text):
    assert not looks_like_tcvn3(text)


@pytest.mark.parametrize("text", ["Tài chính – Kế hoạch", "“Đại học”", "‘Nam’ — ghi chú…", "Nam • Nữ"])
def test_detector_ignores_typography(text):
    assert not looks_like_tcvn3(text)


@pytest.mark.parametrize("text", ["Müller", "Muñoz", "Straße", "5 × 3", "5µm", "Vinamilk®", "© 2020", "Zoë", "§ 3"])
def test_detector_ignores_foreign_names_and_symbols(text):
    assert not looks_like_tcvn3(text)


@pytest.mark.parametrize("text", ["Sè TT", "Ghi chó", "Cao Léc"])
def test_tcvn3_cell_that_also_reads_as_vietnamese_is_left_alone(text):
    assert not looks_like_tcvn3(text)  # "Số TT", "Ghi chú", "Cao Lộc"; but "sè", "chó", "léc" are Vietnamese too


def test_dash_and_quotes_in_tcvn3_cell_stay_punctuation():
    assert clean_text("Phßng Tµi chÝnh – KÕ ho¹ch “míi”") == "Phòng Tài chính – Kế hoạch “mới”"


def test_tcvn3_u_horn_survives_cleaning():
    assert clean_text("Tr\u00adêng THCS") == "Trường THCS"


def test_unicode_soft_hyphen_is_removed():
    assert clean_text("Nguy\u00adễn Văn") == "Nguyễn Văn"


def test_control_byte_in_tcvn3_cell_is_junk_not_a_capital():
    # glibc reads 0x01 as "Ú", a capital converters write; after "Hoàng" it spells nothing ("Hoàngú")
    assert clean_text("Hoµng\x01 ThÞ") == "Hoàng Thị"


def test_control_byte_inside_a_tcvn3_word_is_junk_too():
    assert clean_text("§\x01¹i häc") == "Đại học"  # "ĐÚại" spells nothing, so 0x01 is no capital here


def test_tcvn3_minority_names_are_recognised():
    names = ["Mnông", "Xtiêng", "Hrê", "Đắk Lắk", "Krông Búk", "Nùng Phàn Slình", "Ê Đê", "Khơ-mú", "H'Mông"]
    assert [clean_text(encode_tcvn3(name)) for name in names] == names


@pytest.mark.parametrize("text", NFC_NAMES)
def test_nfd_cleans_to_nfc(text):
    assert clean_text(unicodedata.normalize("NFD", text)) == clean_text(text) == unicodedata.normalize("NFC", text)


@pytest.mark.parametrize(("old", "new"), [("Uỷ ban", "Ủy ban"), ("hoà", "hòa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"),
                                          ("Thuý", "Thúy"), ("Hoạ", "Họa"), ("UỶ VIÊN", "ỦY VIÊN"), ("(hoà)", "(hòa)")])
def test_old_style_tone_moves_to_current_spelling(old, new):
    assert clean_text(old) == new


@pytest.mark.parametrize("word", ["quý", "Quỳ", "hoàng", "thuyết", "Huỳnh", "khuỷu", "hoặc", "Thủy"])
def test_tone_stays_after_qu_and_before_final_letters(word):
    assert clean_text(word) == word


def test_old_style_tone_in_tcvn3_moves_too():
    assert clean_text("Thuû") == "Thủy"


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f",
                                       "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067",
                                       "\u2068", "\u2069", "\x00", "\x07", "\x1b", "\x7f", "\x9f"])
def test_invisible_characters_are_removed(invisible):
    assert clean_text(f"Ng{invisible}uyễn {invisible}Văn") == "Nguyễn Văn"


@pytest.mark.parametrize("spaced", ["  Lò\u00a0Văn\tAn ", "Lò\nVăn  An", "Lò\u2003Văn\u3000An", "Lò \r\n Văn An"])
def test_whitespace_becomes_one_space(spaced):
    assert clean_text(spaced) == "Lò Văn An"


@pytest.mark.parametrize("blank", [None, float("nan"), "", "   ", "\u00a0", "\u200b\ufeff", "\u00ad"])
def test_blank_cells_are_none(blank):
    assert clean_text(blank) is None


def test_non_text_is_cleaned_as_its_text():
    assert clean_text(1970) == "1970"


def test_fold_examples():
    assert fold("TP. Lạng Sơn") == "tplangson"
    assert fold("Ủy viên BCH") == fold("UỶ VIÊN  B.C.H") == "uyvienbch"
    assert fold("Đảng bộ") == fold("ĐẢNG BỘ") == "dangbo"
    assert fold(None) == ""


def test_fold_is_the_same_for_tcvn3_and_unicode():
    assert fold("§¶ng bé huyÖn") == fold("Đảng bộ huyện")


SERIES_CASES = [None, "", "  ", "Hoàng Thị Yến", "  Hoàng  Thị Yến ", "hoà", "quý", "Hoµng ThÞ YÕn", "NguyÔn",
                unicodedata.normalize("NFD", "Nguyễn Văn Đức"), "Tr\u00adêng", "Ủy viên BCH", "TP. Lạng Sơn",
                "Nam", "N÷", "Lò\u00a0Văn", "a\u200bb", "Müller", "HOµNG THÞ YÕN", "5 × 3", "hoà", "Lê Tú", "Néi dung",
                "Sè TT", "Lò\tVăn\n", None]


def test_clean_text_series_equals_clean_text():
    series = pl.Series("full_name", SERIES_CASES, dtype=pl.String)
    assert clean_text_series(series).to_list() == [clean_text(v) for v in SERIES_CASES]


def test_fold_series_equals_fold_and_keeps_nulls():
    series = pl.Series("full_name", SERIES_CASES, dtype=pl.String)
    assert fold_series(series).to_list() == [None if v is None else fold(v) for v in SERIES_CASES]


def test_series_keep_their_name_and_type():
    series = pl.Series("body", ["UV BCH"], dtype=pl.String)
    for result in (clean_text_series(series), fold_series(series)):
        assert (result.name, result.dtype) == ("body", pl.String)


def test_all_null_column_is_accepted():
    assert clean_text_series(pl.Series("x", [None, None])).to_list() == [None, None]


def test_non_text_column_is_refused():
    with pytest.raises(TypeError):
        clean_text_series(pl.Series("x", [1, 2]))


VIETNAMESE_ALPHABET = st.sampled_from(list(
    " -~àáạảãăắằặẳẵâấầậẩẫđèéẹẻẽêếềệểễìíịỉĩòóọỏõôốồộổỗơớờợởỡùúụủũưứừựửữỳýỵỷỹÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĐƠƯoOuUqh"
    "µ¸¶·¹¨»¾¼½ÆÇËÒÓÔÕÞß¬©ª«®§¡¢£¤¥¦\u00ad\u00a0\u200b\u202e\ufeff\u0300\u0309\t\n–“”"
    "žŒÿà’‘…—\x01\x16\x81\x90"))  # VN1's capitals, as converters write them


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(), st.text(alphabet=VIETNAMESE_ALPHABET))))
def test_series_functions_equal_scalar_ones_for_any_text(values):
    series = pl.Series("cell", values, dtype=pl.String)
    assert clean_text_series(series).to_list() == [clean_text(v) for v in values]
    assert fold_series(series).to_list() == [None if v is None else fold(v) for v in values]


WORDS = ["Nguyễn", "Thị", "Hoàng", "Yến", "Đại", "học", "Trường", "Thuỷ", "hoà", "quý", "Lò", "Nùng", "Ủy", "viên",
         "HĐND", "xã", "Khuổi", "Mường", "BCH", "2020"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5), st.sampled_from(["nfc", "nfd", "tcvn3"]),
       st.sampled_from([" ", "  ", "\u00a0", " \u200b"]))
def test_cleaning_a_clean_cell_changes_nothing(words, form, separator):
    text = " ".join(words)
    cell = separator.join((encode_tcvn3(text) if form == "tcvn3" else unicodedata.normalize(form.upper(), text)).split())
    cleaned = clean_text(cell)
    assert clean_text(cleaned) == cleaned
    assert fold(cleaned) == fold(cell)


def test_a_sheet_of_tcvn3_cells_is_recognised_as_tcvn3():
    from ingest.tcvn3 import sheet_is_tcvn3

    cells = pl.DataFrame({"c0": [encode_tcvn3(t) for t in ("Hoàng Thị Yến", "Nùng", "Cấp phó", "Đại học")]})
    assert sheet_is_tcvn3(cells)


def test_a_sheet_of_unicode_vietnamese_is_not_tcvn3():
    from ingest.tcvn3 import sheet_is_tcvn3

    cells = pl.DataFrame({"c0": ["Hoàng Thị Yến", "Nùng", "Cấp phó", "Đại học", "Bế Văn Lộc"]})
    assert not sheet_is_tcvn3(cells)


def test_clean_cells_decodes_ambiguous_cells_only_in_a_tcvn3_sheet():
    from ingest.text import clean_cells

    ambiguous = pl.Series(["Cao Léc", "Ghi chó"])  # Cao Lộc, Ghi chú
    assert clean_cells(ambiguous, tcvn3=True).to_list() == ["Cao Lộc", "Ghi chú"]
    assert clean_cells(ambiguous, tcvn3=False).to_list() == ["Cao Léc", "Ghi chó"]
