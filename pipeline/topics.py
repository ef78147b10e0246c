"""Topics stage: BERTopic over precomputed embeddings of the cleaned text, with c-TF-IDF over segmented words.

- language="multilingual" (the English default strips Vietnamese letters) and embeddings are always passed;
- the CountVectorizer sees the segmented text (đổi_mới_sáng_tạo) with Vietnamese stopwords; BERTopic fits
  it on one concatenated document per topic, so its min_df counts topics, not documents;
- UMAP and HDBSCAN are seeded from topics.seed; outliers (-1) are reassigned by topics.outliers;
- with topics.guided the theme codebook seeds the topics (BERTopic's guided mode);
- the fitted model is saved with safetensors, never pickle.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline import io as pio
from pipeline import params as P
from pipeline.text import stopword_list

TOKEN_PATTERN = r"(?u)\b[^\W\d_][\w]+\b"  # a word starts with a letter: drops numbers, keeps đổi_mới


class WordEmbedder:
    """Adapter giving BERTopic our embedder (guided seeds, MMR/KeyBERT) with segmentation underscores undone."""

    def __init__(self, encode):
        from bertopic.backend import BaseEmbedder

        class _Adapter(BaseEmbedder):
            def embed(self, documents, verbose=False):
                return encode([d.replace("_", " ") for d in documents])

        self.backend = _Adapter()


@dataclass
class TopicResult:
    topics: list[int]                    # per unit, after outlier reduction
    topics_before: list[int]             # per unit, HDBSCAN's own assignment
    info: pd.DataFrame                   # one row a topic: topic, size, top_words, weights, representation, label
    model: object = None
    extras: dict = field(default_factory=dict)

    @property
    def outlier_share_before(self) -> float:
        return float(np.mean(np.asarray(self.topics_before) == -1)) if self.topics_before else 0.0

    @property
    def outlier_share(self) -> float:
        return float(np.mean(np.asarray(self.topics) == -1)) if self.topics else 0.0


def make_vectorizer(stopwords: list[str], min_df: int = 2, max_df: float = 1.0, ngram_max: int = 1):
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(stop_words=stopwords or None, token_pattern=TOKEN_PATTERN, lowercase=True,
                           min_df=min_df, max_df=max_df, ngram_range=(1, ngram_max))


def default_models(n_docs: int, seed: int, umap: dict, hdbscan: dict):
    """UMAP and HDBSCAN as configured, shrunk where the corpus is smaller than the settings assume."""
    from hdbscan import HDBSCAN
    from umap import UMAP

    n_neighbors = max(2, min(umap.get("n_neighbors", 15), n_docs - 1))
    n_components = max(2, min(umap.get("n_components", 5), n_docs - 2))
    umap_model = UMAP(n_neighbors=n_neighbors, n_components=n_components, min_dist=umap.get("min_dist", 0.0),
                      metric=umap.get("metric", "cosine"), random_state=seed, low_memory=True)
    min_cluster = max(2, min(hdbscan.get("min_cluster_size", 10), n_docs // 3))
    min_samples = max(1, min(hdbscan.get("min_samples", 5) or min_cluster, min_cluster))
    hdbscan_model = HDBSCAN(min_cluster_size=min_cluster, min_samples=min_samples, metric="euclidean",
                            cluster_selection_method="eom", prediction_data=True)
    return umap_model, hdbscan_model


def _representation(kind: str, seed: int):
    from bertopic.representation import KeyBERTInspired, MaximalMarginalRelevance

    if kind == "mmr":
        return {"MMR": MaximalMarginalRelevance(diversity=0.3, top_n_words=10)}
    if kind == "keybert":
        return {"KeyBERT": KeyBERTInspired(top_n_words=10, random_state=seed)}
    return None


def fit_topics(tokens: list[str], embeddings: np.ndarray, *, seed: int = 42, stopwords: list[str] | None = None,
               vectorizer: dict | None = None, umap: dict | None = None, hdbscan: dict | None = None,
               top_n_words: int = 10, reduce_frequent_words: bool = True, representation: str = "none",
               outliers: dict | None = None, nr_topics: int | None = None, seed_topic_list: list[list[str]] | None = None,
               encode=None, umap_model=None, hdbscan_model=None, fit_sample: int | None = None) -> TopicResult:
    """Pure core: segmented texts + their embeddings -> topic per unit and a topic table.

    `encode` (list[str] -> array) gives BERTopic an embedder for guided seeds and representation models;
    without it both are skipped. umap_model/hdbscan_model override the seeded defaults (fast models in tests).
    fit_sample = N fits UMAP/HDBSCAN on a seeded sample of N units and assigns the rest with model.transform
    (for corpora too large for one fit); topic words are then computed over every unit.
    """
    from bertopic import BERTopic
    from bertopic.vectorizers import ClassTfidfTransformer

    vec = vectorizer or {}
    outliers = outliers or {"strategy": "none"}
    n = len(tokens)
    sample = np.sort(np.random.default_rng(seed).choice(n, fit_sample, replace=False)) if fit_sample and n > fit_sample else None
    if umap_model is None or hdbscan_model is None:
        u, h = default_models(n if sample is None else len(sample), seed, umap or {}, hdbscan or {})
        umap_model, hdbscan_model = umap_model or u, hdbscan_model or h
    backend = WordEmbedder(encode).backend if encode else None
    model = BERTopic(
        language="multilingual", embedding_model=backend, umap_model=umap_model, hdbscan_model=hdbscan_model,
        vectorizer_model=make_vectorizer(stopwords or [], vec.get("min_df", 2), vec.get("max_df", 1.0), vec.get("ngram_max", 1)),
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=reduce_frequent_words),
        representation_model=_representation(representation, seed) if encode else None,
        top_n_words=top_n_words, nr_topics=nr_topics, calculate_probabilities=False,
        seed_topic_list=seed_topic_list if (seed_topic_list and encode) else None, verbose=False)
    # BERTopic's guided mode edits the embeddings in place
    if sample is None:
        topics_before, _ = model.fit_transform(tokens, embeddings=np.array(embeddings, dtype=np.float32, copy=True))
    else:
        emb = np.asarray(embeddings, dtype=np.float32)
        rest = np.setdiff1d(np.arange(n), sample)
        model.fit([tokens[i] for i in sample], embeddings=emb[sample].copy())
        assigned = np.empty(n, dtype=int)
        assigned[sample] = model.topics_
        assigned[rest], _ = model.transform([tokens[i] for i in rest], embeddings=emb[rest])
        topics_before = [int(t) for t in assigned]
    topics = list(topics_before)
    strategy = outliers.get("strategy", "none")
    if strategy != "none" and -1 in topics and len(set(topics) - {-1}) > 0:
        topics = model.reduce_outliers(tokens, topics, strategy=strategy, embeddings=embeddings,
                                       threshold=outliers.get("threshold", 0.0))
        model.update_topics(tokens, topics=topics, top_n_words=top_n_words, vectorizer_model=model.vectorizer_model,
                            ctfidf_model=model.ctfidf_model, representation_model=model.representation_model)
    elif sample is not None:  # topic words over every unit, not only the sample
        model.update_topics(tokens, topics=topics, top_n_words=top_n_words, vectorizer_model=model.vectorizer_model,
                            ctfidf_model=model.ctfidf_model, representation_model=model.representation_model)
    topics = [int(t) for t in topics]
    return TopicResult(topics=topics, topics_before=[int(t) for t in topics_before],
                       info=topic_table(model, topics), model=model)


def topic_table(model, topics: list[int]) -> pd.DataFrame:
    sizes = pd.Series(topics).value_counts()
    rows = []
    for topic in sorted(set(topics)):
        words = model.get_topic(topic) or []
        aspects = {name: [w for w, _ in (model.topic_aspects_.get(name, {}).get(topic) or []) if w]
                   for name in (getattr(model, "topic_aspects_", None) or {})}
        top = [w for w, _ in words if w]
        rows.append({
            "topic": int(topic), "size": int(sizes.get(topic, 0)),
            "top_words": " ".join(top),
            "weights": " ".join(f"{s:.4f}" for w, s in words if w),
            "representation": " ".join(next(iter(aspects.values()), [])) if aspects else "",
            "label": "outliers" if topic == -1 else f"{topic}: " + ", ".join(top[:3]),
        })
    return pd.DataFrame(rows, columns=["topic", "size", "top_words", "weights", "representation", "label"])


def topic_terms(model, topics: list[int], n: int = 50) -> pd.DataFrame:
    """The n highest c-TF-IDF words of each topic with their weights (theme scoring looks past the top 10)."""
    vocab = model.vectorizer_model.get_feature_names_out()
    matrix = model.c_tf_idf_.toarray() if hasattr(model.c_tf_idf_, "toarray") else np.asarray(model.c_tf_idf_)
    rows = []
    for topic in sorted(set(topics)):
        row = matrix[topic + model._outliers]
        for rank, i in enumerate(np.argsort(-row, kind="stable")[:n], start=1):
            if row[i] > 0:
                rows.append({"topic": int(topic), "rank": rank, "word": str(vocab[i]), "weight": float(row[i])})
    return pd.DataFrame(rows, columns=["topic", "rank", "word", "weight"])


def seed_topics_from_themes(themes: dict[str, list[str]], tokenize) -> list[list[str]]:
    """The codebook's keywords in the vectorizer's form (segmented, lowercased), one list a theme."""
    out = []
    for words in themes.values():
        seg = [t.lower() for t in tokenize(words)]
        out.append([w for w in dict.fromkeys(seg) if w])
    return out


def save_model(model, path: str | Path) -> None:
    """safetensors directory, written beside the target and swapped in, so a killed run leaves none half-written."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save(str(tmp), serialization="safetensors", save_ctfidf=True, save_embedding_model=False)
    shutil.rmtree(target, ignore_errors=True)
    os.replace(tmp, target)


def encoder_for(params: dict):
    """The run's per-document embedder as a function, or None for the corpus-relative tfidf backend."""
    from pipeline.embed import make_embedder

    e = params["embedding"]
    if e["backend"] == "tfidf":
        return None
    return make_embedder(e["backend"], e.get("model")).encode


def run_from_params(params: dict, units: pd.DataFrame, embeddings: np.ndarray, seed: int | None = None,
                    encode=None) -> TopicResult:
    """fit_topics with the settings of params.yaml (shared by the topics and evaluate stages)."""
    from pipeline.segment import tokenize_texts

    t = params["topics"]
    seg = params["segment"]
    stop = stopword_list(seg["stopwords"]["source"], seg["stopwords"].get("extra"))
    seeds = None
    if t.get("guided") and encode is not None:
        seeds = seed_topics_from_themes(params["themes"], lambda ws: tokenize_texts(ws, seg["dictionary"]))
    return fit_topics(units["tokens"].tolist(), embeddings, seed=t["seed"] if seed is None else seed, stopwords=stop,
                      vectorizer=t["vectorizer"], umap=t["umap"], hdbscan=t["hdbscan"], top_n_words=t["top_n_words"],
                      reduce_frequent_words=t["reduce_frequent_words"], representation=t["representation"],
                      outliers=t["outliers"], nr_topics=t.get("nr_topics"), seed_topic_list=seeds, encode=encode,
                      fit_sample=t.get("fit_sample"))


def main() -> None:
    from pipeline.embed import load_embeddings

    params = P.load()
    units = pio.read_parquet("data/interim/units.parquet")
    unit_ids, embeddings = load_embeddings("data/processed/embeddings.npz")
    if unit_ids != units["unit_id"].tolist():
        raise SystemExit("topics: data/processed/embeddings.npz does not match data/interim/units.parquet; run `dvc repro`")
    result = run_from_params(params, units, embeddings, encode=encoder_for(params))
    assignments = pd.DataFrame({"unit_id": units["unit_id"], "article_id": units["article_id"],
                                "topic": result.topics, "topic_before_outlier_reduction": result.topics_before})
    pio.write_parquet("data/processed/topic_assignments.parquet", assignments)
    pio.write_parquet("data/processed/topic_info.parquet", result.info)
    pio.write_parquet("data/processed/topic_terms.parquet", topic_terms(result.model, result.topics))
    pio.write_json("data/processed/topic_fit.json", {
        "n_units": len(units), "n_topics": int((result.info["topic"] >= 0).sum()),
        "outlier_share_before_reduction": result.outlier_share_before, "outlier_share": result.outlier_share,
        "outlier_strategy": params["topics"]["outliers"]["strategy"],
    })
    save_model(result.model, "data/processed/topic_model")
    print(f"topics: {int((result.info['topic'] >= 0).sum())} topics; outliers {result.outlier_share_before:.1%} -> {result.outlier_share:.1%}")


if __name__ == "__main__":
    main()
