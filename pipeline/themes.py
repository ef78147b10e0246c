"""Themes stage: map each topic to an analyst-defined theme of the codebook (params.yaml `themes`).

Rule (pipeline/codebook.py states it for the report): a topic's score for a theme is the share of its top-N
(codebook.THEME_TOP_TERMS) c-TF-IDF weight that falls on the theme's keywords (segmented like the corpus). The weights come from topics.topic_terms, which
leaves out guided mode's boost of codebook words, so the codebook does not inflate its own scores; every
topic keeps its score for every theme (score_<theme>). The topic takes the theme with the highest
score when that score is at least theme_rule.min_score, otherwise "other". An article's theme shares are
the shares of its units in each theme (at article level: 1 for its topic's theme).
"""
from __future__ import annotations

import pandas as pd

from pipeline import io as pio
from pipeline import params as P
from pipeline.codebook import THEME_TOP_TERMS

OTHER = "other"
META_COLUMNS = ["source", "series", "part", "date", "label"]


def segmented_keywords(themes: dict[str, list[str]], tokenize) -> dict[str, set[str]]:
    """Keywords in the vectoriser's form: "chuyển đổi số" -> "chuyển_đổi_số" (lowercased)."""
    out = {}
    for name, words in themes.items():
        out[name] = {seg.lower() for seg in tokenize(words) if seg}
    return out


def score_topics(terms: pd.DataFrame, keywords: dict[str, set[str]], min_score: float,
                 topics: list[int] | None = None) -> pd.DataFrame:
    """Pure core: topic terms (topic, word, weight) -> one row a topic: theme, theme_score (the best theme's
    score), theme_keywords (its keywords found among the terms) and score_<theme> for every theme.

    `topics` lists every topic to score; one without terms scores 0 everywhere (theme "other").
    Ties go to the theme listed first in the codebook.
    """
    names = list(keywords)
    ids = sorted(set(terms["topic"]) | set(topics or []))
    rows = []
    for topic in ids:
        group = terms[terms["topic"] == topic]
        total = group["weight"].sum()
        scores = {name: float(group.loc[group["word"].isin(keywords[name]), "weight"].sum() / total) if total > 0 else 0.0
                  for name in names}
        best = max(names, key=lambda k: (scores[k], -names.index(k))) if names else OTHER
        best_score = scores.get(best, 0.0)
        theme = best if topic != -1 and best_score > 0 and best_score >= min_score else OTHER
        matched = sorted(set(group["word"]) & keywords[best]) if theme != OTHER else []
        rows.append({"topic": int(topic), "theme": theme, "theme_score": round(best_score, 6),
                     "theme_keywords": " ".join(matched), **{f"score_{k}": round(v, 6) for k, v in scores.items()}})
    return pd.DataFrame(rows, columns=["topic", "theme", "theme_score", "theme_keywords", *[f"score_{k}" for k in names]])


def article_shares(assignments: pd.DataFrame, topic_themes: dict[int, str], theme_names: list[str]) -> pd.DataFrame:
    """Per article, the share of its units in each theme (rows sum to 1)."""
    themed = assignments.assign(theme=assignments["topic"].map(topic_themes).fillna(OTHER))
    counts = pd.crosstab(themed["article_id"], themed["theme"])
    for name in [*theme_names, OTHER]:
        if name not in counts.columns:
            counts[name] = 0
    shares = counts[[*theme_names, OTHER]].div(counts.sum(axis=1), axis=0)
    return shares.reset_index()


def main() -> None:
    from pipeline.words import keyword_tokenizer

    params = P.load()
    articles = pio.read_parquet("data/interim/articles.parquet")
    assignments = pio.read_parquet("data/processed/topic_assignments.parquet")
    info = pio.read_parquet("data/processed/topic_info.parquet")
    terms = pio.read_parquet("data/processed/topic_terms.parquet")
    terms = terms[terms["rank"] <= THEME_TOP_TERMS]  # the rule's top-N, whatever number of words topics wrote
    themes = params["themes"]
    keywords = segmented_keywords(themes, keyword_tokenizer(params))
    scored = score_topics(terms, keywords, params["theme_rule"]["min_score"], info["topic"].tolist())
    labels = params.get("theme_labels") or {}
    topics = info.merge(scored, on="topic", how="left")
    topics["theme"] = topics["theme"].fillna(OTHER)
    topics["theme_vi"] = topics["theme"].map(lambda t: labels.get(t, {}).get("vi", "Khác" if t == OTHER else t))
    topics["theme_en"] = topics["theme"].map(lambda t: labels.get(t, {}).get("en", "Other" if t == OTHER else t))
    topic_themes = dict(zip(topics["topic"], topics["theme"]))
    meta = articles[["article_id", "title", *META_COLUMNS]]
    out = assignments[["unit_id", "article_id", "topic"]].assign(theme=assignments["topic"].map(topic_themes))
    out = out.merge(meta.drop(columns=["title"]), on="article_id", how="left")
    shares = article_shares(assignments, topic_themes, list(themes))
    shares = meta.merge(shares, on="article_id", how="inner")
    pio.write_csv("reports/topics.csv", topics.drop(columns=["weights"]))
    pio.write_csv("reports/assignments.csv", out)
    pio.write_parquet("data/processed/article_themes.parquet", shares)
    summary = topics[topics["topic"] >= 0].groupby("theme")["size"].sum().to_dict()
    print(f"themes: units per theme {summary}")


if __name__ == "__main__":
    main()
