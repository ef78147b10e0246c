"""Discourse stage: tools a researcher reads beside the topic model, all in reports/discourse/.

- kwic.csv: keyword-in-context lines of discourse.terms (whole words, case-insensitive, on the cleaned text);
- collocations.csv: words within discourse.collocation_window segmented words of each term, ranked by
  log-likelihood G² (Dunning 1993), with PMI; only words attracted to the term (observed > expected). The terms
  are segmented as the corpus is (pipeline.words.keyword_tokenizer: dictionary and abbreviations);
- quotes.csv: who is quoted or cited: direct speech (“...”, bà An nhấn mạnh; ông X cho biết: “...”), reported
  speech (X cho biết/nhấn mạnh/cho rằng, ...), and "Theo X, ..." (pipeline.speech);
- actors.csv / actors_by_group.csv: named speakers counted per theme and per group of each compare.by field;
- passages.csv: representative paragraphs of each topic (c-TF-IDF words) and theme (codebook keywords), with
  title, date and source, cut at a sentence end, ready to quote;
- summary.json: counts, with every term's KWIC lines and token occurrences (0 included) and the terms not found.

The tools live in pipeline.concordance, pipeline.passages and pipeline.speech; this module wires them.
"""
from __future__ import annotations

import pandas as pd

from pipeline import codebook
from pipeline import io as pio
from pipeline import params as P
from pipeline import paths
from pipeline.concordance import collocations, kwic, kwic_counts, kwic_name_counts, term_counts
from pipeline.passages import passages
from pipeline.speech.quotes import NAMED, actors_by_group, count_actors, extract_quotes

TOPIC_WORDS = 10  # c-TF-IDF words of a topic that pick its passages


def unit_frame(articles: pd.DataFrame, units: pd.DataFrame, assignments: pd.DataFrame) -> pd.DataFrame:
    """Units with their article's metadata and their topic and theme."""
    meta = [c for c in ("article_id", "title", "date", "source", "series", "part", "label") if c in articles.columns]
    out = units[["unit_id", "article_id", "position", "text", "tokens"]].merge(articles[meta], on="article_id", how="left")
    out = out.merge(assignments[["unit_id", "topic", "theme"]], on="unit_id", how="left")
    out["theme"] = out["theme"].fillna("other")
    for c in ("date", "source", "series", "title"):
        if c in out.columns:
            out[c] = out[c].astype("string").fillna("").astype(str)
    return out


def segmented_terms(params: dict) -> dict[str, list[str]]:
    """Each discourse term as the corpus's tokens (CNTT -> công_nghệ_thông_tin, as the segment stage expands it);
    a term that segments to nothing (punctuation only) is left out here and shows as 0 in the summary."""
    from pipeline.words import keyword_tokenizer

    terms = params["discourse"]["terms"]
    return {t: s.split() for t, s in zip(terms, keyword_tokenizer(params)(terms)) if s}


def passage_keys(params: dict, topic_terms: pd.DataFrame,
                 topics: pd.DataFrame) -> dict[tuple[str, str], tuple[str, dict[str, float]]]:
    """(kind, key) -> (label, {word: weight}): each topic's top c-TF-IDF words, each theme's codebook keywords."""
    labels = dict(zip(topics["topic"].astype(int), topics["label"].astype(str))) if "label" in topics else {}
    keys: dict[tuple[str, str], tuple[str, dict[str, float]]] = {}
    top = topic_terms[topic_terms["topic"] >= 0].sort_values(["topic", "rank"]).groupby("topic").head(TOPIC_WORDS)
    for topic, g in top.groupby("topic"):
        keys[("topic", str(int(topic)))] = (labels.get(int(topic), str(topic)),
                                            {w.replace("_", " "): float(x) for w, x in zip(g["word"], g["weight"])})
    theme_labels = codebook.labels(params, "en")
    for theme, words in params["themes"].items():
        keys[("theme", theme)] = (theme_labels[theme], {w: 1.0 for w in words})
    return keys


def run(frame: pd.DataFrame, params: dict, topic_terms: pd.DataFrame, topics: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """All discourse tables from the unit frame (see unit_frame) and the topic outputs."""
    from pipeline.words import topic_stopwords

    d = params["discourse"]
    out = {"kwic": kwic(frame, d["terms"], d["kwic_window"])}
    out["collocations"] = collocations(frame["tokens"].tolist(), segmented_terms(params),
                                       set(topic_stopwords(params)), d["collocation_window"],
                                       d["collocation_min_count"], d["collocations_top"])
    quotes = extract_quotes(frame, d["speech_verbs"], d.get("speech_verbs_punct") or [], d["quote_min_words"],
                            abbreviations=params["segment"].get("abbreviations"), workers=d.get("workers", 0))
    out["quotes"] = quotes
    out["actors"] = count_actors(quotes, [*params["themes"], "other"])
    out["actors_by_group"] = actors_by_group(quotes, params["compare"]["by"] or [], params["compare"]["date_freq"])
    out["passages"] = passages(frame, passage_keys(params, topic_terms, topics), d["passages_per_topic"],
                               d["passage_max_chars"])
    return out


def summarize(frame: pd.DataFrame, out: dict[str, pd.DataFrame], params: dict) -> dict:
    """summary.json: the tables' sizes, and every configured term with its KWIC lines and token occurrences, so
    that a term the corpus never has (or has only in another segmentation) is listed, not silently missing."""
    terms = params["discourse"]["terms"]
    per_term = kwic_counts(out["kwic"], terms)
    tokens = term_counts(frame["tokens"].tolist(), segmented_terms(params))
    q = out["quotes"]
    return {"n_units": len(frame), "kwic_lines": len(out["kwic"]), "collocations": len(out["collocations"]),
            "quotes": len(q), "quotes_named": int(q["speaker_type"].isin(NAMED).sum()),
            "actors": len(out["actors"]), "passages": len(out["passages"]),
            "kwic_per_term": per_term, "kwic_concept_vs_name": kwic_name_counts(out["kwic"], terms),
            "tokens_per_term": {t: tokens.get(t, 0) for t in terms},
            "terms_not_found": [t for t, n in per_term.items() if n == 0]}


def main(argv: list[str] | None = None) -> None:
    ws = paths.stage_args("discourse", argv)
    params = P.load(ws.params_file)
    articles, units, assignments, topic_terms, topics = ws.read(
        paths.ARTICLES, paths.UNITS, paths.UNIT_THEMES, paths.TOPIC_TERMS, paths.TOPIC_THEMES)
    frame = unit_frame(articles, units, assignments)
    out = run(frame, params, topic_terms, topics)
    for name, df in out.items():
        pio.write_csv(ws / paths.discourse_table(name), df)
    summary = summarize(frame, out, params)
    pio.write_json(ws / paths.DISCOURSE_SUMMARY, summary)
    print(f"discourse: {summary['kwic_lines']} KWIC lines, {summary['quotes']} quotes "
          f"({summary['quotes_named']} named, {summary['actors']} actors), {summary['passages']} passages"
          + (f"; terms not in the text: {', '.join(summary['terms_not_found'])}" if summary["terms_not_found"] else ""))


if __name__ == "__main__":
    main()
