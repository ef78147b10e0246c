"""Agreement and accuracy of nominal codes: Cohen's kappa, Krippendorff's alpha, per-class precision/recall/F1
with bootstrap intervals, macro-F1 and accuracy. Pure functions of label lists (used by pipeline.validation)."""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support


def cohen_kappa(a: list[str], b: list[str]) -> float:
    return float(cohen_kappa_score(a, b))


def krippendorff_alpha(*coders: list[str]) -> float:
    """Nominal alpha for units coded by every coder (no missing values): 1 - D_o / D_e from the coincidence
    matrix (Krippendorff 2011). Written out because the `krippendorff` package is not a dependency; equals
    it on complete data."""
    data = np.array(coders, dtype=object).T  # units x coders
    values = sorted({v for row in data for v in row})
    index = {v: i for i, v in enumerate(values)}
    m = data.shape[1]
    coincidence = np.zeros((len(values), len(values)))
    for row in data:
        counts = np.bincount([index[v] for v in row], minlength=len(values)).astype(float)
        coincidence += (np.outer(counts, counts) - np.diag(counts)) / (m - 1)
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    observed = coincidence.sum() - np.trace(coincidence)
    expected = (n * n - (n_c ** 2).sum()) / (n - 1)
    return float(1 - observed / expected) if expected > 0 else 1.0


def scores(gold: list[str], pred: list[str], classes: list[str]) -> dict:
    """Accuracy, macro-F1 over the classes present in gold, and per class precision/recall/F1/support."""
    present = [c for c in classes if c in set(gold)]
    p, r, f, s = precision_recall_fscore_support(gold, pred, labels=classes, zero_division=0)
    per = {c: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
           for i, c in enumerate(classes)}
    macro = float(np.mean([per[c]["f1"] for c in present])) if present else float("nan")
    accuracy = float(np.mean(np.asarray(gold) == np.asarray(pred))) if len(gold) else float("nan")
    return {"n": len(gold), "accuracy": accuracy, "macro_f1": macro, "per_theme": per}


def bootstrap_scores(gold: list[str], pred: list[str], classes: list[str], draws: int = 1000, seed: int = 0,
                     confidence: float = 0.95, clusters: list[str] | None = None) -> dict:
    """scores() with percentile intervals from resampling units (or whole clusters, e.g. seed articles)."""
    gold, pred = np.asarray(gold, dtype=object), np.asarray(pred, dtype=object)
    point = scores(list(gold), list(pred), classes)
    rng = np.random.default_rng(seed)
    groups = pd.Series(range(len(gold))).groupby(list(clusters) if clusters is not None else list(range(len(gold))))
    members = [np.asarray(ix) for ix in groups.indices.values()]
    keys = ["accuracy", "macro_f1"] + [f"{c}.{m}" for c in classes for m in ("precision", "recall", "f1")]
    samples = {k: [] for k in keys}
    for _ in range(draws):
        take = np.concatenate([members[i] for i in rng.integers(0, len(members), len(members))])
        s = scores(list(gold[take]), list(pred[take]), classes)
        samples["accuracy"].append(s["accuracy"])
        samples["macro_f1"].append(s["macro_f1"])
        for c in classes:
            for m in ("precision", "recall", "f1"):
                samples[f"{c}.{m}"].append(s["per_theme"][c][m])
    lo, hi = (1 - confidence) / 2 * 100, (1 + confidence) / 2 * 100
    ci = {k: [float(np.nanpercentile(v, lo)), float(np.nanpercentile(v, hi))] for k, v in samples.items()}
    point["accuracy_ci"], point["macro_f1_ci"] = ci["accuracy"], ci["macro_f1"]
    for c in classes:
        for m in ("precision", "recall", "f1"):
            point["per_theme"][c][f"{m}_ci"] = ci[f"{c}.{m}"]
    return point
