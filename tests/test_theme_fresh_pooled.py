"""bench.theme_fresh_pooled: each fresh theme batch re-scored as the protocol scored it once, then pooled."""
from __future__ import annotations

import json

from bench import theme_fresh_pooled as B
from pipeline import splits


def test_train_splits_run_in_coding_order_up_to_the_last():
    assert B.train_splits("holdout3") == ["tune", "holdout", "holdout2", "holdout3"]


def test_no_step_trains_on_a_batch_it_scores_and_the_steps_follow_each_other():
    """A step trained on its own batches would pool in-sample scores as if they were fresh."""
    scored = [split for pair, _ in B.STEPS for split in pair]
    assert len(scored) == len(set(scored)) and set(scored) == set(B.RECORDED)
    for pair, last in B.STEPS:
        assert not set(pair) & set(B.train_splits(last)), pair
        assert splits.SPLITS.index(min(pair, key=splits.SPLITS.index)) == splits.SPLITS.index(last) + 1, pair


def test_the_shipped_result_reproduces_every_recorded_batch():
    """bench/theme_fresh_pooled.json is the pooled number the README quotes: every batch in it must have come out
    as it was recorded when scored once, or the pool is not the protocol's."""
    result = json.loads(B.OUT.read_text(encoding="utf-8"))
    assert result["all_reproduced"] and set(result["per_batch"]) == set(B.RECORDED)
    assert result["pooled"]["n"] == sum(b["n"] for b in result["per_batch"].values())
    for split, batch in result["per_batch"].items():
        assert batch["recorded"] == list(B.RECORDED[split]) and batch["reproduced"], split
