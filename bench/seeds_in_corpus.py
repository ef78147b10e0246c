"""The seed paragraphs measured alone and inside a larger corpus of other articles (issue 13's last condition).

`VN_DISCOURSE_SHARED=../shared python -m bench.seeds_in_corpus` runs the real stages ingest .. themes
(`units.level: paragraph`, every other parameter the shipped default) twice in scratch workspaces: on the two seed
articles alone, and on the seeds inside the bundled sample (480 VNTC articles). Each coded seed paragraph
(data/validation/themes_coded.csv, corpus seed) is found among the run's units by its text, and the run's primary
theme for it is scored against the coders' code: on all 33 and on the 16 of the seed holdout, which the trained
measure never trains on (the 17 seed tune paragraphs are in its training rows, so the stage's reading of them is
not a held-out score; pipeline.validation's cross-fitted number is), and the two seed articles' theme shares are
compared between the runs. Writes bench/seeds_in_corpus.json. About 15 minutes on 2 cores, most of it embedding the
sample's paragraphs; the scratch workspaces are kept under --work and reused when their outputs exist and were made
from the same params.yaml and coded sheet (the trained measure learns from the sheet)."""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline import paths, workspace
from pipeline.codebook import OTHER
from pipeline.text import normalize

REPO = workspace.REPO
SEEDS = REPO / "tests/fixtures/seeds"   # the two seed articles as ../shared/seeds gives them
SAMPLE = REPO / "data/sample/vntc_sample.jsonl"
STAGES = ("ingest", "clean", "segment", "embed", "topics", "themes")
OUT = Path(__file__).with_name("seeds_in_corpus.json")


def inputs_digest() -> str:
    """The repository files a run depends on besides the seeds and the code: params.yaml and the coded sheet."""
    params = workspace.repo_params()
    digest = hashlib.sha256()
    for path in (REPO / "params.yaml", REPO / params["theme_measure"]["validation_set"]):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def run(dest: Path, extra: Path | None) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """A run on the seeds (and `extra` beside them), paragraph units, the repository's caches: its units with their
    measured theme, its article shares and its themes summary (reused when dest holds a finished run made from the
    same inputs_digest; a stale one, after a change of parameters or training rows, is run again)."""
    ws = dest / "ws"
    stamp = dest / "inputs.sha256"
    digest = inputs_digest()
    fresh = stamp.is_file() and stamp.read_text(encoding="utf-8") == digest
    if not ((ws / paths.THEMES_SUMMARY).is_file() and fresh):
        shutil.rmtree(dest, ignore_errors=True)
        corpus = dest / "corpus"
        corpus.mkdir(parents=True)
        for f in SEEDS.glob("*.txt"):
            shutil.copy(f, corpus / f.name)
        if extra is not None:
            shutil.copy(extra, corpus / extra.name)
        params = workspace.repo_params()
        caches = {key: str(REPO / params[section]["cache_dir"]) for key, section in
                  (("embedding.cache_dir", "embedding"), ("segment.cache_dir", "segment"),
                   ("theme_measure.cache_dir", "theme_measure"))}
        workspace.make(ws, corpus, overrides={"units.level": "paragraph", **caches})
        for stage in STAGES:
            workspace.run_stage(ws, stage, timeout=3600, check=True)
        stamp.write_text(digest, encoding="utf-8")
    units = pd.read_parquet(ws / paths.UNITS)[["unit_id", "article_id", "text"]]
    measured = pd.read_parquet(ws / paths.UNIT_THEMES)[["unit_id", "measured_theme"]]
    summary = json.loads((ws / paths.THEMES_SUMMARY).read_text(encoding="utf-8"))
    return units.merge(measured, on="unit_id"), pd.read_parquet(ws / paths.ARTICLE_THEMES), summary


def seed_rows(units: pd.DataFrame, coded: pd.DataFrame) -> pd.DataFrame:
    """Each coded seed paragraph with the run's unit that holds its text (equal, else the one unit containing it)."""
    rows = []
    texts = units["text"].map(lambda t: " ".join(normalize(t).split())).tolist()
    for item in coded.itertuples():
        want = " ".join(normalize(item.text).split())
        hits = [i for i, t in enumerate(texts) if t == want] or [i for i, t in enumerate(texts) if want in t]
        unit = units.iloc[hits[0]] if len(hits) == 1 else None
        rows.append({"item_id": item.item_id, "split": item.split, "theme": item.theme,
                     "unit_id": None if unit is None else unit["unit_id"],
                     "merged": unit is not None and texts[hits[0]] != want,
                     "primary": None if unit is None else unit["measured_theme"]})
    return pd.DataFrame(rows)


def scores(rows: pd.DataFrame, classes: list[str]) -> dict:
    from pipeline import agreement

    found = rows[rows["primary"].notna()]
    out = {"found": int(len(found)), "of": int(len(rows)), "merged_with_a_short_paragraph": int(found["merged"].sum())}
    if len(found):
        s = agreement.scores(found["theme"].tolist(), found["primary"].tolist(), classes)
        out |= {"accuracy": round(s["accuracy"], 3), "macro_f1": round(s["macro_f1"], 3),
                "correct": int((found["theme"] == found["primary"]).sum())}
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", default="/tmp/vn_seeds_in_corpus", help="scratch folder for the two workspaces")
    work = Path(ap.parse_args(argv).work)
    params = workspace.repo_params()
    classes = [*params["themes"], OTHER]
    coded = pd.read_csv(REPO / params["theme_measure"]["validation_set"], dtype=str, keep_default_na=False)
    coded = coded[coded["corpus"] == "seed"]
    runs = {"alone": run(work / "alone", None), "inside_sample": run(work / "inside", SAMPLE)}
    rows = {name: seed_rows(units, coded) for name, (units, _, _) in runs.items()}
    result = {}
    for name, (units, shares, summary) in runs.items():
        r = rows[name]
        result[name] = {"articles": int(units["article_id"].nunique()), "units": int(len(units)),
                        "not_measurable": summary["not_measurable"],
                        "all": scores(r, classes), "seed_holdout": scores(r[r["split"] == "holdout"], classes)}
    a, b = (rows[n].set_index("item_id") for n in ("alone", "inside_sample"))
    both = a.index[a["unit_id"].notna() & b["unit_id"].notna()]
    result["compared"] = int(len(both))
    result["same_primary"] = int((a.loc[both, "primary"] == b.loc[both, "primary"]).sum())
    seeds = sorted(set(coded["article_id"]))
    sa, sb = (runs[n][1].set_index("article_id").loc[seeds, classes] for n in ("alone", "inside_sample"))
    result["seed_article_shares"] = {n: runs[n][1].set_index("article_id").loc[seeds, classes].round(4).to_dict("index")
                                     for n in runs}
    result["max_abs_share_difference"] = round(float(np.abs(sa.to_numpy() - sb.to_numpy()).max()), 6)
    OUT.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    json.dump(result, sys.stdout, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()
