"""The analyst's codebook (params.yaml `themes`, `theme_labels`, `theme_rule`) in the forms the stages use.

One place for: the keywords segmented as the corpus is (guided topics, theme scoring, concordances), the theme
labels in Vietnamese and English, and the rule that names a topic's theme with its description for the report.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

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
