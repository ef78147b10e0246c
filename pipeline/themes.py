"""Themes stage: map each topic to an analyst-defined theme of the codebook (params.yaml `themes`).

Rule (stated in the report): a topic's score for a theme is the share of its top-50 c-TF-IDF weight that
falls on the theme's keywords (segmented like the corpus). The topic takes the theme with the highest
score when that score is at least theme_rule.min_score, otherwise "other". An article's theme shares are
the shares of its units in each theme (at article level: 1 for its topic's theme).
"""
from __future__ import annotations

import pandas as pd

from pipeline import io as pio
from pipeline import params as P

OTHER = "other"
META_COLUMNS = ["source", "series", "part", "date", "label"]


def segmented_keywords(themes: dict[str, list[str]], tokenize) -> dict[str, set[str]]:
    """Keywords in the vectoriser's form: "chuyển đổi số" -> "chuyển_đổi_số" (lowercased)."""
    out = {}
    for name, words in themes.items():
        out[name] = {seg.lower() for seg in tokenize(words) if seg}
    return out


def score_topics(terms: pd.DataFrame, keywords: dict[str, set[str]], min_score: float) -> pd.DataFrame:
    """Pure core: topic terms (topic, word, weight) -> one row a topic: theme, theme_score, score_<theme>."""
    rows = []
    for topic, group in terms.groupby("topic", sort=True):
        total = group["weight"].sum()
        scores = {name: float(group.loc[group["word"].isin(kw), "weight"].sum() / total) if total > 0 else 0.0
                  for name, kw in keywords.items()}
        best = max(scores, key=lambda k: (scores[k], k)) if scores else OTHER
        theme = best if topic != -1 and scores.get(best, 0.0) >= min_score else OTHER
        matched = sorted(set(group["word"]) & keywords.get(best, set())) if theme != OTHER else []
        rows.append({"topic": int(topic), "theme": theme, "theme_score": round(scores.get(best, 0.0), 6) if theme != OTHER else
                     round(max(scores.values(), default=0.0), 6), "theme_keywords": " ".join(matched),
                     **{f"score_{k}": round(v, 6) for k, v in scores.items()}})
    return pd.DataFrame(rows)


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
    from pipeline.segment import tokenize_texts

    params = P.load()
    articles = pio.read_parquet("data/interim/articles.parquet")
    assignments = pio.read_parquet("data/processed/topic_assignments.parquet")
    info = pio.read_parquet("data/processed/topic_info.parquet")
    terms = pio.read_parquet("data/processed/topic_terms.parquet")
    themes = params["themes"]
    keywords = segmented_keywords(themes, lambda ws: tokenize_texts(ws, params["segment"]["dictionary"]))
    scored = score_topics(terms, keywords, params["theme_rule"]["min_score"])
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
