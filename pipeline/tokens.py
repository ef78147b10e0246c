"""Segmented text, cached line by line and shared by every stage that segments (segment, themes, validation).

pipeline.words.tokenize_texts segments a text line by line (words.sentences: lines, then sentences), so a text's
tokens are its non-empty lines' tokens joined by a space. Caching by line instead of by text lets the themes stage
find every paragraph it cuts from an article already segmented by the segment stage (it cost the themes stage
most of its time at 20,000 articles), lets a corpus share repeated lines, and keeps the result identical to
tokenize_texts on the whole text (tests/test_segment_parallel.py checks it). The cache key is the sha256 of the
line under a folder named by everything else that decides the tokens (segmenter_key).
"""
from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

from pipeline import compute
from pipeline import io as pio
from pipeline.cache import ContentCache
from pipeline.words import dictionary_variants, tokenize_texts

SHARD_ROWS = 20000  # segmented lines per cache shard


def segmenter_key(dictionary: list[str] | None, pos_filter: list[str] | None = None,
                  abbreviations: dict[str, str] | None = None) -> str:
    """Everything besides the text that decides the tokens: underthesea's versions, the dictionary, the
    abbreviations, the POS filter and the source of this module, pipeline/words.py and pipeline/crf.py (hashed
    whole, so that any edit of tokenize_texts or its helpers retires old entries)."""
    from importlib.metadata import version

    from pipeline import crf, words

    spec = "\n".join([f"underthesea={version('underthesea')}", f"underthesea_core={version('underthesea_core')}",
                      hashlib.sha256(Path(__file__).read_bytes()).hexdigest(),
                      hashlib.sha256(Path(words.__file__).read_bytes()).hexdigest(),
                      hashlib.sha256(Path(crf.__file__).read_bytes()).hexdigest(), *dictionary_variants(dictionary or []),
                      "pos:" + ",".join(sorted(pos_filter or [])),
                      *(f"abbr:{k}={v}" for k, v in sorted((abbreviations or {}).items()))])
    return f"lines-{version('underthesea')}-{hashlib.sha256(spec.encode('utf-8')).hexdigest()[:16]}"


def _lines(text: str) -> list[str]:
    """The lines words.sentences segments (blank ones carry no token), stripped: spaces around a line make no
    token, and a paragraph cut from an article (pipeline.text.paragraphs) is stripped."""
    return [line.strip() for line in text.split("\n") if line.strip()]


def _warm_up(dictionary: list[str] | None, options: dict) -> None:
    """Load underthesea's models here so that forked workers inherit them instead of each loading them."""
    tokenize_texts(["khởi động"], dictionary, **options)


def tokenize_cached(texts: list[str], dictionary: list[str] | None = None, workers: int = 0,
                    scheduler: str = compute.LOCAL, cache_dir: str | Path | None = None,
                    stats: dict | None = None, **options) -> list[str]:
    """tokenize_texts over `workers` processes (0 = all cores) or a Dask cluster, equal to the serial call. Each
    distinct line is segmented once; with cache_dir, lines segmented before (by this underthesea, dictionary and
    options) are not redone, and each finished chunk is cached at once (a killed run keeps them).
    options: pos_filter, abbreviations (see words.tokenize_texts)."""
    lines_of = [_lines(t) for t in texts]
    distinct = {pio.sha256_text(line): line for lines in lines_of for line in lines}
    cache = ContentCache(cache_dir, segmenter_key(dictionary, **options), "text", SHARD_ROWS) if cache_dir else None
    done = cache.get(list(distinct)) if cache else {}
    todo = sorted((k, line) for k, line in distinct.items() if k not in done)
    n_workers = compute.resolve_workers(workers)
    local = scheduler == compute.LOCAL
    if todo:
        if local and n_workers > 1 and len(todo) > 1:
            _warm_up(dictionary, options)
        # longest lines first, in small chunks: the last chunks are short ones, so no core idles long at the end
        # waiting for a chunk of long paragraphs (the order of the result does not depend on it)
        todo.sort(key=lambda item: (-len(item[1]), item[0]))
        per_worker, cap = (16, 512) if n_workers > 1 or not local else (4, 2048)
        chunks = compute.chunked(todo, compute.chunk_size(len(todo), n_workers, per_worker=per_worker, cap=cap))
        with cache.writer() if cache else contextlib.nullcontext() as writer:
            for i, tokens in compute.run_chunks(tokenize_texts, [[line for _, line in c] for c in chunks],
                                                workers=n_workers, scheduler=scheduler,
                                                kwargs={"dictionary": dictionary, **options}):
                new = {k: tok for (k, _), tok in zip(chunks[i], tokens)}
                done.update(new)
                if writer:
                    writer.add(new)
    if stats is not None:
        n_lines = len(distinct)
        stats.update({"n": len(texts), "lines": n_lines, "segmented": len(todo), "from_cache": n_lines - len(todo),
                      "workers": n_workers if local else None, "scheduler": scheduler})
    out = []
    for lines in lines_of:
        parts = (done[pio.sha256_text(line)] for line in lines)
        out.append(" ".join(p for p in parts if p))
    return out
