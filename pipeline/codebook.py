"""The analyst's codebook (params.yaml `themes`, `theme_labels`, `theme_rule`) in the forms the stages use.

One place for: the keywords segmented as the corpus is (guided topics, theme scoring, concordances), the theme
labels in Vietnamese and English, and the rule that names a topic's theme with its description for the report.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

OTHER = "other"
OTHER_LABELS = {"vi": "Khác", "en": "Other"}
# a topic's theme score looks at its top THEME_TOP_TERMS c-TF-IDF words (topics writes that many per topic)
THEME_TOP_TERMS = 50


def keywords(themes: Mapping[str, list[str]], tokenize: Callable[[list[str]], list[str]]) -> dict[str, list[str]]:
    """Each theme's keywords in the vectoriser's form ("chuyển đổi số" -> "chuyển_đổi_số"), lowercased, each
    once, in codebook order. `tokenize` is pipeline.words.keyword_tokenizer(params): the corpus's segmentation
    (dictionary, abbreviations), so a keyword matches the tokens the corpus has."""
    out = {}
    for name, words in themes.items():
        seg = [t.lower() for t in tokenize(list(words))]
        out[name] = [w for w in dict.fromkeys(seg) if w]
    return out


def coverage(keywords: dict[str, list[str]], vocabulary, stopwords: list[str]) -> dict[str, list[str]]:
    """Codebook keywords a topic model cannot see: stopwords, or words outside the vectoriser's vocabulary (too
    rare, or segmented differently in the corpus). A theme whose keywords are all missing cannot be found."""
    vocab, stop = set(vocabulary), set(stopwords)
    out = {}
    for name, words in keywords.items():
        missing = [w for w in words if w not in vocab or w in stop]
        if missing:
            out[name] = missing
    return out


def labels(params: Mapping, lang: str = "en") -> dict[str, str]:
    """Theme name -> its label in `lang` (vi or en), `other` included; a theme without a label keeps its name."""
    given = params.get("theme_labels") or {}
    out = {name: (given.get(name) or {}).get(lang, name) for name in params["themes"]}
    out[OTHER] = OTHER_LABELS[lang]
    return out


def theme_rule_text(min_score: float) -> str:
    """The theme rule in one paragraph, for the report's Themes section (the themes stage applies exactly this)."""
    return (f"A topic's score for a theme is the share of its top-{THEME_TOP_TERMS} c-TF-IDF weight that falls on "
            "the theme's keywords, computed without guided mode's boost of codebook words so that the codebook does "
            "not inflate its own scores; the topic takes the highest-scoring theme when that score is at least "
            f"{min_score}, otherwise 'other'. An article's theme shares are the shares of its units in each theme.")


def fit(themes: Mapping[str, list[str]], keywords: dict[str, list[str]], tokens: list[str], texts: list[str],
        min_keywords: int, min_share: float) -> tuple[list[dict], dict[str, dict]]:
    """How well the codebook fits a corpus, before any theme is named.

    Per keyword (raw form, segmented form): the articles whose segmented tokens contain it and the articles whose
    raw text contains it (lowercased, whole words), and whether it was seen at all. Per theme: keywords seen, the
    share of articles with any of its keywords (tokens), and `measurable`: at least `min_keywords` keywords seen
    and at least `min_share` of the articles reached. A theme that is not is reported as "not measurable in this
    corpus" rather than assigned. `keywords` is keywords(themes, tokenizer): the same order as `themes`.
    """
    import re

    token_sets = [set(t.lower().split()) for t in tokens]
    lowered = [" ".join(t.lower().split()) for t in texts]
    n = max(len(token_sets), 1)
    rows, summary = [], {}
    for name, raw_words in themes.items():
        seg_words = [t.lower() for t in tokenize_each(raw_words, keywords[name])]
        any_hit = np.zeros(len(token_sets), dtype=bool)
        seen = 0
        for raw, seg in zip(raw_words, seg_words):
            hits = np.array([seg in s for s in token_sets], dtype=bool)
            pattern = re.compile(r"(?<!\w)" + re.escape(" ".join(raw.lower().split())) + r"(?!\w)")
            raw_hits = sum(bool(pattern.search(t)) for t in lowered)
            any_hit |= hits
            seen += bool(hits.any() or raw_hits)
            rows.append({"theme": name, "keyword": raw, "token": seg, "articles_tokens": int(hits.sum()),
                         "articles_raw": int(raw_hits), "share_tokens": round(float(hits.sum()) / n, 6),
                         "seen": bool(hits.any() or raw_hits)})
        share = float(any_hit.sum()) / n
        summary[name] = {"keywords": len(raw_words), "keywords_seen": seen, "articles_any": int(any_hit.sum()),
                         "share_any": round(share, 6), "measurable": seen >= min_keywords and share >= min_share}
    return rows, summary


def tokenize_each(raw_words: list[str], segmented: list[str]) -> list[str]:
    """Pair each raw keyword with its segmented form: keywords() dedups, so a raw list can be longer than the
    segmented one; a raw keyword takes the segmented form that joins its own syllables."""
    by_plain = {s.replace("_", " "): s for s in segmented}
    return [by_plain.get(" ".join(w.lower().split()), "_".join(w.lower().split())) for w in raw_words]


def not_measurable_text(summary: dict[str, dict], min_keywords: int, min_share: float) -> str:
    """The rule behind "not measurable in this corpus", for the report."""
    names = [k for k, v in summary.items() if not v["measurable"]]
    rule = (f"a theme is measurable when at least {min_keywords} of its keywords occur and at least "
            f"{min_share:.0%} of the articles contain one of them")
    return f"Not measurable in this corpus ({rule}): {', '.join(names)}." if names else f"Every theme is measurable ({rule})."
