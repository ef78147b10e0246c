"""Where the heavy per-document work runs: this machine's cores, or a Dask cluster (compute.scheduler).

Segmentation and embedding are maps over independent chunks of texts. `run_chunks` runs such a map in order
and hands each result back as soon as it (and every chunk before it) is done, so the caller can persist it
to a content-addressed cache: a killed run keeps its finished chunks and the next run skips them.

- compute.scheduler = local: a process pool over `workers` cores (1 = in this process);
- compute.scheduler = tcp://host:8786 (any Dask address): the chunks go to that cluster's workers. The workers
  need this repository importable (start them from the repository root, or with PYTHONPATH pointing at it)
  and the same pinned packages; results are identical because the same functions run on the same chunks.
"""
from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any
from collections.abc import Callable, Iterator, Sequence

LOCAL = "local"


def resolve_workers(workers: int | None) -> int:
    """0 or None = every core this process may use (sched_getaffinity honours taskset and cgroup pinning)."""
    if workers and workers > 0:
        return int(workers)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def chunked(items: Sequence, size: int) -> list[list]:
    size = max(1, int(size))
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def chunk_size(n_items: int, workers: int, per_worker: int = 4, cap: int = 256) -> int:
    """Several chunks a worker so that one slow chunk does not idle the other cores; capped so that a killed
    run loses little and progress shows."""
    return max(1, min(cap, -(-n_items // max(1, workers * per_worker))))


def _pool_context(fresh: bool = False):
    # fork shares what the parent already loaded (underthesea's CRF model) instead of each worker loading it
    # again; spawn elsewhere. fresh: workers that start clean (forkserver), for work that uses OpenMP (UMAP,
    # scikit-learn), which cannot run in a child forked from a process that has used it
    if fresh:
        return mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")
    return mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")


@contextlib.contextmanager
def dask_client(address: str, timeout: str = "30s") -> Iterator[Any]:
    """A distributed.Client for compute.scheduler; a clear message when the scheduler cannot be reached."""
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - distributed is pinned in requirements.txt
        raise SystemExit("compute.scheduler names a Dask scheduler but the 'distributed' package is missing") from exc
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise SystemExit(f"compute.scheduler = {address!r}: cannot reach the Dask scheduler ({exc}); "
                         "start it (dask scheduler) or set compute.scheduler: local") from exc
    try:
        yield client
    finally:
        client.close()


def run_chunks(func: Callable[..., Any], chunks: list, *, workers: int = 0, scheduler: str = LOCAL,
               kwargs: dict | None = None, fresh: bool = False) -> Iterator[tuple[int, Any]]:
    """Yield (chunk index, func(chunk, **kwargs)) in chunk order.

    `func` must be a module-level function (it is sent to other processes by reference); fresh: local workers
    that do not inherit this process (see _pool_context).
    """
    kwargs = kwargs or {}
    if not chunks:
        return
    if scheduler and scheduler != LOCAL:
        with dask_client(scheduler) as client:
            futures = client.map(func, chunks, **kwargs, pure=False)
            try:
                for i, fut in enumerate(futures):
                    yield i, fut.result()
            finally:
                client.cancel(futures)
        return
    workers = min(resolve_workers(workers), len(chunks))
    if workers == 1:
        for i, chunk in enumerate(chunks):
            yield i, func(chunk, **kwargs)
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(fresh)) as pool:
        futures = [pool.submit(func, chunk, **kwargs) for chunk in chunks]
        try:
            for i, fut in enumerate(futures):
                yield i, fut.result()
        finally:
            for fut in futures:
                fut.cancel()
