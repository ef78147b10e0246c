"""What a topic model gives the pipeline, whatever fits it: the TopicModel interface and its result, TopicFit.

The stages (topics writes a fit, evaluate refits and scores it, themes scores its terms) read only TopicFit's
tables, so BERTopic, LDA or a covariate model can stand behind them alike. The table schemas live here, once.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

# one row a topic (-1 = outliers, for models that have them); top_words and weights are space-separated
INFO_COLUMNS = ["topic", "size", "top_words", "weights", "representation", "label"]
# the n highest-weighted words of each topic: what the themes stage scores against the codebook
TERM_COLUMNS = ["topic", "rank", "word", "weight"]
# edges of a topic tree: leaves are topic ids, merged nodes count on from the number of topics
HIERARCHY_COLUMNS = ["parent", "child", "distance", "child_is_topic", "child_topics", "parent_words"]


@dataclass
class TopicFit:
    """One fitted model's results over the units it was fitted on (lists run in unit order)."""

    topics: list[int]                    # per unit, final (after any outlier reduction)
    topics_before: list[int]             # per unit, the model's own assignment (-1 = outlier)
    similarity: np.ndarray               # per unit, closeness to its final topic (NaN where not defined)
    info: pd.DataFrame                   # INFO_COLUMNS
    terms: pd.DataFrame                  # TERM_COLUMNS
    vocabulary: list[str] = field(default_factory=list)  # the words the model could see
    hierarchy: pd.DataFrame | None = None                 # HIERARCHY_COLUMNS, when asked for and supported
    diagnostics: dict = field(default_factory=dict)       # model-specific summary numbers (JSON-ready)
    partitions: dict = field(default_factory=dict)        # k -> per-unit labels of the same runs cut at k (consensus,
                                                          # when asked for: evaluate's model-size sweep; not saved)

    @property
    def outlier_share_before(self) -> float:
        return float(np.mean(np.asarray(self.topics_before) == -1)) if self.topics_before else 0.0

    @property
    def outlier_share(self) -> float:
        return float(np.mean(np.asarray(self.topics) == -1)) if self.topics else 0.0

    @property
    def n_topics(self) -> int:
        return int((self.info["topic"] >= 0).sum())


def unit_shares(present, labels, ids: list[int]) -> np.ndarray:
    """topics x words: the share of each topic's units that contain each word (present: units x words, >0 where
    the unit has the word; labels: each unit's topic; ids: the topics, in row order)."""
    from scipy import sparse

    labels = np.asarray(labels)
    present = sparse.csr_matrix(present) > 0
    out = np.zeros((len(ids), present.shape[1]))
    for r, t in enumerate(ids):
        rows = np.flatnonzero(labels == t)
        if rows.size:
            out[r] = np.asarray(present[rows].sum(axis=0)).ravel() / rows.size
    return out


def floored(order, share: np.ndarray, floor: float, n: int) -> list[int]:
    """The first n word indices of `order` (one topic's ranking, best first) that occur in at least a share `floor`
    of the topic's units (share: that topic's row of unit_shares). topics.word_floor, issue 13 (topic round 4,
    bench/TOPIC_FEATURES_RULE.md): c-TF-IDF and LDA rank highly words a few units use often, which describe a story
    rather than the topic; 0 keeps the ranking as it is."""
    return [int(i) for i in order if share[i] >= floor][:n] if floor > 0 else [int(i) for i in order[:n]]


def top_words(info: pd.DataFrame) -> dict[int, list[str]]:
    """topic -> its top words, from a topic info table (a TopicFit's, or topic_info.parquet read back)."""
    return {int(r.topic): r.top_words.split() for r in info.itertuples()}


class TopicModel(ABC):
    """Segmented texts (+ their embeddings, for models that use them) in, a TopicFit out; then saved."""

    kind: str = ""  # the name make_model knows it by

    @classmethod
    @abstractmethod
    def from_params(cls, params, **options) -> TopicModel:
        """The model as params.yaml configures it; options are run choices (a seed to refit with, ...)."""

    @abstractmethod
    def fit(self, tokens: list[str], embeddings: np.ndarray | None) -> TopicFit:
        """Fit on the units' segmented texts (one string a unit) and their embeddings (one row a unit)."""

    @abstractmethod
    def save(self, path: str | Path) -> None:
        """Write the fitted model as a directory of non-executable files (no pickle)."""
