"""The benchmark's measuring tools: growth exponents, and one real stage run measured in its own process."""
from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml

from bench.measure import REPO, growth_exponent, marginal_rates, run_stage
from bench.run import draw_articles


def test_growth_exponent_reads_linear_and_quadratic():
    sizes = [1000, 5000, 20000]
    assert growth_exponent(sizes, [2 * n for n in sizes]) == pytest.approx(1.0)
    assert growth_exponent(sizes, [n * n for n in sizes]) == pytest.approx(2.0)
    assert growth_exponent(sizes, [300 + 0.01 * n for n in sizes]) < 1.0  # a fixed base looks sublinear
    assert growth_exponent([1000], [5.0]) is None
    assert marginal_rates([1000, 2000, 4000], [100, 150, 250]) == [0.05, 0.05]


def test_draw_is_seeded_and_sizes_are_prefixes(tmp_path):
    import gzip

    src = tmp_path / "c.jsonl.gz"
    with gzip.open(src, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps({"id": str(i), "text": "x"}) + "\n" for i in range(50))
    a, b = draw_articles(src, 20), draw_articles(src, 30)
    assert a == b[:20] and len(set(a)) == 20 and a != sorted(a)
    with pytest.raises(SystemExit, match="fewer than the 60"):
        draw_articles(src, 60)
    with pytest.raises(SystemExit, match="missing.jsonl.gz not found.*--corpus"):
        draw_articles(tmp_path / "missing.jsonl.gz", 10)


def test_run_stage_measures_a_real_stage(tmp_path):
    lines = (REPO / "data/sample/vntc_sample.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)[:5]
    corpus = tmp_path / "five.jsonl"
    corpus.write_text("".join(lines), encoding="utf-8")
    params = yaml.safe_load((REPO / "params.yaml").read_text(encoding="utf-8"))
    params["corpus"]["path"] = str(corpus)
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    result = run_stage("ingest", tmp_path, tmp_path / "params.yaml", tmp_path / "log.txt")
    assert result["seconds"] > 0 and result["peak_mb"] > 10 and result["cpu_seconds"] > 0
    assert len(pd.read_parquet(tmp_path / "data/interim/raw_articles.parquet")) == 5
    params["corpus"]["path"] = str(tmp_path / "missing.jsonl")
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuntimeError, match="pipeline.ingest failed"):
        run_stage("ingest", tmp_path, tmp_path / "params.yaml", tmp_path / "log.txt")
