"""Draw the passages for an independent second coding of speaker attribution (inter-coder agreement).

    python scripts/draw_second_quote_coding.py

Reads data/validation/quote_passages.csv only (it holds no codes, so the draw cannot look at the first coders'
answers) and writes data/validation/second_quote_passages.csv: 50 passages of split `holdout2` and 30 of split
`holdout`, drawn at random (seed 20261204) among passages whose filter_match is True, because the non-matching
paragraphs almost never hold a quote and would add little to an agreement figure on who says what.
Deterministic: re-running rewrites the file byte for byte.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

import pandas as pd

SEED = 20261204
QUOTAS = (("holdout2", 50), ("holdout", 30))
SRC = Path("data/validation/quote_passages.csv")
OUT = Path("data/validation/second_quote_passages.csv")
FIELDS = ["passage_id", "corpus", "file", "line", "article_id", "paragraph_index", "split", "text"]


def draw(passages: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    """The drawn rows, sorted by passage_id; one Random drives both quotas in the order of QUOTAS."""
    rng = random.Random(seed)
    chosen: list[str] = []
    for split, n in QUOTAS:
        pool = sorted(passages.loc[(passages["split"] == split) & passages["filter_match"], "passage_id"])
        if len(pool) < n:
            sys.exit(f"{SRC}: split {split!r} has {len(pool)} filter-matching passages, {n} needed")
        chosen += rng.sample(pool, n)
    return passages[passages["passage_id"].isin(chosen)].sort_values("passage_id")[FIELDS]


def main() -> int:
    passages = pd.read_csv(SRC, dtype={"filter_match": bool}, keep_default_na=False)
    out = draw(passages)
    out.to_csv(OUT, index=False, encoding="utf-8")
    print(f"wrote {OUT}: {len(out)} passages", out["split"].value_counts().to_dict())
    return 0


if __name__ == "__main__":
    sys.exit(main())
