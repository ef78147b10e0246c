"""Representative passages: for each topic (its c-TF-IDF words) and theme (its codebook keywords) the paragraphs
that carry most of the words' weight, with title, date and source, cut at a sentence end, ready to quote."""
from __future__ import annotations

import math
import re

import pandas as pd

from pipeline.concordance import term_regex
from pipeline.text import paragraphs

PASSAGE_COLUMNS = ["kind", "key", "label", "rank", "unit_id", "article_id", "title", "date", "source", "score",
                   "matched", "text", "citation"]
MAX_TITLE_CHARS = 120


def trim(text: str, max_chars: int) -> str:
    """Cut at the last sentence end before max_chars, else at a word boundary with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    ends = [m.end() for m in re.finditer(r"[.!?…][”\"]?(?=\s)", cut)]
    if ends and ends[-1] > max_chars // 3:
        return cut[:ends[-1]]
    return cut.rsplit(" ", 1)[0] + " …"


def citation(row: dict) -> str:
    """“Title” (source, date): the title (else the article id) shortened at a word, then what is known."""
    bits = [str(v) for v in (row.get("source"), row.get("date")) if isinstance(v, str) and v and v != "nan"]
    title = row.get("title") if isinstance(row.get("title"), str) and row.get("title") else row.get("article_id")
    title = title if len(title) <= MAX_TITLE_CHARS else title[:MAX_TITLE_CHARS - 1].rsplit(" ", 1)[0] + " …"
    return f"“{title}”" + (f" ({', '.join(bits)})" if bits else "")


def passages(units: pd.DataFrame, keys: dict[tuple[str, str], tuple[str, dict[str, float]]], per_key: int = 3,
             max_chars: int = 700, min_words: int = 25) -> pd.DataFrame:
    """Pure core: for each (kind, key) -> (label, {word: weight}) the paragraphs of the units with that key
    (column `topic` or `theme`) that carry most of the words' weight per sqrt(word count); one passage an
    article, the best `per_key` articles."""
    rows = []
    for (kind, key), (label, words) in keys.items():
        column = "topic" if kind == "topic" else "theme"
        pool = units[units[column].astype(str) == str(key)]
        pats = {w: term_regex(w) for w in words}
        best: dict[str, dict] = {}
        for unit in pool.itertuples(index=False):
            for para in paragraphs(str(unit.text)):
                n_words = len(para.split())
                if n_words < min_words:
                    continue
                hits = {w: len(p.findall(para)) for w, p in pats.items()}
                score = sum(words[w] * c for w, c in hits.items()) / math.sqrt(n_words)
                if score <= 0:
                    continue
                prev = best.get(unit.article_id)
                if prev is None or score > prev["score"]:
                    row = unit._asdict()
                    best[unit.article_id] = {
                        "kind": kind, "key": str(key), "label": label, "unit_id": unit.unit_id,
                        "article_id": unit.article_id, "title": row.get("title"), "date": row.get("date"),
                        "source": row.get("source"), "score": round(score, 6),
                        "matched": " ".join(sorted(w for w, c in hits.items() if c)), "text": trim(para, max_chars)}
        chosen = sorted(best.values(), key=lambda r: (-r["score"], r["article_id"]))[:per_key]
        for rank, r in enumerate(chosen, start=1):
            rows.append({**r, "rank": rank, "citation": citation(r)})
    return pd.DataFrame(rows).reindex(columns=PASSAGE_COLUMNS)
