"""Segment stage: articles -> modelling units (articles or paragraphs) with Vietnamese word segmentation.

underthesea's word_tokenize joins multi-syllable words with "_" (đổi_mới_sáng_tạo); terms of the domain
dictionary (segment.dictionary) are kept whole in any letter case. Text is segmented sentence by sentence;
standard abbreviations (segment.abbreviations) are expanded first, and segment.pos_filter keeps only the listed
parts of speech in `tokens` (underthesea's offline CRF tagger). Work is spread over processes (segment.workers)
or a Dask cluster (compute.scheduler), and segmented lines are cached by content (segment.cache_dir;
pipeline/tokens.py), so a grown corpus segments only its new lines, a killed run keeps the chunks it finished, and
the themes stage finds its paragraphs already segmented.
"""
from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from pipeline import compute
from pipeline import io as pio
from pipeline import params as P
from pipeline import paths
from pipeline.text import merge_short, paragraphs
from pipeline.tokens import tokenize_cached
from pipeline.words import token_options

UNIT_COLUMNS = ["unit_id", "article_id", "position", "text", "tokens"]


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


def segment(articles: pd.DataFrame, level: str = "article", min_paragraph_chars: int = 80,
            dictionary: list[str] | None = None, workers: int = 0, *, scheduler: str = compute.LOCAL,
            cache_dir: str | Path | None = None, stats: dict | None = None, **options) -> pd.DataFrame:
    """Pure core (apart from the cache): cleaned articles -> units with tokens (options: pos_filter,
    abbreviations)."""
    units = make_units(articles, level, min_paragraph_chars)
    units["tokens"] = tokenize_cached(units["text"].tolist(), dictionary, workers, scheduler, cache_dir, stats, **options)
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
    print(f"segment: {len(units)} units from {len(articles)} articles; {stats['lines']} distinct lines, "
          f"{stats['segmented']} segmented, {stats['from_cache']} from cache; {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
