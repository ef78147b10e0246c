"""Segment stage: articles -> modelling units (articles or paragraphs) with Vietnamese word segmentation.

underthesea's word_tokenize joins multi-syllable words with "_" (đổi_mới_sáng_tạo); terms of the domain
dictionary (segment.dictionary) are kept whole in any letter case. Text is segmented sentence by sentence;
standard abbreviations (segment.abbreviations) are expanded first, and segment.pos_filter keeps only the listed
parts of speech in `tokens` (underthesea's offline CRF tagger). Work is spread over processes (segment.workers).
"""
from __future__ import annotations

import os
import re
from concurrent.futures import ProcessPoolExecutor
from functools import partial

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
    """Each term as a case-insensitive pattern for underthesea's fixed_words, longest first so that "khoa học và
    công nghệ" wins over "khoa học". underthesea pastes fixed words into its tokenizer regex with only the spaces
    escaped, so the rest is escaped here and wrapped in (?i:...): "Bộ Khoa học và Công nghệ", headlines in capitals
    and sentence case all match one entry."""
    variants = set()
    for term in terms:
        term = " ".join(term.split())
        if term:
            variants.add("(?i:" + "".join(ch if ch == " " else re.escape(ch) for ch in term) + ")")
    return sorted(variants, key=lambda v: (-len(v), v))


def _abbreviation_pattern(abbreviations: dict[str, str]) -> re.Pattern | None:
    """One case-sensitive whole-word regex over the abbreviations, longest first (TP.HCM before TP)."""
    keys = sorted((k for k in abbreviations if k.strip()), key=lambda k: (-len(k), k))
    if not keys:
        return None
    return re.compile(r"(?<![\w.&])(?:" + "|".join(re.escape(k) for k in keys) + r")(?![\w&])")


def expand_abbreviations(text: str, abbreviations: dict[str, str] | None) -> str:
    """CNTT -> công nghệ thông tin, so that an abbreviation counts as the word it stands for (tokens only:
    the quotable text keeps the original)."""
    pattern = _abbreviation_pattern(abbreviations or {})
    return pattern.sub(lambda m: abbreviations[m.group(0)], text) if pattern else text


_POS_TAGGER = None


def _pos_tagger():
    """underthesea's VLSP-2013 CRF tagger (the model behind pos_tag(model="v2.0")), loaded once per process.
    Called on our own tokens because pos_tag() re-segments without the domain dictionary."""
    global _POS_TAGGER
    if _POS_TAGGER is None:
        from os.path import dirname, join

        import underthesea.pipeline.pos_tag as pos_module
        from underthesea.models.fast_crf_sequence_tagger import FastCRFSequenceTagger

        tagger = FastCRFSequenceTagger()
        tagger.load(join(dirname(pos_module.__file__), "models", "pos_crf_vlsp2013_20230303"))
        _POS_TAGGER = tagger
    return _POS_TAGGER


def pos_tag_tokens(tokens: list[str]) -> list[str]:
    """VLSP tags (N, Np, Ny, Nu, V, A, M, E, ...) of already segmented tokens of one sentence."""
    if not tokens:
        return []
    return [tag[2:] if tag[:2] in ("B-", "I-") else tag for tag in _pos_tagger().predict([[t] for t in tokens])]


def sentences(text: str) -> list[str]:
    """Lines, then underthesea's sentences: the CRF segmenter otherwise joins words across a full stop
    ("TPHCM. Ông") or a paragraph break."""
    from underthesea import sent_tokenize

    return [s for line in text.split("\n") if line.strip() for s in sent_tokenize(line) if s.strip()]


def tokenize_texts(texts: list[str], dictionary: list[str] | None = None, pos_filter: list[str] | None = None,
                   abbreviations: dict[str, str] | None = None) -> list[str]:
    """Segmented texts, space-separated, punctuation dropped, sentence by sentence.

    abbreviations are expanded first; with pos_filter only tokens whose VLSP tag is listed are kept (terms of
    the domain dictionary always are). Pure: underthesea 9.5.0's fixed_words replaces a module-global regex
    for every later call, so the global is restored afterwards.
    """
    from underthesea import word_tokenize
    from underthesea.pipeline.word_tokenize import regex_tokenize

    saved = regex_tokenize.patterns
    fixed = _dictionary_variants(dictionary or [])
    keep_tags = set(pos_filter or [])
    dictionary_words = {" ".join(t.split()).lower() for t in dictionary or []}
    try:
        out = []
        for text in texts:
            words = []
            for sentence in sentences(expand_abbreviations(text, abbreviations)):
                tokens = [t for t in word_tokenize(sentence, fixed_words=fixed) if not _PUNCT_TOKEN.match(t)]
                if keep_tags:
                    tokens = [t for t, tag in zip(tokens, pos_tag_tokens(tokens))
                              if tag in keep_tags or t.lower() in dictionary_words]
                words.extend(t.replace(" ", "_") for t in tokens)
            out.append(" ".join(words))
        return out
    finally:
        regex_tokenize.patterns = saved


def token_options(params: dict) -> dict:
    """The tokenisation settings of params.yaml besides the dictionary (shared with topics and themes)."""
    seg = params["segment"]
    return {"pos_filter": seg.get("pos_filter") or None, "abbreviations": seg.get("abbreviations") or None}


def _chunks(items: list, n: int) -> list[list]:
    size = max(1, -(-len(items) // n))
    return [items[i:i + size] for i in range(0, len(items), size)]


def resolve_workers(workers: int) -> int:
    return workers if workers and workers > 0 else (os.cpu_count() or 1)


def tokenize_parallel(texts: list[str], dictionary: list[str] | None = None, workers: int = 0,
                      **options) -> list[str]:
    """tokenize_texts over `workers` processes (0 = all cores); order and result equal the serial call.
    options: pos_filter, abbreviations (see tokenize_texts)."""
    workers = resolve_workers(workers)
    if workers == 1 or len(texts) < 2:
        return tokenize_texts(texts, dictionary, **options)
    # several chunks per worker so that one long chunk does not leave the other cores idle
    chunks = _chunks(texts, workers * 4)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        parts = pool.map(partial(tokenize_texts, **options), chunks, [dictionary] * len(chunks))
        return [t for part in parts for t in part]


def segment(articles: pd.DataFrame, level: str = "article", min_paragraph_chars: int = 80,
            dictionary: list[str] | None = None, workers: int = 0, **options) -> pd.DataFrame:
    """Pure core: cleaned articles -> units with tokens (options: pos_filter, abbreviations)."""
    units = make_units(articles, level, min_paragraph_chars)
    units["tokens"] = tokenize_parallel(units["text"].tolist(), dictionary, workers, **options)
    return units[UNIT_COLUMNS]


def main() -> None:
    params = P.load()
    articles = pio.read_parquet("data/interim/articles.parquet")
    units = segment(articles, params["units"]["level"], params["units"]["min_paragraph_chars"],
                    params["segment"]["dictionary"], params["segment"]["workers"], **token_options(params))
    pio.write_parquet("data/interim/units.parquet", units)
    print(f"segment: {len(units)} units from {len(articles)} articles")


if __name__ == "__main__":
    main()
