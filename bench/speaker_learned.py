"""Leave-one-split-out run of the pre-registered learned speaker variants (bench/SPEAKER_LEARNED_RULE.md).

`OMP_NUM_THREADS=1 VN_DISCOURSE_SHARED=/work/shared python -m bench.speaker_learned` extracts once (NER included),
builds candidates and features once, then for each of the 12 open splits trains
every variant on the other 11 (thresholds chosen by an inner grouped CV inside them) and predicts the held-out
split; the predicted rows are scored with pipeline.speech.validation's matching against the rules on the same
passages. Writes bench/speaker_learned_results.json."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd

from bench import speaker_learned_data as D
from bench import speaker_learned_lib as L

OUT = Path(__file__).with_name("speaker_learned_results.json")
VARIANTS = ("A_adder", "B_filter", "C_adder_filter")


def lobo(data: dict, B: dict) -> tuple[dict, list]:
    """Predicted rows per variant over the 12 held-out splits, and the per-fold choices."""
    pids_of = {s: {p for p, sp in B["split"].items() if sp == s} for s in D.OPEN_SPLITS}
    preds = {v: [] for v in VARIANTS}
    choices = []
    for s in D.OPEN_SPLITS:
        t = time.time()
        train = set().union(*(pids_of[o] for o in D.OPEN_SPLITS if o != s))
        adder = L.train_component("adder", B, train)
        filt = L.train_component("filter", B, train)
        test = pids_of[s]
        preds["A_adder"] += L.predict_rows(B, test, adder=adder)
        preds["B_filter"] += L.predict_rows(B, test, filt=filt)
        preds["C_adder_filter"] += L.predict_rows(B, test, adder=adder, filt=filt)
        choices.append({"held_out": s, "adder": None if adder is None else {"C": adder[2], "threshold": adder[1]},
                        "filter": None if filt is None else {"C": filt[2], "threshold": filt[1]}})
        print(f"{s}: adder {choices[-1]['adder']} filter {choices[-1]['filter']} ({time.time() - t:.0f} s)",
              flush=True)
    return preds, choices


def _row(s: dict) -> dict:
    return {k: s[k] for k in ("tp", "fp", "fn", "precision", "recall", "f1", "f1_ci")}


def main() -> None:
    # no cache on disk: the project loads no pickles (tests/test_reliability.py), and extraction and building
    # take a minute or two
    data = D.load()
    t = time.time()
    B = L.build(data)
    print(f"built in {time.time() - t:.0f} s", flush=True)
    n_pos = sum(c["label"] == 1 for c in B["cands"])
    print(f"{len(B['cands'])} adder candidates ({n_pos} positive); "
          f"{int(B['rows']['speaker_type'].isin(L.NAMED).sum())} rules named rows "
          f"({int((B['rows']['label'] == 0).sum())} fp)", flush=True)
    rules = D.named_strict(data, D.passage_rows(data))
    preds, choices = lobo(data, B)
    cols = ["passage_id", "speaker", "speaker_type"]
    result = {"rule": "bench/SPEAKER_LEARNED_RULE.md", "splits": list(D.OPEN_SPLITS),
              "n_candidates": len(B["cands"]), "n_candidates_positive": int(n_pos),
              "rules": {k: _row(v) for k, v in rules.items()}, "variants": {}, "choices": choices}
    for v in VARIANTS:
        sc = D.named_strict(data, pd.DataFrame(preds[v], columns=cols))
        better = [s for s in D.OPEN_SPLITS if sc[s]["f1"] > rules[s]["f1"]]
        worse = [s for s in D.OPEN_SPLITS if sc[s]["f1"] < rules[s]["f1"]]
        p, r, h = sc["pooled12"], rules["pooled12"], sc["holdout8-11"]
        checks = {"f1_pooled_+0.02": p["f1"] >= r["f1"] + 0.02,
                  "precision_pooled_-0.01": p["precision"] >= r["precision"] - 0.01,
                  "better_on_7_of_12": len(better) >= 7,
                  "f1_holdout8-11_+0.02": h["f1"] >= rules["holdout8-11"]["f1"] + 0.02}
        result["variants"][v] = {**{k: _row(x) for k, x in sc.items()}, "splits_better": better,
                                 "splits_worse": worse, "checks": checks, "adopted_by_rule": all(checks.values())}
        print(f"{v}: pooled12 P {p['precision']} R {p['recall']} F1 {p['f1']} | h8-11 P {h['precision']} "
              f"R {h['recall']} F1 {h['f1']} | better {len(better)} worse {len(worse)} | {checks}", flush=True)
    print(f"rules: pooled12 P {rules['pooled12']['precision']} R {rules['pooled12']['recall']} "
          f"F1 {rules['pooled12']['f1']} | h8-11 F1 {rules['holdout8-11']['f1']}")
    OUT.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
