"""Do the measured theme shares of the bundled sample match its coders', and does a confusion-matrix correction
help? (an analysis, not a stage)

    python -m bench.theme_share_correction [--draws 500] [--out bench/theme_share_correction.json]

330 of the sample's 478 articles were coded in batches 2-7 (data/validation/). Scored batch by batch as the
leave-one-batch-out rule scores the default measure (theme_measure as params.yaml sets it; the trained part fitted
on every other development row, never on the batch's own articles: pipeline.validation.candidate_primary), their
predicted primary themes give the measure's share of each theme, beside the coders' share of the same articles.

The usual fix for a measure's known errors is adjusted classify-and-count (Forman 2008): with M[i, j] =
P(predicted j | coded i) estimated on other coded text, the observed shares q satisfy q = M^T p for the true
shares p, solved here by least squares with p >= 0 and sum 1 (scipy's nnls with a heavily weighted row of ones).
It is tried with M from the held-out VNTC units of every fresh batch (same source and years as the sample, other
articles, drawn by label rather than by policy terms) and scored against the coders' shares: it helps only
if the measure errs on the sample as it errs on those units.

Batches 2-7 are development data (the default was chosen by the leave-one-batch-out rule with them among its
batches), so the comparison measures a bias; it is not a held-out score. Intervals (2.5 and 97.5
percentiles) resample the units within each batch. The JSON is the evidence behind the
README's paragraph on theme shares; nothing in the pipeline reads it.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy.optimize import nnls

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ONES_WEIGHT = 1e3  # the sum-to-one row: heavy enough to hold it, not so heavy that it swamps the fit


def adjusted_shares(confusion: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """p >= 0 with sum 1 that best explains `observed` predicted shares through confusion[i, j] = P(pred j | true
    i) (rows summing to 1; a row of a class never coded is the identity row)."""
    k = len(observed)
    a = np.vstack([confusion.T, ONES_WEIGHT * np.ones((1, k))])
    b = np.concatenate([observed, [ONES_WEIGHT]])
    p, _ = nnls(a, b)
    return p / p.sum()


def confusion_matrix(gold: np.ndarray, pred: np.ndarray, classes: list[str]) -> np.ndarray:
    """Row-normalised counts; a class with no coded unit gets the identity row (nothing known of its errors)."""
    index = {c: i for i, c in enumerate(classes)}
    m = np.zeros((len(classes), len(classes)))
    for g, p in zip(gold, pred):
        m[index[g], index[p]] += 1
    rows = m.sum(axis=1, keepdims=True)
    return np.where(rows > 0, m / np.maximum(rows, 1), np.eye(len(classes)))


def batch_predictions() -> tuple[pd.DataFrame, list[str]]:
    """Each fresh batch's units with the default measure's primary theme, trained without the batch's articles."""
    from pipeline import params as P
    from pipeline import paths, splits, theme_model
    from pipeline import validation as V

    ws = paths.workspace(ROOT)
    params = P.load(ws.params_file)
    tm = params["theme_measure"]
    if tm["method"] not in ("similarity", "hybrid") or (tm["method"] == "hybrid" and tm["hybrid"]["form"] != "blend"):
        raise SystemExit(f"theme_share_correction: written for the similarity measure and the blend hybrid; "
                         f"params.yaml has method {tm['method']!r}")
    rules = yaml.safe_load(ws.resolve(tm["coding_rules"]).read_text(encoding="utf-8"))["themes"]
    classes = [*params["themes"], V.OTHER]
    coded = V.read_sheet(ws.resolve(tm["validation_set"]), ("item_id", "corpus", "article_id", "text", "split", "theme"))
    units = coded.reset_index(drop=True)
    dev = units.index.isin(theme_model.training_rows(units, splits.SPLITS).index)
    gold, articles = units["theme"].to_numpy(), units["article_id"].to_numpy()
    theme_model.warm_cache(params, ws)
    prepared = V.learn_setup(units, params, ws, rules)
    prepared["ids"] = units["item_id"].to_numpy()
    # the default as a leave-one-batch-out candidate (an entry added at run time, read by candidate_primary): the
    # similarity measure with params.yaml's settings, or the blend at params.yaml's weight, other_shift and defer
    name = "_default"
    V.LOBO_CANDIDATES[name] = ({"kind": "similarity"} if tm["method"] == "similarity" else
                               {"kind": "blend", "weight": tm["hybrid"]["weight"],
                                "other_shift": tm["hybrid"].get("other_shift", 0.0),
                                "defer": list(tm["hybrid"].get("defer") or [])})
    rows, memo = [], {}
    for b in [s for s in splits.SPLITS[2:] if s in set(units["split"])]:
        test = np.flatnonzero(units["split"] == b)
        train = np.flatnonzero(dev & ~np.isin(articles, articles[units["split"] == b]))
        pred = V.candidate_primary(name, prepared, gold, train, test, classes, params, memo)
        rows.append(pd.DataFrame({"split": b, "corpus": units["corpus"].to_numpy()[test],
                                  "item_id": units["item_id"].to_numpy()[test], "gold": gold[test], "pred": pred}))
    return pd.concat(rows, ignore_index=True), classes


def _shares(values: pd.Series, classes: list[str]) -> np.ndarray:
    return values.value_counts(normalize=True).reindex(classes, fill_value=0.0).to_numpy()


def estimates(preds: pd.DataFrame, classes: list[str]) -> dict[str, np.ndarray]:
    """The sample's coded, predicted and adjusted shares (M from the held-out VNTC units)."""
    sample, other = preds[preds["corpus"] == "sample"], preds[preds["corpus"] == "vntc_heldout"]
    m = confusion_matrix(other["gold"].to_numpy(), other["pred"].to_numpy(), classes)
    predicted = _shares(sample["pred"], classes)
    return {"coded": _shares(sample["gold"], classes), "predicted": predicted, "adjusted": adjusted_shares(m, predicted)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--draws", type=int, default=500)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", default=str(ROOT / "bench" / "theme_share_correction.json"))
    args = ap.parse_args(argv)
    preds, classes = batch_predictions()
    preds = preds[preds["corpus"].isin(["sample", "vntc_heldout"])].reset_index(drop=True)
    point = estimates(preds, classes)
    rng = np.random.default_rng(args.seed)
    by_batch = [g.index.to_numpy() for _, g in preds.groupby("split")]
    draws = {k: [] for k in point}
    for _ in range(args.draws):
        take = np.concatenate([rng.choice(ix, size=len(ix), replace=True) for ix in by_batch])
        for k, v in estimates(preds.iloc[take], classes).items():
            draws[k].append(v)
    sample = preds[preds["corpus"] == "sample"]
    result = {
        "sample_units": len(sample), "sample_batches": sorted(set(sample["split"]), key=lambda s: int(s[7:])),
        "confusion_units": int((preds["corpus"] == "vntc_heldout").sum()),
        "confusion_batches": sorted(set(preds.loc[preds["corpus"] == "vntc_heldout", "split"]), key=lambda s: int(s[7:])),
        "draws": args.draws, "seed": args.seed,
        "shares": {c: {k: {"estimate": round(float(point[k][i]), 4),
                           "low": round(float(np.percentile(np.array(draws[k])[:, i], 2.5)), 4),
                           "high": round(float(np.percentile(np.array(draws[k])[:, i], 97.5)), 4)} for k in point}
                   for i, c in enumerate(classes)},
        # total absolute error against the coders' shares (twice the total variation distance)
        "abs_error_sum": {k: round(float(np.abs(point[k] - point["coded"]).sum()), 4) for k in ("predicted", "adjusted")},
    }
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"theme_share_correction: {len(sample)} coded sample articles; M from {result['confusion_units']} held-out units")
    for c, s in result["shares"].items():
        print(f"  {c:20s} " + "  ".join(f"{k} {v['estimate']:.3f} ({v['low']:.3f}-{v['high']:.3f})" for k, v in s.items()))
    print(f"  sum of absolute errors against the coders: {result['abs_error_sum']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
