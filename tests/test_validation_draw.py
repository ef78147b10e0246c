"""validation draw / agree for a researcher's own corpus: the sheet is drawn from the run's articles (not from the
bundled set), and agree --methods scores every measure on the same coded units."""
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline import io as pio
from pipeline import params as P
from pipeline import paths
from pipeline import validation as V
from pipeline.codebook import OTHER
from pipeline.params_schema import MEASURES

ROOT = Path(__file__).resolve().parent.parent


def _articles(n: int) -> pd.DataFrame:
    return pd.DataFrame({"article_id": [f"a{i}" for i in range(n)],
                         "source": ["hanoimoi.vn" if i % 3 else "" for i in range(n)],
                         "text": [f"Bài {i}. " + "Hà Nội đẩy mạnh chuyển đổi số. " * 80 for i in range(n)]})


def test_corpus_units_are_the_articles_as_coders_read_them():
    units = V.corpus_units(_articles(6))
    assert units["item_id"].tolist() == units["article_id"].tolist() == [f"a{i}" for i in range(6)]
    assert units["corpus"].tolist() == ["corpus", "hanoimoi.vn", "hanoimoi.vn"] * 2   # no source: one stratum
    assert (units["text"].str.len() == V.SHOWN_CHARS).all() and units["text"][0].startswith("Bài 0.")


def _workspace(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "params.yaml", tmp_path / "params.yaml")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "validation").symlink_to(ROOT / "data" / "validation")
    return tmp_path


def test_draw_takes_the_runs_articles_by_default_and_says_what_to_run_without_them(tmp_path, capsys):
    ws = _workspace(tmp_path)
    with pytest.raises(SystemExit):
        V.main(["draw", "--root", str(ws), "--out", str(tmp_path / "sheet.csv")])
    message = capsys.readouterr().err.strip()
    assert "\n" not in message and paths.ARTICLES in message and "dvc repro" in message
    (ws / paths.ARTICLES).parent.mkdir(parents=True)
    pio.write_parquet(ws / paths.ARTICLES, _articles(9))
    V.main(["draw", "--root", str(ws), "--out", str(tmp_path / "sheet.csv"), "--n", "4"])
    sheet = pd.read_csv(tmp_path / "sheet.csv", keep_default_na=False, dtype=str)
    body = sheet[~sheet["item_id"].str.startswith("codebook:")]
    assert set(body["item_id"]) <= {f"a{i}" for i in range(9)} and len(body) == 4
    assert body["corpus"].value_counts().to_dict() == {"corpus": 2, "hanoimoi.vn": 2}      # stratified by source
    assert (sheet["coder1_theme"] == "").all()
    V.main(["draw", "--root", str(ws), "--out", str(tmp_path / "bundled.csv"), "--n", "4", "--from", "sheet"])
    bundled = pd.read_csv(tmp_path / "bundled.csv", keep_default_na=False, dtype=str)
    assert not set(bundled["item_id"]) & {f"a{i}" for i in range(9)}


@pytest.mark.integration
def test_agree_scores_every_measure_on_the_same_units():
    """Sheet texts, so their vectors are the shipped ones (no embedding): the configured measure's scores are the
    comparison's row for it, and the trained measures run too; with the tfidf backend they say they cannot."""
    params = P.load(ROOT / "params.yaml")
    ws = paths.workspace(ROOT)
    import yaml
    rules = yaml.safe_load((ROOT / params["theme_measure"]["coding_rules"]).read_text(encoding="utf-8"))["themes"]
    coded = pd.read_csv(ROOT / params["theme_measure"]["validation_set"], keep_default_na=False, dtype=str)
    units = coded[coded["split"] == "holdout2"].head(40)
    classes = [*params["themes"], OTHER]
    gold = units["theme"].tolist()
    result = V.compare_methods(units, gold, params, ws, rules, classes, draws=50, seed=0)
    assert list(result) == list(MEASURES)
    configured = V.predict(units, params, ws, rules)["primary"]
    assert result[params["theme_measure"]["method"]]["accuracy"] == pytest.approx(
        (units["item_id"].map(configured) == units["theme"]).mean())
    assert all(0 <= r["accuracy"] <= 1 and "macro_f1" in r for r in result.values())
    tfidf = V.with_method(params, "similarity")
    tfidf["embedding"]["backend"] = "tfidf"
    skipped = V.compare_methods(units.head(5), gold[:5], tfidf, ws, rules, classes, draws=10, seed=0)
    assert "skipped" in skipped["learned"] and "skipped" in skipped["hybrid"]
