"""Topics stage: fit the run's topic model (pipeline.topicmodel; BERTopic as params.yaml sets it) on the units'
precomputed embeddings and segmented text, and write what later stages read.

Outputs: per-unit assignments (before and after outlier reduction, with similarity to the topic), the topic
table, the c-TF-IDF terms the themes stage scores, the hierarchy (empty when topics.hierarchy is off: it is a
declared output), a fit summary (outlier shares, codebook keywords the model cannot see) and the saved model.
The model itself lives in pipeline.topicmodel, so that evaluate can refit it without importing this stage.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline import io as pio
from pipeline import codebook, paths
from pipeline import params as P
from pipeline.topicmodel import HIERARCHY_COLUMNS, CorpusTooSmall, encoder_for, make_model
from pipeline.topicmodel.clustering import NeighboursError
from pipeline.words import keyword_tokenizer, topic_stopwords


def _finite(record: dict) -> dict:
    """NaN (nothing to describe, e.g. no outliers) as null: JSON has no NaN."""
    return {k: (None if isinstance(v, float) and v != v else v) for k, v in record.items()}


def small_corpus_notes(small: dict) -> list[str]:
    """One line a setting the corpus's size changed, and one for a fallback to a single topic."""
    lines = [f"{small['n_units']} units are few for {key} {v['configured']}: used {v['used']} (set it in "
             "params.yaml to choose another)" for key, v in (small.get("adapted") or {}).items()]
    return lines + ([small["reason"]] if small.get("fallback") else [])


def main(argv: list[str] | None = None) -> None:
    ws = paths.stage_args("topics", argv)
    params = P.load(ws.params_file)
    units, (unit_ids, embeddings) = ws.read(paths.UNITS, paths.EMBEDDINGS)
    if unit_ids != units["unit_id"].tolist():
        raise SystemExit(f"topics: {paths.EMBEDDINGS} does not match {paths.UNITS}; run `dvc repro`")
    t = dict(params["topics"])  # a plain mapping or a pydantic section alike
    model = make_model("bertopic", params, encode=encoder_for(params), hierarchy=bool(t.get("hierarchy")))
    try:
        fit = model.fit(units["tokens"].tolist(), embeddings)
    except (CorpusTooSmall, NeighboursError) as exc:
        raise SystemExit(f"topics: {exc}") from None
    except ValueError as exc:  # scikit-learn's vectoriser: nothing left to count
        if "empty vocabulary" not in str(exc):
            raise
        raise SystemExit(f"topics: no word is left for topic words in {len(units)} units: every word is a stopword "
                         "or filtered out (segment.stopwords, segment.pos_filter); check them and data/interim/units.parquet's "
                         "tokens") from None
    before = np.asarray(fit.topics_before)
    assignments = pd.DataFrame({"unit_id": units["unit_id"], "article_id": units["article_id"],
                                "topic": fit.topics, "topic_before_outlier_reduction": fit.topics_before,
                                "reassigned": (before == -1) & (np.asarray(fit.topics) != -1),
                                "topic_similarity": np.round(fit.similarity, 6)})
    pio.write_parquet(ws / paths.TOPIC_ASSIGNMENTS, assignments)
    pio.write_parquet(ws / paths.TOPIC_INFO, fit.info)
    pio.write_parquet(ws / paths.TOPIC_TERMS, fit.terms)
    pio.write_csv(ws / paths.TOPIC_HIERARCHY,
                  fit.hierarchy if fit.hierarchy is not None else pd.DataFrame(columns=HIERARCHY_COLUMNS))
    themes = dict(params["themes"])
    coverage = codebook.coverage(codebook.keywords(themes, keyword_tokenizer(params)), fit.vocabulary,
                                 topic_stopwords(params))
    outliers = dict(t["outliers"])
    pio.write_json(ws / paths.TOPIC_FIT, _finite({
        "n_units": len(units), "n_topics": fit.n_topics,
        "outlier_share_before_reduction": fit.outlier_share_before, "outlier_share": fit.outlier_share,
        "outlier_strategy": outliers["strategy"], "outlier_threshold": outliers.get("threshold", 0.0),
        **fit.diagnostics, "codebook_keywords_unseen": coverage,
    }))
    model.save(ws / paths.TOPIC_MODEL)
    for line in small_corpus_notes(fit.diagnostics.get("small_corpus") or {}):
        print(f"topics: {line}")
    if coverage:
        print(f"topics: codebook keywords the model cannot see (stopword or not in the vocabulary): {coverage}")
    print(f"topics: {fit.n_topics} topics; outliers {fit.outlier_share_before:.1%} -> {fit.outlier_share:.1%} "
          f"(a strict rule would leave {fit.diagnostics['outlier_share_strict']:.1%})")


if __name__ == "__main__":
    main()
