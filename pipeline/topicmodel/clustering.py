"""How the topic model groups documents: HDBSCAN (BERTopic's default) or a consensus over seeded k-means runs.

HDBSCAN on one UMAP layout is fragile: a different seed, or the 1e-6 differences between two machines' floating
point, can move its excess-of-mass selection from ten topics to two. The consensus clusterer (Monti et al. 2003,
"consensus clustering") instead fits `runs` UMAP layouts with seeds derived from topics.seed, k-means on each,
and counts how often two documents land together (the co-assignment matrix); the topics are then cut from that
matrix with average linkage. A document pair that splits in one run in ten moves the matrix by 0.1, not the
result, so refits with other seeds, or on other machines, give nearly the same partition.

The number of topics is topics.clustering.k, or chosen per corpus ("auto") as the k in k_range whose consensus is
cleanest: the smallest proportion of ambiguous pairs (PAC, Senbabaoglu et al. 2014: pairs together in between
10 % and 90 % of the runs), so a k that the data do not support, and that the runs therefore disagree on, loses;
ties go to the larger k.

To BERTopic the consensus is a clusterer (fit -> labels_, predict) behind an identity reduction: it reduces the
embeddings itself, once per run.

Neighbours (topics.clustering.neighbours): `umap` lets each run find its own approximate nearest neighbours
(UMAP's NN-descent, itself seeded, so the runs and the refits differ in their graphs as well as in their layouts);
`exact` finds the exact neighbours once (scikit-learn, brute force: seconds for the <= max_units units fitted) and
gives every run the same graph, so a run costs only UMAP's layout optimisation (about two thirds of a fit here).
"""
from __future__ import annotations

import warnings

import numpy as np

CLUSTERINGS = ("hdbscan", "consensus")
NEIGHBOURS = ("umap", "exact")


class NeighboursError(ValueError):
    """topics.clustering.neighbours cannot work with these settings: one line for the stage to print."""


def _exact_metrics() -> set[str]:
    from sklearn.neighbors import VALID_METRICS

    return set(VALID_METRICS["brute"])


def exact_neighbours(X: np.ndarray, n_neighbors: int, metric: str) -> tuple[np.ndarray, np.ndarray]:
    """(indices, distances) of each row's n_neighbors nearest rows, itself first, in UMAP's precomputed_knn form.
    scikit-learn's brute-force search works in memory-bounded chunks; a row's own index is put first so that
    exact duplicates cannot push it out of its own list (UMAP expects self at distance 0)."""
    from sklearn.neighbors import NearestNeighbors

    dist, idx = NearestNeighbors(n_neighbors=n_neighbors, metric=metric, algorithm="brute").fit(X).kneighbors(X)
    for i in np.flatnonzero(idx[:, 0] != np.arange(len(X))):
        # only an exact duplicate (distance 0) can precede a row's self: swap self in, or replace the duplicate
        where = np.flatnonzero(idx[i] == i)
        idx[i, where] = idx[i, 0]
        idx[i, 0] = i
    dist[:, 0] = 0.0
    return idx.astype(np.int32), np.maximum(dist, 0.0).astype(np.float32)


def run_seeds(seed: int, runs: int) -> list[int]:
    """The seeds of a consensus's runs: a function of topics.seed alone (refits with another seed, other runs)."""
    return [int(s) for s in np.random.default_rng(seed).integers(0, 2**31 - 1, size=runs)]


def coassignment(labelings: list[np.ndarray]) -> np.ndarray:
    """Share of the labelings in which each pair of documents has the same label (n x n, 1 on the diagonal)."""
    n = len(labelings[0])
    c = np.zeros((n, n))
    for labels in labelings:
        onehot = np.zeros((n, int(labels.max()) + 1))
        onehot[np.arange(n), labels] = 1.0
        c += onehot @ onehot.T
    return c / len(labelings)


def ambiguous_share(c: np.ndarray, low: float = 0.1, high: float = 0.9) -> float:
    """PAC: the share of document pairs that the runs neither keep together nor apart."""
    upper = c[np.triu_indices_from(c, k=1)]
    return float(np.mean((upper > low) & (upper < high))) if upper.size else 0.0


def cut(c: np.ndarray, k: int) -> np.ndarray:
    """k clusters from a co-assignment matrix: average linkage on 1 - c, labels numbered by size (largest 0),
    ties by first document, so the numbering depends on the partition only."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    d = 1.0 - c
    np.fill_diagonal(d, 0.0)
    raw = fcluster(linkage(squareform(d, checks=False), method="average"), t=k, criterion="maxclust")
    return _renumber(raw)


def _renumber(raw: np.ndarray) -> np.ndarray:
    ids, first, sizes = np.unique(raw, return_index=True, return_counts=True)
    order = sorted(range(len(ids)), key=lambda i: (-sizes[i], first[i]))
    new = {ids[i]: rank for rank, i in enumerate(order)}
    return np.array([new[r] for r in raw], dtype=int)


class ConsensusClusters:
    """fit(X) -> labels_ (0..k-1, no outliers); predict(X) -> nearest cluster centroid by cosine.

    umap: UMAP settings (n_neighbors, n_components, min_dist, metric); k: an integer or "auto" (k_range, PAC)."""

    def __init__(self, k: int | str = "auto", k_range: tuple[int, int] = (6, 14), runs: int = 10, seed: int = 42,
                 umap: dict | None = None, reduce: bool = True, neighbours: str = "umap"):
        if neighbours not in NEIGHBOURS:
            raise ValueError(f"topics.clustering.neighbours: {neighbours!r}; use one of {', '.join(NEIGHBOURS)}")
        metric = (umap or {}).get("metric", "cosine")
        if neighbours == "exact" and reduce and metric not in _exact_metrics():
            raise NeighboursError(f"topics.clustering.neighbours: exact searches with scikit-learn, which has no "
                                  f"metric {metric!r} (topics.umap.metric); use neighbours: umap, or a metric such as "
                                  "cosine or euclidean")
        self.k, self.k_range, self.runs, self.seed = k, tuple(k_range), runs, seed
        self.neighbours = neighbours
        self.umap, self.reduce = dict(umap or {}), reduce
        self.labels_: np.ndarray | None = None
        self.scores_: dict[int, float] = {}
        self.layouts_: list[np.ndarray] = []
        self.unit_: np.ndarray | None = None

    def _coassignment(self, k: int) -> np.ndarray:
        from sklearn.cluster import KMeans

        return coassignment([KMeans(k, n_init=1, random_state=s).fit_predict(layout)
                             for layout, s in zip(self.layouts_, run_seeds(self.seed + 1, self.runs))])

    def partition(self, k: int) -> np.ndarray:
        """The consensus of the same runs cut at another k (the model-size sweep: no new UMAP layout)."""
        n = len(self.unit_)
        k = max(2, min(int(k), n - 1))
        return self.labels_.copy() if k == self.k_ else cut(self._coassignment(k), k)

    def _layouts(self, X: np.ndarray) -> list[np.ndarray]:
        if not self.reduce:
            return [X] * self.runs
        from umap import UMAP

        from pipeline.topicmodel.bertopic_model import cache_umap_compilation

        cache_umap_compilation()
        n = X.shape[0]
        u = self.umap
        n_neighbors, metric = max(2, min(u.get("n_neighbors", 15), n - 1)), u.get("metric", "cosine")
        shared = {}
        if self.neighbours == "exact":
            idx, dist = exact_neighbours(X, n_neighbors, metric)
            shared = {"precomputed_knn": (idx, dist, None)}
        with warnings.catch_warnings():
            # with a precomputed graph UMAP warns that transform() is unavailable: the consensus never calls it
            if shared:
                warnings.filterwarnings("ignore", message=".*precomputed_knn.*|.*transform.*", category=UserWarning)
            return [UMAP(n_neighbors=n_neighbors, n_components=max(2, min(u.get("n_components", 5), n - 2)),
                         min_dist=u.get("min_dist", 0.0), metric=metric, random_state=s, low_memory=True,
                         **shared).fit_transform(X)
                    for s in run_seeds(self.seed, self.runs)]

    def fit(self, X, y=None):
        X = np.asarray(X, dtype=np.float64)
        n = X.shape[0]
        self.layouts_ = self._layouts(X)
        lo, hi = self.k_range
        ks = [self.k] if self.k != "auto" else list(range(lo, hi + 1))
        ks = sorted({max(2, min(int(k), n - 1)) for k in ks})
        best = None
        for k in ks:
            c = self._coassignment(k)
            self.scores_[k] = ambiguous_share(c)
            # rounded so that a 1e-12 difference between machines cannot flip the choice; ties go to the larger k:
            # too few clusters can merge groups the same way in every run (no ambiguity), too many cannot
            if best is None or round(self.scores_[k], 6) <= round(self.scores_[best[0]], 6):
                best = (k, c)
        self.k_ = best[0]
        self.labels_ = cut(best[1], best[0])
        self.unit_ = _unit(X)
        self.centroids_ = centroids(self.unit_, self.labels_)
        return self

    def predict(self, X):
        return nearest(_unit(np.asarray(X, dtype=np.float64)), self.centroids_)


def _unit(X: np.ndarray) -> np.ndarray:
    return X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)


def centroids(unit: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Mean of each cluster's unit vectors (clusters 0..max)."""
    return np.stack([unit[labels == t].mean(axis=0) for t in range(int(labels.max()) + 1)])


def nearest(unit: np.ndarray, cents: np.ndarray) -> np.ndarray:
    """Cluster of the most cosine-similar centroid."""
    return (unit @ cents.T).argmax(axis=1)


def extend(labels: np.ndarray, fitted: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Labels of the units fitted (indices `fitted` of X) extended to every unit of X: the others join the
    nearest centroid, as predict() assigns them (a consensus fitted on a sample of a large corpus)."""
    unit = _unit(np.asarray(X, dtype=np.float64))
    out = nearest(unit, centroids(unit[fitted], labels))
    out[fitted] = labels
    return out


def consensus_models(n_docs: int, seed: int, umap: dict, clustering: dict):
    """(reduction, clusterer) for BERTopic: an identity reduction and the consensus, which reduces per run."""
    from bertopic.dimensionality import BaseDimensionalityReduction

    k = clustering.get("k", "auto")
    return BaseDimensionalityReduction(), ConsensusClusters(
        k=k, k_range=tuple(clustering.get("k_range", (6, 14))), runs=clustering.get("runs", 10), seed=seed, umap=umap,
        neighbours=clustering.get("neighbours", "umap"))
