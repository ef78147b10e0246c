"""The hand-coded validation sets' splits, in the order they were coded, and which one a score is reported on.

One place for this fact (data/validation/README.md tells the story): batch 1 was split into `tune` and `holdout`;
every later batch (`holdout2`, `holdout3`, ...) was drawn and coded blind after the method it scores had been fixed,
scored once, and then opened for development. The newest batch present is the one reported; the others are
development data, and scores on them are not evidence of how the method does on new text.
"""
from __future__ import annotations

from collections.abc import Iterable

SPLITS = ("tune", "holdout", "holdout2", "holdout3", "holdout4", "holdout5", "holdout6", "holdout7", "holdout8", "holdout9", "holdout10", "holdout11", "holdout12", "holdout13", "holdout14", "holdout15", "holdout16", "holdout17", "holdout18", "holdout19", "holdout20", "holdout21", "holdout22", "holdout23", "holdout24", "holdout25", "holdout26", "holdout27", "holdout28", "holdout29", "holdout30", "holdout31", "holdout32", "holdout33", "holdout34", "holdout35", "holdout36", "holdout37", "holdout38", "holdout39", "holdout40", "holdout41", "holdout42", "holdout43", "holdout44", "holdout45", "holdout46", "holdout47", "holdout48", "holdout49", "holdout50", "holdout51")


def reported(present: Iterable[str]) -> str | None:
    """The newest split among `present` (the one to report), or None when none of SPLITS is there."""
    present = set(present)
    return next((s for s in reversed(SPLITS) if s in present), None)


def development(present: Iterable[str]) -> list[str]:
    """The splits among `present` that are development data: all but the reported one, in coding order."""
    newest = reported(present)
    present = set(present)
    return [s for s in SPLITS if s in present and s != newest]


# The first quote batch coded after the speaker rules last changed: round 21 (bench/SPEAKER_ROUND21_RULE.md) was fixed
# before batch 34 was coded, and nothing since has changed what the rules extract (round 22 and stop 39's CRF tagger
# kept nothing). Each batch from it on was coded blind after the rules it scores, so together they measure the rules
# on new text with far more quotes than the newest batch alone. Move it to the next batch drawn whenever
# pipeline/speech or the discourse parameters change what the rules extract.
SPEAKER_RULES_FIXED_BEFORE = "holdout34"


def since(present: Iterable[str], first: str) -> list[str]:
    """The splits among `present` from `first` on, in coding order ([] when `first` is not one of SPLITS)."""
    if first not in SPLITS:
        return []
    present = set(present)
    return [s for s in SPLITS[SPLITS.index(first):] if s in present]
