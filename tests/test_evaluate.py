"""Validity metrics: NPMI from document co-occurrence, diversity, label agreement, stability, word checks, LDA."""
import math

import numpy as np
import pytest

from pipeline.evaluate import (_json_number, evaluate, label_agreement, npmi_coherence, stability, topic_diversity,
                               word_checks)
from pipeline.topicmodel import LDAModel, top_words


def test_npmi_is_one_for_words_that_always_co_occur_and_minus_one_for_words_that_never_do():
    docs = ["đổi_mới sáng_tạo", "đổi_mới sáng_tạo", "giá vàng", "giá vàng"]
    mean, per_topic = npmi_coherence([["đổi_mới", "sáng_tạo"], ["đổi_mới", "vàng"]], docs)
    assert per_topic[0] == pytest.approx(1.0)
    assert per_topic[1] == pytest.approx(-1.0)
    assert mean == pytest.approx(0.0)


def test_npmi_of_independent_words_is_near_zero():
    # a in half the documents, b in half, together in a quarter: P(a,b) = P(a) P(b)
    docs = ["a_x b_y", "a_x", "b_y", "c_z"] * 5
    _, per_topic = npmi_coherence([["a_x", "b_y"]], docs)
    assert per_topic[0] == pytest.approx(0.0, abs=1e-9)


def test_npmi_matches_a_hand_computed_value():
    docs = ["a_x b_y", "a_x b_y", "a_x", "c_z"]
    p_a, p_b, p_ab = 3 / 4, 2 / 4, 2 / 4
    expected = math.log(p_ab / (p_a * p_b)) / -math.log(p_ab)
    _, per_topic = npmi_coherence([["a_x", "b_y"]], docs)
    assert per_topic[0] == pytest.approx(expected)


def test_npmi_skips_words_absent_from_the_corpus():
    _, per_topic = npmi_coherence([["a_x", "b_y", "không_có"]], ["a_x b_y"] * 3)
    assert per_topic == [pytest.approx(1.0)]
    assert math.isnan(npmi_coherence([], ["a_x"])[0])


def test_topic_diversity_counts_unique_words():
    assert topic_diversity([["a", "b"], ["a", "c"]], top_n=2) == pytest.approx(0.75)
    assert topic_diversity([["a", "b"], ["c", "d"]], top_n=2) == 1.0


def test_label_agreement_is_perfect_for_a_relabelling_and_ignores_missing_labels():
    out = label_agreement([0, 0, 1, 1, 2], ["x", "x", "y", "y", None])
    assert out["nmi_label"] == pytest.approx(1.0) and out["ari_label"] == pytest.approx(1.0)
    assert label_agreement([0, 1], ["x", "x"]) == {}  # one label: nothing to agree with


def test_stability_is_one_for_identical_partitions_and_lower_otherwise():
    same = stability([[0, 0, 1, 1], [1, 1, 0, 0]])
    assert same["stability_ari_mean"] == pytest.approx(1.0)
    mixed = stability([[0, 0, 1, 1], [0, 1, 0, 1], [0, 0, 1, 1]])
    assert mixed["stability_ari_min"] < mixed["stability_ari_mean"] < 1
    assert stability([[0, 0, 1, -1], [0, 0, 0, 0]])["stability_n_topics"] == [2, 1]
    assert stability([[0, 1]]) == {}


def test_word_checks_count_stopwords_and_multisyllable_words():
    out = word_checks([["chuyển_đổi_số", "của", "dữ_liệu"], ["giá", "và"]], ["của", "và"], top_n=10)
    assert out["top_words_stopwords"] == 2
    assert out["top_words_multisyllable_share"] == pytest.approx(2 / 5)


def test_lda_baseline_uses_the_vectoriser_and_number_of_topics(tmp_path):
    rng = np.random.default_rng(0)
    groups = [["khoa_học", "nghiên_cứu", "công_nghệ"], ["đầu_tư", "vốn", "thị_trường"]]
    docs = [" ".join(rng.choice(groups[i % 2], 6)) + " của và" for i in range(40)]
    lda = LDAModel(2, seed=1, stopwords=["của", "và"], vectorizer={"min_df": 2}, top_n=3)
    fit = lda.fit(docs)
    words = list(top_words(fit.info).values())
    assert len(fit.topics) == 40 and len(words) == 2
    assert all(len(ws) == 3 for ws in words)
    assert not {"của", "và"} & {w for ws in words for w in ws}
    assert {frozenset(ws) for ws in words} == {frozenset(g) for g in groups}
    assert fit.info["size"].sum() == 40 and fit.topics == fit.topics_before  # no outliers in LDA
    # the terms table leads with the same words, best first, and its weights are P(word | topic)
    for t, ws in top_words(fit.info).items():
        assert fit.terms.loc[fit.terms["topic"] == t, "word"].tolist()[:3] == ws
    assert (fit.terms.groupby("topic")["weight"].diff().dropna() <= 0).all()
    assert ((0 < fit.similarity) & (fit.similarity <= 1)).all()
    again = LDAModel(2, seed=1, stopwords=[], vectorizer={}, top_n=3)
    assert again.fit(docs).topics == LDAModel(2, seed=1, stopwords=[], vectorizer={}, top_n=3).fit(docs).topics
    lda.save(tmp_path / "lda")
    files = sorted(p.name for p in (tmp_path / "lda").iterdir())
    assert files == ["components.safetensors", "config.json", "vocabulary.json"]
    from safetensors.numpy import load_file

    assert np.array_equal(load_file(str(tmp_path / "lda" / "components.safetensors"))["components"], lda.components)


def test_evaluate_puts_the_model_beside_lda():
    rng = np.random.default_rng(1)
    groups = [["khoa_học", "nghiên_cứu", "công_nghệ", "viện"], ["đầu_tư", "vốn", "thị_trường", "ngân_hàng"]]
    docs = [" ".join(rng.choice(groups[i % 2], 8)) for i in range(30)]
    topics = [i % 2 for i in range(30)]
    words = {0: groups[0], 1: groups[1]}
    labels = ["sci" if i % 2 == 0 else "eco" for i in range(30)]
    m = evaluate(docs, topics, words, labels, stopwords=[], vectorizer={"min_df": 1}, seed=3, top_n=4,
                 refits=[topics, [1 - t for t in topics]])
    for key in ("npmi", "topic_diversity", "nmi_label", "ari_label", "lda_npmi", "lda_nmi_label",
                "stability_ari_mean", "top_words_stopwords"):
        assert key in m
    assert m["nmi_label"] == pytest.approx(1.0) and m["stability_ari_mean"] == pytest.approx(1.0)
    assert m["topic_diversity"] == 1.0 and m["top_words_stopwords"] == 0
    no_lda = evaluate(docs, topics, words, None, stopwords=[], vectorizer={}, seed=3, top_n=4, lda=False)
    assert not any(k.startswith("lda_") for k in no_lda) and "nmi_label" not in no_lda


def test_json_numbers_are_rounded_and_nan_becomes_null():
    assert _json_number(0.1234567891) == 0.123457
    assert _json_number(float("nan")) is None
    assert _json_number(3) == 3 and _json_number("x") == "x"


def test_heldout_draw_excludes_the_sample_and_balances_labels(tmp_path):
    import gzip
    import json

    from bench.validate_heldout import draw_heldout

    body = "Doanh nghiệp đầu tư vào công nghệ thông tin. " * 15  # 675 characters: inside the 500-5,000 window
    docs = [{"id": f"train/{lab}_{i}", "label": lab, "text": f"{body} bài {lab} {i}"} for lab in ("A", "B", "C")
            for i in range(10)]
    docs.append({"id": "train/short", "label": "A", "text": "ngắn"})
    docs.append({"id": "train/copy", "label": "B", "text": docs[0]["text"]})  # same text as a sample article
    source = tmp_path / "src.jsonl.gz"
    with gzip.open(source, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(json.dumps(d, ensure_ascii=False) for d in docs) + "\n")
    sample = tmp_path / "sample.jsonl"
    sample.write_text(json.dumps(docs[0], ensure_ascii=False) + "\n", encoding="utf-8")
    drawn = draw_heldout(source, sample, n=7, seed=42)
    ids = [d["id"] for d in drawn]
    assert len(ids) == 7 == len(set(ids))
    assert not {"train/A_0", "train/short", "train/copy"} & set(ids)
    counts = {lab: sum(d["label"] == lab for d in drawn) for lab in "ABC"}
    assert counts == {"A": 3, "B": 2, "C": 2}
    assert [d["id"] for d in draw_heldout(source, sample, n=7, seed=42)] == ids
    assert [d["id"] for d in draw_heldout(source, sample, n=7, seed=7)] != ids


def test_share_spread_matches_topics_by_overlap_whatever_their_numbers():
    from pipeline.evaluate import matched_shares

    ref = [0, 0, 0, 1, 1, 2, 2, 2, 2, 2]
    renamed = [5, 5, 5, 3, 3, 4, 4, 4, 4, 4]            # the same partition, other numbers
    assert stability([ref, renamed])["stability_share_spread_max"] == pytest.approx(0.0)
    moved = [5, 5, 3, 3, 3, 4, 4, 4, 4, 4]              # one unit moves from topic 0's match to topic 1's
    assert stability([ref, moved])["stability_share_spread_max"] == pytest.approx(0.1)
    assert matched_shares(ref, [0] * 10) == {0: 0.0, 1: 0.0, 2: 1.0}  # the unmatched topics count as gone


def test_model_size_sweep_scores_each_k_by_agreement_between_refits_and_coherence():
    from pipeline.evaluate import SWEEP_COLUMNS, model_size_sweep

    groups = [["ngân_hàng lãi_suất tín_dụng vốn"] * 6, ["bóng_đá cầu_thủ trận_đấu bàn_thắng"] * 6,
              ["bệnh_viện bác_sĩ bệnh_nhân thuốc"] * 6]
    tokens = [t for g in groups for t in g]
    truth = [i // 6 for i in range(18)]
    rng = np.random.default_rng(0)
    # k 3: every refit finds the groups; k 2: each refit merges a different pair
    refits = [{3: truth, 2: [min(t, 1) for t in truth]}, {3: truth, 2: [0 if t == 0 else 1 for t in truth]},
              {3: truth, 2: [int(rng.integers(2)) for _ in truth]}]
    sweep = model_size_sweep(tokens, refits, stopwords=[], vectorizer={"min_df": 1}, top_n=4, chosen_k=3)
    assert list(sweep.columns) == SWEEP_COLUMNS
    by_k = sweep.set_index("k")
    assert by_k.loc[3, "stability_ari_mean"] == pytest.approx(1.0) and by_k.loc[3, "chosen"]
    assert by_k.loc[2, "stability_ari_mean"] < 0.9 and not by_k.loc[2, "chosen"]
    assert by_k.loc[3, "npmi"] == pytest.approx(1.0)  # each topic's words always occur together
    assert by_k.loc[3, "npmi"] > by_k.loc[2, "npmi"]
    assert model_size_sweep(tokens, [], stopwords=[], vectorizer={}).empty


def test_npmi_of_several_models_in_one_pass_equals_each_model_scored_alone():
    from pipeline.evaluate import npmi_models

    docs = ["ngân_hàng lãi_suất vốn", "ngân_hàng vốn", "bóng_đá cầu_thủ", "cầu_thủ bàn_thắng bóng_đá", "thuốc bác_sĩ"]
    models = [[["ngân_hàng", "vốn"], ["bóng_đá", "cầu_thủ"]], [["ngân_hàng", "bóng_đá", "thuốc"]], [["không_có"]]]
    together = npmi_models(models, docs)
    alone = [npmi_coherence(m, docs) for m in models]
    assert [t[1] for t in together[:2]] == [a[1] for a in alone[:2]] and together[0][0] == alone[0][0]
    assert together[1][0] < together[0][0]  # words never together score lower
    assert math.isnan(together[2][0]) and together[2][1] == []
