"""pipeline.stamp: a validation result records what it read, and the report can tell which of it changed since."""
from __future__ import annotations

from pipeline import stamp


def test_changed_names_each_input_that_moved(tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "coded.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (tmp_path / "rules" / "one.py").write_text("X = 1\n", encoding="utf-8")
    params = {"discourse": {"min_words": 4}, "segment": {"pos_filter": True}, "other": 1}
    recorded = stamp.stamp(tmp_path, ["coded.csv", "rules/*.py", "missing.csv"], params, ("discourse", "segment"))
    assert set(recorded["files"]) == {"coded.csv", "rules/one.py", "missing.csv"}
    assert stamp.changed(recorded, tmp_path, params) == []
    assert stamp.changed(recorded, tmp_path, {**params, "other": 2}) == []          # a section it did not use

    (tmp_path / "coded.csv").write_text("a,b\n1,3\n", encoding="utf-8")              # the coded set changed
    (tmp_path / "rules" / "two.py").write_text("Y = 2\n", encoding="utf-8")          # code added under a pattern
    (tmp_path / "missing.csv").write_text("now here\n", encoding="utf-8")
    moved = stamp.changed(recorded, tmp_path, {**params, "discourse": {"min_words": 5}})
    assert moved == ["coded.csv", "missing.csv", "rules/two.py", "params.yaml: discourse"]


def test_a_result_without_a_record_is_unknown_not_current(tmp_path):
    assert stamp.changed(None, tmp_path, {}) is None
    assert stamp.changed({}, tmp_path, {}) is None
