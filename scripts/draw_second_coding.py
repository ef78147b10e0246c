"""Draw the units for a blind second coding of the theme validation set.

Reads data/validation/themes_units.csv (the sheet WITHOUT codes; themes_coded.csv is never read here) and draws
60 units of split `holdout2` and 40 of split `holdout` (batch 1), each stratified by corpus with proportional
allocation (largest remainder). Units are drawn at random within each split x corpus stratum and the 100 rows are
then shuffled, so that any committed part of the coding mixes splits and corpora. Writes
data/validation/second_coding_units.csv (item_id, corpus, split, text). Rerunning reproduces the file byte for byte.

    python scripts/draw_second_coding.py
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import pandas as pd

SEED = 20261204
QUOTA = {"holdout2": 60, "holdout": 40}
ROOT = Path(__file__).resolve().parent.parent
UNITS = ROOT / "data/validation/themes_units.csv"
OUT = ROOT / "data/validation/second_coding_units.csv"


def allocate(sizes: dict[str, int], total: int) -> dict[str, int]:
    """Proportional allocation by largest remainder; ties broken by stratum name for reproducibility."""
    n = sum(sizes.values())
    exact = {k: total * v / n for k, v in sizes.items()}
    alloc = {k: int(x) for k, x in exact.items()}
    order = sorted(sizes, key=lambda k: (-(exact[k] - alloc[k]), k))
    for k in order[: total - sum(alloc.values())]:
        alloc[k] += 1
    return alloc


def draw(units: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    rng = random.Random(seed)
    picked: list[pd.DataFrame] = []
    for split, total in QUOTA.items():
        part = units[units["split"] == split]
        sizes = part.groupby("corpus").size().to_dict()
        for corpus, k in sorted(allocate(sizes, total).items()):
            ids = sorted(part.loc[part["corpus"] == corpus, "item_id"])
            chosen = set(rng.sample(ids, k))
            picked.append(part[part["item_id"].isin(chosen)])
    out = pd.concat(picked)[["item_id", "corpus", "split", "text"]].sort_values("item_id")
    order = list(range(len(out)))
    rng.shuffle(order)
    return out.iloc[order].reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=Path, default=UNITS)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    if not args.units.exists():
        print(f"{args.units}: not found; run scripts/draw_theme_validation.py first", file=sys.stderr)
        return 2
    units = pd.read_csv(args.units, dtype=str, keep_default_na=False)
    missing = {"item_id", "corpus", "split", "text"} - set(units.columns)
    if missing:
        print(f"{args.units}: missing columns {sorted(missing)}", file=sys.stderr)
        return 2
    out = draw(units)
    out.to_csv(args.out, index=False, lineterminator="\n")
    print(f"wrote {args.out} ({len(out)} units)")
    print(out.groupby(["split", "corpus"]).size().to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
