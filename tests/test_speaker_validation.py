"""Speaker attribution measured on the hand-coded quote set (data/validation/quote_*.csv, pipeline.speech.validation):
a regression in the speech rules lowers the holdout3-holdout7 numbers below the floors and fails here."""
from __future__ import annotations

import pandas as pd
import pytest

from pipeline import params as P
from pipeline import splits
from pipeline.speech import validation as V

NEEDS_SHARED = pytest.mark.skipif(not (V.shared_dir() / "corpora" / "vntc-train.jsonl.gz").exists(),
                                  reason="../shared corpora absent: the held-out VNTC passages need their articles")
# Measured 2026-12-02, stop 20 (named speakers, borderline rows left out, NER on as the stage runs it) on holdout3,
# the batch coded after the rules were written: precision 0.827 [Wilson 0.703, 0.906], recall 0.518 [0.412, 0.622]
# (tp 43, fp 9, fn 40). Holdout3 was then opened for development; round 3 (rule families written from batches 1-2,
# kept only if neutral or better on holdout3) scores 0.877 / 0.602 there (tp 50, fp 7, fn 33). Holdout4, coded blind
# after round 3, scored 0.837 / 0.547 (tp 41, fp 8, fn 34) once; then opened too. Round 4 (leave one batch out between
# batches 1-3 and 4) scores holdout3 0.867 / 0.627 (tp 52, fp 8, fn 31) and holdout4 0.942 / 0.653 (tp 49, fp 3,
# fn 26): development scores, not fresh ones. Holdout5, coded blind after round 4, scored once (stop 21): 0.793
# [0.672, 0.877] / 0.575 [0.466, 0.677] (tp 46, fp 12, fn 34): the reported number (stop-20 rules 0.750 / 0.525, round
# 3 0.763 / 0.562 on the same passages). Holdout6, coded blind at stop 22 with the round-4 rules unchanged, scored
# once: 0.833 [0.713, 0.910] / 0.549 [0.441, 0.652] (tp 45, fp 9, fn 37). Round 5 (stop 23, families kept by
# pooled F1 over all seven development splits) scores holdout5 0.864 / 0.637 and holdout6 0.842 / 0.585 (development).
# Holdout7, coded blind after round 5, scored once: 0.927 [0.806, 0.975] / 0.543 [0.427, 0.654] (tp 38, fp 3, fn 32;
# round 4 0.925 / 0.529 on the same passages): the reported number at stop 23. Round 6 (stop 24, written from batches
# 1-6 with holdout7 as a check score) scores holdout7 0.930 / 0.571. Holdout8, coded blind before round 6 was merged,
# scored once: 0.796 [0.671, 0.882] / 0.537 [0.429, 0.643] (tp 43, fp 11, fn 37; round 5 0.774 / 0.512): the reported
# number at the first merge of stop 24. Round 7 (stop 24, written from batches 1-8) scores holdout8 0.883 / 0.662
# (development). Holdout9, coded blind before round 7 was merged, scored once: 0.869 [0.762, 0.932] / 0.631 [0.524,
# 0.726] (tp 53, fp 8, fn 31; round 6 0.867 / 0.619): the reported number of stops 24-26. Round 8 (stop 27, written
# from batches 1-9) scores holdout9 0.910 / 0.726 (development). Holdout10, coded blind before round 8 was merged,
# scored once: 0.807 [0.687, 0.889] / 0.605 [0.493, 0.708] (tp 46, fp 11, fn 30; round 7 0.811 / 0.566): the reported
# number of stop 27. Round 9 (stop 28, written from batches 1-10) scores holdout10 0.869 / 0.697 (development).
# Holdout11, coded blind before round 9 was merged, scored once: 0.750 [0.639, 0.836] / 0.574 [0.474, 0.670] (tp 54,
# fp 18, fn 40; round 8 0.757 / 0.564 on the same passages): the reported number of stop 28. Holdout12, coded blind at
# stop 29 with no rule changed (the learned retry, bench/SPEAKER_LEARNED_RULE.md, failed its rule), scored once with
# the round-9 rules: 0.750 [0.623, 0.845] / 0.627 [0.507, 0.733] (tp 42, fp 14, fn 25): the reported number of
# stop 29. Round 10 (stop 30, bench/SPEAKER_ROUND10_RULE.md, written from batches 11-12 over thirteen splits) scores
# holdout12 0.764 / 0.627. Holdout13, coded blind while round 10 ran, scored once: 0.785 [0.670, 0.867] / 0.607
# [0.500, 0.705] (tp 51, fp 14, fn 33; round 9 0.750 / 0.571 on the same passages). Round 11 (stop 30,
# bench/SPEAKER_ROUND11_RULE.md, written from batches 11-13 over fourteen splits) scores holdout13 0.828 / 0.631.
# Holdout14, coded blind while round 11 ran, scored once: 0.820 [0.705, 0.896] / 0.549 [0.447, 0.648] (tp 50, fp 11,
# fn 41; round 10 the same, round 9 0.790 / 0.538): the reported number of stop 30. Round 12 (stop 31,
# bench/SPEAKER_ROUND12_RULE.md, from batch 14's errors over fifteen splits) kept no family. Holdout15, coded blind
# while round 12 ran, scored once with round 11's rules: 0.781 [0.666, 0.865] / 0.667 [0.554, 0.763] (tp 50, fp 14,
# fn 25). Holdout16, coded blind afterwards with no rule changed, scored once with round 11's rules: 0.774 [0.656,
# 0.860] / 0.632 [0.519, 0.731] (tp 48, fp 14, fn 28): the reported number of stop 31. Holdout17, coded blind
# afterwards with no rule changed, scored once with round 11's rules: 0.690 [0.562, 0.794] / 0.563 [0.448, 0.673]
# (tp 40, fp 18, fn 31). Round 13 (stop 32, bench/SPEAKER_ROUND13_RULE.md, from batch 17's errors over eighteen
# splits) kept family S (0.724 / 0.592 on holdout17 since). Holdout18, coded blind while round 13 ran, scored once
# with its rules: 0.754 [0.640, 0.840] / 0.619 [0.512, 0.716] (tp 52, fp 17, fn 32; the same without S).
# Holdout19, coded blind afterwards with no rule changed, scored once with round 13's rules: 0.783 [0.664, 0.869] /
# 0.566 [0.459, 0.668] (tp 47, fp 13, fn 36), reported at stop 32; 0.831 / 0.590 since round 14. Round 14 (stop 33,
# bench/SPEAKER_ROUND14_RULE.md, twenty open splits) kept families U and V. Holdout20, coded blind while round 14
# ran, scored once with its rules: 0.784 [0.654, 0.875] / 0.635 [0.511, 0.743] (tp 40, fp 11, fn 23). Holdout21,
# coded blind afterwards with no rule changed, scored once with round 14's rules: 0.776 [0.653, 0.864] / 0.616
# [0.502, 0.719] (tp 45, fp 13, fn 28), reported at stop 33; 0.807 / 0.630 since round 15. Round 15 (stop 34,
# bench/SPEAKER_ROUND15_RULE.md, twenty-two open splits) kept families X and Y. Holdout22, coded blind before round 15
# began and merged after it, scored once with its rules: 0.911 [0.793, 0.965] / 0.631 [0.509, 0.738] (tp 41, fp 4,
# fn 24; round 14 identical). Holdout23, coded blind afterwards with no rule changed, scored once with round 15's
# rules: 0.868 [0.752, 0.935] / 0.434 [0.344, 0.529] (tp 46, fp 7, fn 60; round 14 identical). Holdout24, coded blind
# afterwards with no rule changed, scored once with round 15's rules: 0.782 [0.656, 0.871] / 0.606 [0.489, 0.711]
# (tp 43, fp 12, fn 28; round 14 identical): the reported number at stop 34. Round 16 (stop 35,
# bench/SPEAKER_ROUND16_RULE.md, twenty-five open splits) kept families S, J, H and T. Holdout25, coded blind while it
# ran, scored once with its rules: 0.833 [0.72, 0.907] / 0.568 [0.464, 0.667] (tp 50, fp 10, fn 38; round 15 0.831 /
# 0.557). Round 17 (stop 35, bench/SPEAKER_ROUND17_RULE.md, twenty-six open splits) kept N and D. Holdout26, coded
# blind while it ran, scored once with its rules: 0.810 [0.696, 0.888] / 0.646 [0.536, 0.742] (tp 51, fp 12, fn 28;
# round 16 identical): the reported number at stop 35. Round 18 (stop 36, bench/SPEAKER_ROUND18_RULE.md,
# twenty-eight open splits; holdout27 opened unscored, see the rule) kept U and E. Holdout28, coded blind while it
# ran, scored once with its rules: 0.779 [0.667, 0.862] / 0.596 [0.492, 0.691] (tp 53, fp 15, fn 36; round 17
# identical). Round 19 (stop 36, bench/SPEAKER_ROUND19_RULE.md, twenty-nine open splits) kept I. Holdout29, coded
# blind while it ran, scored once with its rules: 0.910 [0.818, 0.958] / 0.762 [0.659, 0.842] (tp 61, fp 6, fn 19;
# round 18 identical), the first fresh batch above both of issue 15's targets (0.90 / 0.75) as point estimates, with
# intervals that reach below them. Holdout30, coded blind afterwards with no rule changed, scored once with round 19's
# rules: 0.792 [0.665, 0.88] / 0.56 [0.447, 0.667] (tp 42, fp 11, fn 33): the reported number since stop 36, so
# batch 29 was the batch, not the rules. Round 20 (stop 37, bench/SPEAKER_ROUND20_RULE.md, thirty-one open splits)
# kept D, O and K. Holdout31, coded blind while it ran, scored once with its rules: 0.875 [0.764, 0.938] / 0.605
# [0.496, 0.704] (tp 49, fp 7, fn 32; round 19 0.860 / 0.605); holdout32, coded blind beside it, with the same rules
# unchanged: 0.830 [0.708, 0.908] / 0.571 [0.46, 0.676] (tp 44, fp 9, fn 33; round 19 identical); holdout33, drawn and
# coded blind afterwards, round 20 unchanged again: 0.845 [0.731, 0.916] / 0.628 [0.517, 0.727] (tp 49, fp 9, fn 29),
# the reported number at stop 37. Round 21 (stop 38, bench/SPEAKER_ROUND21_RULE.md, thirty-four open splits) kept M.
# Holdout34, coded blind while it ran, scored once with its rules: 0.776 [0.663, 0.859] / 0.531 [0.433, 0.626] (tp 52,
# fp 15, fn 46; round 20 identical); holdout35, coded blind beside it, with the same rules unchanged: 0.839 [0.722,
# 0.913] / 0.61 [0.499, 0.712] (tp 47, fp 9, fn 30; round 20 identical). Round 22 (stop 38,
# bench/SPEAKER_ROUND22_RULE.md, thirty-six open splits) kept nothing. Holdout36, coded blind while it ran, scored once
# with round 21's rules: 0.857 [0.743, 0.926] / 0.608 [0.497, 0.708] (tp 48, fp 8, fn 31); holdout37, coded blind
# beside it, the same rules again: 0.855 [0.753, 0.919] / 0.678 [0.574, 0.767] (tp 59, fp 10, fn 28), the reported
# number at stop 38. At stop 39 a CRF tagger beside the rules (bench/SPEAKER_CRF_RULE.md, thirty-eight open splits) was
# adopted in no variant. Holdout38, coded blind while it ran, scored once with round 21's rules: 0.87 [0.77, 0.93] /
# 0.732 [0.627, 0.816] (tp 60, fp 9, fn 22); holdout39, coded blind beside it, the same rules again: 0.823 [0.71,
# 0.898] / 0.586 [0.481, 0.684] (tp 51, fp 11, fn 36). Holdout40 and holdout41, drawn and coded blind after them, the
# same rules twice more: 0.83 [0.708, 0.908] / 0.595 [0.481, 0.699] (tp 44, fp 9, fn 30) and 0.773 [0.667, 0.853] /
# 0.604 [0.504, 0.696] (tp 58, fp 17, fn 38), the reported number at stop 39. Holdout42 and holdout43 (stop 40), the
# same rules twice more: 0.822 [0.687, 0.907] / 0.514 [0.401, 0.626] (tp 37, fp 8, fn 35) and 0.688 [0.566, 0.788] /
# 0.484 [0.384, 0.585] (tp 44, fp 20, fn 47), the reported number at stop 40. Holdout44 and holdout45 (stop 41), the
# same rules twice more: 0.761 [0.647, 0.847] / 0.718 [0.605, 0.81] (tp 51, fp 16, fn 20) and 0.828 [0.718, 0.901] /
# 0.609 [0.504, 0.705] (tp 53, fp 11, fn 34). Holdout46 and holdout47 (later at stop 41), the same rules twice more:
# 0.877 [0.768, 0.939] / 0.61 [0.502, 0.708] (tp 50, fp 7, fn 32) and 0.794 [0.684, 0.873] / 0.794 [0.684, 0.873]
# (tp 54, fp 14, fn 14), the reported number at stop 41. Holdout48 and holdout49 (stop 42), the same rules twice
# more: 0.867 [0.758, 0.931] / 0.571 [0.469, 0.668] (tp 52, fp 8, fn 39) and 0.837 [0.71, 0.915] / 0.621 [0.501,
# 0.729] (tp 41, fp 8, fn 25). Holdout50 and holdout51 (later at stop 42), the same rules twice more: 0.796 [0.671,
# 0.882] / 0.551 [0.441, 0.657] (tp 43, fp 11, fn 35) and 0.857 [0.733, 0.929] / 0.6 [0.483, 0.707] (tp 42, fp 7,
# fn 28), the reported number since stop 42. The eighteen batches coded after round 21 was fixed (holdout34-51),
# pooled: 0.817 [0.793, 0.839] / 0.609 [0.583, 0.633] (tp 886, fp 198, fn 570). The floors
# are those minus about 0.05 (holdout27, development only: round 17's 0.871 / 0.656). Issue 15's target is not met
# on fresh data.
FLOORS = {"holdout3": (0.82, 0.57), "holdout4": (0.89, 0.60), "holdout5": (0.74, 0.52),
          "holdout6": (0.79, 0.53), "holdout7": (0.87, 0.51),
          "holdout8": (0.74, 0.48), "holdout9": (0.82, 0.58), "holdout10": (0.75, 0.55),
          "holdout11": (0.70, 0.52), "holdout12": (0.70, 0.57),
          "holdout13": (0.77, 0.58), "holdout14": (0.77, 0.50),
          "holdout15": (0.73, 0.61), "holdout16": (0.72, 0.58),
          "holdout17": (0.67, 0.54), "holdout18": (0.70, 0.57), "holdout19": (0.73, 0.52),
          "holdout20": (0.73, 0.58), "holdout21": (0.72, 0.56),
          "holdout22": (0.86, 0.58), "holdout23": (0.82, 0.38), "holdout24": (0.73, 0.55),
          "holdout25": (0.78, 0.52), "holdout26": (0.76, 0.60),
          "holdout27": (0.82, 0.60), "holdout28": (0.75, 0.56), "holdout29": (0.86, 0.71),
          "holdout30": (0.76, 0.52), "holdout31": (0.82, 0.55), "holdout32": (0.78, 0.52),
          "holdout33": (0.79, 0.57), "holdout34": (0.72, 0.48), "holdout35": (0.78, 0.56),
          "holdout36": (0.80, 0.55), "holdout37": (0.80, 0.62), "holdout38": (0.82, 0.68),
          "holdout39": (0.77, 0.53), "holdout40": (0.78, 0.54), "holdout41": (0.72, 0.55),
          "holdout42": (0.77, 0.46), "holdout43": (0.64, 0.43), "holdout44": (0.71, 0.67),
          "holdout45": (0.78, 0.56), "holdout46": (0.83, 0.56),
          "holdout47": (0.74, 0.74), "holdout48": (0.81, 0.52),
          "holdout49": (0.78, 0.57), "holdout50": (0.74, 0.50),
          "holdout51": (0.80, 0.55)}  # split: (precision, recall)
POOLED_FLOOR = (0.78, 0.58)  # the batches coded after the rules last changed, pooled, minus about 0.03


@NEEDS_SHARED
def test_development_speaker_attribution_is_not_worse_than_measured():
    result, outcomes = V.evaluate(P.load(V.ROOT / "params.yaml"))
    for split, (floor_precision, floor_recall) in FLOORS.items():
        scores = result["named_strict"][split]["all"]
        assert scores["tp"] + scores["fn"] >= 60, split  # the gold set is read whole, not an empty or partial frame
        assert scores["precision"] >= floor_precision, (split, scores)
        assert scores["recall"] >= floor_recall, (split, scores)
    assert set(outcomes["outcome"]) <= {"tp", "fp", "fn", "skip"}
    # the pooled score is the fresh batches' own counts summed, from the batch the rules were fixed before on
    fresh = result["named_strict_since_rules_fixed"]
    assert fresh["splits"] == splits.since(result["named_strict"], splits.SPEAKER_RULES_FIXED_BEFORE)
    assert fresh["splits"][0] == splits.SPEAKER_RULES_FIXED_BEFORE and result["reported"] == fresh["splits"][-1]
    for key in ("tp", "fp", "fn"):
        assert fresh["all"][key] == sum(result["named_strict"][s]["all"][key] for s in fresh["splits"]), key
    assert fresh["all"]["precision"] >= POOLED_FLOOR[0] and fresh["all"]["recall"] >= POOLED_FLOOR[1], fresh


def _gold(rows):
    return pd.DataFrame(rows, columns=["passage_id", "speaker", "speaker_type", "borderline"])


def _ext(rows):
    return pd.DataFrame(rows, columns=["passage_id", "speaker", "speaker_type"])


def test_matching_counts_each_extracted_quote_once_and_skips_borderline_rows():
    gold = _gold([("Q1", "Lê Hồng Sơn", "person", False), ("Q1", "Bùi Thị Hoà", "person", False),
                  ("Q2", "Google", "org", False), ("Q3", "Nguyễn Văn A", "person", True),
                  ("Q4", "", "unnamed", False)])
    ext = _ext([("Q1", "Lê Hồng Sơn", "person"), ("Q1", "Lê Hồng Sơn", "person"), ("Q1", "bà Bùi Thị Hòa", "person"),
                ("Q2", "Công ty Google", "org"), ("Q3", "Nguyễn Văn A", "person"), ("Q4", "Bộ", "org"),
                ("Q5", "các chuyên gia", "other")])
    got = V.match(gold, ext).groupby("outcome").size().to_dict()
    assert got == {"tp": 3, "fp": 2, "skip": 1}  # the 2nd Sơn and "Bộ" are wrong; "other" is not a named speaker


def test_organisation_names_match_either_bracketed_part_and_expanded_abbreviations():
    assert V.same_speaker("Ban an toàn giao thông", "Ban an toàn giao thông (Sở GD-ĐT TP.HCM)", "org")
    assert V.same_speaker("Mercer", "Cơ quan Tư vấn (Mercer)", "org")
    assert V.same_speaker("Ủy ban nhân dân thành phố", "UBND TP", "org", {"UBND": "Ủy ban nhân dân", "TP": "thành phố"})
    assert not V.same_speaker("Bộ", "Bộ Y tế", "org")
    assert not V.same_speaker("Nguyễn Văn", "Nguyễn Văn An", "person")


def test_scores_have_wilson_intervals_around_the_ratio():
    s = V.score(pd.DataFrame({"tp": [8, 1], "fp": [1, 0], "fn": [2, 3]}))
    assert (s["precision"], s["recall"]) == (0.9, round(9 / 14, 3))
    assert s["precision_ci"][0] < s["precision"] < s["precision_ci"][1]
    assert s["f1_ci"][0] <= s["f1"] <= s["f1_ci"][1]
