"""Validation of the theme measurement against human coding (data/validation/, README there).

    python -m pipeline.validation score [--root DIR] [--units seed]   # reports/validation_themes.json
    python -m pipeline.validation draw --out sheet.csv [--n 100]       # a coding sheet for new coders
    python -m pipeline.validation agree sheet.csv                      # agreement + pipeline accuracy on a sheet
    python -m pipeline.validation tune                                 # the settings grid on the tune half only

`score` applies the themes stage's measurement (pipeline.measure) to each coded unit's text, exactly as the stage
applies it to a corpus unit (the unit's paragraphs, segmented and embedded with the params' settings, cached), and
compares its primary theme with the coder's: per theme precision, recall and F1 with bootstrap intervals, macro-F1
and accuracy, on the `tune` half (where the settings were chosen) and the `holdout` half (reported), per corpus.
Seed paragraphs share two articles, so their intervals resample articles.
"""
from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from pipeline import agreement, measure
from pipeline import io as pio
from pipeline import params as P
from pipeline import paths
from pipeline.codebook import OTHER

CODER_COLUMNS = ["coder1_theme", "coder1_secondary", "coder2_theme", "coder2_secondary", "note"]


def fail(message: str) -> None:
    print(message, file=sys.stderr)
    raise SystemExit(2)


def read_sheet(path: Path, needed: tuple[str, ...]) -> pd.DataFrame:
    if not path.is_file():
        fail(f"{path}: no such file (the coded sheet; see data/validation/README.md)")
    sheet = pd.read_csv(path, keep_default_na=False, dtype=str)
    missing = [c for c in needed if c not in sheet.columns]
    if missing:
        fail(f"{path}: missing column(s) {', '.join(missing)}; a coded sheet has {', '.join(needed)}")
    return sheet


def check_codes(sheet: pd.DataFrame, column: str, classes: list[str], path: Path) -> None:
    for i, value in enumerate(sheet[column], start=2):
        if value not in classes:
            fail(f"{path}:{i}: {column} = {value!r} is not a theme code; use one of {', '.join(classes)}")


def setup(units: pd.DataFrame, params: Mapping, ws: paths.Workspace, rules: Mapping) -> dict:
    """Everything the measurement compares for the coded units (index item_id) that the settings temperature,
    keyword_weight and min_share do not change: evidence per piece, keywords, theme prototypes."""
    tm = params["theme_measure"]
    cache = tm["cache_dir"]
    cache_root = ws.resolve(cache) if cache else None
    vectors, tokens, groups, lengths = measure.evidence(units["text"].tolist(), units["item_id"].tolist(),
                                                        params, ws, tm["paragraphs"])
    ids = units["item_id"].tolist()
    unit_tokens = [" ".join(t for t, g in zip(tokens, groups) if g == i) for i in ids]
    names, matrix, keywords, joint = measure.theme_setup(params, rules, cache_root, unit_tokens)
    if joint is not None:  # tfidf: the units and the descriptions embedded in one space
        position = {i: k for k, i in enumerate(ids)}
        vectors = joint[[position[g] for g in groups]]
    return dict(vectors=vectors, tokens=tokens, groups=groups, lengths=lengths, keywords=keywords,
                theme_names=names, themes=matrix)


def apply(prepared: Mapping, settings: Mapping) -> pd.DataFrame:
    return measure.measure(**prepared, temperature=settings["temperature"],
                           keyword_weight=settings["keyword_weight"], min_share=settings["min_share"])


def predict(units: pd.DataFrame, params: Mapping, ws: paths.Workspace, rules: Mapping,
            settings: Mapping | None = None) -> pd.DataFrame:
    """The measurement's proportions and primary theme for each coded unit (index item_id)."""
    return apply(setup(units, params, ws, rules), {**params["theme_measure"], **(settings or {})})


# the grid `tune` searches (on the tune half only); the evidence options are crossed with it
GRID = {"temperature": [0.02, 0.03, 0.05, 0.1, 0.2], "keyword_weight": [0, 0.25, 0.5, 1, 2, 3],
        "min_share": [0, 0.2, 0.3, 0.4, 0.5]}


def tune_grid(coded: pd.DataFrame, params, ws: paths.Workspace, rules: Mapping, classes: list[str]) -> pd.DataFrame:
    """Accuracy and macro-F1 on the TUNE half for every combination of the evidence options (paragraphs or whole
    units; Vietnamese or rule descriptions; with or without theme_measure.keywords) and GRID, best first. The
    holdout half is never read here, so the chosen settings cannot have seen it."""
    part = coded[coded["split"] == "tune"]
    gold = part["theme"].tolist()
    rows = []
    for paragraphs, descriptions, extra in itertools.product((True, False), ("exemplars", "rules"), (True, False)):
        d = params.to_dict()
        d["theme_measure"].update(paragraphs=paragraphs, descriptions=descriptions)
        if not extra:
            d["theme_measure"]["keywords"] = {}
        prepared = setup(part, P.validate(d), ws, rules)
        for values in itertools.product(*GRID.values()):
            settings = dict(zip(GRID, values))
            pred = part["item_id"].map(apply(prepared, settings)["primary"]).tolist()
            s = agreement.scores(gold, pred, classes)
            rows.append({"paragraphs": paragraphs, "descriptions": descriptions, "measure_keywords": extra, **settings,
                         "accuracy": round(s["accuracy"], 4), "macro_f1": round(s["macro_f1"], 4)})
    return pd.DataFrame(rows).sort_values(["macro_f1", "accuracy"], ascending=False, kind="stable")


def report(coded: pd.DataFrame, predicted: pd.Series, classes: list[str], draws: int, seed: int) -> dict:
    """Scores on each split, and per corpus within it (seed paragraphs resampled by article)."""
    out = {}
    frame = coded.assign(pred=coded["item_id"].map(predicted))
    for split, part in frame.groupby("split", sort=True):
        entry = agreement.bootstrap_scores(part["theme"].tolist(), part["pred"].tolist(), classes, draws, seed)
        entry["by_corpus"] = {}
        for corpus, sub in part.groupby("corpus", sort=True):
            clusters = sub["article_id"].tolist() if corpus == "seed" else None
            entry["by_corpus"][corpus] = agreement.bootstrap_scores(sub["theme"].tolist(), sub["pred"].tolist(),
                                                                    classes, draws, seed, clusters=clusters)
        out[split] = entry
    seeds = frame[frame["corpus"] == "seed"]
    if len(seeds):
        out["seed_all"] = agreement.bootstrap_scores(seeds["theme"].tolist(), seeds["pred"].tolist(), classes, draws,
                                                     seed, clusters=seeds["article_id"].tolist())
    return out


def draw_sheet(units: pd.DataFrame, n: int, seed: int, definitions: Mapping[str, str],
               strata: str = "corpus") -> pd.DataFrame:
    """A stratified sample (as even as the strata allow) with the codebook's definitions and empty coder columns."""
    rng = np.random.default_rng(seed)
    groups = {k: list(rng.permutation(g.index)) for k, g in units.groupby(strata, sort=True)}
    chosen: list = []
    while len(chosen) < min(n, len(units)):
        for key in sorted(groups):
            if groups[key] and len(chosen) < n:
                chosen.append(groups[key].pop())
    sheet = units.loc[sorted(chosen), [c for c in ("item_id", "corpus", "level", "text") if c in units.columns]]
    sheet = sheet.assign(**{c: "" for c in CODER_COLUMNS})
    header = pd.DataFrame([{"item_id": f"codebook:{name}", "text": text, **{c: "" for c in CODER_COLUMNS}}
                           for name, text in definitions.items()])
    return pd.concat([header, sheet], ignore_index=True)


def agree(sheet: pd.DataFrame, classes: list[str], path: Path, predicted: pd.Series | None = None,
          draws: int = 1000, seed: int = 0) -> dict:
    """Inter-coder agreement (when two coders coded) and the pipeline against coder 1 (when predictions given)."""
    units = sheet[~sheet["item_id"].str.startswith("codebook:")]
    units = units[units["coder1_theme"] != ""]
    check_codes(units, "coder1_theme", classes, path)
    out: dict = {"n_coded": len(units)}
    both = units[units["coder2_theme"] != ""]
    if len(both):
        check_codes(both, "coder2_theme", classes, path)
        a, b = both["coder1_theme"].tolist(), both["coder2_theme"].tolist()
        out.update(n_double=len(both), cohen_kappa=agreement.cohen_kappa(a, b),
                   krippendorff_alpha=agreement.krippendorff_alpha(a, b),
                   percent_agreement=float(np.mean(np.array(a) == np.array(b))))
    if predicted is not None and len(units):
        out["pipeline"] = agreement.bootstrap_scores(units["coder1_theme"].tolist(),
                                                     units["item_id"].map(predicted).fillna(OTHER).tolist(),
                                                     classes, draws, seed)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pipeline.validation", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=("score", "draw", "agree", "tune"))
    parser.add_argument("sheet", nargs="?", help="agree: the coded sheet (CSV)")
    parser.add_argument("--root", default=None)
    parser.add_argument("--units", default=None, help="score: only this corpus (e.g. seed, for a quick check)")
    parser.add_argument("--out", default=None, help="draw: where to write the sheet")
    parser.add_argument("--n", type=int, default=100)
    args = parser.parse_args(argv)
    ws = paths.workspace(args.root)
    params = P.load(ws.params_file)
    tm = params["theme_measure"]
    rules_path = ws.resolve(tm["coding_rules"])
    if not rules_path.is_file():
        fail(f"theme_measure.coding_rules = {tm['coding_rules']!r}: no such file")
    rules = yaml.safe_load(rules_path.read_text(encoding="utf-8"))["themes"]
    classes = [*params["themes"], OTHER]
    coded = read_sheet(ws.resolve(tm["validation_set"]), ("item_id", "corpus", "article_id", "text", "split", "theme"))
    if args.command == "draw":
        if not args.out:
            fail("draw: give --out sheet.csv")
        defs = {k: " ".join(str((rules.get(k) or {}).get("definition", "")).split()) for k in classes}
        pio.write_csv(Path(args.out), draw_sheet(coded.drop(columns=["theme"]), args.n, tm["seed"], defs))
        print(f"validation: {args.n} units to code in {args.out}")
        return
    if args.command == "agree":
        if not args.sheet:
            fail("agree: give the coded sheet, e.g. python -m pipeline.validation agree sheet.csv")
        sheet = read_sheet(Path(args.sheet), ("item_id", "text", "coder1_theme", "coder2_theme"))
        pred = predict(sheet[~sheet["item_id"].str.startswith("codebook:")], params, ws, rules)["primary"]
        print(pio.json.dumps(agree(sheet, classes, Path(args.sheet), pred, tm["bootstrap"], tm["seed"]), indent=1))
        return
    check_codes(coded, "theme", classes, ws.resolve(tm["validation_set"]))
    if args.command == "tune":
        grid = tune_grid(coded, params, ws, rules, classes)
        pio.write_csv(ws / paths.VALIDATION_THEMES_GRID, grid)
        print(grid.head(15).to_string(index=False))
        print(f"validation: {len(grid)} settings scored on the tune half in {paths.VALIDATION_THEMES_GRID}")
        return
    if args.units:
        coded = coded[coded["corpus"] == args.units]
    props = predict(coded, params, ws, rules)
    result = {"settings": {k: tm[k] for k in ("temperature", "keyword_weight", "min_share", "paragraphs",
                                              "descriptions")},
              "classes": classes, **report(coded, props["primary"], classes, tm["bootstrap"], tm["seed"])}
    target = ws / (paths.VALIDATION_THEMES if not args.units else f"reports/validation_themes_{args.units}.json")
    pio.write_json(target, result)
    for split in ("tune", "holdout"):
        if split in result:
            print(f"validation: {split}: accuracy {result[split]['accuracy']:.3f}, macro-F1 {result[split]['macro_f1']:.3f}"
                  f" (n={result[split]['n']})")


if __name__ == "__main__":
    main()
