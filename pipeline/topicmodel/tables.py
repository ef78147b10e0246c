"""What a fitted BERTopic model says, as tables: outlier diagnostics, the topic hierarchy, the topic table and the
c-TF-IDF terms the themes stage scores (recomputed without guided mode's boost of codebook words)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.topicmodel.base import HIERARCHY_COLUMNS, INFO_COLUMNS, TERM_COLUMNS, floored, unit_shares


def outlier_diagnostics(embeddings: np.ndarray, before: list[int], after: list[int], centroids: np.ndarray,
                        strict_quantile: float = 0.05) -> tuple[dict, np.ndarray]:
    """How far the reassigned outliers are from their topics, and the outlier share a stricter rule would leave.

    Strict rule: an outlier joins its nearest topic only if it is at least as close to the topic's centroid as
    the `strict_quantile` quantile of the units HDBSCAN put there itself. Relative to each topic, so it does not
    depend on how an embedding model spreads its cosine similarities (e5 puts nearly all of them in 0.85-0.97).
    Returns (summary, per-unit cosine similarity to the centroid of its final topic; NaN for outliers).
    """
    from sklearn.metrics.pairwise import cosine_similarity

    before, after = np.asarray(before), np.asarray(after)
    n = len(before)
    similarity = np.full(n, np.nan)
    summary = {"outlier_strict_quantile": float(strict_quantile), "outlier_share_strict": float(np.mean(before == -1)) if n else 0.0}
    k = centroids.shape[0]
    if n == 0 or k == 0 or len(before) != len(after):
        return summary, similarity
    sim = cosine_similarity(embeddings, centroids)
    valid = (after >= 0) & (after < k)
    similarity[valid] = sim[np.flatnonzero(valid), after[valid]]
    members = before >= 0
    floors = np.full(k, np.inf)
    for t in range(k):
        own = sim[members & (before == t), t]
        if own.size:
            floors[t] = np.quantile(own, strict_quantile)
    outlier_ids = np.flatnonzero(before == -1)
    nearest = sim[outlier_ids].argmax(axis=1) if outlier_ids.size else np.array([], dtype=int)
    kept_out = int(np.sum(sim[outlier_ids, nearest] < floors[nearest])) if outlier_ids.size else 0
    reassigned = (before == -1) & valid
    summary.update({
        "outlier_share_strict": kept_out / n,
        "member_similarity_median": float(np.median(sim[np.flatnonzero(members), before[members]])) if members.any() else float("nan"),
        "reassigned_similarity_min": float(np.min(similarity[reassigned])) if reassigned.any() else float("nan"),
        "reassigned_similarity_median": float(np.median(similarity[reassigned])) if reassigned.any() else float("nan"),
    })
    return summary, similarity


def topic_hierarchy(model, tokens: list[str], topics: list[int]) -> pd.DataFrame:
    """BERTopic's hierarchy of the final topics as edges: parent, child, distance (ward linkage on c-TF-IDF).

    Leaves are topic ids; merged nodes get ids from n_topics upwards, as in BERTopic. child_topics lists the
    topics under a child; parent_words are the top c-TF-IDF words of the merged topics.
    """
    real = sorted(set(topics) - {-1})
    if len(real) < 2:
        return pd.DataFrame(columns=HIERARCHY_COLUMNS)
    import contextlib
    import io as _io

    with contextlib.redirect_stderr(_io.StringIO()):  # tqdm progress bar
        tree = model.hierarchical_topics(tokens)
    from bertopic.vectorizers import ClassTfidfTransformer
    from scipy.sparse import csr_matrix

    counts, vocab, ids = topic_counts(model, tokens, topics)
    ctfidf = ClassTfidfTransformer(reduce_frequent_words=model.ctfidf_model.reduce_frequent_words).fit(counts)
    rows = []
    for r in tree.itertuples(index=False):
        under = [ids.index(int(t)) for t in r.Topics if int(t) in ids]
        weight = ctfidf.transform(csr_matrix(counts[under].sum(axis=0))).toarray().ravel()
        words = " ".join(vocab[i] for i in np.argsort(-weight, kind="stable")[:5] if weight[i] > 0)
        for child in (r.Child_Left_ID, r.Child_Right_ID):
            child = int(child)
            rows.append({"parent": int(r.Parent_ID), "child": child, "distance": float(r.Distance),
                         "child_is_topic": child < len(real), "parent_words": words,
                         "child_topics": " ".join(str(t) for t in _leaves(tree, child, len(real)))})
    out = pd.DataFrame(rows, columns=HIERARCHY_COLUMNS)
    return out.sort_values(["parent", "child"], kind="stable").reset_index(drop=True)


def _leaves(tree: pd.DataFrame, node: int, n_topics: int) -> list[int]:
    if node < n_topics:
        return [node]
    row = tree[tree["Parent_ID"].astype(int) == node].iloc[0]
    return sorted(int(t) for t in row["Topics"])


def topic_table(model, topics: list[int], tokens: list[str] | None = None, word_floor: float = 0.0,
                top_n: int = 10) -> pd.DataFrame:
    """One row a topic: its size, top words and weights (BERTopic's c-TF-IDF, with guided mode's boost), the
    representation model's words and a label; with word_floor > 0 the top words are those of the c-TF-IDF ranking
    that occur in at least that share of the topic's units (base.floored)."""
    sizes = pd.Series(topics).value_counts()
    floor_words = _floored_words(model, topics, tokens, word_floor, top_n) if word_floor > 0 and tokens else {}
    rows = []
    for topic in sorted(set(topics)):
        # a topic none of whose words reaches the floor keeps c-TF-IDF's ranking as it is
        words = floor_words.get(topic) or model.get_topic(topic) or []
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
    return pd.DataFrame(rows, columns=INFO_COLUMNS)


def _floored_words(model, topics: list[int], tokens: list[str], floor: float, n: int) -> dict[int, list[tuple[str, float]]]:
    """topic -> (word, c-TF-IDF weight) of its ranking (the fitted model's c_tf_idf_ rows), floored (base.floored)."""
    vec = model.vectorizer_model
    vocab = vec.get_feature_names_out()
    ids = sorted(set(topics))
    share = unit_shares(vec.transform(tokens), topics, ids)
    matrix = model.c_tf_idf_.toarray()
    out = {}
    for r, topic in enumerate(ids):
        row = matrix[topic + model._outliers]
        keep = floored(np.argsort(-row, kind="stable"), share[r], floor, n)
        out[topic] = [(str(vocab[i]), float(row[i])) for i in keep if row[i] > 0]
    return out


def topic_counts(model, tokens: list[str], topics: list[int]):
    """Word counts of each topic (one concatenated document a topic, as BERTopic builds them) in the fitted
    vectoriser's vocabulary: (sparse topics x words, vocabulary, topic ids in row order)."""
    ids = sorted(set(topics))
    docs = pd.DataFrame({"doc": tokens, "topic": topics}).groupby("topic", sort=True)["doc"].agg(" ".join)
    counts = model.vectorizer_model.transform([docs[t] for t in ids]).tocsr()
    return counts, model.vectorizer_model.get_feature_names_out(), ids


def topic_terms(model, tokens: list[str], topics: list[int], n: int = 50) -> pd.DataFrame:
    """The n highest c-TF-IDF words of each topic with their weights (theme scoring looks past the top 10).

    Recomputed with the model's c-TF-IDF settings but without guided mode's 1.2 boost of codebook words, so
    that the themes stage does not score topics on weights the codebook itself inflated.
    """
    from bertopic.vectorizers import ClassTfidfTransformer

    counts, vocab, ids = topic_counts(model, tokens, topics)
    ctfidf = ClassTfidfTransformer(reduce_frequent_words=model.ctfidf_model.reduce_frequent_words,
                                   bm25_weighting=model.ctfidf_model.bm25_weighting)
    matrix = ctfidf.fit_transform(counts).toarray()
    rows = []
    for topic, row in zip(ids, matrix):
        for rank, i in enumerate(np.argsort(-row, kind="stable")[:n], start=1):
            if row[i] > 0:
                rows.append({"topic": int(topic), "rank": rank, "word": str(vocab[i]), "weight": float(row[i])})
    return pd.DataFrame(rows, columns=TERM_COLUMNS)
