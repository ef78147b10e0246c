"""Report: self-contained HTML, Markdown, booktabs LaTeX, a methods paragraph filled from the run, CITATION.cff."""
from __future__ import annotations

import base64
import html
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pipeline import __version__
from pipeline import figures as F
from pipeline import io as pio
from pipeline import params as P
from pipeline import paths
from pipeline import report as R
from pipeline import typeset as T
from pipeline.codebook import THEME_TOP_TERMS

ROOT = Path(__file__).resolve().parent.parent
DIGEST = {"sha256": "ab" * 32, "n_files": 2, "bytes": 22543}
VERSIONS = {"python": "3.11", "vn-discourse": __version__, "underthesea": "9.5.0", "bertopic": "0.17.4"}
METRICS = {"n_articles": 2, "n_units": 40, "n_topics": 2, "outlier_share": 0.0, "outlier_share_before_reduction": 0.1,
           "npmi": 0.2, "topic_diversity": 0.9}


def tiny_png(path: Path, colour: str) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(1, 1))
    ax.plot([0, 1], [0, 1], color=colour)
    fig.savefig(path, dpi=30)
    plt.close(fig)
    return path


def run_outputs(tmp_path: Path) -> dict:
    """A small, complete set of stage outputs: two series, two themes, quotes by the seed articles' speakers."""
    raw = P.load(Path(__file__).resolve().parent.parent / "params.yaml").to_dict()
    raw["compare"]["by"] = ["series", "date"]
    params = P.validate(raw)  # the typed Params that report.main gets from P.load
    topics = pd.DataFrame({"topic": [0, 1], "size": [25, 15], "label": ["0: thể_chế, luật", "1: quy_hoạch, đô_thị"],
                           "top_words": ["thể_chế luật", "quy_hoạch đô_thị"], "theme": ["institutions", "spatial_planning"],
                           "theme_score": [0.3, 0.2], "theme_vi": ["Thể chế", "Quy hoạch không gian"],
                           "theme_en": ["Institutions", "Spatial planning"]})
    shares = pd.DataFrame({"group": ["Để Hà Nội cất cánh"] * 2 + ["(no series)"] * 2,
                           "theme": ["institutions", "spatial_planning"] * 2, "share": [0.6, 0.2, 0.3, 0.5],
                           "ci_low": [0.4, 0.1, 0.2, 0.35], "ci_high": [0.8, 0.35, 0.45, 0.6], "n_articles": [5, 5, 9, 9]})
    pairwise = pd.DataFrame({"theme": ["institutions", "spatial_planning"], "group_a": "(no series)",
                             "group_b": "Để Hà Nội cất cánh", "n_a": 9, "n_b": 5, "share_a": [0.3, 0.5],
                             "share_b": [0.6, 0.2], "diff": [-0.3, 0.3], "ci_low": [-0.5, 0.1], "ci_high": [-0.1, 0.45],
                             "p_value": [0.004, 0.2], "p_adj": [0.008, 0.2]})
    contrasts = pd.DataFrame({"group": ["Để Hà Nội cất cánh"], "theme_a": ["institutions"], "theme_b": ["spatial_planning"],
                              "n_articles": [5], "share_a": [0.6], "share_b": [0.2], "diff": [0.4], "ci_low": [0.2],
                              "ci_high": [0.6], "p_value": [0.03], "p_adj": [0.03]})
    # rows 2-4 are what the distinctive figure leaves out (a URL bit, one letter, a rare word)
    distinctive = pd.DataFrame({"group": ["Để Hà Nội cất cánh"] * 4, "word": ["đổi_mới_sáng_tạo", "com", "x", "hiếm_có"],
                                "delta": [1.2, 1.1, 1.0, 0.9], "z": [3.1, 3.0, 2.9, 2.8], "count": [12, 11, 10, 2],
                                "count_rest": [2, 2, 2, 0]})
    tests = pd.DataFrame({"field": ["series", "date"], "n_groups": [2, 0], "permanova_p": [0.01, None]})
    compare = {"tests": tests, "fields": {"series": {"shares": shares, "pairwise": pairwise, "contrasts": contrasts,
                                                     "distinctive": distinctive},
                                          "date": {"shares": pd.DataFrame(columns=shares.columns)}}}
    quotes = pd.DataFrame({"speaker": ["Bùi Thị An", "Lê Hồng Sơn"], "speaker_type": "person",
                           "role": ["Ủy viên Ủy ban Khoa học, Công nghệ và Môi trường", "Phó Chủ tịch"],
                           "cue": ["nhấn mạnh", "nhấn mạnh"], "kind": ["direct", "indirect"],
                           "quote": ["Muốn cất cánh từ trí tuệ và công nghệ", "Hà Nội đã có các thể chế"],
                           "title": "Để Hà Nội cất cánh: Kỳ 2", "source": "kinhtedothi.vn", "date": "2025-07-04",
                           "article_id": "000"})
    # "Bộ" (a bare generic head) and the one-article speaker are what the actors figure leaves out
    actors = pd.DataFrame({"actor": ["Bộ", "Bùi Thị An", "Lê Hồng Sơn", "Trần Một Bài"],
                           "actor_type": ["org", "person", "person", "person"],
                           "role": ["", "Ủy viên", "Phó Chủ tịch", "Giám đốc"], "n_quotes": [5, 2, 2, 2],
                           "n_direct": [1, 1, 0, 0], "n_articles": [4, 2, 2, 1], "theme_institutions": [5, 2, 1, 2],
                           "theme_spatial_planning": [0, 0, 1, 0]})
    discourse = {
        "kwic": pd.DataFrame({"term": ["thể chế"], "left": ["Hà Nội đã có các"], "keyword": ["thể chế"],
                              "right": ["để mở đường"], "source": ["kinhtedothi.vn"], "article_id": ["000"]}),
        "collocations": pd.DataFrame({"term": ["thể chế"], "rank": [1], "collocate": ["đặc_thù"], "count": [3],
                                      "expected": [0.2], "pmi": [3.9], "log_likelihood": [14.2]}),
        "quotes": quotes, "actors": actors,
        "passages": pd.DataFrame({"kind": ["theme"], "key": ["institutions"], "label": ["Institutions"], "rank": [1],
                                  "text": ["Luật Thủ đô năm 2024 là hành lang pháp lý."],
                                  "citation": ["“Để Hà Nội cất cánh: Kỳ 2” (kinhtedothi.vn, 2025-07-04)"]}),
    }
    figdir = tmp_path / "figures"
    figdir.mkdir(exist_ok=True)
    drawn = [("topic_words", F.topic_words_figure, None, 7.2, "#0072B2"),
             ("theme_share_series", F.theme_share_figure, "series", 3.5, "#E69F00"),
             ("contrast_series", F.contrast_figure, "series", 3.5, "#009E73"),
             ("actors", F.actors_figure, None, 5.6, "#D55E00")]
    for name, _, _, _, colour in drawn:
        tiny_png(figdir / f"{name}.png", colour)
    pio.write_json(figdir / "figures.json", {name: F.manifest_entry(fn, field, width, 7.2, i)
                                             for i, (name, fn, field, width, _) in enumerate(drawn)})
    figures = R.load_figures(figdir / "figures.json")
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    return dict(params=params, metrics=METRICS, cleaning={"n_in": 2, "n_out": 2}, topics=topics, compare=compare,
                discourse=discourse, figures=figures, digest=DIGEST, vers=VERSIONS, revision="abc1234",
                citation=citation)


@pytest.fixture
def built(tmp_path):
    out = run_outputs(tmp_path)
    md, page, latex = R.build(**out)
    return out, md, page, latex


def test_html_is_self_contained(built):
    out, _, page, _ = built
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "<script" not in page and "<link" not in page and "@import" not in page
    images = re.findall(r'<img [^>]*src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == len(out["figures"])
    assert {base64.b64decode(i) for i in images} == {f["png"].read_bytes() for f in out["figures"].values()}


def test_report_shows_comparisons_discourse_and_citation(built):
    _, md, page, _ = built
    md, page = flat(md), flat(page)
    for text in ("Để Hà Nội cất cánh", "0.600 [0.400, 0.800]", "Bùi Thị An", "Muốn cất cánh từ trí tuệ",
                 "Luật Thủ đô năm 2024", "đặc thù", "No article has a date", "How to cite", "vn-discourse contributors"):
        assert text in md, text
        assert text in page or html.escape(text, quote=False) in page, text
    # only the pairwise difference that survives the adjustment is written as a result sentence
    assert "Institutions: (no series) 0.300 vs Để Hà Nội cất cánh 0.600" in md
    assert "Spatial planning: (no series)" not in md
    for fig in ("topic_words", "theme_share_series", "contrast_series", "actors"):
        assert f"](figures/{fig}.png)" in md


def flat(text: str) -> str:
    """Markdown joins a paragraph's lines: compare text as read, whatever the template's line breaks."""
    return " ".join(text.split())


def _table_rows(md: str, after: str) -> list[list[str]]:
    """The cells of the first Markdown table after the line that starts with `after`."""
    lines = md.split(after, 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows


def test_actor_and_word_tables_show_only_what_their_figures_show(built):
    """The report's actors and distinctive-words tables apply the figures' own filters (pipeline.readable, which
    the figure functions call): no row the figure leaves out, every row it keeps (up to the table's length)."""
    from pipeline.readable import TABLE_ACTOR_MIN_ARTICLES, named_actors, readable_words

    out, md, _, latex = built
    actors = out["discourse"]["actors"]
    shown = [r[0] for r in _table_rows(md, "The most quoted speakers")]
    assert shown == list(named_actors(actors, TABLE_ACTOR_MIN_ARTICLES)["actor"]) and "Bộ" not in shown
    assert "Trần Một Bài" in shown  # one article's speaker: left out of the figure's bars, listed in the table
    body = latex["actors.tex"].split(r"\midrule")[1]
    assert [line.split(" & ")[0] for line in body.splitlines() if " & " in line] == shown

    words = out["compare"]["fields"]["series"]["distinctive"]
    kept = [w.replace("_", " ") for w in readable_words(words)["word"]]
    table = [r[1] for r in _table_rows(md, "Most distinctive words of each series")]
    assert table == kept and len(kept) < len(words)
    for left_out in set(words["word"].str.replace("_", " ")) - set(kept):
        assert f"| {left_out} " not in md and f"& {left_out} &" not in latex["distinctive_series.tex"], left_out


def test_methods_are_filled_from_the_run(built):
    out, md, _, _ = built
    md = flat(md)
    p = out["params"]
    assert f"corpus sha256 {DIGEST['sha256'][:16]}" in md
    assert f"seed {p['topics']['seed']}" in md
    assert f"{p['compare']['bootstrap']} bootstrap resamples of articles" in md
    assert f"{p['compare']['permutations']} permutations" in md and "Benjamini–Hochberg" in md
    assert "underthesea 9.5.0" in md and "Code revision abc1234" in md


def test_every_table_is_booktabs_and_escaped(built):
    _, _, _, latex = built
    assert {"topics.tex", "validity.tex", "theme_shares_series.tex", "contrasts_series.tex", "pairwise_series.tex",
            "distinctive_series.tex", "actors.tex", "collocations.tex"} <= set(latex)
    for name, tex in latex.items():
        assert tex.count(r"\toprule") == 1 and tex.count(r"\midrule") == 1 and tex.count(r"\bottomrule") == 1, name
        body = tex.split(r"\midrule")[1].split(r"\bottomrule")[0]
        for row in body.strip().split("\\\\\n"):
            for cell in row.removesuffix("\\\\").split(" & "):
                assert not re.search(r"(?<!\\)[_%&#$]", cell), (name, cell)  # every special character escaped
    assert "Để Hà Nội cất cánh" in latex["theme_shares_series.tex"]
    assert T.latex_escape("thể_chế 50% & R&D #1 ~x^2") == r"thể\_chế 50\% \& R\&D \#1 \textasciitilde{}x\textasciicircum{}2"


def test_shares_table_prints_intervals_that_contain_the_point(built):
    out, *_ = built
    wide = R.shares_wide(out["compare"]["fields"]["series"]["shares"], {"institutions": "Institutions"})
    assert list(wide.columns[:3]) == ["group", "n", "Institutions"]
    for cell in wide["Institutions"]:
        point, lo, hi = map(float, re.match(r"([\d.]+) \[([\d.]+), ([\d.]+)\]", cell).groups())
        assert lo <= point <= hi


def test_citation_file_is_valid_cff():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["message"] and cff["title"]
    assert str(cff["version"]) == __version__
    assert cff["authors"] and all("name" in a or "family-names" in a for a in cff["authors"])
    for ref in cff["references"]:
        assert ref["type"] and ref["title"] and ref["authors"], ref.get("title")
    assert "10.1093/pan/mpn018" in {str(r.get("doi")) for r in cff["references"]}  # Monroe et al. 2008


@pytest.mark.integration
def test_stage_writes_report_and_tables(tmp_path, monkeypatch):
    """report.main from files: report.md, a self-contained report.html and the LaTeX tables; stale tables go."""
    import shutil

    out = run_outputs(tmp_path)
    params = out["params"].to_dict()
    params["corpus"]["path"] = str(ROOT / "tests/fixtures/seeds")
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    shutil.copy(ROOT / "CITATION.cff", tmp_path / "CITATION.cff")
    pio.write_json("reports/metrics.json", METRICS)
    pio.write_json("reports/cleaning.json", out["cleaning"])
    pio.write_csv("reports/topics.csv", out["topics"])
    for name, df in out["compare"]["fields"]["series"].items():
        pio.write_csv(paths.compare_table(name, "series"), df)
    pio.write_csv("reports/compare/tests.csv", out["compare"]["tests"])
    for name, df in out["discourse"].items():
        pio.write_csv(f"reports/discourse/{name}.csv", df)
    shutil.copytree(tmp_path / "figures", tmp_path / "reports/figures")
    pio.write_text("reports/tables/old_field.tex", "stale")
    # what topics, segment and themes also leave for the report: the fit, the units' text, the measured themes
    pio.write_json(paths.TOPIC_FIT, {"codebook_keywords_unseen": {"digital_governance": ["chuyển_đổi_số"]}})
    pio.write_parquet(paths.UNITS, pd.DataFrame({"unit_id": ["000"], "article_id": ["000"], "position": [0],
                                                 "text": ["Hà Nội cất cánh từ công nghệ"], "tokens": ["hà_nội"]}))
    themes = list(params["themes"])
    shares = {t: round(1 / (len(themes) + 1), 4) for t in [*themes, "other"]}
    pio.write_json(paths.THEMES_SUMMARY, {
        "fit": {t: {"keywords": 10, "keywords_seen": 0 if t == "digital_governance" else 3, "share_any": 0.2,
                    "measurable": t != "digital_governance", "articles_any": 3} for t in themes},
        "fit_rule": "Not measurable in this corpus: digital_governance.", "unseen_keywords": ["chuyển đổi số"],
        "not_measurable": ["digital_governance"], "measured_shares": shares, "topic_shares": shares,
        "topic_shares_without_reassigned": shares, "reassigned_units": 1})
    R.main(["--root", str(tmp_path)])
    page = (tmp_path / "reports/report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == len(out["figures"])
    assert "Lê Hồng Sơn" in page
    tables = {p.name for p in (tmp_path / "reports/tables").iterdir()}
    assert "old_field.tex" not in tables and "theme_shares_series.tex" in tables
    digest = pio.corpus_digest(ROOT / "tests/fixtures/seeds")
    report_md = (tmp_path / "reports/report.md").read_text(encoding="utf-8")
    assert digest["sha256"] in report_md
    assert "not measurable in this corpus" in report_md  # the measured layer's codebook fit is shown


def test_methods_state_the_guided_choice_the_strict_outlier_share_and_unboosted_scores(tmp_path):
    out = run_outputs(tmp_path)
    out["metrics"] = {**METRICS, "outlier_share_strict": 0.072}
    params = out["params"].to_dict()
    params["topics"]["guided"] = True
    out["params"] = P.validate(params)
    guided = flat(R.build(**out)[0])
    assert "guided mode" in guided and "7.2%" in guided
    params["topics"]["guided"] = False
    out["params"] = P.validate(params)
    unguided = flat(R.build(**out)[0])
    assert "BERTopic's guided mode" not in unguided and "unguided" in unguided
    assert "without guided mode's boost" in unguided and f"top-{THEME_TOP_TERMS} c-TF-IDF" in unguided
    # the strict share is "n/a", not a made-up number, when the run did not compute it
    out["metrics"] = METRICS
    assert "would leave n/a" in flat(R.build(**out)[0])


def test_figure_captions_come_from_the_figures_manifest(tmp_path):
    out = run_outputs(tmp_path)
    md, page, _ = R.build(**out)
    caption = F.contrast_figure.caption.format(field="series")
    assert caption in flat(md) and html.escape(caption, quote=False) in flat(page)
    manifest = pio.read_json(tmp_path / "figures/figures.json")
    manifest["contrast_series"]["caption"] = "Hiệu số chủ đề trong từng loạt bài."
    pio.write_json(tmp_path / "figures/figures.json", manifest)
    md, page, _ = R.build(**{**out, "figures": R.load_figures(tmp_path / "figures/figures.json")})
    assert "Hiệu số chủ đề trong từng loạt bài." in md and "Hiệu số chủ đề trong từng loạt bài." in page
    assert caption not in flat(md)
    # numbered in reading order: topics, then each field's figures, then discourse
    numbers = re.findall(r"\*Figure (\d+)\. [^*]*\* \(PDF: `reports/figures/(\w+)\.pdf`\)", md)
    assert numbers == [("1", "topic_words"), ("2", "theme_share_series"), ("3", "contrast_series"), ("4", "actors")]


def test_a_figure_without_a_caption_is_named_not_shown(tmp_path, capsys):
    out = run_outputs(tmp_path)
    tiny_png(tmp_path / "figures/heatmap_series.png", "#000000")  # drawn, but not in the manifest
    figures = R.load_figures(tmp_path / "figures/figures.json")
    assert "heatmap_series" not in figures
    assert "heatmap_series.png has no caption" in capsys.readouterr().out
    assert set(figures) == set(out["figures"])


def test_latex_tables_have_readable_headers_integers_and_a_note(built):
    _, _, _, latex = built
    contrasts = latex["contrasts_series.tex"]
    head = contrasts.split(r"\toprule")[1].split(r"\midrule")[0]
    assert "CI low" in head and "ci" not in head.replace("CI", "") and r"\_" not in head
    assert "Institutions & Spatial planning" in contrasts  # theme names as labels, not institutions / spatial\_planning
    assert "Note:" in contrasts
    # counts read back from a CSV as floats (NaN in the column, or not) print as integers
    read_back = pd.DataFrame({"field": ["series", "date"], "n_groups": [2.0, float("nan")], "count": [12.0, 3.0],
                              "permanova_p": [0.01, float("nan")]})
    body = T.to_latex(read_back, "Omnibus tests", "tab:t").split(r"\midrule")[1]
    assert "series & 2 & 12 & 0.010" in body and "date &  & 3 &" in body and ".000" not in body


def test_the_parameters_table_flattens_the_typed_params_like_the_yaml():
    raw = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    from pipeline.provenance import _flatten

    assert _flatten(P.load(ROOT / "params.yaml")) == _flatten(raw)


XELATEX_MISSING = ("xelatex is not installed: `make test` installs it (Debian's texlive-xetex, "
                   "texlive-latex-recommended, fonts-dejavu-core) where apt-get can run")
PREAMBLE = r"""\documentclass{article}
\usepackage{fontspec}
\setmainfont{DejaVu Sans}
\usepackage{booktabs,tabularx,rotating,graphicx}
\begin{document}
"""


def wide_shares_table() -> str:
    """A theme-share table as wide as a real run's: four outlets by seven themes, each cell with its interval."""
    themes = ["institutions", "spatial_planning", "digital_governance", "science_innovation", "economy_business",
              "society_welfare", "other"]
    shares = pd.DataFrame([{"group": g, "theme": t, "share": 0.123, "ci_low": 0.05, "ci_high": 0.25, "n_articles": 120}
                           for g in ["nld.com.vn", "thanhnien.vn", "tuoitre.vn", "vnexpress.net"] for t in themes])
    labels = {t: t.replace("_", " ").capitalize() + " và đổi mới" for t in themes}
    return T.to_latex(R.shares_wide(shares, labels), "Theme shares by source", "tab:wide", labels, "Bootstrap.")


def real_run_tables() -> dict[str, str]:
    """Tables shaped like the bundled run's that once overflowed: pairwise tests between web-address groups (one
    token wider than an equal share of the line), omnibus tests under long headers ("PERMANOVA R²"), speakers
    with long roles beside seven theme columns, and a text column with one unbreakable file name."""
    sources = ["nld.com.vn", "thanhnien.vn", "tuoitre.vn", "vnexpress.net"]
    pairwise = pd.DataFrame([{"theme": t, "group_a": a, "group_b": b, "n_a": 120, "n_b": 118, "share_a": 0.28,
                              "share_b": 0.138, "diff": 0.142, "ci_low": -0.135, "ci_high": 0.213, "p_value": 0.002,
                              "p_adj": 9e-4, "note": ""}
                             for t in ("Science and innovation", "Spatial planning")
                             for i, a in enumerate(sources) for b in sources[i + 1:]])
    tests = pd.DataFrame({"field": ["source", "series", "date"], "n_groups_tested": [4, 1, 0],
                          "n_articles": [478, 478, 0], "chi2": [36.183, None, None], "dof": [12, None, None],
                          "p_value": [3.03e-4, None, None], "cramers_v": [0.159, None, None],
                          "permanova_f": [3.011, None, None], "permanova_r2": [0.019, None, None],
                          "permanova_p": [0.001, None, None]})
    themes = ["Institutions", "Spatial planning", "Digital governance", "Science and innovation",
              "Economy and business", "Society and welfare", "Other"]
    actors = pd.DataFrame([{"actor": a, "actor_type": "person", "role": r, "n_quotes": 13, "n_direct": 3,
                            "n_articles": 7, **{t: 12 for t in themes}}
                           for a, r in (("Nguyễn Thiện Nhân", "Phó Chủ tịch thường trực Ủy ban nhân dân thành phố"),
                                        ("Trần Bắc Hà", "Tổng giám đốc Ngân hàng Đầu tư và Phát triển Việt Nam (BIDV)"),
                                        ("Lê Trường Tùng", "TS."))])
    files = pd.DataFrame({"table": ["distinctive words within each theme", "pairwise"],
                          "file": ["reports/compare/distinctive_words_within_theme_source.csv", "x y"],
                          "rows": [120, 36]})
    return {"real_pairwise.tex": T.to_latex(pairwise, "Pairwise", "tab:rp", {}, "BH."),
            "real_tests.tex": T.to_latex(tests, "Omnibus tests", "tab:rt", {}, "PERMANOVA."),
            "real_actors.tex": T.to_latex(actors, "Speakers", "tab:ra", {}, "Rule-based."),
            "real_files.tex": T.to_latex(files, "Files", "tab:rf", {}, "All files.")}


@pytest.mark.skipif(shutil.which("xelatex") is None, reason=XELATEX_MISSING)
def test_latex_tables_compile_with_xelatex_with_every_diacritic_and_nothing_overflowing(built, tmp_path):
    import subprocess

    _, _, _, latex = built
    tables = {**latex, "wide_shares.tex": wide_shares_table(), **real_run_tables()}
    out = tmp_path / "tex"
    out.mkdir()
    for name, text in tables.items():
        (out / name).write_text(text, encoding="utf-8")
    body = "".join(rf"\input{{{name}}}" + "\n\\clearpage\n" for name in sorted(tables))
    (out / "main.tex").write_text(PREAMBLE + body + "\\end{document}\n", encoding="utf-8")
    proc = subprocess.run(["xelatex", "-interaction=nonstopmode", "-halt-on-error", "main.tex"], cwd=out,
                          capture_output=True, text=True, timeout=300)
    log = (out / "main.log").read_text(encoding="utf-8", errors="replace")
    assert proc.returncode == 0, log[-3000:]
    assert "Missing character" not in log  # every Vietnamese diacritic has a glyph
    # no cell runs into the next one and no table off the page, not even by a point
    assert "Overfull \\hbox" not in log, re.findall(r"Overfull \\hbox.*\n.*", log)
    assert (out / "main.pdf").stat().st_size > 0


def test_summary_limitations_and_validity_are_written_from_the_run(tmp_path):
    out = run_outputs(tmp_path)
    metrics = {**METRICS, "n_articles": 478, "lda_npmi": 0.13, "stability_ari_mean": 0.69, "stability_ari_min": 0.6,
               "stability_seeds": [1, 2, 3], "stability_n_topics": [10, 9, 8, 10], "outlier_share_strict": 0.16}
    fit = {"codebook_keywords_unseen": {"institutions": ["thể_chế"],
                                        "digital_governance": list(out["params"]["themes"]["digital_governance"])}}
    cleaning = {"n_in": 2, "n_out": 2, "rules": {"byline": {"articles_affected": 2, "chars_removed": 35,
                                                            "kind": "drop_line", "lines_removed": 2, "lines_edited": 0},
                                                 "photo_credit": {"articles_affected": 0, "chars_removed": 0}}}
    md, _, latex = R.build(**{**out, "metrics": metrics, "cleaning": cleaning}, fit=fit)
    summary = md.split("## Summary of findings")[1].split("## Corpus")[0]
    assert "478 articles" in summary and "0.130" in summary and "ARI 0.69" in summary
    limits = md.split("## Limitations")[1].split("## Validity")[0]
    assert "Digital governance cannot be measured" in limits and "thể chế" in limits
    assert "seeds 1, 2, 3" in limits and "observational" in limits and "Not compared: date" in limits
    validity = md.split("## Validity")[1].split("##")[0]
    assert "| articles" in validity and "478 " in validity and "478.000" not in validity
    corpus = md.split("## Corpus")[1].split("## Method")[0]
    assert "byline" in corpus and "Rules that removed nothing in this corpus: photo_credit." in corpus
    method = md.split("## Method")[1].split("## Topics")[0]
    assert "multilingual-e5-small" in method and "series" in method and "dates binned" not in method
    assert "Validity of the topic model" in latex["validity.tex"]


def test_passage_headings_read_as_text():
    assert R.passage_heading("topic", "0", "0: đô_thị, giao_thông, việt_nam", {}, {"việt nam": "Việt Nam"}) == \
        "Topic 0 — đô thị, giao thông, Việt Nam"
    assert R.passage_heading("theme", "institutions", "Institutions", {"institutions": "Institutions"}) == \
        "Theme — Institutions"


def _speaker_scores(p: float, r: float, n: int) -> dict:
    tp = round(r * n)
    return {"all": {"precision": p, "recall": r, "precision_ci": [p - 0.1, min(p + 0.05, 1.0)],
                    "recall_ci": [r - 0.1, r + 0.1], "tp": tp, "fn": n - tp}}


def test_methods_quote_speaker_scores_of_the_newest_batch_beside_development(tmp_path):
    """The reported split is pipeline.splits' newest batch present in validation_quotes.json, not a name in the
    template; development scores are shown beside it, and the gap is said when it is large."""
    from pipeline import splits

    out = run_outputs(tmp_path)
    splits_present = {"tune": _speaker_scores(0.97, 0.86, 65), "holdout": _speaker_scores(1.0, 0.85, 54),
                      "holdout3": _speaker_scores(0.88, 0.60, 83), "holdout4": _speaker_scores(0.84, 0.55, 75)}
    speakers = {"reported": splits.reported(splits_present), "named_strict": splits_present,
                "named_strict_development": {"splits": ["tune", "holdout", "holdout3"],
                                             **_speaker_scores(0.93, 0.76, 202)}}
    md, _, _ = R.build(**out, themes={"speakers": speakers})
    method = flat(md.split("## Method")[1].split("## Topics")[0])
    assert "on holdout4, the passages never used to develop the rules (75 coded named quotes)" in method
    assert "precision 0.84 (0.74–0.89) and recall 0.55 (0.45–0.65)" in method
    # the development splits pooled, not one of them (batch 1's holdout half alone reads 1.00 / 0.85 here)
    assert ("on the development passages the rules were written on (3 splits pooled, 202 coded named quotes), "
            "0.93 and 0.76: the rules fit") in method
    assert "far better than new ones" in method and "About 45% of named quotes are missed" in method
    assert "holdout3" not in method and "1.00 and" not in method
    assert "coded blind after the rules last changed" not in method  # no such block: no such clause
    # the batches coded after the rules were fixed, pooled, beside the newest one
    speakers["named_strict_since_rules_fixed"] = {"splits": ["holdout3", "holdout4"], **_speaker_scores(0.86, 0.58, 158)}
    md, _, _ = R.build(**out, themes={"speakers": speakers})
    method = flat(md.split("## Method")[1].split("## Topics")[0])
    assert ("on all 2 batches coded blind after the rules last changed (holdout3 to holdout4 pooled, 158 coded named "
            "quotes), precision 0.86 (0.76–0.91) and recall 0.58 (0.48–0.68)") in method
    del speakers["named_strict_development"]  # a result written before the pooled score existed: no such clause
    del speakers["named_strict_since_rules_fixed"]
    md, _, _ = R.build(**out, themes={"speakers": speakers})
    assert "development passages" not in flat(md.split("## Method")[1].split("## Topics")[0])


def test_methods_say_when_the_speaker_validation_is_out_of_date(tmp_path):
    """make validate-quotes is not a stage, so the report must say when its inputs changed after it ran (or when
    it does not record them) instead of printing the old numbers as current."""
    out = run_outputs(tmp_path)
    speakers = {"reported": "holdout4", "named_strict": {"holdout": _speaker_scores(1.0, 0.85, 54),
                                                         "holdout4": _speaker_scores(0.84, 0.55, 75)}}
    method = {}
    for name, changed in (("current", []), ("stale", ["data/validation/quotes_coded.csv", "params.yaml: discourse"]),
                          ("unrecorded", None)):
        md, _, _ = R.build(**out, themes={"speakers": speakers, "speakers_changed": changed})
        method[name] = flat(md.split("## Method")[1].split("## Topics")[0])
    assert "Out of date" not in method["current"] and "do not record" not in method["current"]
    assert ("Out of date: data/validation/quotes_coded.csv, params.yaml: discourse changed after these numbers were "
            "computed. Re-run `make validate-quotes`") in method["stale"]
    assert "do not record what they were computed from" in method["unrecorded"]


def test_limitations_carry_the_measured_layers_error_on_the_reported_batch(tmp_path):
    """With validation results, the limitations say how well themes and speakers agree with human coding on the
    batch coded after the method was fixed (and the seed paragraphs), naming the weakest themes; without them,
    only the generic caution."""
    from pipeline import narrative

    per_theme = {"institutions": {"f1": 0.46, "support": 8}, "economy_business": {"f1": 0.84, "support": 31},
                 "digital_governance": {"f1": 0.48, "support": 11}, "spatial_planning": {"f1": 0.0, "support": 0}}
    validation = {"method": "hybrid", "reported": "holdout10",
                  "holdout10": {"n": 160, "accuracy": 0.738, "macro_f1": 0.685, "per_theme": per_theme},
                  "seed_all": {"accuracy": 0.667, "macro_f1": 0.736, "n": 33}}
    speakers = {"reported": "holdout4", "named_strict": {"holdout": _speaker_scores(1.0, 0.85, 54),
                                                         "holdout4": _speaker_scores(0.80, 0.60, 75)}}
    labels = {"institutions": "Institutions", "digital_governance": "Digital governance"}
    limits = " ".join(narrative.measurement_limitations(validation, speakers, labels))
    assert "method hybrid) agrees with human coding on holdout10 (160 units" in limits
    assert "accuracy 0.74 and macro-F1 0.69; on the seed paragraphs (contemporary policy news) 0.67 and 0.74" in limits
    assert "weakest themes are Institutions (F1 0.46) and Digital governance (F1 0.48)" in limits  # not the 0-unit one
    assert "precision 0.80 and recall 0.60, so about one attribution in 5 is wrong and 40% of named quotes" in limits
    assert narrative.measurement_limitations(None, None, labels) == [
        "Quotes and speakers come from rules; check a quote in its sentence (quotes.csv) before citing it."]
    # and the report carries them
    out = run_outputs(tmp_path)
    md, _, _ = R.build(**out, themes={"speakers": speakers})
    limits = flat(md.split("## Limitations")[1].split("## Validity")[0])
    assert "on holdout4 (75 hand-coded named quotes) precision 0.80 and recall 0.60" in limits


def test_methods_state_the_trained_measures_corpus_weight_and_other_shift(tmp_path):
    """The themes section says how the classifier was trained: its rows, features and (stop 28) the weight of the
    sheet's in-domain units; the hybrid's shift of other only when set."""
    out = run_outputs(tmp_path)
    params = out["params"].to_dict()
    tm = params["theme_measure"]
    tm.update(method="hybrid")
    tm["learned"]["corpus_weight"] = {"seed": 20}
    tm["hybrid"].update(form="blend", weight=0.25, other_shift=0.0, defer=[])
    summary = {"fit": {}, "fit_rule": "All measurable.", "unseen_keywords": [], "not_measurable": [],
               "measured_shares": {}, "topic_shares": {}, "topic_shares_without_reassigned": {}, "reassigned_units": 0,
               "method": "hybrid"}
    out["params"] = P.validate(params)
    md = flat(R.build(**out, themes={"summary": summary})[0])
    assert "weight 0.25 on the similarity" in md
    assert "the sheet's units of seed weighted 20 times in training" in md
    assert "logit of `other` shifted" not in md
    tm["learned"]["corpus_weight"] = {}
    tm["hybrid"]["other_shift"] = -1.5
    out["params"] = P.validate(params)
    md = flat(R.build(**out, themes={"summary": summary})[0])
    assert "times in training" not in md
    assert "the similarity logit of `other` shifted by -1.5" in md
    assert "keeps the similarity measure's probabilities" not in md
    tm["hybrid"]["defer"] = ["institutions", "digital_governance"]  # stop 34: the deferred themes are named
    out["params"] = P.validate(params)
    md = flat(R.build(**out, themes={"summary": summary})[0])
    said = md.split("keeps the similarity measure's probabilities (`theme_measure.hybrid.defer`)")
    assert len(said) == 2 and "reads as" in said[0][-200:], said[0][-200:]
    # stop 35: two themes read "A or B" (it printed "A, B")
    named = said[0][said[0].rindex("reads as"):]
    assert " or " in named and "," not in named, named


def test_methods_state_the_topic_word_floor_only_when_it_is_set(tmp_path):
    out = run_outputs(tmp_path)
    params = out["params"].to_dict()
    params["topics"]["word_floor"] = 0.15
    out["params"] = P.validate(params)
    assert "occur in at least 15% of the topic's units" in flat(R.build(**out)[0])
    params["topics"]["word_floor"] = 0.0
    out["params"] = P.validate(params)
    assert "of the topic's units (for the LDA" not in flat(R.build(**out)[0])


def test_summary_says_when_it_lists_only_some_of_the_differences_that_disappear():
    from pipeline import narrative

    gone = [{"theme": t, "group": g} for t, g in (("a", "x"), ("b", "y"), ("c", "z"), ("d", "w"))]
    field = {"field": "source", "empty": False, "single": False, "sentences": [],
             "effects": {"adjusted": True, "controls": ["label"], "disappearing": gone, "warnings": []}}
    lines = narrative.summary({}, pd.DataFrame(), [field], None, {}, {})
    line = next(x for x in lines if "disappear" in x)
    assert line.startswith("Adjusted for label, 4 significant") and "(a, x; b, y; c, z; 1 more)" in line


def test_the_validation_table_tells_reported_held_out_and_development_splits_apart(tmp_path):
    """A batch scored earlier and never trained on (a trained method's split outside train_splits, not the newest)
    is 'held out, scored earlier', not development (stop 34: holdout25 beside the reported holdout26)."""
    out = run_outputs(tmp_path)
    scores = {"accuracy": 0.75, "accuracy_ci": [0.7, 0.8], "macro_f1": 0.7, "macro_f1_ci": [0.6, 0.8], "n": 160,
              "by_corpus": {}}
    validation = {"method": "hybrid", "classes": list(out["params"]["themes"]) + ["other"], "reported": "holdout3",
                  "settings": {"train_splits": ["tune", "holdout"]},
                  "tune": {**scores, "fit": "cross-fitted by article"},
                  "holdout2": {**scores, "fit": "held out (model trained on train_splits)"},
                  "holdout3": {**scores, "fit": "held out (model trained on train_splits)", "per_theme": {}}}
    summary = {"fit": {}, "fit_rule": "All measurable.", "unseen_keywords": [], "not_measurable": [],
               "measured_shares": {}, "topic_shares": {}, "topic_shares_without_reassigned": {}, "reassigned_units": 0,
               "method": "hybrid"}
    md = R.build(**out, themes={"summary": summary, "validation": validation})[0]
    rows = {line.split("|")[1].strip(): line.split("|")[2].strip() for line in md.splitlines()
            if line.startswith("| tune |") or line.startswith("| holdout2 |") or line.startswith("| holdout3 |")}
    assert rows == {"tune": "development, cross-fitted", "holdout2": "held out, scored earlier",
                    "holdout3": "reported"}, rows
