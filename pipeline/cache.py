"""One content-addressed cache for what is expensive to recompute: segmented texts and embedding vectors.

Values are keyed by `io.sha256_text` of their input, under `<cache_dir>/<namespace>/`, where the namespace names
everything else that decides the value (the segmenter's settings, the embedding model). Shards are written
atomically and never changed, so a killed run keeps every shard it finished and a damaged shard is a cache miss,
not a failed run. Text values go to parquet (read with a filter, only the rows needed); vectors to npz (no pickle).
"""
from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline import io as pio

FLUSH_SECONDS = 60  # a killed run loses at most about this much work


class ContentCache:
    """get(keys) -> {key: value}; put({key: value}); writer() buffers puts into few, large shards."""

    def __init__(self, root: str | Path, namespace: str, kind: str, shard_rows: int):
        if kind not in ("text", "vector"):
            raise ValueError(f"cache kind {kind!r}: text or vector")
        self.dir = Path(root) / namespace
        self.kind = kind
        self.shard_rows = shard_rows
        self._suffix = ".parquet" if kind == "text" else ".npz"

    def get(self, keys: list[str]) -> dict[str, Any]:
        wanted = set(keys)
        found: dict[str, Any] = {}
        if not wanted or not self.dir.is_dir():
            return found
        for shard in sorted(self.dir.glob(f"*{self._suffix}")):
            try:
                found.update(self._read_text(shard, wanted) if self.kind == "text" else self._read_vectors(shard, wanted))
            except Exception as exc:  # a damaged shard is a cache miss, not a failed run
                print(f"cache: ignoring unreadable shard {shard}: {exc}", file=sys.stderr)
        return found

    @staticmethod
    def _read_text(shard: Path, wanted: set[str]) -> dict[str, str]:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.dataset as ds

        table = ds.dataset(shard, format="parquet").to_table(
            filter=pc.field("key").isin(pa.array(sorted(wanted), pa.string())))
        return dict(zip(table.column("key").to_pylist(), table.column("tokens").to_pylist()))

    @staticmethod
    def _read_vectors(shard: Path, wanted: set[str]) -> dict[str, np.ndarray]:
        # every shard's key list is read but only the vectors needed: memory follows the corpus at hand
        with np.load(shard, allow_pickle=False) as data:
            shard_keys = data["keys"].astype(str)
            hit = np.flatnonzero([k in wanted for k in shard_keys])
            if not len(hit):
                return {}
            vectors = data["vectors"]
            if vectors.ndim != 2 or len(vectors) != len(shard_keys):
                raise ValueError(f"{len(shard_keys)} keys but vectors of shape {vectors.shape}")
            return dict(zip(shard_keys[hit], vectors[hit]))

    def put(self, items: dict[str, Any]) -> None:
        keys = sorted(items)
        for start in range(0, len(keys), self.shard_rows):
            part = keys[start:start + self.shard_rows]
            shard = self.dir / f"{hashlib.sha256(''.join(part).encode()).hexdigest()[:16]}{self._suffix}"
            if self.kind == "text":
                pio.write_parquet(shard, pd.DataFrame({"key": part, "tokens": [items[k] for k in part]}))
            else:
                with pio.atomic_path(shard) as tmp, open(tmp, "wb") as fh:
                    np.savez(fh, keys=np.array(part), vectors=np.stack([items[k] for k in part]))

    def writer(self) -> CacheWriter:
        return CacheWriter(self)


class CacheWriter:
    """Buffers new values and writes a shard when `shard_rows` are pending or FLUSH_SECONDS have passed; the rest
    on leaving the `with` block (also when the block fails: what was computed is kept)."""

    def __init__(self, cache: ContentCache):
        self.cache = cache
        self.pending: dict[str, Any] = {}
        self.last_flush = time.monotonic()

    def add(self, items: dict[str, Any]) -> None:
        self.pending.update(items)
        if len(self.pending) >= self.cache.shard_rows or time.monotonic() - self.last_flush > FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.cache.put(self.pending)
        self.pending, self.last_flush = {}, time.monotonic()

    def __enter__(self) -> CacheWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.flush()
