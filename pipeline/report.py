"""Report stage: reports/report.md and a self-contained reports/report.html (images inlined as data URIs, CSS
inline, no script, no CDN: it opens offline), with the corpus, the method filled from this run (parameters,
versions, seed, data hash), topics, themes, comparisons with their uncertainty, discourse tools (KWIC,
collocations, quotes and actors, passages), validity metrics, every figure, and how to cite; LaTeX (booktabs)
tables of the same numbers in reports/tables/.

The report is written once, as the Markdown template templates/report.md.j2; report.html is that Markdown
through markdown-it-py inside templates/report.html.j2. The section builders here only pick and shape data.
Figure captions come from the figures stage's manifest, the theme rule from pipeline/codebook.py, file names
from pipeline/paths.py."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import jinja2
import pandas as pd
import yaml

from pipeline import io as pio
from pipeline import params as P
from pipeline import codebook, narrative, paths, prevalence, splits, stamp
from pipeline.readable import (  # the figures' filters: table and figure show the same rows
    ACTORS_RULE, TABLE_ACTOR_MIN_ARTICLES, WORDS_RULE, named_actors, readable_words)
from pipeline.provenance import citation_text, git_revision, params_table, versions
from pipeline.codebook import theme_rule_text
from pipeline.page import TEMPLATES, to_html
from pipeline.surface import surface_forms, words
from pipeline.typeset import TABLES_README, md_table, md_text, to_latex

# columns of reports/compare/tests.csv the report's table leaves to the file (diagnostics, not results)
TESTS_HIDDEN = ("n_groups", "n_units", "min_expected", "n_excluded")
# ----------------------------------------------------------------------------------------------- tables

def shares_wide(shares: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Groups x themes, each cell "share [low, high]" as a paper prints it."""
    if shares.empty:
        return pd.DataFrame()
    cell = shares.assign(cell=[f"{s:.3f} [{lo:.3f}, {hi:.3f}]" if n > 1 else f"{s:.3f}" for s, lo, hi, n in
                               zip(shares["share"], shares["ci_low"], shares["ci_high"], shares["n_articles"])])
    wide = cell.pivot(index="group", columns="theme", values="cell")
    mass = shares.groupby("theme")[["share", "ci_high"]].max().max(axis=1)
    # a theme no group has is an empty column: left out (the limitations say why a theme is empty)
    wide = wide[[t for t in dict.fromkeys(shares["theme"]) if t in wide.columns and mass.get(t, 0) > 0]]
    n = shares.groupby("group")["n_articles"].first()
    wide.insert(0, "n", n.reindex(wide.index).astype(int))
    wide.columns = ["n", *[labels.get(t, t) for t in wide.columns[1:]]]
    return wide.reset_index()


def significant_sentences(field: str, pairwise: pd.DataFrame, contrasts: pd.DataFrame, labels: dict[str, str],
                          confidence: float, alpha: float = 0.05) -> list[str]:
    """Plain sentences for the differences that survive the adjustment (a paper's results paragraph)."""
    out = []
    if not pairwise.empty:
        sig = pairwise[pairwise["p_adj"] < alpha].sort_values("p_adj")
        for r in sig.head(8).itertuples():
            out.append(f"{labels.get(r.theme, r.theme)}: {r.group_a} {r.share_a:.3f} vs {r.group_b} {r.share_b:.3f} "
                       f"(difference {r.diff:+.3f}, {confidence:.0%} CI [{r.ci_low:+.3f}, {r.ci_high:+.3f}], "
                       f"bootstrap p = {r.p_value:.3g}, BH-adjusted {r.p_adj:.3g}).")
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


# ------------------------------------------------------------------------------------------- sections

def _or_none(df: pd.DataFrame | None) -> pd.DataFrame | None:
    return None if df is None or df.empty else df


def _words(col: pd.Series, case: dict[str, str] | None = None) -> pd.Series:
    """Segmented words read as words, in their usual case: "việt_nam thể_chế" -> "Việt Nam, thể chế"."""
    return col.astype(str).map(lambda v: ", ".join(words(w, case) for w in v.split()) if " " in v.strip()
                               else words(v, case))


def topic_tables(topics: pd.DataFrame, max_rows: int, case: dict[str, str] | None = None
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the topic table, units per theme). The label column repeats the top words, so it is left out."""
    cols = [c for c in ["topic", "size", "top_words", "theme", "theme_score"] if c in topics.columns]
    view = topics[cols].head(max_rows).copy()
    if "top_words" in view:
        view["top_words"] = _words(view["top_words"], case)
    group_cols = [c for c in ("theme", "theme_vi", "theme_en") if c in topics.columns]
    sizes = (topics[topics["topic"] >= 0].groupby(group_cols)["size"].sum().reset_index()
             .sort_values("size", ascending=False))
    return view, sizes


def validity_tables(metrics: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(BERTopic against the LDA baseline, every numeric metric)."""
    side = pd.DataFrame([{"model": model, **{k: metrics.get(prefix + k) for k in
                                             ("npmi", "topic_diversity", "nmi_label", "ari_label")}}
                         for model, prefix in (("BERTopic", ""), ("LDA", "lda_"))])
    numeric = {k: v for k, v in sorted(metrics.items()) if isinstance(v, (int, float)) and not isinstance(v, bool)}
    # object dtype: counts stay integers ("12", not "12.000") beside the fractions
    values = pd.DataFrame({"metric": list(numeric), "value": pd.Series(list(numeric.values()), dtype=object)})
    return side, values


def _test_row(tests: pd.DataFrame, field: str) -> dict | None:
    rows = tests[tests["field"] == field] if "field" in tests else tests.iloc[0:0]
    return rows.iloc[0].to_dict() if len(rows) else None


def field_section(field: str, res: dict, params: dict, labels: dict[str, str], case: dict | None = None,
                  design: list | None = None, test: dict | None = None) -> dict:
    """One compare.by field: shares, the groups too small to test, result sentences, contrasts, pairwise tests,
    distinctive words (each None when the run has none), and the covariate effects (design first)."""
    shares = res.get("shares", pd.DataFrame())
    out = {"field": field, "empty": shares.empty or shares["group"].nunique() == 0, "single": None, "small": [],
           "sentences": [], "contrasts": None, "pairwise": None, "distinctive": None,
           "effects": prevalence.report_context(field, res, design or [], test, params["units"]["level"], labels)}
    if out["empty"]:
        return out
    out["shares"] = shares_wide(shares, labels)
    if shares["group"].nunique() < 2:
        out["single"] = shares["group"].iloc[0]
        return out
    sizes = shares.groupby("group")["n_articles"].first()
    out["small"] = list(sizes[sizes < params["compare"]["min_group_articles"]].index)
    pairwise, contrasts = res.get("pairwise", pd.DataFrame()), res.get("contrasts", pd.DataFrame())
    out["sentences"] = significant_sentences(field, pairwise, contrasts, labels, params["compare"]["confidence"])
    if not contrasts.empty:
        out["contrasts"] = contrasts.assign(theme_a=contrasts["theme_a"].map(lambda t: labels.get(t, t)),
                                            theme_b=contrasts["theme_b"].map(lambda t: labels.get(t, t)))
    if not pairwise.empty:
        pview = pairwise.sort_values(["p_adj", "p_value"]).head(params["report"].get("rows_per_table", 12))
        out["pairwise"] = pview.assign(theme=pview["theme"].map(lambda t: labels.get(t, t)))
        out["n_pairwise"], out["pairwise_file"] = len(pairwise), Path(paths.compare_table("pairwise", field)).name
    distinctive = res.get("distinctive", pd.DataFrame())
    if not distinctive.empty:
        shown = readable_words(distinctive).sort_values("z", ascending=False, kind="stable")
        cols = [c for c in ("group", "word", "z", "delta", "count", "count_rest", "n_articles") if c in shown]
        order = list(dict.fromkeys(distinctive["group"]))  # groups in the table's (and the figure's) order
        top = shown.groupby("group").head(5).sort_values("group", key=lambda g: g.map(order.index), kind="stable")
        out["distinctive"] = _or_none(top.assign(word=_words(top["word"], case))[cols])
        out["distinctive_rule"] = WORDS_RULE
    return out


def discourse_section(discourse: dict[str, pd.DataFrame], labels: dict[str, str], rows: int,
                      case: dict | None = None) -> dict:
    """Concordances, collocations, who is quoted (counts, actors, their quotes) and representative passages."""
    get = lambda name: discourse.get(name, pd.DataFrame())  # noqa: E731
    out: dict = {"kwic": None, "collocations": None, "quote_kinds": None, "actors": None, "quotes": [], "passages": []}
    kw = get("kwic")
    if not kw.empty:
        out["kwic_counts"] = kw["term"].value_counts().rename_axis("term").reset_index(name="occurrences")
        per_term = max(1, rows // max(1, kw["term"].nunique()))
        view = kw.groupby("term", sort=False).head(per_term)[["term", "left", "keyword", "right", "source", "article_id"]]
        out["kwic"] = view.assign(keyword="**" + view["keyword"].map(md_text) + "**")
        out["kwic_align"] = {"left": "right", "keyword": "center"}
    col = get("collocations")
    if not col.empty:
        view = col[col["rank"].astype(int) <= 5]
        out["collocations"] = view.assign(collocate=_words(view["collocate"]))[
            ["term", "rank", "collocate", "count", "expected", "pmi", "log_likelihood"]]
    quotes, actors = get("quotes"), get("actors")
    actors = named_actors(actors, TABLE_ACTOR_MIN_ARTICLES) if not actors.empty else actors
    if not quotes.empty:
        kinds = quotes["speaker_type"].value_counts()
        out["quote_kinds"] = {"total": len(quotes), **{k: int(kinds.get(k, 0)) for k in ("person", "org", "other")}}
        named = quotes[quotes["speaker_type"].isin(["person", "org"])]
        top = list(actors["actor"].head(5)) if not actors.empty else []
        picked = named[named["speaker"].isin(top)].groupby("speaker", sort=False).head(2) if top else named
        out["quotes"] = [{"quote": r.quote, "speaker": r.speaker, "role": r.role if isinstance(r.role, str) else "",
                          "cue": r.cue, "kind": r.kind, "source": _source(r)} for r in picked.head(rows).itertuples()]
    if not actors.empty:
        view = actors.head(rows).rename(columns=lambda c: labels.get(c[6:], c[6:]) if c.startswith("theme_") else c)
        out["actors"] = _or_none(view.loc[:, (view != 0).any(axis=0)])
        out["actors_rule"] = ACTORS_RULE
    passages = get("passages")
    if not passages.empty:
        out["passages"] = [{"heading": passage_heading(k, key, g["label"].iloc[0], labels, case),
                            "rows": g[["text", "citation"]].to_dict("records")}
                           for (k, key), g in passages.groupby(["kind", "key"], sort=False)]
    out["empty"] = not any(out[k] is not None for k in ("kwic", "collocations", "quote_kinds", "actors")) \
        and not out["passages"]
    return out


def passage_heading(kind: str, key: str, label, labels: dict[str, str], case: dict | None = None) -> str:
    """"Topic 0 — đô thị, giao thông, xây dựng" or "Theme — Spatial planning": the label without its repeated
    topic number, its words as words."""
    text = re.sub(r"^\s*-?\d+\s*:\s*", "", str(label)) if isinstance(label, str) else ""
    if kind == "topic":
        return f"Topic {key} — " + ", ".join(words(w.strip(), case) for w in text.split(",") if w.strip())
    return f"{kind.capitalize()} — {labels.get(key, text or key)}"


def cleaning_rules(cleaning: dict) -> tuple[pd.DataFrame | None, list[str]]:
    """(the rules that removed something, with readable columns; the names of those that removed nothing)."""
    rules = cleaning.get("rules") or {}
    fired = {k: v for k, v in rules.items() if v.get("articles_affected", 0) or v.get("chars_removed", 0)}
    table = pd.DataFrame([{"rule": k, "kind": v.get("kind", ""), "articles": v.get("articles_affected", 0),
                           "lines removed": v.get("lines_removed", 0), "lines edited": v.get("lines_edited", 0),
                           "characters removed": v.get("chars_removed", 0)} for k, v in fired.items()])
    return _or_none(table), [k for k in rules if k not in fired]


def place_figures(manifest: dict[str, dict], fields: list[str]) -> dict[str, list[dict]]:
    """Figures by where the report shows them (the manifest's "about" and field), numbered in reading order."""
    figs = sorted(({"name": name, **entry} for name, entry in manifest.items()), key=lambda f: f["order"])
    placed = {"topics": [], "discourse": [], "other": [], **{f"compare:{field}": [] for field in fields}}
    for f in figs:
        key = f"compare:{f.get('field')}" if f["about"] == "compare" else f["about"]
        placed[key if key in placed else "other"].append(f)
    reading = ["topics", *[f"compare:{field}" for field in fields], "discourse", "other"]
    for number, f in enumerate((f for key in reading for f in placed[key]), start=1):
        f["number"] = number
    return placed


def latex_tables(ctx: dict, labels: dict[str, str], conf: float) -> dict[str, str]:
    """The report's tables as booktabs LaTeX, each with a note saying where every row is."""
    out = {"topics.tex": to_latex(ctx["topic_table"], "Topics, their top words and themes", "tab:topics", labels,
                                  "Top words are the highest c-TF-IDF words; all topics are in reports/topics.csv."),
           "validity.tex": to_latex(ctx["validity"], "Validity of the topic model and the LDA baseline",
                                    "tab:validity", labels, "NPMI: normalised pointwise mutual information; NMI, "
                                    "ARI: agreement with the corpus's own categories; all metrics are in "
                                    "reports/metrics.json.")}
    if ctx["tests"] is not None:
        out["tests.tex"] = to_latex(ctx["tests"], "Omnibus tests of theme differences between groups", "tab:tests",
                                    labels, "PERMANOVA on articles' theme shares; chi-square on unit counts.")
    ci = f"{conf:.0%} percentile bootstrap intervals, articles resampled"
    for f in ctx["fields"]:
        field = f["field"]
        if f["empty"]:
            continue
        out[f"theme_shares_{field}.tex"] = to_latex(f["shares"], f"Theme shares by {field}, mean [{conf:.0%} "
                                                    "bootstrap interval]", f"tab:shares-{field}", labels,
                                                    f"{ci}; a group of one article has no interval.")
        for key, name, caption, note in (
                ("contrasts", "contrasts", f"Within-{field} theme contrasts with paired bootstrap intervals and "
                                           "BH-adjusted bootstrap p", f"Paired {ci}."),
                ("pairwise", "pairwise", f"Pairwise differences in theme share by {field}",
                 f"{ci}; p adjusted by Benjamini–Hochberg over all pairs and themes; every pair is in "
                 f"{paths.compare_table('pairwise', field)}."),
                ("distinctive", "distinctive", f"Distinctive words by {field} (weighted log-odds, informative "
                                               "Dirichlet prior)", f"Top 5 words per group by z; {WORDS_RULE}.")):
            if f[key] is not None:
                out[f"{name}_{field}.tex"] = to_latex(f[key], caption, f"tab:{name}-{field}", labels, note)
    d = ctx["discourse"]
    if d["collocations"] is not None:
        out["collocations.tex"] = to_latex(d["collocations"], "Collocates of the discourse terms (log-likelihood G²)",
                                           "tab:collocations", labels, "Top 5 collocates per term.")
    if d["actors"] is not None:
        out["actors.tex"] = to_latex(d["actors"], "Most quoted speakers, quotes per theme", "tab:actors", labels,
                                     f"The {ACTORS_RULE}; rule-based attribution: check quotes in "
                                     "reports/discourse/quotes.csv.")
    return out


# -------------------------------------------------------------------------------------------------- build

def build(params: dict, metrics: dict, cleaning: dict, topics: pd.DataFrame, compare: dict,
          discourse: dict[str, pd.DataFrame], figures: dict[str, dict], digest: dict, vers: dict, revision: str,
          citation: dict | None = None, fit: dict | None = None, case: dict[str, str] | None = None,
          sample: str | None = None, themes: dict | None = None) -> tuple[str, str, dict[str, str]]:
    """Pure core: run outputs -> (markdown, html, {latex file name: content}).

    compare = {"tests": DataFrame, "fields": {field: {"shares", "pairwise", "contrasts", "distinctive"}}};
    discourse = {"kwic", "collocations", "quotes", "actors", "passages": DataFrame} (any may be missing);
    figures = the figures manifest (name -> caption, about, field, order, width, width_in), each with "png";
    fit = data/processed/topic_fit.json (codebook words never seen); case = words in their usual spelling
    (pipeline.surface); sample = how the corpus was drawn, when its README says; themes = {"summary":
    reports/themes_summary.json, "validation": reports/validation_themes.json or None, "speakers":
    reports/validation_quotes.json or None} (the measured layers and their validation)."""
    labels = codebook.labels(params, "en")
    rows = params["report"].get("rows_per_table", 12)
    topic_table, theme_sizes = topic_tables(topics, params["report"]["max_topics_table"], case)
    if "theme" in topic_table:
        topic_table["theme"] = topic_table["theme"].map(lambda t: labels.get(t, t))
    side, _ = validity_tables(metrics)
    fields = compare.get("fields", {})
    tests = compare.get("tests", pd.DataFrame())
    ctx = {"title": params["report"]["title"], "params": params, "metrics": metrics, "cleaning": cleaning,
           "digest": digest, "versions": vers, "revision": revision,
           "rules": cleaning_rules(cleaning)[0], "rules_idle": cleaning_rules(cleaning)[1],
           "topic_table": topic_table,
           "theme_sizes": theme_sizes.drop(columns=["theme"]) if "theme_en" in theme_sizes else theme_sizes,
           "theme_rule": theme_rule_text(params["theme_rule"]["min_score"]),
           "tests": _or_none(tests.drop(columns=[c for c in TESTS_HIDDEN if c in tests]).dropna(axis=1, how="all")),
           "fields": [field_section(f, res, params, labels, case, compare.get("design"), _test_row(tests, f))
                      for f, res in fields.items()],
           "confidence": params["compare"]["confidence"],
           "discourse": discourse_section(discourse, labels, rows, case), "side": side,
           "validity": narrative.validity_table(metrics), "sample": sample,
           "embedder": narrative.EMBEDDERS.get(params["embedding"]["backend"], params["embedding"]["backend"]),
           "params_table": params_table(params), "citation": citation_text(citation) if citation else None,
           "theme_summary": (themes or {}).get("summary"), "validation": (themes or {}).get("validation"),
           "speaker_validation": (themes or {}).get("speakers"),
           "validation_changed": (themes or {}).get("validation_changed", []),
           "speaker_changed": (themes or {}).get("speakers_changed", []),
           "split_order": splits.SPLITS, "labels": labels}
    ctx["compared"], ctx["not_compared"] = narrative.compared(ctx["fields"])
    ctx["summary"] = narrative.summary(metrics, theme_sizes, ctx["fields"], ctx["tests"], compare, labels,
                                       (ctx["theme_summary"] or {}).get("measured_shares"))
    ctx["limitations"] = narrative.limitations(metrics, fit or {}, params, theme_sizes, ctx["fields"], labels,
                                               "nmi_label" in metrics, ctx["validation"], ctx["speaker_validation"])
    ctx["figures"] = place_figures(figures, list(fields))
    for f in ctx["fields"]:
        f["figures"] = ctx["figures"][f"compare:{f['field']}"]
    md = _env().get_template("report.md.j2").render(ctx)
    return md, to_html(md, ctx["title"], figures), latex_tables(ctx, labels, params["compare"]["confidence"])


def _num(value, spec: str) -> str:
    """A metric as printed, "n/a" when the run did not compute it."""
    return format(value, spec) if isinstance(value, (int, float)) and not isinstance(value, bool) else "n/a"


def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    env.filters.update(table=md_table, md=md_text, num=_num)
    return env


def _source(r) -> str:
    bits = [str(x) for x in (getattr(r, "source", ""), getattr(r, "date", "")) if isinstance(x, str) and x]
    title = getattr(r, "title", "")
    title = title if isinstance(title, str) else ""
    title = title if len(title) <= 100 else title[:99] + "…"
    return f"“{title}”" + (f" ({', '.join(bits)})" if bits else "")


# -------------------------------------------------------------------------------------------------- stage

def load_compare(ws: paths.Workspace, by: list[str]) -> dict:
    groups = {"group": str, "group_a": str, "group_b": str}
    fields = {f: {kind: pio.read_csv_optional(ws / paths.compare_table(kind, f), dtype=groups)
                  for kind in paths.COMPARE_TABLES} for f in by}
    design = ws / paths.COMPARE_DESIGN
    return {"tests": pio.read_csv_optional(ws / paths.COMPARE_TESTS), "fields": fields,
            "design": pio.read_json(design) if design.exists() else []}


def load_discourse(ws: paths.Workspace) -> dict[str, pd.DataFrame]:
    return {name: pio.read_csv_optional(ws / paths.discourse_table(name),
                                        dtype=str if name in ("kwic", "quotes", "passages") else None)
            for name in paths.DISCOURSE_TABLES}


def load_figures(manifest: Path) -> dict[str, dict]:
    """The figures stage's manifest, each entry with its PNG; a PNG the manifest does not list is named."""
    if not Path(manifest).exists():
        sys.exit(f"report: {manifest} is missing: run `dvc repro figures` (the figures stage writes it)")
    entries = pio.read_json(manifest)
    out = {name: {**e, "png": Path(manifest).parent / f"{name}.png"} for name, e in entries.items()}
    for name in [n for n, e in out.items() if not e["png"].exists()]:
        print(f"report: {manifest} lists {name} but {out.pop(name)['png']} is missing; left out")
    for png in sorted(set(Path(manifest).parent.glob("*.png")) - {e["png"] for e in out.values()}):
        print(f"report: {png} has no caption in {manifest}; left out (re-run `dvc repro figures`)")
    return out


def main(argv: list[str] | None = None) -> None:
    ws = paths.stage_args("report", argv)
    params = P.load(ws.params_file)
    metrics, cleaning = ws.read(paths.METRICS, paths.CLEANING)
    topics = pd.read_csv(ws / paths.TOPICS_TABLE)
    cff = ws / paths.CITATION
    citation = yaml.safe_load(cff.read_text(encoding="utf-8")) if cff.exists() else None
    figures = load_figures(ws / paths.FIGURE_MANIFEST)
    compare, discourse = load_compare(ws, params["compare"]["by"] or []), load_discourse(ws)
    fit, units, theme_summary = ws.read(paths.TOPIC_FIT, paths.UNITS, paths.THEMES_SUMMARY)
    validation = ws / paths.VALIDATION_THEMES  # written by `make validate`, not a stage: shown when present
    quotes = ws / paths.VALIDATION_QUOTES  # written by `make validate-quotes`, not a stage: shown when present
    themes = {"summary": theme_summary, "validation": pio.read_json(validation) if validation.exists() else None,
              "speakers": pio.read_json(quotes) if quotes.exists() else None}
    for key in ("validation", "speakers"):  # what changed since the validation ran (it is not a stage)
        themes[f"{key}_changed"] = stamp.changed(themes[key].get("inputs"), ws.root, params) if themes[key] else []
    shown = [w for v in topics["top_words"] for w in str(v).split()]
    shown += [w for f in compare["fields"].values() for w in f["distinctive"].get("word", [])]
    shown += [w for v in discourse["passages"].get("label", []) for w in re.split(r"[\s,:]+", str(v)) if w]
    corpus = ws.resolve(params["corpus"]["path"])
    md, page, latex = build(params, metrics, cleaning, topics, compare, discourse, figures, pio.corpus_digest(corpus),
                            versions(), git_revision(ws.root), citation, fit=fit,
                            case=surface_forms(units["text"], shown), sample=narrative.sample_note(corpus),
                            themes=themes)
    pio.write_text(ws / paths.REPORT_MD, md)
    pio.write_text(ws / paths.REPORT_HTML, page)
    out = ws / paths.TABLES_DIR
    for stale in set(out.glob("*.tex")) - {out / n for n in latex}:
        stale.unlink()
    for name, text in latex.items():
        pio.write_text(out / name, text)
    pio.write_text(out / "README.md", TABLES_README)
    print(f"report: {paths.REPORT_HTML} ({len(page) / 1e6:.1f} MB, {len(figures)} figures), {paths.REPORT_MD}, "
          f"{len(latex)} LaTeX tables")


if __name__ == "__main__":
    main()
