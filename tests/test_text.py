"""Vietnamese text helpers: normalisation, paragraphs, series detection."""
import unicodedata
from pathlib import Path

import pytest

from pipeline.text import detect_series, merge_short, normalize, paragraphs, part_number

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
REPO = Path(__file__).parent.parent


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


def _normalize_word_by_word(text: str) -> str:
    """normalize as it was written before the memo: underthesea's token_normalize called on every word."""
    import re
    import unicodedata

    from underthesea.pipeline.text_normalize import token_normalize

    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a-\u202e\u2066-\u2069]", "",
                  re.sub(r"(?<=\w)\u200b+(?=\w)", " ", text))
    text = re.sub(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+", " ", text)
    text = re.sub(r"([(\[“]) +", r"\1", re.sub(r" +([,.;:!?…)\]”])", r"\1", text))
    text = re.sub(r"\w+", lambda m: token_normalize(m.group()), text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def test_memoised_normaliser_equals_underthesea_word_by_word():
    import json

    from underthesea.pipeline.text_normalize import token_normalize
    from underthesea.pipeline.text_normalize.text_normalizer import character_map, token_map

    from pipeline import text as T

    T._normalise_words.load()
    words = set(token_map) | set(character_map) | {w.upper() for w in token_map} | {w + "a" for w in token_map}
    assert [T._normalise_words.func(w) for w in sorted(words)] == [token_normalize(w) for w in sorted(words)]
    sample = (REPO / "data" / "sample" / "vntc_sample.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in sample[:150]]
    texts += ["Hoà  bình\t\u00a0thuỷ  \u3000 điện , ( NIC ) quý  \nKhoẻ \u200bmạnh\u200b", "  \t ", "ab\u00a0 \tcd", ""]
    changed = 0
    for t in texts:
        assert normalize(t) == _normalize_word_by_word(t)
        changed += normalize(t) != unicodedata.normalize("NFC", t)
    assert changed > 10  # the normaliser had work to do
