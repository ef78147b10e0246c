"""Shared by the speech rule tests: quotes found in an article's paragraphs with the shipped speech verbs."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline import params as P
from pipeline.speech import quotes as Q

PARAMS = P.load(Path(__file__).resolve().parent.parent / "params.yaml")
VERBS = PARAMS["discourse"]["speech_verbs"]
PUNCT_VERBS = PARAMS["discourse"]["speech_verbs_punct"]


def quotes_of(*paragraphs: str, use_ner: bool = False) -> pd.DataFrame:
    """One article of the given paragraphs -> its extracted quotes (NER off unless asked: fast and offline)."""
    units = pd.DataFrame([{"unit_id": f"u{i}", "article_id": "a", "position": i, "text": p}
                          for i, p in enumerate(paragraphs)])
    return Q.extract_quotes(units, VERBS, PUNCT_VERBS, use_ner=use_ner)


def named(q: pd.DataFrame) -> list[tuple[str, str]]:
    """(speaker, type) of the quotes with a named speaker, in order."""
    q = q[q["speaker_type"].isin(Q.NAMED)]
    return list(zip(q["speaker"], q["speaker_type"]))
