"""Themes stage: map each topic to an analyst-defined theme of the codebook (params.yaml `themes`).

Rule (codebook.theme_rule_text, stated in the report): a topic's score for a theme is the share of its top-50
(codebook.THEME_TOP_TERMS) c-TF-IDF weight that falls on the theme's keywords (segmented like the corpus). The
weights come from topicmodel.bertopic_model.topic_terms, which leaves out guided mode's boost of codebook words, so the codebook does not inflate its own scores; every
topic keeps its score for every theme (score_<theme>). The topic takes the theme with the highest
score when that score is at least theme_rule.min_score, otherwise "other". An article's theme shares are
the shares of its units in each theme (at article level: 1 for its topic's theme).
"""
from __future__ import annotations

import pandas as pd

from pipeline import codebook
from pipeline import io as pio
from pipeline import params as P
from pipeline import paths
from pipeline.codebook import OTHER, THEME_TOP_TERMS
from pipeline.words import keyword_tokenizer

META_COLUMNS = ["source", "series", "part", "date", "label"]


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


def main(argv: list[str] | None = None) -> None:
    ws = paths.stage_args("themes", argv)
    params = P.load(ws.params_file)
    articles = pio.read_parquet(ws / paths.ARTICLES)
    assignments = pio.read_parquet(ws / paths.TOPIC_ASSIGNMENTS)
    info = pio.read_parquet(ws / paths.TOPIC_INFO)
    terms = pio.read_parquet(ws / paths.TOPIC_TERMS)
    terms = terms[terms["rank"] <= THEME_TOP_TERMS]  # the rule's top-N, whatever number of words topics wrote
    themes = params["themes"]
    keywords = {name: set(words) for name, words in codebook.keywords(themes, keyword_tokenizer(params)).items()}
    scored = score_topics(terms, keywords, params["theme_rule"]["min_score"], info["topic"].tolist())
    topics = info.merge(scored, on="topic", how="left").drop(columns=["weights"])
    topics["theme"] = topics["theme"].fillna(OTHER)
    for lang in ("vi", "en"):
        topics[f"theme_{lang}"] = topics["theme"].map(codebook.labels(params, lang))
    topic_themes = dict(zip(topics["topic"], topics["theme"]))
    meta = articles[["article_id", *META_COLUMNS]]
    out = assignments[["unit_id", "article_id", "topic"]].assign(theme=assignments["topic"].map(topic_themes))
    out = out.merge(meta, on="article_id", how="left")
    shares = articles[["article_id", "title", *META_COLUMNS]].merge(
        article_shares(assignments, topic_themes, list(themes)), on="article_id", how="inner")
    pio.write_csv(ws / paths.TOPICS_TABLE, topics)
    pio.write_csv(ws / paths.ASSIGNMENTS_TABLE, out)
    pio.write_parquet(ws / paths.TOPIC_THEMES, topics)
    pio.write_parquet(ws / paths.UNIT_THEMES, out)
    pio.write_parquet(ws / paths.ARTICLE_THEMES, shares)
    summary = topics[topics["topic"] >= 0].groupby("theme")["size"].sum().to_dict()
    print(f"themes: units per theme {summary}")


if __name__ == "__main__":
    main()
