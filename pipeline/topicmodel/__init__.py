"""Topic models behind one small interface (base.TopicModel -> base.TopicFit), one implementation a file.

The topics stage fits and writes a model, the evaluate stage refits it with other seeds and fits the LDA
baseline; both reach the models only through this package, never through each other, so a further model
(a covariate model, say) plugs in by adding a file and a line to MODELS.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.topicmodel.base import (HIERARCHY_COLUMNS, INFO_COLUMNS, TERM_COLUMNS, TopicFit, TopicModel,
                                      top_words)
from pipeline.topicmodel.bertopic_model import (MIN_CLUSTER_UNITS, MIN_UNITS, BERTopicConfig, BERTopicModel, CorpusTooSmall,
                                                cache_umap_compilation, fit_settings)
from pipeline.topicmodel.lda_model import LDAModel

MODELS: dict[str, type[TopicModel]] = {m.kind: m for m in (BERTopicModel, LDAModel)}

__all__ = ["BERTopicConfig", "BERTopicModel", "CorpusTooSmall", "HIERARCHY_COLUMNS", "INFO_COLUMNS", "LDAModel", "MIN_CLUSTER_UNITS", "MIN_UNITS", "MODELS",
           "TERM_COLUMNS", "TopicFit", "TopicModel", "cache_umap_compilation", "encoder_for",
           "fit_settings", "from_params", "make_model", "top_words"]


def make_model(kind: str, params, **options) -> TopicModel:
    """The model `kind` as params.yaml configures it; options as that model's from_params takes them."""
    if kind not in MODELS:
        raise ValueError(f"topic model {kind!r} is not known; known: {', '.join(sorted(MODELS))}")
    return MODELS[kind].from_params(params, **options)


def encoder_for(params):
    """The run's per-document embedder as a function, or None for the corpus-relative tfidf backend."""
    from pipeline.embedders import make_embedder

    e = dict(params["embedding"])  # a plain mapping or a pydantic section; model may be left out
    if e["backend"] == "tfidf":
        return None
    return make_embedder(e["backend"], e.get("model")).encode


def from_params(params, units: pd.DataFrame, embeddings: np.ndarray, seed: int | None = None, *,
                encode=None, hierarchy: bool = False, sweep: list[int] | None = None) -> TopicFit:
    """The run's topic model fitted on the units (seed overrides topics.seed: evaluate's refits; sweep: the k
    at which a consensus is also cut, in TopicFit.partitions)."""
    model = make_model("bertopic", params, seed=seed, encode=encode, hierarchy=hierarchy, sweep=sweep)
    return model.fit(units["tokens"].tolist(), embeddings)
