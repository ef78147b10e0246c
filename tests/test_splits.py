"""pipeline.splits: the newest batch present is reported, the rest are development data, in coding order."""
from pathlib import Path

import pandas as pd

from pipeline import splits

ROOT = Path(__file__).resolve().parent.parent


def test_newest_present_batch_is_reported_and_the_rest_are_development():
    assert splits.reported(["holdout2", "tune", "holdout"]) == "holdout2"
    assert splits.reported(iter(["holdout4", "tune", "holdout3"])) == "holdout4"
    assert splits.development(["holdout4", "tune", "holdout3", "holdout"]) == ["tune", "holdout", "holdout3"]
    assert splits.reported(["other"]) is None and splits.development([]) == []


def test_every_split_in_the_shipped_sheets_is_a_known_batch():
    """A batch added to data/validation must be added to pipeline.splits, or it would be silently ignored."""
    for sheet in ("themes_coded.csv", "quote_passages.csv"):
        present = set(pd.read_csv(ROOT / "data/validation" / sheet, usecols=["split"])["split"])
        assert present <= set(splits.SPLITS), (sheet, present - set(splits.SPLITS))


def test_since_keeps_the_batches_from_the_first_one_on_in_coding_order():
    assert splits.since(["holdout35", "tune", "holdout34", "holdout33", "holdout36"], "holdout34") == \
        ["holdout34", "holdout35", "holdout36"]
    assert splits.since(["tune", "holdout33"], "holdout34") == [] and splits.since(["tune"], "nonesuch") == []
    # the speaker rules' fixed point is a batch the quote sheet has, or the pooled score would be empty
    assert splits.SPEAKER_RULES_FIXED_BEFORE in splits.SPLITS
