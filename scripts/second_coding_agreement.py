"""Inter-coder agreement on the theme validation set: the blind second coding (second_coding.csv, coder
claude-session-E) against the first coders' primary `theme` (themes_coded.csv).

Percent agreement, Cohen's kappa (sklearn) and nominal Krippendorff's alpha (pipeline.agreement), overall, per split
(holdout2 / holdout) and per corpus, with a bootstrap interval over units; a lenient agreement (each coder's primary
among the other's primary + secondary themes); a confusion table (rows: first coder, columns: second coder) and the
list of disagreements. Writes data/validation/second_coding_agreement.json.

    python scripts/second_coding_agreement.py

A second round codes one whole fresh batch instead of a drawn sample (stop 40: the reported batch, holdout45, by
claude-session-CN, from a worktree whose themes_coded.csv ended before that batch's codes):

    python scripts/second_coding_agreement.py --second second_coding_holdout45.csv --split holdout45 --measure

With --measure it also scores the shipped theme measure (params.yaml as it stands; a batch outside its training rows
is predicted by the model trained on train_splits) against each coder and on the units both coders agree on, so that
the measure's accuracy can be read beside the coders' own agreement. Writes second_coding_agreement_<split>.json.

A third round codes every paragraph of a corpus (stop 41: the 33 seed paragraphs, by claude-session-CO, from a folder
holding only the units, coding_rules.yaml, the raw seed articles and the non-seed coded rows as precedent):

    python scripts/second_coding_agreement.py --second second_coding_seeds.csv --corpus seed --measure

(writes second_coding_agreement_seed.json; the measure's seed paragraphs are cross-fitted by article or held out, as
in the validation's seed row).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from pipeline.agreement import krippendorff_alpha  # noqa: E402  (script run from anywhere)

VALID = ROOT / "data/validation"
THEMES = ["institutions", "spatial_planning", "digital_governance", "science_innovation", "economy_business",
          "society_welfare", "other"]
SEED, DRAWS = 20261204, 2000


def _themes(primary: str, secondary: str) -> set[str]:
    return {primary} | {s for s in str(secondary).split(";") if s}


def agreement(a: list[str], b: list[str], draws: int = DRAWS, seed: int = SEED) -> dict:
    """Percent agreement, kappa and alpha with 95% percentile intervals from resampling units."""
    a, b = np.asarray(a, dtype=object), np.asarray(b, dtype=object)

    def stats(x, y):
        # kappa is undefined (nan) when both coders use a single category in a resample
        with np.errstate(divide="ignore", invalid="ignore"):
            kappa = float(cohen_kappa_score(x, y, labels=THEMES)) if len(set(x) | set(y)) > 1 else float("nan")
        return float(np.mean(x == y)), kappa, krippendorff_alpha(list(x), list(y))

    point = stats(a, b)
    rng = np.random.default_rng(seed)
    boot = np.array([stats(a[ix], b[ix]) for ix in (rng.integers(0, len(a), len(a)) for _ in range(draws))])
    ci = [[float(np.nanpercentile(boot[:, j], 2.5)), float(np.nanpercentile(boot[:, j], 97.5))] for j in range(3)]
    return {"n": len(a), "percent_agreement": point[0], "percent_agreement_ci": ci[0],
            "cohen_kappa": point[1], "cohen_kappa_ci": ci[1], "krippendorff_alpha": point[2],
            "krippendorff_alpha_ci": ci[2]}


def summarise(df: pd.DataFrame) -> dict:
    out = agreement(list(df["theme"]), list(df["coder2_theme"]))
    lenient = [p1 in _themes(p2, s2) or p2 in _themes(p1, s1) for p1, s1, p2, s2 in
               zip(df["theme"], df["secondary"], df["coder2_theme"], df["coder2_secondary"])]
    out["lenient_agreement"] = float(np.mean(lenient))
    return out


def load(valid: Path, second_file: str = "second_coding.csv", split: str | None = None,
         corpus: str | None = None) -> pd.DataFrame:
    """The second coder's rows joined with the first coder's; the units are the drawn sample
    (second_coding_units.csv) or, with `split` (`corpus`), every unit of that batch (corpus) in themes_units.csv."""
    second = pd.read_csv(valid / second_file, dtype=str, keep_default_na=False)
    first = pd.read_csv(valid / "themes_coded.csv", dtype=str, keep_default_na=False)
    if split is not None and corpus is not None:
        raise SystemExit("give --split or --corpus, not both")
    if corpus is not None:
        units = pd.read_csv(valid / "themes_units.csv", dtype=str, keep_default_na=False)
        units, source = units[units["corpus"] == corpus], f"themes_units.csv corpus {corpus}"
    elif split is None:
        units, source = pd.read_csv(valid / "second_coding_units.csv", dtype=str, keep_default_na=False), \
            "second_coding_units.csv"
    else:
        units = pd.read_csv(valid / "themes_units.csv", dtype=str, keep_default_na=False)
        units, source = units[units["split"] == split], f"themes_units.csv split {split}"
    if set(second["item_id"]) != set(units["item_id"]) or len(second) != len(units):
        raise SystemExit(f"{valid / second_file}: coded items differ from {source}; code every unit once first")
    bad = second.loc[~second["coder2_theme"].isin(THEMES), "item_id"]
    if len(bad):
        raise SystemExit(f"{valid / second_file}: unknown coder2_theme for {list(bad)}")
    df = second.merge(first[["item_id", "corpus", "split", "theme", "secondary", "confidence", "coder"]],
                      on="item_id", how="left", validate="one_to_one")
    missing = df.loc[df["theme"].isna() | (df["theme"] == ""), "item_id"]
    if len(missing):
        raise SystemExit(f"{valid / 'themes_coded.csv'}: no first-coder theme for {list(missing)}")
    return df


def report(df: pd.DataFrame) -> dict:
    confusion = pd.crosstab(pd.Categorical(df["theme"], THEMES), pd.Categorical(df["coder2_theme"], THEMES),
                            dropna=False)
    dis = df[df["theme"] != df["coder2_theme"]]
    return {
        "coders": {"first": sorted(df["coder"].unique()), "second": sorted(df["coder2"].unique())},
        "overall": summarise(df),
        "by_split": {s: summarise(g) for s, g in df.groupby("split")},
        "by_split_corpus": {f"{s}/{c}": summarise(g) for (s, c), g in df.groupby(["split", "corpus"])},
        **({"holdout2_vntc_heldout_danes": summarise(df[(df["split"] == "holdout2")
                                                        & df["corpus"].isin(["vntc_heldout", "danes"])])}
           if (df["split"] == "holdout2").any() else {}),
        "by_first_coder_confidence": {k: summarise(g) for k, g in df.groupby("confidence")},
        "by_second_coder_confidence": {k: summarise(g) for k, g in df.groupby("coder2_confidence")},
        "marginals": {"first": {t: int((df["theme"] == t).sum()) for t in THEMES},
                      "second": {t: int((df["coder2_theme"] == t).sum()) for t in THEMES}},
        "confusion": {"rows": "first coder (themes_coded.csv theme)", "columns": "second coder (coder2_theme)",
                      "labels": THEMES, "matrix": confusion.values.tolist()},
        "disagreements": [
            {"item_id": r.item_id, "split": r.split, "corpus": r.corpus, "first": r.theme,
             "first_secondary": r.secondary, "second": r.coder2_theme, "second_secondary": r.coder2_secondary,
             "second_note": r.coder2_note} for r in dis.itertuples()],
        "bootstrap": {"draws": DRAWS, "seed": SEED, "interval": "95% percentile, resampling units"},
    }


def measure_scores(df: pd.DataFrame) -> dict:
    """The shipped measure against the first coder, the second coder, and on the units they agree on."""
    import yaml

    from pipeline import agreement as A
    from pipeline import paths
    from pipeline import params as P
    from pipeline import validation as V

    ws = paths.workspace(None)
    params = P.load(ws.params_file)
    tm = params["theme_measure"]
    rules = yaml.safe_load(ws.resolve(tm["coding_rules"]).read_text(encoding="utf-8"))["themes"]
    coded = V.read_sheet(ws.resolve(tm["validation_set"]), ("item_id", "corpus", "article_id", "text", "split", "theme"))
    props = V.predict(coded[coded["item_id"].isin(df["item_id"])], params, ws, rules)
    pred = df["item_id"].map(props["primary"]).tolist()
    agreed = (df["theme"] == df["coder2_theme"]).to_numpy()

    def score(gold, p):
        s = A.bootstrap_scores(list(gold), list(p), THEMES, tm["bootstrap"], tm["seed"])
        return {"n": len(gold), "accuracy": s["accuracy"], "accuracy_ci": s["accuracy_ci"],
                "macro_f1": s["macro_f1"], "macro_f1_ci": s["macro_f1_ci"]}
    return {"method": tm["method"], "train_splits_last": tm["learned"]["train_splits"][-1],
            "fit": sorted(set(props["fit"])) if "fit" in props else None,
            "vs_first": score(df["theme"], pred), "vs_second": score(df["coder2_theme"], pred),
            "on_agreed_units": score(df["theme"][agreed], [p for p, a in zip(pred, agreed) if a]),
            "either_coder": float(np.mean([p in (a, b) for p, a, b in zip(pred, df["theme"], df["coder2_theme"])])),
            # the measure's primary among the first coder's primary + secondary themes (as lenient_agreement)
            "lenient_vs_first": float(np.mean([p in _themes(a, s) for p, a, s in
                                               zip(pred, df["theme"], df["secondary"])]))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--valid", type=Path, default=VALID)
    ap.add_argument("--second", default="second_coding.csv", help="the second coder's file in --valid")
    ap.add_argument("--split", default=None, help="a whole batch was second-coded: its split")
    ap.add_argument("--corpus", default=None, help="every unit of a corpus was second-coded: its name")
    ap.add_argument("--measure", action="store_true", help="also score the shipped measure against both coders")
    args = ap.parse_args(argv)
    df = load(args.valid, args.second, args.split, args.corpus)
    out = report(df)
    if args.measure:
        out["measure"] = measure_scores(df)
    which = args.split or args.corpus
    path = args.valid / ("second_coding_agreement.json" if which is None else f"second_coding_agreement_{which}.json")
    path.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for name, s in [("overall", out["overall"])] + list(out["by_split"].items()):
        print(f"{name:10s} n={s['n']:3d} agree={s['percent_agreement']:.2f} kappa={s['cohen_kappa']:.3f} "
              f"{s['cohen_kappa_ci']} alpha={s['krippendorff_alpha']:.3f} lenient={s['lenient_agreement']:.2f}")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
