"""Evaluate stage: validity metrics of the topic model beside an LDA baseline, into reports/metrics.json.

- NPMI coherence of each topic's top words, from document co-occurrence over the corpus's units;
- topic diversity: share of unique words among all topics' top words (Dieng et al. 2020);
- stability: adjusted Rand index between the assignments of refits with other seeds, and the largest spread of
  a topic's share across them (topics matched by their overlap);
- with a label field: NMI and ARI of topics against the labels;
- a model-size sweep (topics.clustering.method consensus): the refits' consensus cut at each k of
  evaluate.sweep_k, with stability (ARI between the refits), NPMI and diversity of each k's c-TF-IDF words, into
  reports/model_sweep.csv, so that the number of topics is a choice a reader can check, not a hidden one;
- LDA (pipeline.topicmodel's LDAModel) with the same vectoriser settings and number of topics, scored the same
  way;
- checks that a reviewer asks for: stopwords among the top words (should be 0), the share of multi-syllable
  words among them (segmentation at work), and the outlier shares before and after reduction, with the share
  a stricter reassignment rule would leave.
"""
from __future__ import annotations

import itertools
import time

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from pipeline import compute
from pipeline import io as pio
from pipeline import params as P
from pipeline import paths
from pipeline.topicmodel import MIN_CLUSTER_UNITS, LDAModel, encoder_for, from_params, top_words
from pipeline.topicmodel.base import floored, unit_shares
from pipeline.words import TOKEN_PATTERN, make_vectorizer, topic_stopwords

SWEEP_COLUMNS = ["k", "chosen", "refits", "n_topics_min", "stability_ari_mean", "stability_ari_min", "npmi",
                 "topic_diversity", "note"]


def npmi_coherence(topic_words: list[list[str]], documents: list[str]) -> tuple[float, list[float]]:
    """Mean NPMI over word pairs of each topic, P estimated from document co-occurrence; pairs never seen
    together score -1. Words absent from every document are skipped. Returns (mean over topics, per topic)."""
    return npmi_models([topic_words], documents)[0]


def npmi_models(models: list[list[list[str]]], documents: list[str]) -> list[tuple[float, list[float]]]:
    """npmi_coherence of several models' topic words with one pass over the documents (the model-size sweep
    scores 15 models; counting a large corpus once instead of 15 times)."""
    from sklearn.feature_extraction.text import CountVectorizer

    vocab = sorted({w for topic_words in models for words in topic_words for w in words})
    if not vocab:
        return [(float("nan"), []) for _ in models]
    cv = CountVectorizer(vocabulary=vocab, token_pattern=TOKEN_PATTERN, lowercase=True, binary=True)
    X = cv.transform(documents).tocsc().astype(np.float64)
    n = X.shape[0]
    index = {w: i for i, w in enumerate(vocab)}
    df = np.asarray(X.sum(axis=0)).ravel()
    co = (X.T @ X).toarray()
    return [_npmi(topic_words, index, df, co, n) for topic_words in models]


def _npmi(topic_words: list[list[str]], index: dict, df: np.ndarray, co: np.ndarray, n: int) -> tuple[float, list[float]]:
    scores = []
    for words in topic_words:
        ids = [index[w] for w in words if w in index and df[index[w]] > 0]
        pair_scores = []
        for i, j in itertools.combinations(ids, 2):
            p_ij = co[i, j] / n
            if p_ij == 0:
                pair_scores.append(-1.0)
                continue
            p_i, p_j = df[i] / n, df[j] / n
            pmi = np.log(p_ij / (p_i * p_j))
            denom = -np.log(p_ij)
            pair_scores.append(1.0 if denom == 0 else float(pmi / denom))
        if pair_scores:
            scores.append(float(np.mean(pair_scores)))
    return (float(np.mean(scores)) if scores else float("nan")), scores


def topic_diversity(topic_words: list[list[str]], top_n: int = 10) -> float:
    words = [w for ws in topic_words for w in ws[:top_n]]
    return len(set(words)) / len(words) if words else float("nan")


def label_agreement(assigned: list[int], labels: list) -> dict:
    mask = [lab is not None and lab == lab for lab in labels]
    a = [x for x, m in zip(assigned, mask) if m]
    y = [str(lab) for lab, m in zip(labels, mask) if m]
    if len(set(y)) < 2:
        return {}
    return {"nmi_label": float(normalized_mutual_info_score(y, a)), "ari_label": float(adjusted_rand_score(y, a))}


def word_checks(topic_words: list[list[str]], stopwords: list[str], top_n: int = 10) -> dict:
    """Stopwords among the top words (a count, should be 0) and the share of multi-syllable words (đổi_mới)."""
    words = [w for ws in topic_words for w in ws[:top_n]]
    stop = set(stopwords)
    return {"top_words_stopwords": int(sum(w in stop for w in words)),
            "top_words_multisyllable_share": (sum("_" in w for w in words) / len(words)) if words else float("nan")}


def matched_shares(reference: list[int], other: list[int]) -> dict[int, float]:
    """Share of the units in each reference topic's counterpart in `other`: topics matched one to one by the
    overlap of their units (Hungarian assignment); a reference topic left without a counterpart gets 0."""
    from scipy.optimize import linear_sum_assignment

    ref, oth = np.asarray(reference), np.asarray(other)
    r_ids, o_ids = sorted(set(ref.tolist()) - {-1}), sorted(set(oth.tolist()) - {-1})
    overlap = np.array([[np.sum((ref == r) & (oth == o)) for o in o_ids] for r in r_ids]).reshape(len(r_ids), len(o_ids))
    shares = {r: 0.0 for r in r_ids}
    for i, j in zip(*linear_sum_assignment(-overlap)) if overlap.size else ():
        shares[r_ids[i]] = float(np.mean(oth == o_ids[j]))
    return shares


def stability(assignments: list[list[int]]) -> dict:
    """ARI between every pair of runs (the reported run first, then the refits with other seeds), each run's
    number of topics, which shows a run that collapsed into a few topics, and how far the topic shares move:
    for each topic of the reported run, the largest minus the smallest share of its matched topic across runs."""
    pairs = [adjusted_rand_score(a, b) for a, b in itertools.combinations(assignments, 2)]
    if not pairs:
        return {}
    runs = [matched_shares(assignments[0], a) for a in assignments]
    spread = [max(r[t] for r in runs) - min(r[t] for r in runs) for t in runs[0]]
    return {"stability_ari_mean": float(np.mean(pairs)), "stability_ari_min": float(np.min(pairs)),
            "stability_n_topics": [len(set(a) - {-1}) for a in assignments],
            "stability_share_spread_max": float(max(spread)) if spread else 0.0}


def evaluate(tokens: list[str], topics: list[int], topic_words: dict[int, list[str]], labels: list | None, *,
             stopwords: list[str], vectorizer: dict, seed: int, top_n: int = 10, lda: bool = True,
             refits: list[list[int]] | None = None, word_floor: float = 0.0) -> dict:
    """Pure core: one run's assignments and topic words (+ refits with other seeds) -> metrics; the LDA baseline's
    words floored as the topic model's (topics.word_floor)."""
    words = [ws[:top_n] for t, ws in sorted(topic_words.items()) if t != -1]
    metrics: dict = {}
    metrics["npmi"], _ = npmi_coherence(words, tokens)
    metrics["topic_diversity"] = topic_diversity(words, top_n)
    metrics.update(word_checks(words, stopwords, top_n))
    if labels is not None:
        metrics.update(label_agreement(topics, labels))
    if refits:
        metrics.update(stability([topics, *refits]))
    if lda and len(tokens) < MIN_CLUSTER_UNITS:
        metrics["lda_skipped"] = f"{len(tokens)} units are fewer than the {MIN_CLUSTER_UNITS} a baseline is fitted on"
        lda = False
    if lda:
        try:
            baseline = LDAModel(len(words), seed=seed, stopwords=stopwords, vectorizer=vectorizer, top_n=top_n,
                                word_floor=word_floor).fit(tokens)
        except ValueError as exc:  # scikit-learn's "empty vocabulary": every word is a stopword or too rare
            if "empty vocabulary" not in str(exc):
                raise
            metrics["lda_skipped"] = "no word is left for LDA after stopwords and topics.vectorizer.min_df"
            return metrics
        # from the terms table (one word a row), so that an n-gram (ngram_max > 1) stays one word
        lda_words = [ws[:top_n] for _, ws in sorted(baseline.terms.groupby("topic")["word"].agg(list).items())]
        metrics["lda_npmi"], _ = npmi_coherence(lda_words, tokens)
        metrics["lda_topic_diversity"] = topic_diversity(lda_words, top_n)
        if labels is not None:
            metrics.update({f"lda_{k}": v for k, v in label_agreement(baseline.topics, labels).items()})
    return metrics


def class_words(counts, vocab: np.ndarray, labels: list[int], *, min_df: int = 2, max_df: float = 1.0,
                reduce_frequent_words: bool = True, top_n: int = 10, word_floor: float = 0.0) -> list[list[str]]:
    """Each cluster's top words by c-TF-IDF (BERTopic's ClassTfidfTransformer) from unit word counts; min_df and
    max_df count clusters, as BERTopic's vectoriser does (one document a topic); floored as the topic table's
    words (base.floored)."""
    from bertopic.vectorizers import ClassTfidfTransformer
    from scipy import sparse

    labels = np.asarray(labels)
    ids = sorted(set(labels.tolist()) - {-1})
    onehot = sparse.csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(max(ids) + 1, len(labels)))
    per_class = (onehot @ counts)[ids]
    df = np.asarray((per_class > 0).sum(axis=0)).ravel()
    keep = (df >= min(min_df, len(ids))) & (df <= (max_df * len(ids) if isinstance(max_df, float) else max_df))
    weights = ClassTfidfTransformer(reduce_frequent_words=reduce_frequent_words).fit_transform(per_class[:, keep])
    words = vocab[keep]
    share = unit_shares(counts[:, keep], labels, ids)
    out = []
    for r, row in enumerate(weights):
        dense = row.toarray().ravel()
        out.append([str(words[j]) for j in floored(np.argsort(-dense, kind="stable"), share[r], word_floor, top_n)
                    if dense[j] > 0])
    return out


def model_size_sweep(tokens: list[str], partitions: list[dict[int, list[int]]], *, stopwords: list[str],
                     vectorizer: dict, reduce_frequent_words: bool = True, top_n: int = 10,
                     chosen_k: int | None = None, word_floor: float = 0.0) -> pd.DataFrame:
    """Pure core: per k, the refits' partitions (one dict k -> labels per refit) -> stability between them (ARI
    mean and minimum over pairs), and the mean NPMI and diversity of their c-TF-IDF words."""
    ks = sorted(set.intersection(*(set(p) for p in partitions))) if partitions else []
    if not ks:
        return pd.DataFrame(columns=SWEEP_COLUMNS)
    cv = make_vectorizer(stopwords, min_df=1, max_df=1.0, ngram_max=vectorizer.get("ngram_max", 1))
    counts = cv.fit_transform(tokens).tocsr()
    vocab = cv.get_feature_names_out()
    words = {k: [class_words(counts, vocab, p[k], min_df=vectorizer.get("min_df", 2),
                             max_df=vectorizer.get("max_df", 1.0), reduce_frequent_words=reduce_frequent_words,
                             top_n=top_n, word_floor=word_floor) for p in partitions] for k in ks}
    npmi = iter(npmi_models([w for k in ks for w in words[k]], tokens))
    rows = []
    for k in ks:
        runs = [p[k] for p in partitions]
        pairs = [adjusted_rand_score(a, b) for a, b in itertools.combinations(runs, 2)]
        rows.append({"k": k, "chosen": k == chosen_k, "refits": len(runs),
                     "n_topics_min": min(len(set(r)) for r in runs),
                     "stability_ari_mean": float(np.mean(pairs)) if pairs else float("nan"),
                     "stability_ari_min": float(np.min(pairs)) if pairs else float("nan"),
                     "npmi": float(np.nanmean([next(npmi)[0] for _ in runs])),
                     "topic_diversity": float(np.mean([topic_diversity(w, top_n) for w in words[k]])), "note": ""})
    return pd.DataFrame(rows, columns=SWEEP_COLUMNS)


def refit(seeds: list[int], params, units: pd.DataFrame, embeddings: np.ndarray,
          sweep: list[int] | None = None) -> list[tuple[list[int], dict[int, list[int]]]]:
    """The run's topic model refitted with each seed: (assignments, consensus cuts k -> labels) per seed. Module
    level so that the refits can run in parallel processes (compute.run_chunks); the embedder for guided mode is
    made in the process that uses it."""
    encode = encoder_for(params)
    out = []
    for seed in seeds:
        fit = from_params(params, units, embeddings, seed=seed, encode=encode, sweep=sweep)
        out.append((list(fit.topics), fit.partitions or {}))
    return out


def refits(params, units: pd.DataFrame, embeddings: np.ndarray, seeds: list[int], sweep: list[int] | None = None,
           workers: int = 0) -> list[tuple[list[int], dict[int, list[int]]]]:
    """refit over `workers` processes (0 = all cores), one seed a task, in the order of seeds (the refits were
    evaluate's largest cost at 20,000 units; on a busy 2-core machine the gain was not measurable, since UMAP and
    scikit-learn already use both cores part of the time). The workers start fresh (forkserver): UMAP and
    scikit-learn use OpenMP, which a forked child cannot. The result equals the serial one (each refit is
    seeded; tests/test_topics.py)."""
    done = dict(compute.run_chunks(refit, [[s] for s in seeds], workers=workers,
                                   kwargs={"params": params, "units": units, "embeddings": embeddings, "sweep": sweep},
                                   fresh=True))
    return [done[i][0] for i in range(len(seeds))]


def _json_number(v):
    """Floats rounded for stable diffs; NaN (e.g. no outliers to describe) as null, which JSON can hold."""
    if isinstance(v, float):
        return None if v != v else round(v, 6)
    return v


def main(argv: list[str] | None = None) -> None:
    ws = paths.stage_args("evaluate", argv)
    params = P.load(ws.params_file)
    articles, units, assignments, info, fit, (_, embeddings) = ws.read(
        paths.ARTICLES, paths.UNITS, paths.TOPIC_ASSIGNMENTS, paths.TOPIC_INFO, paths.TOPIC_FIT, paths.EMBEDDINGS)
    ev = params["evaluate"]
    stop = topic_stopwords(params)
    started = time.time()
    small = fit.get("small_corpus") or {}
    clustering = params["topics"]["clustering"]
    sweep_k = list(ev["sweep_k"]) if clustering["method"] == "consensus" else []
    fits = (refits(params, units[["unit_id", "tokens"]], embeddings, list(ev["stability_seeds"]), sweep_k,
                   P.get(params, "evaluate.workers", 0)) if not small.get("fallback") else [])
    labels = None
    if articles["label"].notna().any():
        by_article = dict(zip(articles["article_id"], articles["label"]))
        labels = [by_article.get(a) for a in units["article_id"]]
    topic_words = top_words(info)
    metrics = evaluate(units["tokens"].tolist(), assignments["topic"].tolist(), topic_words, labels,
                       stopwords=stop, vectorizer=params["topics"]["vectorizer"], seed=params["topics"]["seed"],
                       top_n=ev["npmi_top_n"], lda=ev["lda"], refits=[topics for topics, _ in fits],
                       word_floor=P.get(params, "topics.word_floor", 0.0))
    metrics.update({
        "n_articles": int(len(articles)), "n_units": int(len(units)), "n_topics": int(fit["n_topics"]),
        "outlier_share": fit["outlier_share"], "outlier_share_before_reduction": fit["outlier_share_before_reduction"],
        **{k: fit[k] for k in ("outlier_share_strict", "outlier_strict_quantile", "reassigned_similarity_median",
                                "member_similarity_median", "outlier_strategy", "outlier_threshold") if k in fit},
        "stability_seeds": list(ev["stability_seeds"]),
    })
    if small.get("fallback") and ev["stability_seeds"]:  # a single topic is the same under every seed
        metrics["stability_skipped"] = f"not measured: {small['reason']}"
    for key in ("stability_skipped", "lda_skipped"):
        if key in metrics:
            print(f"evaluate: {key.split('_')[0]} {metrics[key]}")
    sweep = model_size_sweep(units["tokens"].tolist(), [cuts for _, cuts in fits if cuts], stopwords=stop,
                             vectorizer=params["topics"]["vectorizer"],
                             reduce_frequent_words=params["topics"]["reduce_frequent_words"], top_n=ev["npmi_top_n"],
                             chosen_k=clustering["k"] if isinstance(clustering["k"], int) else None,
                             word_floor=P.get(params, "topics.word_floor", 0.0))
    if sweep.empty:
        why = ("topics.clustering.method is hdbscan: the sweep cuts a consensus at each k (method: consensus)"
               if not sweep_k else "no refits (evaluate.stability_seeds, or a one-topic corpus)")
        sweep = pd.DataFrame([{c: None for c in SWEEP_COLUMNS} | {"note": f"not measured: {why}"}], columns=SWEEP_COLUMNS)
    pio.write_csv(ws / paths.MODEL_SWEEP, sweep.round(4))
    pio.write_json(ws / paths.METRICS, {k: _json_number(v) for k, v in metrics.items()})
    print(f"evaluate: npmi {metrics['npmi']:.3f} (LDA {metrics.get('lda_npmi', float('nan')):.3f}); "
          f"nmi {metrics.get('nmi_label', float('nan')):.3f} (LDA {metrics.get('lda_nmi_label', float('nan')):.3f}); "
          f"{time.time() - started:.0f}s")


if __name__ == "__main__":
    main()
