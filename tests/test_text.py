"""Vietnamese text helpers: normalisation, paragraphs, series detection."""
import unicodedata
from pathlib import Path

import pytest

from pipeline.text import detect_series, merge_short, normalize, paragraphs, part_number

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


# --- normalize -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("old, new", [
    ("hoà bình", "hòa bình"),
    ("Khu công nghệ cao Hoà Lạc", "Khu công nghệ cao Hòa Lạc"),
    ("sức khoẻ", "sức khỏe"),
    ("thuỷ lợi", "thủy lợi"),
    ("Uỷ ban", "Ủy ban"),
    ("tuỳ theo", "tùy theo"),
    ("HOÀ", "HÒA"),
])
def test_normalize_puts_tone_marks_in_one_place(old, new):
    assert normalize(old) == new


def test_normalize_keep_leaves_tone_marks_but_still_composes():
    decomposed = unicodedata.normalize("NFD", "Hoà Lạc")
    out = normalize(decomposed, tone_marks="keep")
    assert out == "Hoà Lạc"
    assert unicodedata.is_normalized("NFC", out)


def test_normalize_composes_decomposed_input():
    decomposed = unicodedata.normalize("NFD", "Nghị quyết về đổi mới sáng tạo")
    assert decomposed != "Nghị quyết về đổi mới sáng tạo"
    assert normalize(decomposed) == "Nghị quyết về đổi mới sáng tạo"


def test_normalize_keeps_line_breaks_and_tidies_whitespace():
    text = "Tiêu đề\r\n\u00a0 Đoạn   một\u200b.\t\r\nĐoạn hai\u00ad\n\n"
    assert normalize(text) == "Tiêu đề\nĐoạn một.\nĐoạn hai"


def test_normalize_removes_spaces_around_punctuation_only():
    assert normalize("Hà Nội , ngày 5/7 ( NIC ) : “ đổi mới ” !") == "Hà Nội, ngày 5/7 (NIC): “đổi mới”!"
    # dashes, slashes and numbers are left as written
    assert normalize("Chính quyền số - Kinh tế số 57-NQ/TW 7,63%") == "Chính quyền số - Kinh tế số 57-NQ/TW 7,63%"


def test_normalize_leaves_non_vietnamese_tokens():
    assert normalize("TechFest, VNeID và Fintech") == "TechFest, VNeID và Fintech"


# --- paragraphs --------------------------------------------------------------------------------------------------

def test_paragraphs_are_non_empty_stripped_lines():
    assert paragraphs("  Một \n\n Hai\n   \nBa") == ["Một", "Hai", "Ba"]


def test_merge_short_joins_short_lines_forward_and_keeps_every_word():
    paras = ["Tiêu đề", "Đoạn dài " + "x" * 100, "Ngắn", "Đoạn dài khác " + "y" * 100, "Cuối"]
    merged = merge_short(paras, 80)
    assert merged[0].startswith("Tiêu đề\nĐoạn dài")
    assert merged[1].startswith("Ngắn\nĐoạn dài khác")
    assert merged[-1].endswith("\nCuối")  # a short tail joins the previous unit
    assert "\n".join(merged).split("\n") == paras


# --- series ------------------------------------------------------------------------------------------------------

def test_seed_000_is_part_2_of_its_series():
    title = (SEEDS / "000_3f0f000a6f2b3f54.txt").read_text(encoding="utf-8").splitlines()[0]
    assert detect_series(title) == ("Để Hà Nội cất cánh từ công nghệ và đổi mới sáng tạo", 2)


@pytest.mark.parametrize("title, expected", [
    ("Chuyển đổi số ở cơ sở - Bài 3: Xã thông minh", ("Chuyển đổi số ở cơ sở", 3)),
    ("Chuyển đổi số ở cơ sở (Kỳ 2): Xã thông minh", ("Chuyển đổi số ở cơ sở", 2)),
    ("Chuyển đổi số ở cơ sở - Kỳ 4", ("Chuyển đổi số ở cơ sở", 4)),
    ("Hạ tầng số: Phần II - Dữ liệu", ("Hạ tầng số", 2)),
    ("Kỳ 2: Đánh thức tài nguyên mềm", (None, 2)),
    ("Bài 1. Khởi đầu", (None, 1)),
    # not series
    ("Kỳ họp thứ 8 Quốc hội khóa XV bế mạc", (None, None)),
    ("Bài toán quy hoạch Thủ đô: lời giải nào?", (None, None)),
    ("Tập đoàn công nghệ: Bài viết về VNeID", (None, None)),
    ("GRDP của Hà Nội ước tăng 7,63% trong 6 tháng đầu năm", (None, None)),
])
def test_detect_series_from_title(title, expected):
    assert detect_series(title) == expected


def test_next_part_announcement_gives_the_part_when_the_title_does_not():
    body = ["Đoạn một.", "(Kỳ 3: Để Hòa Lạc thực sự là trái tim)", "Có thể bạn quan tâm"]
    assert detect_series("Đánh thức tài nguyên mềm", body) == (None, 2)


def test_title_wins_over_next_part_announcement():
    assert detect_series("Loạt bài: Kỳ 5- Tiêu đề", ["(Kỳ 3: khác)"]) == ("Loạt bài", 5)


def test_part_one_announced_is_not_part_zero():
    assert detect_series("Tiêu đề", ["(Kỳ 1: Mở đầu)"]) == (None, None)


@pytest.mark.parametrize("token, value", [("3", 3), ("II", 2), ("IV", 4), ("IX", 9), ("XII", 12)])
def test_part_number(token, value):
    assert part_number(token) == value
