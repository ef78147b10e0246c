"""Extraction for the learned-speaker experiment (bench/SPEAKER_LEARNED_RULE.md): the rules' quotes of every
paragraph of the coded passages' articles, read as pipeline.speech.validation reads them, with holdout12 (drawn,
not coded) dropped before anything is extracted. Nothing is cached on disk (the project loads no pickles)."""
from __future__ import annotations

import pandas as pd

from pipeline import params as P
from pipeline.speech import validation as V
from pipeline.speech.quotes import extract_quotes

OPEN_SPLITS = ("tune", "holdout", "holdout2", "holdout3", "holdout4", "holdout5", "holdout6", "holdout7",
               "holdout8", "holdout9", "holdout10", "holdout11")


def load() -> dict:
    """passages (12 open splits only), coded, texts, units (every paragraph of their articles, normalised), rules
    (every quote row of those articles, with unit_id), params."""
    params = P.load(V.ROOT / "params.yaml")
    passages, coded = V.load_gold()
    passages = passages[passages["split"].isin(OPEN_SPLITS)].reset_index(drop=True)  # holdout12 out, first
    coded = coded[coded["passage_id"].isin(set(passages["passage_id"]))]
    texts = V.article_texts(passages)
    units = V.article_units(texts, params["clean"]["tone_marks"])
    d = params["discourse"]
    rules = extract_quotes(units, d["speech_verbs"], d.get("speech_verbs_punct") or [], d["quote_min_words"],
                           use_ner=True, abbreviations=params["segment"].get("abbreviations"))
    return {"passages": passages, "coded": coded, "units": units, "rules": rules, "params": params}


def passage_rows(data: dict) -> pd.DataFrame:
    """The rules' quotes of the passages' paragraphs, with passage_id (validation.extract_for_passages's rows)."""
    p = data["passages"]
    key = p.assign(unit_id=p["file"] + ":" + p["line"] + "#" + p["paragraph_index"])
    return data["rules"].reset_index(drop=True).reset_index(names="row_id").merge(
        key[["unit_id", "passage_id"]], on="unit_id", how="inner")


def named_strict(data: dict, rows: pd.DataFrame) -> dict:
    """Pooled and per-split named-strict tp/fp/fn/P/R/F1 of rows (with passage_id), validation's matching."""
    abbreviations = data["params"]["segment"].get("abbreviations") or {}
    out = V.match(data["coded"], rows, abbreviations)
    counts = V._per_article(out, data["passages"], strict=True)
    res = {s: V.score(counts[counts["split"] == s]) for s in OPEN_SPLITS}
    res["pooled12"] = V.score(counts)
    res["holdout8-11"] = V.score(counts[counts["split"].isin(OPEN_SPLITS[8:])])
    return res


if __name__ == "__main__":
    import time

    t = time.time()
    data = load()
    print(f"extracted in {time.time() - t:.0f} s; {len(data['passages'])} passages, {len(data['rules'])} rows")
    for k, s in named_strict(data, passage_rows(data)).items():
        print(f"| {k} | {s['tp']} | {s['fp']} | {s['fn']} | {s['precision']} | {s['recall']} | {s['f1']} |")
