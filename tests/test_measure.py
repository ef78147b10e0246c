"""Theme measurement (pipeline/measure.py), codebook fit, agreement statistics and the coding sheet: pure cores."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline import agreement, codebook, measure
from pipeline.codebook import OTHER
from pipeline.validation import draw_sheet

NAMES = ["digital", "science", OTHER]
KEYWORDS = {"digital": ["chuyển_đổi_số", "dữ_liệu"], "science": ["khoa_học", "nghiên_cứu"]}


def setup(n=40, dim=16, seed=0):
    rng = np.random.default_rng(seed)
    themes = measure._unit(rng.normal(size=(3, dim)))
    vectors = rng.normal(size=(n, dim)).astype(np.float32)
    tokens = [" ".join(rng.choice(["khoa_học", "dữ_liệu", "giá", "ăn"], size=5)) for _ in range(n)]
    groups = [f"a{i // 4}" for i in range(n)]
    lengths = rng.integers(80, 400, size=n).astype(float)
    return themes, vectors, tokens, groups, lengths


def test_probabilities_sum_to_one_and_keywords_move_their_theme():
    themes, vectors, *_ = setup(2)
    hits = np.array([[0, 0], [3, 0]], dtype=float)
    p0 = measure.probabilities(vectors[[0, 0]], themes, np.zeros((2, 2)), 0.05, 1.0)
    p1 = measure.probabilities(vectors[[0, 0]], themes, hits, 0.05, 1.0)
    assert np.allclose(p1.sum(axis=1), 1)
    assert p1[1, 0] > p0[1, 0] and p1[0, 0] == pytest.approx(p0[0, 0])


def test_a_mixed_article_gets_mixed_proportions_weighted_by_length():
    probs = np.array([[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0]])
    out = measure.aggregate(probs, ["a", "a", "b"], np.array([300.0, 100.0, 50.0]), NAMES)
    assert out.loc["a", "digital"] == pytest.approx(0.75) and out.loc["a", "science"] == pytest.approx(0.25)
    assert out.loc["b", OTHER] == 1


def test_primary_is_the_largest_share_or_other_below_min_share():
    props = pd.DataFrame({"digital": [0.5, 0.3], "science": [0.2, 0.25], OTHER: [0.3, 0.45]})
    assert measure.primary(props, 0.0).tolist() == ["digital", OTHER]
    assert measure.primary(props, 0.6).tolist() == [OTHER, OTHER]


def test_shares_do_not_move_when_embeddings_are_perturbed_by_1e_5():
    themes, vectors, tokens, groups, lengths = setup(200, seed=3)
    kw = dict(temperature=0.05, keyword_weight=1.0, min_share=0.0)
    base = measure.measure(vectors, tokens, groups, lengths, KEYWORDS, NAMES, themes, **kw)
    noise = np.random.default_rng(9).normal(scale=1e-5, size=vectors.shape)
    moved = measure.measure(vectors + noise, tokens, groups, lengths, KEYWORDS, NAMES, themes, **kw)
    assert (base[NAMES] - moved[NAMES]).abs().to_numpy().max() <= 0.01
    assert (base[NAMES].mean() - moved[NAMES].mean()).abs().max() <= 0.001  # corpus shares move far less
    far = measure.measure(vectors + noise * 1e4, tokens, groups, lengths, KEYWORDS, NAMES, themes, **kw)
    assert (base[NAMES] - far[NAMES]).abs().to_numpy().max() > 0.01  # the check can fail: a real change shows


def test_description_texts_take_labels_keywords_definition_and_rules():
    rules = {"digital": {"definition": "Use of IT  by government.", "include": ["e-government"]},
             OTHER: {"definition": "Anything else."}}
    out = measure.description_texts(rules, {"digital": ["dữ liệu"], "science": ["khoa học"]}, {"digital": "Số"})
    assert out["digital"] == ["Số: dữ liệu", "Use of IT by government.", "e-government"]
    assert out["science"] == ["science: khoa học"] and out[OTHER] == ["Anything else."]


def test_codebook_fit_counts_articles_and_flags_unmeasurable_themes():
    themes = {"digital": ["chuyển đổi số", "dữ liệu"], "science": ["khoa học", "phát minh"]}
    seg = {"digital": ["chuyển_đổi_số", "dữ_liệu"], "science": ["khoa_học", "phát_minh"]}
    tokens = ["khoa_học dữ_liệu", "khoa_học giá", "dữ_liệu", "ăn"]
    texts = ["Khoa học và dữ liệu", "khoa học, giá", "Dữ liệu", "ăn"]
    rows, summary = codebook.fit(themes, seg, tokens, texts, min_keywords=2, min_share=0.25)
    by = {r["keyword"]: r for r in rows}
    assert by["khoa học"]["articles_tokens"] == 2 and by["khoa học"]["articles_raw"] == 2
    assert by["chuyển đổi số"]["seen"] is False and by["chuyển đổi số"]["articles_tokens"] == 0  # listed, not dropped
    assert summary["digital"]["keywords_seen"] == 1 and not summary["digital"]["measurable"]
    assert summary["science"]["keywords_seen"] == 1 and summary["science"]["share_any"] == 0.5
    rows, summary = codebook.fit(themes, seg, tokens, texts, min_keywords=1, min_share=0.25)
    assert summary["digital"]["measurable"] and summary["science"]["measurable"]
    assert "Every theme is measurable" in codebook.not_measurable_text(summary, 1, 0.25)


def test_agreement_statistics_against_their_definitions():
    a = list("aabbccaabbcc") * 3
    b = list("aabbcaabbbcc") * 3
    assert agreement.cohen_kappa(a, a) == 1 and agreement.krippendorff_alpha(a, a) == 1
    # nominal alpha for two coders: 1 - (1 - p_o) / (1 - p_e), p_e from the pooled values without replacement
    n = 2 * len(a)
    pooled = pd.Series(a + b).value_counts()
    p_e = float((pooled * (pooled - 1)).sum()) / (n * (n - 1))
    p_o = float(np.mean(np.array(a) == np.array(b)))
    assert agreement.krippendorff_alpha(a, b) == pytest.approx(1 - (1 - p_o) / (1 - p_e))
    assert 0 < agreement.cohen_kappa(a, b) < 1


def test_scores_and_bootstrap_intervals():
    gold = ["x", "x", "y", "y", "z", "z"] * 5
    pred = ["x", "y", "y", "y", "z", "x"] * 5
    s = agreement.bootstrap_scores(gold, pred, ["x", "y", "z"], draws=200, seed=1)
    assert s["accuracy"] == pytest.approx(4 / 6)
    assert s["per_theme"]["y"]["recall"] == 1 and s["per_theme"]["y"]["precision"] == pytest.approx(2 / 3)
    assert s["accuracy_ci"][0] <= s["accuracy"] <= s["accuracy_ci"][1]
    assert s["macro_f1_ci"][0] < s["macro_f1_ci"][1]
    perfect = agreement.bootstrap_scores(gold, gold, ["x", "y", "z"], draws=50, seed=1, clusters=list(range(30)))
    assert perfect["macro_f1"] == 1 and perfect["macro_f1_ci"] == [1.0, 1.0]


def test_coding_sheet_is_stratified_with_definitions_and_empty_coder_columns():
    units = pd.DataFrame({"item_id": [f"u{i}" for i in range(30)], "corpus": ["a"] * 20 + ["b"] * 10,
                          "level": "article", "text": "t", "split": "tune"})
    sheet = draw_sheet(units, 10, seed=1, definitions={"digital": "IT in government", OTHER: "else"})
    assert sheet["item_id"].head(2).tolist() == ["codebook:digital", "codebook:other"]
    body = sheet[~sheet["item_id"].str.startswith("codebook:")]
    assert len(body) == 10 and body["corpus"].value_counts().to_dict() == {"a": 5, "b": 5}
    assert (body[["coder1_theme", "coder2_theme"]] == "").all().all()
    assert draw_sheet(units, 10, seed=1, definitions={}).equals(draw_sheet(units, 10, seed=1, definitions={}))


def test_keywords_match_whole_tokens_longest_first_across_segmentations():
    kw = {"science": ["công_nghệ", "khoa_học"], "digital": ["công_nghệ_thông_tin"], "economy": ["giá"],
          "spatial": ["giải_phóng_mặt_bằng"]}
    hits = measure.keyword_hits(["công_nghệ_thông_tin công_nghệ", "đánh_giá giá", "giải_phóng mặt_bằng",
                                 "công_nghệ thông_tin KHOA_HỌC"], kw)
    assert hits[0].tolist() == [1, 1, 0, 0]  # the IT phrase counts once, for digital, not also as công_nghệ
    assert hits[1].tolist() == [0, 0, 1, 0]  # "giá" inside the token đánh_giá is not a hit
    assert hits[2].tolist() == [0, 0, 0, 1]  # a phrase the segmenter split still matches
    assert hits[3].tolist() == [1, 1, 0, 0]  # split the other way, and case-blind
    assert measure.keyword_hits(["giá"], {"a": [], "b": []}).tolist() == [[0, 0]]


def test_measurement_keywords_add_to_the_codebook_with_other_last():
    params = {"themes": {"digital": ["dữ liệu"], "science": ["khoa học"]},
              "theme_measure": {"keywords": {OTHER: ["bóng đá"], "digital": ["dữ liệu", "an ninh mạng"]}}}
    out = measure.measure_keywords(params)
    assert list(out) == ["digital", "science", OTHER]
    assert out["digital"] == ["dữ liệu", "an ninh mạng"] and out[OTHER] == ["bóng đá"]
    assert list(measure.measure_keywords({**params, "theme_measure": {}})) == ["digital", "science"]


def test_other_keywords_move_other():
    themes, vectors, *_ = setup(1)
    names = ["digital", OTHER]
    base = measure.measure(vectors, ["ăn"], ["a"], np.ones(1), {"digital": ["dữ_liệu"]}, names, themes[:2],
                           temperature=1.0, keyword_weight=1.0, min_share=0.0)
    moved = measure.measure(vectors, ["bóng_đá"], ["a"], np.ones(1), {"digital": ["dữ_liệu"], OTHER: ["bóng_đá"]},
                            names, themes[:2], temperature=1.0, keyword_weight=1.0, min_share=0.0)
    assert moved.loc["a", OTHER] > base.loc["a", OTHER]


def test_exemplar_descriptions_replace_the_rules_where_a_theme_has_them():
    rules = {"digital": {"definition": "Use of IT.", "measure_descriptions": ["Dịch vụ  công trực tuyến."]},
             "science": {"definition": "Research."}}
    kw = {"digital": ["dữ liệu"], "science": ["khoa học"]}
    out = measure.description_texts(rules, kw, {}, "exemplars")
    assert out["digital"] == ["Dịch vụ công trực tuyến."]
    assert out["science"] == ["science: khoa học", "Research."]  # no exemplars: the rules
    assert measure.description_texts(rules, kw, {}, "rules")["digital"] == ["digital: dữ liệu", "Use of IT."]


def test_the_tune_grid_never_sees_the_holdout_half(monkeypatch):
    from pipeline import validation
    from pipeline.params import load
    coded = pd.DataFrame({"item_id": ["t1", "t2", "h1"], "split": ["tune", "tune", "holdout"],
                          "theme": ["digital", OTHER, "digital"], "text": ["a", "b", "c"]})
    seen = []
    monkeypatch.setattr(validation, "setup", lambda units, *a: seen.append(list(units["item_id"])) or {})
    chosen = {"temperature": 0.03, "keyword_weight": 0.5, "min_share": 0.2, "pool": 0.01, "other_bias": 0.5,
              "theme_bias": {"institutions": 1.0}}
    # a small grid holding the chosen setting (the shipped one has tens of thousands of settings)
    monkeypatch.setattr(validation, "GRID", {k: [v, *(w for w in validation.GRID[k][:2] if w != v)]
                                             for k, v in chosen.items()})
    monkeypatch.setattr(validation, "apply", lambda prepared, s: pd.DataFrame(
        {"primary": ["digital", OTHER] if dict(s) == chosen else [OTHER, "digital"]}, index=["t1", "t2"]))
    grid = validation.tune_grid(coded, load(Path(__file__).resolve().parent.parent / "params.yaml"), None, {},
                                ["digital", OTHER])
    assert all(ids == ["t1", "t2"] for ids in seen) and len(seen) == 8
    assert len(grid) == 8 * np.prod([len(v) for v in validation.GRID.values()])
    assert grid.iloc[0][list(chosen)].to_dict() == chosen and grid.iloc[0]["accuracy"] == 1.0
    assert (grid.iloc[8:]["accuracy"] == 0).all()  # ranked best first


def test_paragraph_tokens_are_the_same_on_every_core_as_in_one_process_and_are_cached(tmp_path):
    from pipeline import params as P

    base = P.load(Path(__file__).resolve().parent.parent / "params.yaml").to_dict()
    texts = ["Bộ Khoa học và Công nghệ thúc đẩy đổi mới sáng tạo và chuyển đổi số.",
             "UBND TP Hà Nội phê duyệt quy hoạch khu công nghệ cao Hòa Lạc.",
             "Doanh nghiệp CNTT tăng đầu tư vào trí tuệ nhân tạo.", "Bệnh viện tuyển thêm bác sĩ."] * 3
    out = {}
    for workers in (1, 2):
        d = {**base, "segment": {**base["segment"], "workers": workers}}
        out[workers] = measure.text_tokens(texts, P.validate(d), tmp_path / f"cache{workers}")
    assert out[1] == out[2] and "đổi_mới_sáng_tạo" in out[1][0] and out[1][0] == out[1][4]
    # a second call reads the cache: no segmentation (a tokenizer that fails proves it is not called)
    import pipeline.words as words
    saved = words.tokenize_texts
    try:
        words.tokenize_texts = lambda *a, **k: (_ for _ in ()).throw(AssertionError("segmented again"))
        assert measure.text_tokens(texts, P.validate({**base}), tmp_path / "cache1") == out[1]
    finally:
        words.tokenize_texts = saved
