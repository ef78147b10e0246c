"""Consistency checks for the hand-coded quote set (data/validation/quotes_coded.csv); labels nothing.

    python scripts/check_quotes_coded.py

Checks: every passage is coded; a passage is either all has_quote=true rows or one has_quote=false row; field values
are from the allowed sets (split: tune | holdout | holdout2 | holdout3 | holdout4 | holdout5 | holdout6 | holdout7 | holdout8 | holdout9 | holdout10 | holdout11 | holdout12 | holdout13 | holdout14 | holdout15 | holdout16 | holdout17 | holdout18 | holdout19 | holdout20 | holdout21 | holdout22 | holdout23 | holdout24 | holdout25 | holdout26 | holdout27 | holdout28 | holdout29 | holdout30 | holdout31 | holdout32 | holdout33 | holdout34 | holdout35 | holdout36 | holdout37 | holdout38 | holdout39 | holdout40 | holdout41 | holdout42 | holdout43 | holdout44 | holdout45 | holdout46 | holdout47 | holdout48 | holdout49 | holdout50 | holdout51, the fresh batches 2-51);
`unnamed` rows have no speaker; `quote_start` occurs verbatim (whitespace-normalised) in its passage. Prints the counts used in
data/validation/README.md, overall and per split. Exit status 1 on any failure.
"""
from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

D = Path("data/validation")
SPLITS = ("tune", "holdout", "holdout2", "holdout3", "holdout4", "holdout5", "holdout6", "holdout7", "holdout8", "holdout9", "holdout10", "holdout11", "holdout12", "holdout13", "holdout14", "holdout15", "holdout16", "holdout17", "holdout18", "holdout19", "holdout20", "holdout21", "holdout22", "holdout23", "holdout24", "holdout25", "holdout26", "holdout27", "holdout28", "holdout29", "holdout30", "holdout31", "holdout32", "holdout33", "holdout34", "holdout35", "holdout36", "holdout37", "holdout38", "holdout39", "holdout40", "holdout41", "holdout42", "holdout43", "holdout44", "holdout45", "holdout46", "holdout47", "holdout48", "holdout49", "holdout50", "holdout51")


def main() -> int:
    passages = {r["passage_id"]: r for r in csv.DictReader((D / "quote_passages.csv").open(encoding="utf-8"))}
    rows = list(csv.DictReader((D / "quotes_coded.csv").open(encoding="utf-8")))
    errors = [f"{pid}: bad split {p['split']!r}" for pid, p in passages.items() if p["split"] not in SPLITS]
    by_pid: dict[str, list] = {}
    for r in rows:
        by_pid.setdefault(r["passage_id"], []).append(r)
        if r["passage_id"] not in passages:
            errors.append(f"{r['passage_id']}: unknown passage")
            continue
        if r["has_quote"] == "false":
            if r["quote_kind"] != "empty" or r["speaker"] or r["speaker_type"]:
                errors.append(f"{r['passage_id']}: has_quote=false row with quote fields")
            continue
        if r["has_quote"] != "true" or r["quote_kind"] not in ("direct", "reported"):
            errors.append(f"{r['passage_id']}: bad has_quote/quote_kind")
        if r["speaker_type"] not in ("person", "org", "unnamed"):
            errors.append(f"{r['passage_id']}: bad speaker_type")
        if r["speaker_type"] == "unnamed" and r["speaker"]:
            errors.append(f"{r['passage_id']}: unnamed row with a speaker")
        if r["speaker_type"] != "unnamed" and not r["speaker"]:
            errors.append(f"{r['passage_id']}: {r['speaker_type']} row without a speaker")
        text = " ".join(passages[r["passage_id"]]["text"].split())
        if " ".join(r["quote_start"].split()) not in text:
            errors.append(f"{r['passage_id']}: quote_start not in passage: {r['quote_start']!r}")
    for pid, rs in by_pid.items():
        if len({r["has_quote"] for r in rs}) > 1 or (rs[0]["has_quote"] == "false" and len(rs) > 1):
            errors.append(f"{pid}: mixes has_quote values or repeats a false row")
    missing = sorted(set(passages) - set(by_pid))
    if missing:
        errors.append(f"passages not coded: {missing}")
    quotes = [r for r in rows if r["has_quote"] == "true"]
    c = Counter((passages[r["passage_id"]]["corpus"], passages[r["passage_id"]]["split"], r["quote_kind"]) for r in quotes)
    print(f"passages {len(passages)}, with a quote {sum(rs[0]['has_quote'] == 'true' for rs in by_pid.values())}; "
          f"quotes {len(quotes)}")
    for key in sorted(c):
        print("  ", *key, c[key])
    print("   speaker_type", dict(Counter(r["speaker_type"] for r in quotes)))
    for split in SPLITS:
        pids = [pid for pid, p in passages.items() if p["split"] == split]
        qs = [r for r in quotes if passages[r["passage_id"]]["split"] == split]
        with_q = [pid for pid in pids if by_pid.get(pid, [{}])[0].get("has_quote") == "true"]
        fm = [pid for pid in pids if passages[pid]["filter_match"] == "True"]
        print(f"{split}: passages {len(pids)} (filter-matching {len(fm)}, of which with a quote "
              f"{len(set(fm) & set(with_q))}; not matching {len(pids) - len(fm)}, with a quote "
              f"{len(set(with_q) - set(fm))}); quotes {len(qs)} {dict(Counter(r['quote_kind'] for r in qs))}; "
              f"speaker_type {dict(Counter(r['speaker_type'] for r in qs))}; "
              f"continuation {sum(r['cue'] == 'continuation' for r in qs)}, "
              f"borderline {sum('borderline' in r['note'] for r in qs)}")
    for e in errors:
        print("ERROR", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
