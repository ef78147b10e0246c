"""Segment stage: articles -> modelling units (articles or paragraphs) with Vietnamese word segmentation.

underthesea's word_tokenize joins multi-syllable words with "_" (đổi_mới_sáng_tạo); terms of the domain
dictionary (segment.dictionary) are kept whole. Work is spread over processes (segment.workers).
"""
from __future__ import annotations

import os
import re
from concurrent.futures import ProcessPoolExecutor

import pandas as pd

from pipeline import io as pio
from pipeline import params as P
from pipeline.text import merge_short, paragraphs

UNIT_COLUMNS = ["unit_id", "article_id", "position", "text", "tokens"]
_PUNCT_TOKEN = re.compile(r"^[\W_]+$")


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


def _dictionary_variants(terms: list[str]) -> list[str]:
    """Each term as written, lowercased and capitalised; regex-escaped except spaces (underthesea escapes those);
    longest first so that "khoa học và công nghệ" wins over "khoa học"."""
    variants = set()
    for term in terms:
        for form in (term, term.lower(), term[:1].upper() + term[1:]):
            variants.add("".join(ch if ch == " " else re.escape(ch) for ch in form.strip()))
    return sorted(variants, key=lambda v: (-len(v), v))


def tokenize_texts(texts: list[str], dictionary: list[str] | None = None) -> list[str]:
    """Segmented texts, space-separated, punctuation dropped. Pure: underthesea 9.5.0's fixed_words replaces a
    module-global regex for every later call, so the global is restored afterwards."""
    from underthesea import word_tokenize
    from underthesea.pipeline.word_tokenize import regex_tokenize

    saved = regex_tokenize.patterns
    fixed = _dictionary_variants(dictionary or [])
    try:
        out = []
        for text in texts:
            tokens = word_tokenize(text, fixed_words=fixed) if text.strip() else []
            out.append(" ".join(t.replace(" ", "_") for t in tokens if not _PUNCT_TOKEN.match(t)))
        return out
    finally:
        regex_tokenize.patterns = saved


def _chunks(items: list, n: int) -> list[list]:
    size = max(1, -(-len(items) // n))
    return [items[i:i + size] for i in range(0, len(items), size)]


def resolve_workers(workers: int) -> int:
    return workers if workers and workers > 0 else (os.cpu_count() or 1)


def tokenize_parallel(texts: list[str], dictionary: list[str] | None = None, workers: int = 0) -> list[str]:
    """tokenize_texts over `workers` processes (0 = all cores); order and result equal the serial call."""
    workers = resolve_workers(workers)
    if workers == 1 or len(texts) < 2:
        return tokenize_texts(texts, dictionary)
    # several chunks per worker so that one long chunk does not leave the other cores idle
    chunks = _chunks(texts, workers * 4)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        parts = pool.map(tokenize_texts, chunks, [dictionary] * len(chunks))
        return [t for part in parts for t in part]


def segment(articles: pd.DataFrame, level: str = "article", min_paragraph_chars: int = 80,
            dictionary: list[str] | None = None, workers: int = 0) -> pd.DataFrame:
    """Pure core: cleaned articles -> units with tokens."""
    units = make_units(articles, level, min_paragraph_chars)
    units["tokens"] = tokenize_parallel(units["text"].tolist(), dictionary, workers)
    return units[UNIT_COLUMNS]


def main() -> None:
    params = P.load()
    articles = pio.read_parquet("data/interim/articles.parquet")
    units = segment(articles, params["units"]["level"], params["units"]["min_paragraph_chars"],
                    params["segment"]["dictionary"], params["segment"]["workers"])
    pio.write_parquet("data/interim/units.parquet", units)
    print(f"segment: {len(units)} units from {len(articles)} articles")


if __name__ == "__main__":
    main()
