"""pipeline.crf tags as underthesea does: the same words and the same POS tags, sentence for sentence, on real news
(the bundled sample, and DaNES when ../shared is beside the repository) and on the edge cases its features have
(sentence edges, numbers, capitals, domain words, unknown tokens, a vocabulary that overflows its codes)."""
import gzip
import json
from pathlib import Path

import pytest

from pipeline import crf
from pipeline.words import dictionary_variants, sentences

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "sample" / "vntc_sample.jsonl"
DANES = REPO.parent / "shared" / "corpora" / "danes-annotated.jsonl.gz"
DICTIONARY = ["chuyển đổi số", "đổi mới sáng tạo", "khoa học và công nghệ", "Nghị quyết 57", "Luật Thủ đô", "Hòa Lạc"]
EDGE = ["Hà Nội", "", "Ông", "5", "+5", "-12", "2147483648", "1.000.000 đồng, tăng 12,5% so với năm 2023.",
        "BỘ KHOA HỌC VÀ CÔNG NGHỆ CÔNG BỐ NGHỊ QUYẾT 57/NQ-TW", "iPhone, eBay và xXx ở Đà Nẵng ; ; ; !!!",
        "Chuyển đổi số theo Nghị quyết 57 tại Hòa Lạc, Luật Thủ đô có hiệu lực từ 1/1/2025.",
        "Σ ß ǅ İstanbul ﬁ ½ ① Ⅻ"]


def underthesea_words(text_sentences, fixed=None):
    from underthesea import word_tokenize
    from underthesea.pipeline.word_tokenize import regex_tokenize

    saved = regex_tokenize.patterns
    try:
        return [word_tokenize(s, fixed_words=fixed or []) for s in text_sentences]
    finally:
        regex_tokenize.patterns = saved


def underthesea_pos(token_lists):
    from os.path import dirname, join

    import underthesea.pipeline.pos_tag as pos_module
    from underthesea.models.fast_crf_sequence_tagger import FastCRFSequenceTagger

    tagger = FastCRFSequenceTagger()
    tagger.load(join(dirname(pos_module.__file__), "models", "pos_crf_vlsp2013_20230303"))
    return [tagger.predict([[t] for t in tokens]) if tokens else [] for tokens in token_lists]


def news_sentences(n_sample=60, n_danes=150):
    texts = [json.loads(line)["text"] for line in SAMPLE.read_text(encoding="utf-8").splitlines()[:n_sample]]
    if DANES.exists():
        with gzip.open(DANES, "rt", encoding="utf-8") as fh:
            texts += [json.loads(line)["text"] for _, line in zip(range(n_danes), fh)]
    return [s for t in texts for s in sentences(t)]


@pytest.fixture(scope="module")
def news():
    return news_sentences() + EDGE


def test_word_segmentation_equals_underthesea(news):
    assert len(news) > 500
    assert crf.word_tokenize_many(news) == underthesea_words(news)


def test_word_segmentation_with_fixed_words_equals_underthesea(news):
    fixed = dictionary_variants(DICTIONARY)
    ours = crf.word_tokenize_many(news, fixed_words=fixed)
    assert ours == underthesea_words(news, fixed)
    assert ["Chuyển đổi số"] == [w for w in ours[-2] if w.lower() == "chuyển đổi số"]


def test_pos_tags_equal_underthesea(news):
    token_lists = underthesea_words(news)
    assert crf.pos_tagger().tag(token_lists) == underthesea_pos(token_lists)


def test_one_sentence_at_a_time_equals_one_batch(news):
    few = news[:40]
    assert [crf.word_tokenize_many([s])[0] for s in few] == crf.word_tokenize_many(few)


def test_codes_that_overflow_reset_the_vocabulary(monkeypatch, news):
    # with 5 bits a token id overflows after 32 tokens: the tagger must start a fresh vocabulary, not mix codes
    model = crf.word_segmenter()
    monkeypatch.setattr(crf, "_BITS", 5)
    monkeypatch.setattr(model, "vocab", {})
    monkeypatch.setattr(model, "words", [])
    monkeypatch.setattr(model, "ngrams", {span: {} for span in model.spans})
    tokens = [crf.regex_tokens(s) for s in news[:60]]
    small = [t[:20] for t in tokens if t]
    tags = [model.tag([t])[0] for t in small]
    monkeypatch.undo()
    assert tags == model.tag(small)


def test_regex_tokens_leave_underthesea_global_alone():
    from underthesea.pipeline.word_tokenize import regex_tokenize

    before = regex_tokenize.patterns
    crf.regex_tokens("Luật Thủ đô có hiệu lực", tuple(dictionary_variants(["Luật Thủ đô"])))
    assert regex_tokenize.patterns is before


def test_only_underthesea_own_files_are_unpickled(tmp_path):
    import joblib

    outside = tmp_path / "features.bin"
    joblib.dump(["T[0]"], outside)
    with pytest.raises(ValueError, match="refusing to unpickle"):
        crf._bundled(str(outside))
