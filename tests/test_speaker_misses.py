"""bench/speaker_misses.py: each missed named quote falls in the kind its passage's extraction gives it."""
from __future__ import annotations

import pandas as pd

from bench.speaker_misses import classify
from pipeline.speech import validation as V


def test_every_miss_is_sorted_by_what_its_passage_extracted():
    coded = pd.DataFrame([
        # P1: the rules named someone else; P2: two speakers, one found; P3: a quote with no name; P4: nothing
        ("P1", "Lê Hồng Sơn", "person", "", False), ("P2", "Nguyễn Văn A", "person", "", False),
        ("P2", "Trần Thị B", "person", "name resolved from P0", False), ("P3", "Bộ Y tế", "org", "", False),
        ("P4", "Phạm Văn C", "person", "full name from P2", False), ("P5", "Đỗ D", "person", "", False)],
        columns=["passage_id", "speaker", "speaker_type", "note", "borderline"])
    extracted = pd.DataFrame([("P1", "Hồng Sơn", "person"), ("P2", "Nguyễn Văn A", "person"), ("P3", "Bộ", "other"),
                              ("P5", "Đỗ D", "person"), ("P6", "Vũ E", "person")],
                             columns=["passage_id", "speaker", "speaker_type"])
    outcomes = V.match(coded, extracted)
    assert outcomes["outcome"].value_counts().to_dict() == {"tp": 2, "fn": 4, "fp": 2}
    out = classify(outcomes, extracted, coded)
    assert out["false_negatives"] == 4
    kinds = {k: (v["in_passage"], v["resolved_from_another_paragraph"]) for k, v in out["by_kind"].items()}
    assert kinds == {"wrong_speaker": (1, 0), "other_quote_matched": (0, 1), "quote_unnamed": (1, 0),
                     "no_quote": (0, 1)}
    assert sum(v["share"] for v in out["by_kind"].values()) == 1.0
    # P1's wrong name stands beside the speaker it missed; P6's is a speaker where the coder found none
    assert out["false_positives"] == {"beside_a_missed_speaker": 1, "no_missed_speaker": 1}
