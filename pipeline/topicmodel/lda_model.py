"""LDA (scikit-learn), the baseline the evaluate stage sets beside the topic model, behind the same interface.

It sees the same segmented texts with the same stopwords and vectoriser settings, but counts per document
(min_df counts documents here, not topics as in BERTopic's c-TF-IDF), ignores the embeddings and has no
outliers: each unit takes its most probable topic. Saved as safetensors + JSON, never pickle.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline import io as pio
from pipeline.topicmodel.base import INFO_COLUMNS, TERM_COLUMNS, TopicFit, TopicModel, floored, unit_shares
from pipeline.words import make_vectorizer, topic_stopwords


class LDAModel(TopicModel):
    """n_topics components (at least 2); top_n words a topic in the info table, terms_per_topic in the terms."""

    kind = "lda"

    def __init__(self, n_topics: int, *, seed: int = 42, stopwords: list[str] | None = None,
                 vectorizer: dict | None = None, top_n: int = 10, terms_per_topic: int = 50, max_iter: int = 50,
                 word_floor: float = 0.0):
        self.n_topics, self.seed, self.stopwords = max(2, n_topics), seed, list(stopwords or [])
        self.vectorizer, self.top_n, self.terms_per_topic, self.max_iter = dict(vectorizer or {}), top_n, terms_per_topic, max_iter
        self.word_floor = word_floor  # base.floored, as the topic model's words (topics.word_floor)
        self.vocabulary: list[str] = []
        self.components: np.ndarray | None = None

    @classmethod
    def from_params(cls, params, *, n_topics: int, seed: int | None = None, top_n: int = 10) -> LDAModel:
        """LDA with the topic model's stopwords, vectoriser and seed; n_topics usually the topic model's count."""
        t = params["topics"]
        return cls(n_topics, seed=t["seed"] if seed is None else seed, stopwords=topic_stopwords(params),
                   vectorizer=dict(t["vectorizer"]), top_n=top_n, word_floor=float(t.get("word_floor") or 0.0))

    def fit(self, tokens: list[str], embeddings: np.ndarray | None = None) -> TopicFit:
        from sklearn.decomposition import LatentDirichletAllocation

        v = self.vectorizer
        # min_df capped at half the documents, so that a small corpus still leaves a vocabulary
        vec = make_vectorizer(self.stopwords, min(v.get("min_df", 2), max(1, len(tokens) // 2)),
                              v.get("max_df", 1.0), v.get("ngram_max", 1))
        X = vec.fit_transform(tokens)
        lda = LatentDirichletAllocation(n_components=self.n_topics, random_state=self.seed, learning_method="batch",
                                        max_iter=self.max_iter)
        doc_topic = lda.fit_transform(X)
        self.vocabulary = [str(w) for w in vec.get_feature_names_out()]
        self.components = lda.components_
        topics = [int(t) for t in doc_topic.argmax(axis=1)]
        weights = lda.components_ / lda.components_.sum(axis=1, keepdims=True)  # P(word | topic)
        # argsort reversed, not a stable descending sort: the word order LDA's baseline has always reported
        order = [comp.argsort()[::-1] for comp in lda.components_]
        sizes = np.bincount(topics, minlength=self.n_topics) if topics else np.zeros(self.n_topics, dtype=int)
        info, terms = [], []
        share = unit_shares(X, topics, list(range(self.n_topics)))  # topic = each unit's most probable one
        for t, idx in enumerate(order):
            first = floored(idx, share[t], self.word_floor, self.top_n)
            top = [self.vocabulary[i] for i in first]
            info.append({"topic": t, "size": int(sizes[t]), "top_words": " ".join(top),
                         "weights": " ".join(f"{weights[t, i]:.4f}" for i in first),
                         "representation": "", "label": f"{t}: " + ", ".join(top[:3])})
            terms += [{"topic": t, "rank": rank, "word": self.vocabulary[i], "weight": float(weights[t, i])}
                      for rank, i in enumerate(floored(idx, share[t], self.word_floor, self.terms_per_topic), start=1)]
        # similarity: the unit's share of its own topic (LDA's counterpart of closeness to a centroid)
        similarity = doc_topic[np.arange(len(topics)), topics] if topics else np.array([])
        return TopicFit(topics=topics, topics_before=list(topics), similarity=similarity,
                        info=pd.DataFrame(info, columns=INFO_COLUMNS), terms=pd.DataFrame(terms, columns=TERM_COLUMNS),
                        vocabulary=list(self.vocabulary))

    def save(self, path: str | Path) -> None:
        """components (topics x words) as safetensors, vocabulary and settings as JSON, swapped in whole."""
        from safetensors.numpy import save_file

        if self.components is None:
            raise RuntimeError("LDAModel.save: nothing fitted yet; call fit first")
        with pio.atomic_dir(path) as tmp:
            save_file({"components": np.ascontiguousarray(self.components)}, str(tmp / "components.safetensors"))
            (tmp / "vocabulary.json").write_text(json.dumps(self.vocabulary, ensure_ascii=False), encoding="utf-8")
            settings = {"n_topics": self.n_topics, "seed": self.seed, "vectorizer": self.vectorizer,
                        "stopwords": self.stopwords, "max_iter": self.max_iter}
            (tmp / "config.json").write_text(json.dumps(settings, ensure_ascii=False, indent=2), encoding="utf-8")
