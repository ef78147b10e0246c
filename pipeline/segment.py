"""Segment stage: articles -> modelling units (articles or paragraphs) with Vietnamese word segmentation.

underthesea's word_tokenize joins multi-syllable words with "_" (đổi_mới_sáng_tạo); terms of the domain
dictionary (segment.dictionary) are kept whole in any letter case. Text is segmented sentence by sentence;
standard abbreviations (segment.abbreviations) are expanded first, and segment.pos_filter keeps only the listed
parts of speech in `tokens` (underthesea's offline CRF tagger). Work is spread over processes (segment.workers)
or a Dask cluster (compute.scheduler), and segmented texts are cached by content (segment.cache_dir): the key is
the sha256 of the text under a folder named by everything else that decides the tokens (underthesea version,
dictionary, abbreviations, POS filter, this module's source), so a grown corpus segments only its new units and a
killed run keeps the chunks it finished.
"""
from __future__ import annotations

import contextlib
import hashlib
import time
from pathlib import Path

import pandas as pd

from pipeline import compute
from pipeline import io as pio
from pipeline import params as P
from pipeline import paths
from pipeline.cache import ContentCache
from pipeline.text import merge_short, paragraphs
from pipeline.words import dictionary_variants, token_options, tokenize_texts

UNIT_COLUMNS = ["unit_id", "article_id", "position", "text", "tokens"]
SHARD_ROWS = 2000  # segmented texts per cache shard


def make_units(articles: pd.DataFrame, level: str = "article", min_paragraph_chars: int = 80) -> pd.DataFrame:
    """One row a modelling unit; paragraph ids are stable: <article_id>:p03 (title and short lines merge forward)."""
    rows = []
    for art in articles[["article_id", "text"]].itertuples(index=False):
        if level == "article":
            rows.append({"unit_id": art.article_id, "article_id": art.article_id, "position": 0, "text": art.text})
            continue
        for i, para in enumerate(merge_short(paragraphs(art.text), min_paragraph_chars), start=1):
            rows.append({"unit_id": f"{art.article_id}:p{i:02d}", "article_id": art.article_id, "position": i, "text": para})
    return pd.DataFrame(rows, columns=["unit_id", "article_id", "position", "text"])


def segmenter_key(dictionary: list[str] | None, pos_filter: list[str] | None = None,
                  abbreviations: dict[str, str] | None = None) -> str:
    """Everything besides the text that decides the tokens: underthesea's versions, the dictionary, the
    abbreviations, the POS filter and the source of this module and of pipeline/words.py (hashed whole, so that
    any edit of tokenize_texts or its helpers retires old entries)."""
    from pipeline import words
    from importlib.metadata import version

    spec = "\n".join([f"underthesea={version('underthesea')}", f"underthesea_core={version('underthesea_core')}",
                      hashlib.sha256(Path(__file__).read_bytes()).hexdigest(),
                      hashlib.sha256(Path(words.__file__).read_bytes()).hexdigest(), *dictionary_variants(dictionary or []),
                      "pos:" + ",".join(sorted(pos_filter or [])),
                      *(f"abbr:{k}={v}" for k, v in sorted((abbreviations or {}).items()))])
    return f"underthesea-{version('underthesea')}-{hashlib.sha256(spec.encode('utf-8')).hexdigest()[:16]}"


def _warm_up(dictionary: list[str] | None, options: dict) -> None:
    """Load underthesea's models here so that forked workers inherit them instead of each loading them."""
    tokenize_texts(["khởi động"], dictionary, **options)


def tokenize_parallel(texts: list[str], dictionary: list[str] | None = None, workers: int = 0,
                      scheduler: str = compute.LOCAL, cache_dir: str | Path | None = None,
                      stats: dict | None = None, **options) -> list[str]:
    """tokenize_texts over `workers` processes (0 = all cores) or a Dask cluster; order and result equal the
    serial call. With cache_dir, texts segmented before (by this underthesea, dictionary and options) are not
    redone, and each finished chunk is cached at once. options: pos_filter, abbreviations (see tokenize_texts)."""
    keys = [pio.sha256_text(t) for t in texts]
    cache = ContentCache(cache_dir, segmenter_key(dictionary, **options), "text", SHARD_ROWS) if cache_dir else None
    done = cache.get(keys) if cache else {}
    n_cached = sum(k in done for k in keys)
    todo = sorted({k: t for k, t in zip(keys, texts) if k not in done}.items())  # each distinct text once
    n_workers = compute.resolve_workers(workers)
    local = scheduler == compute.LOCAL
    if todo:
        if local and n_workers > 1 and len(todo) > 1:
            _warm_up(dictionary, options)
        if n_workers > 1 or not local:
            # longest texts first, in small chunks: the last chunks are short ones, so no core idles long at the
            # end waiting for a chunk of long articles (the order of the result does not depend on it)
            todo.sort(key=lambda item: (-len(item[1]), item[0]))
            chunks = compute.chunked(todo, compute.chunk_size(len(todo), n_workers, per_worker=16, cap=64))
        else:
            chunks = compute.chunked(todo, compute.chunk_size(len(todo), 1))
        with cache.writer() if cache else contextlib.nullcontext() as writer:
            for i, tokens in compute.run_chunks(tokenize_texts, [[t for _, t in c] for c in chunks],
                                                workers=n_workers, scheduler=scheduler,
                                                kwargs={"dictionary": dictionary, **options}):
                new = {k: tok for (k, _), tok in zip(chunks[i], tokens)}
                done.update(new)
                if writer:
                    writer.add(new)
    if stats is not None:
        stats.update({"n": len(texts), "segmented": len(todo), "from_cache": n_cached,
                      "workers": n_workers if local else None, "scheduler": scheduler})
    return [done[k] for k in keys]


def segment(articles: pd.DataFrame, level: str = "article", min_paragraph_chars: int = 80,
            dictionary: list[str] | None = None, workers: int = 0, *, scheduler: str = compute.LOCAL,
            cache_dir: str | Path | None = None, stats: dict | None = None, **options) -> pd.DataFrame:
    """Pure core (apart from the cache): cleaned articles -> units with tokens (options: pos_filter,
    abbreviations)."""
    units = make_units(articles, level, min_paragraph_chars)
    units["tokens"] = tokenize_parallel(units["text"].tolist(), dictionary, workers, scheduler, cache_dir, stats, **options)
    return units[UNIT_COLUMNS]


def main(argv: list[str] | None = None) -> None:
    ws = paths.stage_args("segment", argv)
    params = P.load(ws.params_file)
    articles = pio.read_parquet(ws / paths.ARTICLES)
    seg = params["segment"]
    cache_dir = seg.get("cache_dir")
    stats: dict = {}
    start = time.perf_counter()
    units = segment(articles, params["units"]["level"], params["units"]["min_paragraph_chars"], seg["dictionary"],
                    seg["workers"], scheduler=P.get(params, "compute.scheduler", compute.LOCAL),
                    cache_dir=ws.resolve(cache_dir) if cache_dir else None, stats=stats,
                    **token_options(params))
    pio.write_parquet(ws / paths.UNITS, units)
    print(f"segment: {len(units)} units from {len(articles)} articles; {stats['segmented']} segmented, "
          f"{stats['from_cache']} from cache; {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
