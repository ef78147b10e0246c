"""topics.word_floor (issue 13, topic round 4): a topic's top words are those of its ranking that occur in at least
a share of its units; the rule (topicmodel.base.floored) is the same for BERTopic's table, the LDA baseline and the
model-size sweep, and it moves no assignment."""
from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from pipeline.evaluate import class_words
from pipeline.topicmodel import LDAModel
from pipeline.topicmodel.base import floored, unit_shares
from tests.test_topics import STOP, corpus, fast, fit_topics


def test_unit_shares_count_units_not_occurrences():
    present = sparse.csr_matrix(np.array([[3, 0, 1], [1, 1, 0], [0, 0, 2], [0, 5, 0]]))
    share = unit_shares(present, [0, 0, 1, 1], [0, 1])
    assert np.allclose(share, [[1.0, 0.5, 0.5], [0.0, 0.5, 0.5]])


def test_floored_keeps_the_order_and_drops_what_few_units_use():
    order = np.array([4, 2, 0, 3, 1])
    share = np.array([0.5, 0.05, 0.2, 0.3, 0.1])
    assert floored(order, share, 0.15, 3) == [2, 0, 3]  # 4 (0.1) is dropped, the ranking kept
    assert floored(order, share, 0.0, 3) == [4, 2, 0]  # 0: the ranking as it is
    assert floored(order, share, 0.9, 3) == []


def _rare_word_corpus():
    """Two groups of twenty units; in each group one unit repeats a word of its own many times, which c-TF-IDF and
    LDA rank high and which occurs in one unit of twenty (a share of 0.05)."""
    docs, vecs, labels = corpus(n_per_group=20)
    keep = [i for i, lab in enumerate(labels) if lab in ("science", "economy")]
    docs, vecs, labels = [docs[i] for i in keep], vecs[keep], [labels[i] for i in keep]
    first = {lab: labels.index(lab) for lab in ("science", "economy")}
    docs[first["science"]] += " " + " ".join(["sao_chổi"] * 12)
    docs[first["economy"]] += " " + " ".join(["cổ_phiếu_rác"] * 12)
    return docs, vecs, labels


def _shares_of_top_words(docs, topics, info):
    vec = CountVectorizer(token_pattern=r"\S+", lowercase=False, binary=True).fit(docs)
    present = vec.transform(docs)
    vocab = {w: i for i, w in enumerate(vec.get_feature_names_out())}
    ids = sorted(set(topics))
    share = unit_shares(present, topics, ids)
    return {t: [share[ids.index(t), vocab[w]] for w in row.top_words.split()] for t, row in
            info.set_index("topic").iterrows()}


def test_bertopic_top_words_are_floored_and_assignments_do_not_move():
    docs, vecs, _ = _rare_word_corpus()
    plain, _ = fit_topics(docs, vecs, stopwords=STOP, vectorizer={"min_df": 1}, **fast(k=2))
    floored_fit, _ = fit_topics(docs, vecs, stopwords=STOP, vectorizer={"min_df": 1}, word_floor=0.15, **fast(k=2))
    assert plain.topics == floored_fit.topics
    words_plain = " ".join(plain.info["top_words"])
    assert "sao_chổi" in words_plain or "cổ_phiếu_rác" in words_plain  # the story words rank high unfloored
    words = " ".join(floored_fit.info["top_words"])
    assert "sao_chổi" not in words and "cổ_phiếu_rác" not in words
    for shares in _shares_of_top_words(docs, floored_fit.topics, floored_fit.info).values():
        assert shares and min(shares) >= 0.15
    # every word of each group's vocabulary (seven, each in most of the group's units) is kept
    assert (floored_fit.info["top_words"].str.split().str.len() == 7).all()
    assert floored_fit.terms.equals(plain.terms)  # the theme stage's 50 terms are not floored


def test_lda_baseline_is_floored_the_same_way():
    docs, _, _ = _rare_word_corpus()
    plain = LDAModel(2, seed=0, stopwords=STOP, vectorizer={"min_df": 1}).fit(docs)
    fit = LDAModel(2, seed=0, stopwords=STOP, vectorizer={"min_df": 1}, word_floor=0.15).fit(docs)
    assert plain.topics == fit.topics
    for shares in _shares_of_top_words(docs, fit.topics, fit.info).values():
        assert shares and min(shares) >= 0.15
    # evaluate reads the baseline's words from its terms: they begin with the floored top words
    for t, row in fit.info.set_index("topic").iterrows():
        assert fit.terms[fit.terms["topic"] == t]["word"].head(10).tolist() == row.top_words.split()


def test_the_sweep_words_are_floored():
    docs, _, labels = _rare_word_corpus()
    cv = CountVectorizer(token_pattern=r"\S+", lowercase=False).fit(docs)
    counts = cv.transform(docs).tocsr()
    topics = [0 if lab == "science" else 1 for lab in labels]
    plain = class_words(counts, cv.get_feature_names_out(), topics, min_df=1)
    floored_words = class_words(counts, cv.get_feature_names_out(), topics, min_df=1, word_floor=0.15)
    assert "sao_chổi" in plain[0] and "sao_chổi" not in floored_words[0]
    assert "cổ_phiếu_rác" in plain[1] and "cổ_phiếu_rác" not in floored_words[1]
