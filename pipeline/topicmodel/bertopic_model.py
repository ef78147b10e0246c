"""BERTopic over precomputed embeddings of the cleaned text, with c-TF-IDF over segmented words.

- language="multilingual" (the English default strips Vietnamese letters) and embeddings are always passed;
- the CountVectorizer sees the segmented text (đổi_mới_sáng_tạo) with Vietnamese stopwords; BERTopic fits
  it on one concatenated document per topic, so its min_df counts topics, not documents;
- UMAP and HDBSCAN are seeded from topics.seed (or, with topics.clustering.method consensus, the consensus of
  seeded UMAP + k-means runs in clustering.py); outliers (-1) are reassigned by topics.outliers, and the share a
  stricter rule would leave is reported beside it (outlier_diagnostics);
- with topics.guided the theme codebook seeds the topics (BERTopic's guided mode); guided mode also multiplies
  the codebook words' c-TF-IDF by 1.2, so the terms that the themes stage scores (topic_terms) are recomputed
  without that boost;
- documents are embedded only once, upstream: the adapter handed to BERTopic returns the precomputed vector of
  any known unit (KeyBERTInspired asks for representative documents) and encodes only words and seed lists;
- optional topic reduction (topics.nr_topics) and a topic hierarchy (topics.hierarchy);
- the fitted model is saved with safetensors, never pickle;
- numba keeps UMAP's compiled functions on disk (cache_umap_compilation): later processes skip a 15-30 s compile.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pipeline import io as pio
from pipeline.topicmodel.clustering import consensus_models, extend
from pipeline.topicmodel.tables import outlier_diagnostics, topic_hierarchy, topic_table, topic_terms
from pipeline.topicmodel.base import TopicFit, TopicModel
from pipeline import codebook
from pipeline.embedders import LexicalFeatures, joint
from pipeline.words import keyword_tokenizer, make_vectorizer, topic_stopwords


class WordEmbedder:
    """Adapter giving BERTopic our embedder (guided seeds, MMR/KeyBERT words) with segmentation underscores undone;
    a unit it already knows (segmented text -> precomputed vector) is looked up, never re-embedded."""

    def __init__(self, encode, known: dict[str, np.ndarray] | None = None, lexical=None, weight: float = 0.0):
        from bertopic.backend import BaseEmbedder

        known = known or {}

        def vectors(todo: list[str]) -> np.ndarray:
            semantic = encode([d.replace("_", " ") for d in todo])
            # the units sit in the joint space (topics.lexical_weight): words and seed lists must too
            return joint(semantic, lexical.transform(todo), weight) if lexical is not None else semantic

        class _Adapter(BaseEmbedder):
            def embed(self, documents, verbose=False):
                documents = list(documents)
                todo = [d for d in documents if d not in known]
                fresh = dict(zip(todo, vectors(todo))) if todo else {}
                return np.stack([known[d] if d in known else fresh[d] for d in documents]).astype(np.float32)

        self.backend = _Adapter()


def cache_umap_compilation() -> int:
    """Let numba keep UMAP's compiled functions on disk, so a new process loads them instead of compiling.

    umap-learn (unlike pynndescent) jit-compiles without numba's cache=True, which costs 15-30 s in every
    process that fits UMAP: most of a topics or evaluate stage on a few hundred articles, and most of an
    incremental run. enable_caching() is what numba's own cache=True does; the cache sits in __pycache__ beside
    the library (or NUMBA_CACHE_DIR), is keyed by the function's source file and the CPU, and holds the same
    machine code a fresh compilation gives, so results do not change. Returns how many functions it enabled.
    """
    import sys

    import umap  # noqa: F401  (imports the modules whose functions are cached below)
    from numba.core.registry import CPUDispatcher

    enabled = 0
    for name, module in list(sys.modules.items()):
        if module is None or not name.startswith(("umap.", "pynndescent.")):
            continue
        for obj in list(vars(module).values()):
            if isinstance(obj, CPUDispatcher) and obj.stats.cache_path is None:
                try:
                    obj.enable_caching()
                    enabled += 1
                except RuntimeError:  # nowhere writable to cache: compile as before
                    return enabled
    return enabled


# Corpus-size guards (issue 17). Below MIN_UNITS there is nothing to model. Below MIN_CLUSTER_UNITS no clustering
# is tried: UMAP's spectral layout needs more units than n_components + 1 and HDBSCAN's clusters of two or three
# units are noise, so every unit forms one topic. Between, the settings shrink with the corpus (fit_settings).
MIN_UNITS = 2
MIN_CLUSTER_UNITS = 10
CLUSTER_SHARE = 10  # a cluster needs at least n / CLUSTER_SHARE units (min_cluster_size), never fewer than 2


class CorpusTooSmall(ValueError):
    """Fewer units than any topic model can fit: the message is one line for the person running the stage."""


def fit_settings(n_docs: int, umap: dict, hdbscan: dict) -> tuple[dict, dict, dict]:
    """UMAP and HDBSCAN settings for n_docs units: as configured, shrunk where the corpus is smaller than the
    settings assume. Returns (umap, hdbscan, adapted), adapted = {"topics.umap.n_neighbors": {"configured": 30,
    "used": 13}, ...} for each value that changed.

    n_neighbors <= n - 1 and n_components <= n - 2 (UMAP's spectral layout); min_cluster_size <= n / 10, so that
    40 articles can hold a few topics (10, tuned on ~500 articles, leaves every one of 40 an outlier);
    min_samples <= min_cluster_size. On the bundled sample (478 units) nothing changes.
    """
    u = {"n_neighbors": 15, "n_components": 5, "min_dist": 0.0, "metric": "cosine", **umap}
    h = {"min_cluster_size": 10, "min_samples": 5, "cluster_selection_method": "eom", **hdbscan}
    used_u = dict(u, n_neighbors=max(2, min(u["n_neighbors"], n_docs - 1)),
                  n_components=max(2, min(u["n_components"], n_docs - 2)))
    mcs = max(2, min(h["min_cluster_size"], n_docs // CLUSTER_SHARE))
    used_h = dict(h, min_cluster_size=mcs, min_samples=max(1, min(h["min_samples"] or mcs, mcs)))
    adapted = {f"topics.{section}.{k}": {"configured": conf[k], "used": used[k]}
               for section, conf, used in (("umap", u, used_u), ("hdbscan", h, used_h))
               for k in conf if used[k] != conf[k] and conf[k] is not None}
    return used_u, used_h, adapted


def default_models(n_docs: int, seed: int, umap: dict, hdbscan: dict):
    """UMAP and HDBSCAN as configured, shrunk where the corpus is smaller than the settings assume (fit_settings)."""
    from hdbscan import HDBSCAN
    from umap import UMAP

    cache_umap_compilation()
    u, h, _ = fit_settings(n_docs, umap, hdbscan)
    umap_model = UMAP(n_neighbors=u["n_neighbors"], n_components=u["n_components"], min_dist=u["min_dist"],
                      metric=u["metric"], random_state=seed, low_memory=True)
    hdbscan_model = HDBSCAN(min_cluster_size=h["min_cluster_size"], min_samples=h["min_samples"], metric="euclidean",
                            cluster_selection_method=h["cluster_selection_method"], prediction_data=True)
    return umap_model, hdbscan_model


def topic_vectorizer(stopwords: list[str], min_df: int = 2, max_df: float = 1.0, ngram_max: int = 1):
    """The CountVectorizer BERTopic fits on one concatenated document a topic (min_df counts topics here), with
    min_df capped at half those documents, as LDAModel caps it over units: with two or three topics a word found
    in one topic only is the distinctive one, and one topic alone would otherwise fail ("max_df corresponds to
    < documents than min_df"). With ten topics or more (the bundled sample) the cap never binds.
    min_df_used_ holds what the last fit used; min_df itself stays as configured (the saved config)."""
    from sklearn.feature_extraction.text import CountVectorizer

    class TopicCountVectorizer(CountVectorizer):
        def fit_transform(self, raw_documents, y=None):
            documents = list(raw_documents)
            configured = self.min_df
            if isinstance(configured, int):
                self.min_df = min(configured, max(1, len(documents) // 2))
            self.min_df_used_ = self.min_df
            try:
                return super().fit_transform(documents, y)
            finally:
                self.min_df = configured

    return TopicCountVectorizer(**make_vectorizer(stopwords, min_df, max_df, ngram_max).get_params())


def _representation(kind: str, seed: int):
    from bertopic.representation import KeyBERTInspired, MaximalMarginalRelevance

    if kind == "mmr":
        return {"MMR": MaximalMarginalRelevance(diversity=0.3, top_n_words=10)}
    if kind == "keybert":
        return {"KeyBERT": KeyBERTInspired(top_n_words=10, random_state=seed)}
    return None


@dataclass
class BERTopicConfig:
    """The topics section of params.yaml as BERTopic uses it (BERTopicModel.from_params builds it), plus the
    codebook's seed lists for guided mode, the hierarchy switch and how many terms a topic keeps for themes."""

    seed: int = 42
    stopwords: list[str] = field(default_factory=list)
    vectorizer: dict = field(default_factory=dict)       # min_df, max_df, ngram_max
    umap: dict = field(default_factory=dict)
    hdbscan: dict = field(default_factory=dict)
    clustering: dict = field(default_factory=dict)       # method (hdbscan | consensus), k, k_range, runs
    top_n_words: int = 10
    reduce_frequent_words: bool = True
    representation: str = "none"                         # mmr | keybert | none
    outliers: dict = field(default_factory=lambda: {"strategy": "none"})
    nr_topics: int | str | None = None
    seed_topic_list: list[list[str]] | None = None
    hierarchy: bool = False
    fit_sample: int | None = None
    terms_per_topic: int = 50                            # theme scoring looks past the top 10
    lexical_weight: float = 0.0                          # embeddings.joint's weight of the TF-IDF block (0: none)
    word_floor: float = 0.0                              # base.floored: a top word occurs in this share of its units


class BERTopicModel(TopicModel):
    """`encode` (list[str] -> array) gives BERTopic an embedder for guided seeds and representation models;
    without it both are skipped. umap_model/hdbscan_model override the seeded defaults (fast models in tests).
    After fit, `model` is the fitted BERTopic."""

    kind = "bertopic"

    def __init__(self, config: BERTopicConfig | None = None, *, encode=None, umap_model=None, hdbscan_model=None):
        self.config = config or BERTopicConfig()
        self.encode, self.umap_model, self.hdbscan_model = encode, umap_model, hdbscan_model
        self.model = None
        self.lexical = None  # fit's LexicalFeatures when config.lexical_weight > 0

    @classmethod
    def from_params(cls, params, *, seed: int | None = None, encode=None, hierarchy: bool = False,
                    sweep: list[int] | None = None) -> BERTopicModel:
        # dict() reads a plain mapping and a pydantic section alike (both iterate to key-value pairs)
        t = dict(params["topics"])
        seeds = None
        if t.get("guided") and encode is not None:
            seeds = list(codebook.keywords(dict(params["themes"]), keyword_tokenizer(params)).values())
        config = BERTopicConfig(
            seed=t["seed"] if seed is None else seed, stopwords=topic_stopwords(params),
            vectorizer=dict(t["vectorizer"]), umap=dict(t["umap"]), hdbscan=dict(t["hdbscan"]),
            clustering={**dict(t.get("clustering") or {}), **({"sweep": list(sweep)} if sweep else {})},
            top_n_words=t["top_n_words"], reduce_frequent_words=t["reduce_frequent_words"],
            representation=t["representation"], outliers=dict(t["outliers"]), nr_topics=t.get("nr_topics"),
            seed_topic_list=seeds, hierarchy=hierarchy, fit_sample=t.get("fit_sample"),
            lexical_weight=float(t.get("lexical_weight") or 0.0), word_floor=float(t.get("word_floor") or 0.0))
        return cls(config, encode=encode)

    def _bertopic(self, tokens: list[str], embeddings: np.ndarray, umap_model, hdbscan_model, *, guided: bool = True):
        """A BERTopic as configured, with these UMAP/HDBSCAN models (unfitted)."""
        from bertopic import BERTopic
        from bertopic.vectorizers import ClassTfidfTransformer

        c, encode, vec = self.config, self.encode, self.config.vectorizer or {}
        backend = (WordEmbedder(encode, dict(zip(tokens, embeddings)), self.lexical, c.lexical_weight).backend
                   if encode else None)
        return BERTopic(
            language="multilingual", embedding_model=backend, umap_model=umap_model, hdbscan_model=hdbscan_model,
            vectorizer_model=topic_vectorizer(c.stopwords or [], vec.get("min_df", 2), vec.get("max_df", 1.0), vec.get("ngram_max", 1)),
            ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=c.reduce_frequent_words),
            representation_model=_representation(c.representation, c.seed) if encode else None,
            top_n_words=c.top_n_words, nr_topics=c.nr_topics if guided else None, calculate_probabilities=False,
            seed_topic_list=c.seed_topic_list if (guided and c.seed_topic_list and encode) else None, verbose=False)

    def _one_topic(self, tokens: list[str], embeddings: np.ndarray):
        """Every unit in topic 0, no UMAP or HDBSCAN (BERTopic's documented way to pass topics as y): topic words
        and representation come out as for any topic."""
        from bertopic.cluster import BaseCluster
        from bertopic.dimensionality import BaseDimensionalityReduction

        model = self._bertopic(tokens, embeddings, BaseDimensionalityReduction(), BaseCluster(), guided=False)
        model.fit_transform(tokens, embeddings=embeddings.copy(), y=np.zeros(len(tokens), dtype=int))
        return model

    def fit(self, tokens: list[str], embeddings: np.ndarray) -> TopicFit:
        """Segmented texts + their embeddings -> topic per unit, topic and term tables, outlier diagnostics.

        fit_sample = N fits UMAP/HDBSCAN on a seeded sample of N units and assigns the rest with model.transform
        (for corpora too large for one fit); topic words are then computed over every unit.
        Small corpora (fit_settings): settings shrink; below MIN_CLUSTER_UNITS, or when HDBSCAN finds no cluster,
        every unit forms one topic; diagnostics["small_corpus"] says what was adapted and why.
        """
        c = self.config
        outliers = c.outliers or {"strategy": "none"}
        n = len(tokens)
        if n < MIN_UNITS:
            raise CorpusTooSmall(f"{n} unit(s) to model; a topic model needs at least {MIN_UNITS}: add articles, "
                                 "or set units.level: paragraph, or see reports/rejected.csv for the ones left out")
        embeddings = np.asarray(embeddings, dtype=np.float32)
        if c.lexical_weight:
            # issue 13 (bench/TOPIC_FEATURES_RULE.md): the embedding beside TF-IDF over words and syllables; every
            # later use of the embeddings (clustering, outliers, centroids, guided seeds, MMR) is in this space
            self.lexical = LexicalFeatures(c.seed)
            embeddings = joint(embeddings, self.lexical.fit_transform(tokens), c.lexical_weight)
        consensus = (c.clustering or {}).get("method", "hdbscan") == "consensus"
        # the consensus holds an n x n co-assignment matrix: beyond max_units it is fitted on a seeded sample and
        # the other units join their nearest topic, as fit_sample does for HDBSCAN
        limit = min(x for x in (c.fit_sample, (c.clustering or {}).get("max_units") if consensus else None, n) if x)
        sample = np.sort(np.random.default_rng(c.seed).choice(n, limit, replace=False)) if limit < n else None
        n_fit = n if sample is None else len(sample)
        umap_model, hdbscan_model = self.umap_model, self.hdbscan_model
        own_models = umap_model is not None and hdbscan_model is not None
        _, used, adapted = fit_settings(n_fit, c.umap or {}, c.hdbscan or {})
        small = {"n_units": n, "min_units": MIN_UNITS, "min_cluster_units": MIN_CLUSTER_UNITS,
                 "adapted": {} if own_models else adapted, "fallback": None, "reason": None}
        if not own_models and n_fit < MIN_CLUSTER_UNITS:
            small.update(fallback="one_topic", adapted={},
                         reason=f"{n_fit} units are fewer than the {MIN_CLUSTER_UNITS} clustering needs: every unit "
                                "forms one topic (units.level: paragraph gives more units)")
            model = self._one_topic(tokens, embeddings)
            return self._finish(model, tokens, embeddings, [0] * n, [0] * n, embeddings.mean(axis=0, keepdims=True), small)
        if not own_models:
            if consensus:
                u, h = consensus_models(n_fit, c.seed, c.umap or {}, c.clustering)
            else:
                u, h = default_models(n_fit, c.seed, c.umap or {}, c.hdbscan or {})
            umap_model, hdbscan_model = umap_model or u, hdbscan_model or h
        model = self._bertopic(tokens, embeddings, umap_model, hdbscan_model)
        # BERTopic's guided mode edits the embeddings in place
        if sample is None:
            topics_before, _ = model.fit_transform(tokens, embeddings=embeddings.copy())
        else:
            rest = np.setdiff1d(np.arange(n), sample)
            model.fit([tokens[i] for i in sample], embeddings=embeddings[sample].copy())
            assigned = np.empty(n, dtype=int)
            assigned[sample] = model.topics_
            assigned[rest], _ = model.transform([tokens[i] for i in rest], embeddings=embeddings[rest].copy())
        topics_before = [int(t) for t in (topics_before if sample is None else assigned)]
        partitions = self._partitions(hdbscan_model, sample, embeddings)
        if set(topics_before) == {-1}:
            # HDBSCAN's own verdict stays in topics_before (all outliers); the units are kept together as one topic
            small.update(fallback="one_topic",
                         reason=f"HDBSCAN found no cluster among {n_fit} units (min_cluster_size "
                                f"{used['min_cluster_size']}, min_samples {used['min_samples']}): every unit forms one "
                                "topic; lower topics.hdbscan.min_cluster_size or min_samples for more")
            model = self._one_topic(tokens, embeddings)
            return self._finish(model, tokens, embeddings, topics_before, [0] * n, embeddings.mean(axis=0, keepdims=True), small)
        # the centroids HDBSCAN's topics have before any reassignment: the reference for the outlier diagnostics
        centroids = np.asarray(model.topic_embeddings_)[model._outliers:]
        topics = list(topics_before)
        strategy = outliers.get("strategy", "none")
        if strategy != "none" and -1 in topics and len(set(topics) - {-1}) > 0:
            topics = model.reduce_outliers(tokens, topics, strategy=strategy, embeddings=embeddings,
                                           threshold=outliers.get("threshold", 0.0))
            model.update_topics(tokens, topics=topics, top_n_words=c.top_n_words, vectorizer_model=model.vectorizer_model,
                                ctfidf_model=model.ctfidf_model, representation_model=model.representation_model)
        elif sample is not None:  # topic words over every unit, not only the sample
            model.update_topics(tokens, topics=topics, top_n_words=c.top_n_words, vectorizer_model=model.vectorizer_model,
                                ctfidf_model=model.ctfidf_model, representation_model=model.representation_model)
        fit = self._finish(model, tokens, embeddings, topics_before, [int(t) for t in topics], centroids, small)
        fit.partitions = partitions
        return fit

    def _partitions(self, clusterer, sample, embeddings) -> dict[int, list[int]]:
        """The consensus cut at each k of clustering.sweep, over every unit (evaluate's model-size sweep)."""
        ks = (self.config.clustering or {}).get("sweep") or []
        if not ks or not hasattr(clusterer, "partition"):
            return {}
        fitted = np.arange(len(embeddings)) if sample is None else sample
        return {int(k): [int(t) for t in extend(clusterer.partition(k), fitted, embeddings)] for k in ks}

    def _finish(self, model, tokens, embeddings, topics_before, topics, centroids, small) -> TopicFit:
        """The TopicFit of a fitted model; centroids: its topics' before any reassignment (one topic: the mean)."""
        c = self.config
        diagnostics, similarity = outlier_diagnostics(embeddings, topics_before, topics, centroids,
                                                      (c.outliers or {}).get("strict_quantile", 0.05))
        hierarchy = topic_hierarchy(model, tokens, topics) if c.hierarchy else None
        vec = model.vectorizer_model
        if getattr(vec, "min_df_used_", vec.min_df) != vec.min_df:
            small["adapted"]["topics.vectorizer.min_df"] = {"configured": vec.min_df, "used": vec.min_df_used_}
        self.model = model
        return TopicFit(topics=topics, topics_before=topics_before, similarity=similarity,
                        info=topic_table(model, topics, tokens, c.word_floor, c.top_n_words), terms=topic_terms(model, tokens, topics, c.terms_per_topic),
                        vocabulary=[str(w) for w in model.vectorizer_model.get_feature_names_out()],
                        hierarchy=hierarchy, diagnostics={**diagnostics, "small_corpus": small})

    def save(self, path: str | Path) -> None:
        """safetensors directory, filled beside the target and swapped in, so a killed run leaves none half-written."""
        if self.model is None:
            raise RuntimeError("BERTopicModel.save: nothing fitted yet; call fit first")
        with pio.atomic_dir(path) as tmp:
            self.model.save(str(tmp), serialization="safetensors", save_ctfidf=True, save_embedding_model=False)
