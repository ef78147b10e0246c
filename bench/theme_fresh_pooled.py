"""The theme measure on every fresh batch it was scored on once, re-scored as the protocol scored it, and pooled.

Each fresh theme batch is scored once, by the measure trained on the batches opened before it, and then opened; a
batch of 160 units gives intervals about 0.12 wide, so the newest batch alone cannot say whether the measure is above
issue 13's targets on new text. Since stop 38 (batches 36-51) the measure's form has not changed (the hybrid that
defers institutions and spatial planning to the similarity measure, `params.yaml` as shipped); only its training rows
grew, two batches at each decision. This script re-trains it on exactly the rows each pair of batches was scored with
(STEPS), predicts that pair, checks the per-batch numbers against the ones recorded when each batch was scored once
(README's theme table; a mismatch means the code or the sheet moved and the pooled number would not be the protocol's),
and pools the 2,560 predictions: accuracy and macro-F1 with 95 % bootstrap intervals over units
(`pipeline.agreement.bootstrap_scores`, as the per-batch numbers), and over batches (the mean and a t interval). For
information it also pools, on the same units and training rows, the other measures the rule weighs (VARIANTS).

`VN_DISCOURSE_SHARED=../shared python -m bench.theme_fresh_pooled` writes bench/theme_fresh_pooled.json (about fifteen
minutes on 2 cores). Add a step when a new pair is scored: the pair, and the last split its training rows reach."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy import stats

from pipeline import agreement, paths, splits
from pipeline import params as P
from pipeline import validation as V
from pipeline.codebook import OTHER

OUT = Path(__file__).with_name("theme_fresh_pooled.json")
# (batches scored once together, the last split of the training rows they were scored with): the decisions of stops
# 38-40 (README "Themes against human coding"; params.yaml's weight comment)
STEPS = ((("holdout36", "holdout37"), "holdout35"), (("holdout38", "holdout39"), "holdout37"),
         (("holdout40", "holdout41"), "holdout39"), (("holdout42", "holdout43"), "holdout41"),
         (("holdout44", "holdout45"), "holdout43"), (("holdout46", "holdout47"), "holdout45"),
         (("holdout48", "holdout49"), "holdout47"), (("holdout50", "holdout51"), "holdout49"))
# accuracy and macro-F1 as recorded when each batch was scored once (three decimals)
RECORDED = {"holdout36": (0.750, 0.654), "holdout37": (0.850, 0.795), "holdout38": (0.806, 0.677),
            "holdout39": (0.825, 0.805), "holdout40": (0.756, 0.624), "holdout41": (0.800, 0.715),
            "holdout42": (0.794, 0.739), "holdout43": (0.831, 0.795), "holdout44": (0.812, 0.788),
            "holdout45": (0.812, 0.762), "holdout46": (0.831, 0.697), "holdout47": (0.756, 0.738),
            "holdout48": (0.825, 0.777), "holdout49": (0.838, 0.791), "holdout50": (0.831, 0.738),
            "holdout51": (0.819, 0.775)}


# other measures, trained alike on the same rows and pooled over the same units, for information only (none of them
# was scored once on these batches as the default): what the default's deferring costs or gains on old news
VARIANTS = {"classifier (method learned)": {"method": "learned"},
            "stop 37's hybrid (digital governance deferred too)":
                {"hybrid.defer": ["institutions", "spatial_planning", "digital_governance"]},
            "the 0.25 blend deferring nothing": {"hybrid.defer": []},
            "similarity (trains on nothing)": {"method": "similarity"}}


def train_splits(last: str) -> list[str]:
    """Every split up to `last` in coding order (batch 1's two halves included), as train_splits lists them."""
    return list(splits.SPLITS[:splits.SPLITS.index(last) + 1])


def t_interval(values: list[float]) -> list[float]:
    mean, sem = float(np.mean(values)), float(stats.sem(values))
    half = float(stats.t.ppf(0.975, len(values) - 1)) * sem
    return [round(mean - half, 3), round(mean + half, 3)]


def main() -> None:
    ws = paths.workspace(None)
    params = P.load(ws.params_file)
    tm = params["theme_measure"]
    rules = yaml.safe_load(ws.resolve(tm["coding_rules"]).read_text(encoding="utf-8"))["themes"]
    classes = [*params["themes"], OTHER]
    coded = V.read_sheet(ws.resolve(tm["validation_set"]), ("item_id", "corpus", "article_id", "text", "split", "theme"))
    gold, pred, batches, per_batch = [], [], [], {}
    variant_pred = {name: [] for name in VARIANTS}
    for pair, last in STEPS:
        step = params.to_dict()  # a plain dict: Params is read-only
        step["theme_measure"]["learned"]["train_splits"] = train_splits(last)
        units = coded[coded["split"].isin(pair)]
        props = V.predict_learned(units, step, ws, rules)
        assert set(props["fit"]) == {"held out"}, (pair, last)  # never trained on the batches it scores
        for name, edits in VARIANTS.items():
            other = copy.deepcopy(step)
            for key, value in edits.items():
                block = other["theme_measure"]
                *parents, leaf = key.split(".")
                for parent in parents:
                    block = block[parent]
                block[leaf] = value
            alt = V.predict(units, other, ws, rules)
            variant_pred[name] += [alt["primary"][i] for split in pair
                                   for i in units[units["split"] == split]["item_id"]]
        for split in pair:
            part = units[units["split"] == split]
            p = part["item_id"].map(props["primary"]).tolist()
            scores = agreement.bootstrap_scores(part["theme"].tolist(), p, classes, tm["bootstrap"], tm["seed"])
            acc, f1 = round(scores["accuracy"], 3), round(scores["macro_f1"], 3)
            per_batch[split] = {"trained_on": f"tune..{last}", "n": len(part), "accuracy": acc, "macro_f1": f1,
                                "recorded": list(RECORDED[split]),
                                "reproduced": abs(acc - RECORDED[split][0]) < 0.0015
                                and abs(f1 - RECORDED[split][1]) < 0.0015}
            print(f"{split} (tune..{last}): {acc:.3f} / {f1:.3f}, recorded {RECORDED[split][0]:.3f} / "
                  f"{RECORDED[split][1]:.3f}")
            gold += part["theme"].tolist()
            pred += p
            batches += [split] * len(part)
    pooled = agreement.bootstrap_scores(gold, pred, classes, tm["bootstrap"], tm["seed"])
    accs = [b["accuracy"] for b in per_batch.values()]
    f1s = [b["macro_f1"] for b in per_batch.values()]
    result = {"what": "the theme measure on each fresh batch as it was scored once (trained on the batches opened "
                      "before it), pooled over " + f"{len(per_batch)} batches",
              "all_reproduced": all(b["reproduced"] for b in per_batch.values()),
              "pooled": {"n": len(gold), "accuracy": round(pooled["accuracy"], 3),
                         "accuracy_ci": [round(x, 3) for x in pooled["accuracy_ci"]],
                         "macro_f1": round(pooled["macro_f1"], 3),
                         "macro_f1_ci": [round(x, 3) for x in pooled["macro_f1_ci"]],
                         "per_theme": {k: {m: round(v[m], 3) if m != "support" else v[m]
                                               for m in ("precision", "recall", "f1", "support")}
                                           for k, v in pooled["per_theme"].items()},
                         # rows: the coders' theme, columns: the measure's
                         "confusion": pd.crosstab(pd.Series(gold, name="coded"), pd.Series(pred, name="measured"))
                         .reindex(index=classes, columns=classes, fill_value=0).to_dict(orient="index")},
              "over_batches": {"batches": len(accs), "accuracy_mean": round(float(np.mean(accs)), 3),
                               "accuracy_t_ci": t_interval(accs), "macro_f1_mean": round(float(np.mean(f1s)), 3),
                               "macro_f1_t_ci": t_interval(f1s),
                               "both_met": sum(a >= 0.80 and f >= 0.75 for a, f in zip(accs, f1s))},
              "per_batch": per_batch,
              "for_information": {}}
    for name, p in variant_pred.items():
        v = agreement.bootstrap_scores(gold, p, classes, tm["bootstrap"], tm["seed"])
        result["for_information"][name] = {
            "accuracy": round(v["accuracy"], 3), "accuracy_ci": [round(x, 3) for x in v["accuracy_ci"]],
            "macro_f1": round(v["macro_f1"], 3), "macro_f1_ci": [round(x, 3) for x in v["macro_f1_ci"]],
            "policy_f1": {k: round(v["per_theme"][k]["f1"], 3)
                          for k in ("institutions", "spatial_planning", "digital_governance")}}
    OUT.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("all_reproduced", "over_batches", "for_information")}, ensure_ascii=False))


if __name__ == "__main__":
    main()
