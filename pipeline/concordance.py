"""Concordance tools for discourse.terms: keyword in context on the cleaned text, and collocations on the
segmented tokens ranked by log-likelihood G² (Dunning 1993), with PMI.

Two flat modules (concordance, passages) rather than a package: each is one small concern with no sub-parts,
like words, text and groups beside them, and passages needs only term_regex from here.
"""
from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd

from pipeline.words import TOKEN_PATTERN

KWIC_COLUMNS = ["term", "unit_id", "article_id", "title", "date", "source", "topic", "theme", "left", "keyword", "right",
                "in_name"]
# the head of an institution's name: a hit inside "Bộ Khoa học và Công nghệ", "Sở Khoa học và Công nghệ", "Viện
# Khoa học ...", "Học viện Công nghệ ..." names the body, not the concept
NAME_HEADS = ("Bộ Sở Viện Học viện Trường Đại học Ủy ban Uỷ ban Ban Cục Tổng cục Vụ Trung tâm Công ty Tập đoàn Hội "
              "Hiệp hội Quỹ Khu Liên hiệp Ngân hàng Phòng Đại học Khoa Báo Tạp chí").split()
_HEAD = "|".join(map(re.escape, sorted(NAME_HEADS, key=len, reverse=True)))
# "Bộ Khoa học và Công nghệ": the head, then capitalised words (and "và", "&", ",") up to the hit
NAME_BEFORE = re.compile(rf"(?<!\w)(?:{_HEAD})(?:\s+(?:[A-ZÀ-ỸĐ]\w*|và|&|-))*\s*$")
KWIC_META = ("title", "date", "source", "topic", "theme")
COLLOCATION_COLUMNS = ["term", "collocate", "count", "term_count", "collocate_count", "expected", "pmi",
                       "log_likelihood", "rank"]


def term_regex(term: str) -> re.Pattern:
    """A term as whole words, any run of spaces between them, any letter case."""
    words = [re.escape(w) for w in term.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def kwic(units: pd.DataFrame, terms: list[str], window: int = 8) -> pd.DataFrame:
    """Pure core: every whole-word, case-insensitive occurrence of each term with `window` words either side."""
    rows = []
    meta = [c for c in KWIC_META if c in units.columns]
    for term in terms:
        pat = term_regex(term)
        for unit in units.itertuples(index=False):
            text = " ".join(str(unit.text).split())
            for m in pat.finditer(text):
                in_name = m.group()[:1].isupper() and bool(NAME_BEFORE.search(text[max(0, m.start() - 80):m.start()]))
                left = text[:m.start()].split()[-window:]
                right = text[m.end():].split()[:window]
                rows.append({"term": term, "unit_id": unit.unit_id, "article_id": unit.article_id,
                             **{c: getattr(unit, c) for c in meta}, "left": " ".join(left),
                             "keyword": m.group(), "right": " ".join(right), "in_name": in_name})
    return pd.DataFrame(rows).reindex(columns=KWIC_COLUMNS)


def kwic_name_counts(lines: pd.DataFrame, terms: list[str]) -> dict[str, dict[str, int]]:
    """Per term, KWIC lines on the concept and inside an institution's capitalised name (in_name)."""
    out = {}
    for t in terms:
        hits = lines[lines["term"] == t] if len(lines) else lines
        named = int(hits["in_name"].astype(bool).sum()) if len(hits) else 0
        out[t] = {"concept": len(hits) - named, "in_name": named}
    return out


def kwic_counts(lines: pd.DataFrame, terms: list[str]) -> dict[str, int]:
    """KWIC lines per term, every term listed in the given order (0 for a term the text never has)."""
    counts = lines["term"].value_counts() if len(lines) else pd.Series(dtype=int)
    return {t: int(counts.get(t, 0)) for t in terms}


def _matches(tokens: list[str], term: list[str]) -> list[tuple[int, int]]:
    """Token ranges that are the term: its syllables joined by "_" however the segmenter cut them (thể_chế;
    khu công_nghiệp or khu_công_nghiệp), or inside one longer compound token (khoa_học in khoa_học_công_nghệ)."""
    joined = "_".join(term)
    out = []
    for i, tok in enumerate(tokens):
        if tok == joined:
            out.append((i, i + 1))
        elif len(tok) > len(joined) and f"_{joined}_" in f"_{tok}_":
            out.append((i, i + 1))
        elif joined.startswith(tok + "_"):
            run, j = tok, i + 1
            while j < len(tokens) and joined.startswith(run + "_" + tokens[j]):
                run, j = f"{run}_{tokens[j]}", j + 1
                if run == joined:
                    out.append((i, j))
                    break
    return out


def _may_match(lowered: list[str], term: list[str]) -> list[int]:
    """The documents _matches can find the term in: every match holds the term's first syllable as a substring
    (a whole token, a compound holding it, or a run of tokens starting with it), so the others are skipped
    unread (the scan is a Python loop over every token)."""
    first = "_".join(term).split("_")[0]
    return [i for i, text in enumerate(lowered) if first in text]


def term_counts(token_docs: list[str], terms: dict[str, list[str]]) -> dict[str, int]:
    """Occurrences of each term (name -> segmented tokens) in the segmented documents, 0s included: a term the
    text has (KWIC) but the tokens never do is segmented differently from the corpus."""
    lowered = [d.lower() for d in token_docs]
    docs = [d.split() for d in lowered]
    out = {}
    for name, term in terms.items():
        term = [t.lower() for t in term]
        out[name] = sum(len(_matches(docs[i], term)) for i in _may_match(lowered, term))
    return out


def log_likelihood(o11: np.ndarray, r1: float, c1: np.ndarray, n: float) -> np.ndarray:
    """Dunning's G² of the 2x2 table (collocate in window or not x collocate or not), vectorised; equal to
    scipy.stats.chi2_contingency(..., correction=False, lambda_="log-likelihood") (checked in the tests)."""
    o = np.stack([o11, r1 - o11, c1 - o11, n - r1 - c1 + o11]).astype(float)
    rows = np.stack([np.full_like(o11, r1, dtype=float), np.full_like(o11, r1, dtype=float),
                     np.full_like(o11, n - r1, dtype=float), np.full_like(o11, n - r1, dtype=float)])
    cols = np.stack([c1, n - c1, c1, n - c1]).astype(float)
    e = rows * cols / n
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(o > 0, o * np.log(o / e), 0.0)
    return 2 * terms.sum(axis=0)


def collocations(token_docs: list[str], terms: dict[str, list[str]], stopwords: set[str], window: int = 5,
                 min_count: int = 2, top: int = 10) -> pd.DataFrame:
    """Pure core: for each term (name -> segmented tokens), words within `window` tokens either side, counted
    over all occurrences, ranked by G² among words attracted to the term (observed > expected)."""
    word = re.compile(TOKEN_PATTERN)
    lowered = [d.lower() for d in token_docs]
    docs = [d.split() for d in lowered]
    valid = [[word.fullmatch(t) is not None and t not in stopwords for t in d] for d in docs]
    freq = Counter(t for d, v in zip(docs, valid) for t, ok in zip(d, v) if ok)
    n = sum(freq.values())
    rows = []
    for name, term in terms.items():
        term = [t.lower() for t in term]
        joined = "_".join(term)
        co: Counter = Counter()
        r1 = 0
        term_count = 0
        for i in _may_match(lowered, term):
            d, v = docs[i], valid[i]
            for s, e in _matches(d, term):
                term_count += 1
                for j in [*range(max(0, s - window), s), *range(e, min(len(d), e + window))]:
                    if v[j] and joined not in d[j] and d[j] not in term:
                        co[d[j]] += 1
                        r1 += 1
        if not co or n == 0:
            continue
        words = [w for w, c in co.items() if c >= min_count]
        if not words:
            continue
        o11 = np.array([co[w] for w in words], dtype=float)
        c1 = np.array([freq[w] for w in words], dtype=float)
        expected = r1 * c1 / n
        g2 = log_likelihood(o11, float(r1), c1, float(n))
        frame = pd.DataFrame({"term": name, "collocate": words, "count": o11.astype(int), "term_count": term_count,
                              "collocate_count": c1.astype(int), "expected": expected,
                              "pmi": np.log2(o11 / expected), "log_likelihood": g2})
        frame = frame[frame["count"] > frame["expected"]].sort_values(["log_likelihood", "collocate"],
                                                                      ascending=[False, True]).head(top)
        rows.append(frame.assign(rank=range(1, len(frame) + 1)))
    if not rows:
        return pd.DataFrame(columns=COLLOCATION_COLUMNS)
    return pd.concat(rows, ignore_index=True)[COLLOCATION_COLUMNS]
