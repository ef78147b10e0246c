"""Themes stage: map each topic to an analyst-defined theme of the codebook (params.yaml `themes`).

Rule (codebook.theme_rule_text, stated in the report): a topic's score for a theme is the share of its top-50
(codebook.THEME_TOP_TERMS) c-TF-IDF weight that falls on the theme's keywords (segmented like the corpus). The
weights come from topicmodel.bertopic_model.topic_terms, which leaves out guided mode's boost of codebook words, so the codebook does not inflate its own scores; every
topic keeps its score for every theme (score_<theme>). The topic takes the theme with the highest
score when that score is at least theme_rule.min_score, otherwise "other". Topics and their themes are the
exploratory layer (reports/topics.csv, the `theme` of reports/assignments.csv).

The measured layer (pipeline/measure.py, validated against human coding by pipeline/validation.py): each unit's
paragraphs get theme probabilities from the unit's embedding's similarity to the themes' descriptions and their
own codebook keywords; an article's theme proportions (data/processed/article_themes.parquet, which compare reads)
are their length-weighted mean, so a mixed article is mixed. Before that, the codebook's fit to the corpus
(reports/codebook_fit.csv): a theme without enough evidence is "not measurable in this corpus" and gets no share.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import yaml

from pipeline import codebook, measure, theme_model
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


def measured(units: pd.DataFrame, vectors: np.ndarray, params, ws: paths.Workspace, rules: dict,
             measurable: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per unit, per article) theme proportions and primary theme; themes not measurable get 0 and never win."""
    tm = params["theme_measure"]
    cache = tm["cache_dir"]
    method, _ = theme_model.method_used(params)
    if method in ("learned", "hybrid"):
        theme_model.warm_cache(params, ws)  # the coded sheet's and the descriptions' vectors, shipped
    names, matrix, keywords, joint = measure.theme_setup(params, rules, ws.resolve(cache) if cache else None,
                                                         units["tokens"].tolist())
    vectors = joint if joint is not None else vectors  # tfidf: units and descriptions embedded in one space
    all_names, all_themes = names, matrix  # the learned model's features use every theme's descriptions
    keep = [i for i, n in enumerate(names) if n in measurable or n == OTHER]
    names, matrix = [names[i] for i in keep], matrix[keep]
    vecs, tokens, unit_ids, lengths = measure.evidence(units["text"].tolist(), units["unit_id"].tolist(), params, ws,
                                                       tm["paragraphs"], precomputed=vectors)
    article_of = dict(zip(units["unit_id"], units["article_id"]))
    options = {"temperature": tm["temperature"], "keyword_weight": tm["keyword_weight"], "min_share": tm["min_share"]}
    probs = None
    if method in ("learned", "hybrid"):  # trained on the coded sheet (pipeline/theme_model.py)
        try:
            model = theme_model.train(params, ws, all_names, all_themes, keywords)
        except theme_model.SheetMismatch as error:
            raise SystemExit(str(error)) from None
        probs = theme_model.restrict(model.probabilities(vecs, tokens), all_names, names)
    out = []
    for groups in (unit_ids, [article_of[u] for u in unit_ids]):
        if probs is None:
            props = measure.measure(vecs, tokens, groups, lengths, keywords, names, matrix, **options)
        else:
            props = measure.proportions(probs, groups, lengths, names, theme_model.min_share(tm))
        for name in [*params["themes"], OTHER]:
            if name not in props.columns:
                props[name] = 0.0
        out.append(props[[*params["themes"], OTHER, "primary"]])
    return out[0].rename_axis("unit_id").reset_index(), out[1].reset_index()


def main(argv: list[str] | None = None) -> None:
    ws = paths.stage_args("themes", argv)
    params = P.load(ws.params_file)
    articles, assignments, info, terms, units, (unit_ids, vectors) = ws.read(
        paths.ARTICLES, paths.TOPIC_ASSIGNMENTS, paths.TOPIC_INFO, paths.TOPIC_TERMS, paths.UNITS, paths.EMBEDDINGS)
    vectors = vectors[pd.Index(unit_ids).get_indexer(units["unit_id"])]
    tm = params["theme_measure"]
    rules_path = ws.resolve(tm["coding_rules"])
    if not rules_path.is_file():
        raise SystemExit(f"theme_measure.coding_rules = {tm['coding_rules']!r}: no such file (the coding rules, YAML)")
    rules = (yaml.safe_load(rules_path.read_text(encoding="utf-8")) or {}).get("themes") or {}
    terms = terms[terms["rank"] <= THEME_TOP_TERMS]  # the rule's top-N, whatever number of words topics wrote
    themes = params["themes"]
    keywords = {name: set(words) for name, words in codebook.keywords(themes, keyword_tokenizer(params)).items()}
    art_tokens = units.groupby("article_id", sort=False)["tokens"].agg(" ".join)
    fit_rows, fit = codebook.fit(themes, codebook.keywords(themes, keyword_tokenizer(params)), art_tokens.tolist(),
                                 articles.set_index("article_id").loc[art_tokens.index, "text"].tolist(),
                                 tm["fit"]["min_keywords"], tm["fit"]["min_share"])
    measurable = [name for name, entry in fit.items() if entry["measurable"]]
    method, method_note = theme_model.method_used(params)
    if method_note:
        print(f"themes: {method_note}")
    unit_props, article_props = measured(units, vectors, params, ws, rules, measurable)
    scored = score_topics(terms, keywords, params["theme_rule"]["min_score"], info["topic"].tolist())
    topics = info.merge(scored, on="topic", how="left").drop(columns=["weights"])
    topics["theme"] = topics["theme"].fillna(OTHER)
    for lang in ("vi", "en"):
        topics[f"theme_{lang}"] = topics["theme"].map(codebook.labels(params, lang))
    topic_themes = dict(zip(topics["topic"], topics["theme"]))
    meta = articles[["article_id", *META_COLUMNS]]
    out = assignments[["unit_id", "article_id", "topic"]].assign(theme=assignments["topic"].map(topic_themes))
    out = out.merge(meta, on="article_id", how="left")
    # added columns (the existing ones stay as they were): outliers forced into a topic, and the measured theme
    for col in ("reassigned", "topic_similarity"):
        if col in assignments.columns:
            out[col] = assignments[col].to_numpy()
    out["measured_theme"] = out["unit_id"].map(dict(zip(unit_props["unit_id"], unit_props["primary"])))
    shares = articles[["article_id", "title", *META_COLUMNS]].merge(
        article_props.rename(columns={"primary": "primary_theme"}), on="article_id", how="inner")
    topic_shares = article_shares(assignments, topic_themes, list(themes))
    kept = assignments[~assignments["reassigned"]] if "reassigned" in assignments.columns else assignments
    summary_out = {
        "fit": fit, "unseen_keywords": [r["keyword"] for r in fit_rows if not r["seen"]], "not_measurable": [n for n in themes if n not in measurable],
        "fit_rule": codebook.not_measurable_text(fit, tm["fit"]["min_keywords"], tm["fit"]["min_share"]),
        "measured_shares": {k: round(float(shares[k].mean()), 4) for k in [*themes, OTHER]},
        "topic_shares": {k: round(float(topic_shares[k].mean()), 4) for k in [*themes, OTHER]},
        "topic_shares_without_reassigned": {k: round(float(v), 4) for k, v in kept["topic"].map(topic_themes).fillna(
            OTHER).value_counts(normalize=True).reindex([*themes, OTHER], fill_value=0).items()},
        "reassigned_units": int(assignments["reassigned"].sum()) if "reassigned" in assignments.columns else 0,
        "method": method, "method_note": method_note,
    }
    pio.write_csv(ws / paths.TOPICS_TABLE, topics)
    pio.write_csv(ws / paths.ASSIGNMENTS_TABLE, out)
    pio.write_parquet(ws / paths.TOPIC_THEMES, topics)
    pio.write_parquet(ws / paths.UNIT_THEMES, out)
    pio.write_parquet(ws / paths.ARTICLE_THEMES, shares)
    pio.write_csv(ws / paths.CODEBOOK_FIT, pd.DataFrame(fit_rows))
    pio.write_json(ws / paths.THEMES_SUMMARY, summary_out)
    summary = topics[topics["topic"] >= 0].groupby("theme")["size"].sum().to_dict()
    print(f"themes: units per theme {summary}")


if __name__ == "__main__":
    main()
