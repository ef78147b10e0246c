"""Segmentation over processes and through the line-by-line content cache gives exactly the serial result."""
from __future__ import annotations

import pandas as pd
import pytest

from pipeline import segment as S
from pipeline import tokens as T
from pipeline.words import tokenize_texts

DICTIONARY = ["chuyển đổi số", "đổi mới sáng tạo", "khu công nghệ cao"]
TEXTS = [
    "Hà Nội đẩy mạnh chuyển đổi số trong cải cách hành chính.",
    "Khu công nghệ cao Hòa Lạc thu hút các doanh nghiệp đổi mới sáng tạo.",
    "Bác sĩ bây giờ có thể thản nhiên báo tin bệnh nhân bị ung thư.",
    "",
    "Thành phố Hồ Chí Minh phát triển kinh tế số và xã hội số.",
    "Hà Nội đẩy mạnh chuyển đổi số trong cải cách hành chính.",  # a repeat is segmented once
    "Nghị quyết 57 về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia.",
    "Giá vàng hôm nay tăng mạnh.",
]


@pytest.fixture(scope="module")
def serial() -> list[str]:
    return tokenize_texts(TEXTS, DICTIONARY)


def test_two_workers_equal_serial(serial):
    stats: dict = {}
    assert T.tokenize_cached(TEXTS, DICTIONARY, workers=2, stats=stats) == serial
    assert stats["workers"] == 2 and stats["segmented"] == len({t for t in TEXTS if t})
    assert "chuyển_đổi_số" in serial[0].split() and serial[3] == ""


def test_cache_reuses_and_only_new_texts_are_segmented(tmp_path, serial):
    first: dict = {}
    assert T.tokenize_cached(TEXTS[:5], DICTIONARY, workers=2, cache_dir=tmp_path, stats=first) == serial[:5]
    assert first["from_cache"] == 0 and first["segmented"] == 4  # the empty text has no line
    second: dict = {}
    assert T.tokenize_cached(TEXTS, DICTIONARY, workers=1, cache_dir=tmp_path, stats=second) == serial
    assert second["from_cache"] == 4  # the four cached lines (the repeat of the first is one of them)
    assert second["segmented"] == 2
    shards = list(tmp_path.rglob("*.parquet"))
    assert shards and all(p.parent.name.startswith("lines-") for p in shards)


def test_a_text_is_its_lines_and_its_paragraphs_come_from_the_cache(tmp_path):
    """The themes stage cuts articles into paragraphs and segments them: after the segment stage has segmented
    the whole articles, every paragraph is found in the cache, with the tokens segmenting it alone gives."""
    from pipeline.text import merge_short, paragraphs

    articles = ["Tiêu đề ngắn\n\n" + TEXTS[1] + "\n" + TEXTS[6] + "  \n" + TEXTS[0],
                TEXTS[4] + "\nÔng Lê Hồng Sơn cho biết: “Hà Nội sẽ đi đầu.”\n" + TEXTS[2]]
    whole = T.tokenize_cached(articles, DICTIONARY, workers=2, cache_dir=tmp_path)
    assert whole == tokenize_texts(articles, DICTIONARY)
    pieces = [p for a in articles for p in merge_short(paragraphs(a), 40)]
    stats: dict = {}
    assert T.tokenize_cached(pieces, DICTIONARY, workers=1, cache_dir=tmp_path, stats=stats) == tokenize_texts(pieces, DICTIONARY)
    assert stats["segmented"] == 0 and stats["from_cache"] == stats["lines"] > 0


def test_cache_key_follows_the_dictionary(tmp_path):
    assert T.segmenter_key(DICTIONARY) == T.segmenter_key(list(reversed(DICTIONARY)))
    assert T.segmenter_key(DICTIONARY) != T.segmenter_key(DICTIONARY[:1])
    # the POS filter and the abbreviations change the tokens, so they change the key
    assert T.segmenter_key(DICTIONARY, pos_filter=["N", "V"]) != T.segmenter_key(DICTIONARY)
    assert T.segmenter_key(DICTIONARY, pos_filter=["V", "N"]) == T.segmenter_key(DICTIONARY, pos_filter=["N", "V"])
    assert (T.segmenter_key(DICTIONARY, abbreviations={"CNTT": "công nghệ thông tin"})
            != T.segmenter_key(DICTIONARY, abbreviations={"CNTT": "cơ sở hạ tầng"}))
    text = ["Khu công nghệ cao Hòa Lạc"]
    with_term = T.tokenize_cached(text, ["khu công nghệ cao"], workers=1, cache_dir=tmp_path)
    without = T.tokenize_cached(text, [], workers=1, cache_dir=tmp_path)
    assert "khu_công_nghệ_cao" in with_term[0].lower() and with_term != without


def test_damaged_cache_shard_is_a_miss_not_a_failure(tmp_path, serial, capsys):
    T.tokenize_cached(TEXTS[:2], DICTIONARY, workers=1, cache_dir=tmp_path)
    shards = list(tmp_path.rglob("*.parquet"))
    assert shards, "tokenize_cached wrote no cache shard"
    for shard in shards:
        shard.write_bytes(b"not parquet")
    stats: dict = {}
    assert T.tokenize_cached(TEXTS[:2], DICTIONARY, workers=1, cache_dir=tmp_path, stats=stats) == serial[:2]
    assert stats["from_cache"] == 0
    assert "ignoring unreadable shard" in capsys.readouterr().err


def test_segment_paragraph_units_with_cache_equal_without(tmp_path):
    articles = pd.DataFrame({"article_id": ["a1", "a2"],
                             "text": ["Tiêu đề ngắn\n" + TEXTS[1] + " " + TEXTS[6], TEXTS[4] + "\n" + TEXTS[2]]})
    plain = S.segment(articles, "paragraph", 40, DICTIONARY, workers=1)
    cached = S.segment(articles, "paragraph", 40, DICTIONARY, workers=2, cache_dir=tmp_path)
    again = S.segment(articles, "paragraph", 40, DICTIONARY, workers=2, cache_dir=tmp_path)
    pd.testing.assert_frame_equal(plain, cached)
    pd.testing.assert_frame_equal(plain, again)
    assert list(plain.columns) == S.UNIT_COLUMNS and plain["unit_id"].tolist()[0] == "a1:p01"


def test_stage_imports_stay_light():
    """underthesea's optional parts (translation: transformers and torch) are not loaded by the stages that
    only segment and normalise: seconds of start-up in every stage process."""
    import subprocess
    import sys

    code = "import sys, pipeline.segment, pipeline.text; print(sorted({'transformers', 'torch'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "[]"
