"""Agreement between the first coders (quotes_coded.csv) and the blind second coder (second_quotes_coded.csv).

    python -m scripts.second_quote_agreement          # (as a module, so that `pipeline` imports) writes data/validation/second_quote_agreement.json

Run from the repository root. The speaker measure is the project's own (pipeline/speech/validation.py): the first
coder is the gold standard (named speakers person | org; borderline rows are skipped, whether matched or not), the
second coder plays the extraction (named speakers, its own borderline rows left out, as a pipeline would have no
such flag to hide behind), matched one to one within a passage by `match()` / `same_speaker()` and scored by
`score()`; imported, not re-implemented, so the ceiling is measured with exactly the ruler the pipeline is. The
reverse direction (second coder as gold) is computed too: it is P/R swapped except where the two coders flagged
different rows as borderline. Also: has_quote per passage (Cohen's kappa) and the number of speech acts per passage.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pandas as pd
from sklearn.metrics import cohen_kappa_score

from pipeline import params as P
from pipeline.speech.validation import BORDERLINE, match, score

D = Path("data/validation")
PASSAGES = D / "second_quote_passages.csv"
FIRST = D / "quotes_coded.csv"
SECOND = D / "second_quotes_coded.csv"
RULES = D / "quote_rules.md"
OUT = D / "second_quote_agreement.json"
SPLITS = ("holdout2", "holdout")


def cited_in_rules() -> set[str]:
    """Passages whose decision quote_rules.md states (C1-C16 name them), which the second coder read before coding;
    id ranges ("Q295–Q444") name a batch, not a decision."""
    text = re.sub(r"Q\d{3}\s*[–-]\s*Q\d{3}", "", RULES.read_text(encoding="utf-8"))
    return set(re.findall(r"Q\d{3}", text))


def load(path: Path, pids: set[str]) -> pd.DataFrame:
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows = rows[rows["passage_id"].isin(pids)].copy()
    # the project's borderline rule (validation.load_gold): the coder's note, or a cue-less continuation row
    rows["borderline"] = rows["note"].map(lambda n: bool(BORDERLINE.search(n))) | (rows["cue"] == "continuation")
    return rows


def per_article(outcomes: pd.DataFrame, passages: pd.DataFrame) -> pd.DataFrame:
    """tp/fp/fn per article, every drawn article included (zeros too) so the bootstrap resamples all of them."""
    art = passages.set_index("passage_id")["article_id"]
    counts = (outcomes.assign(article_id=outcomes["passage_id"].map(art))
              .pivot_table(index="article_id", columns="outcome", aggfunc="size", fill_value=0))
    counts = counts.reindex(sorted(set(passages["article_id"])), fill_value=0)
    return counts.reindex(columns=["tp", "fp", "fn"], fill_value=0)


def subsets(passages: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each split, all, and all without the passages whose decision the rules disclose (a sensitivity check)."""
    return ({s: passages[passages["split"] == s] for s in SPLITS} | {"all": passages}
            | {"all_not_cited_in_rules": passages[~passages["passage_id"].isin(cited_in_rules())]})


def speaker_scores(gold: pd.DataFrame, ext: pd.DataFrame, passages: pd.DataFrame, abbreviations) -> dict:
    out = {}
    for split, ps in subsets(passages).items():
        g, e = (x[x["passage_id"].isin(ps["passage_id"])] for x in (gold, ext))
        outcomes = match(g, e[~e["borderline"]], abbreviations)
        out[split] = score(per_article(outcomes, ps)) | {"skipped_borderline_gold": int((outcomes["outcome"] == "skip").sum())}
    return out


def per_passage(rows: pd.DataFrame, pids: list[str]) -> pd.DataFrame:
    q = rows[rows["has_quote"] == "true"]
    return pd.DataFrame({"has_quote": [pid in set(q["passage_id"]) for pid in pids],
                         "acts": q["passage_id"].value_counts().reindex(pids, fill_value=0).to_numpy()}, index=pids)


def passage_agreement(first: pd.DataFrame, second: pd.DataFrame, pids: list[str]) -> dict:
    a, b = per_passage(first, pids), per_passage(second, pids)
    diff = b["acts"] - a["acts"]
    return {"passages": len(pids),
            "has_quote": {"agree": int((a["has_quote"] == b["has_quote"]).sum()),
                          "first_only": int((a["has_quote"] & ~b["has_quote"]).sum()),
                          "second_only": int((~a["has_quote"] & b["has_quote"]).sum()),
                          "kappa": round(float(cohen_kappa_score(a["has_quote"], b["has_quote"])), 3)},
            "speech_acts": {"first_total": int(a["acts"].sum()), "second_total": int(b["acts"].sum()),
                            "same_count": int((diff == 0).sum()), "within_one": int((diff.abs() <= 1).sum()),
                            "second_more": int((diff > 0).sum()), "second_fewer": int((diff < 0).sum()),
                            "kappa_linear": round(float(cohen_kappa_score(a["acts"], b["acts"], weights="linear")), 3)}}


def disagreements(first: pd.DataFrame, second: pd.DataFrame, abbreviations) -> list[dict]:
    """Every named speaker one coder has and the other has not (one match of all rows, borderline included),
    for reading the disagreement patterns; `borderline` is the first coder's flag."""
    out = []
    for r in match(first, second, abbreviations).itertuples(index=False):
        if not r.found or r.outcome == "fp":
            out.append({"passage_id": r.passage_id, "only": "second" if r.outcome == "fp" else "first",
                        "speaker": r.extracted if r.outcome == "fp" else r.gold, "borderline": bool(r.borderline)})
    return out


def row_alignment(first: pd.DataFrame, second: pd.DataFrame) -> dict:
    """All speech acts, unnamed ones too: rows paired one to one within a passage by the first four words of
    quote_start (both coders copy the content's opening verbatim), then their fields compared."""
    def keyed(rows):
        q = rows[rows["has_quote"] == "true"]
        return q.assign(key=q["quote_start"].map(lambda s: " ".join(s.lower().split()[:4])),
                        n=q.groupby(["passage_id", q["quote_start"].map(lambda s: " ".join(s.lower().split()[:4]))])
                        .cumcount())
    pairs = keyed(first).merge(keyed(second), on=["passage_id", "key", "n"], suffixes=("_1", "_2"))
    same = {f: int((pairs[f + "_1"] == pairs[f + "_2"]).sum()) for f in ("quote_kind", "speaker_type", "speaker", "role")}
    return {"first_rows": int((first["has_quote"] == "true").sum()), "second_rows": int((second["has_quote"] == "true").sum()),
            "paired": len(pairs), "same_field": same}


def main() -> int:
    passages = pd.read_csv(PASSAGES, dtype=str, keep_default_na=False)
    pids = list(passages["passage_id"])
    first, second = load(FIRST, set(pids)), load(SECOND, set(pids))
    missing = [p for p in pids if p not in set(first["passage_id"]) or p not in set(second["passage_id"])]
    if missing:
        sys.exit(f"{FIRST} / {SECOND}: passages without rows: {missing}; code them before comparing")
    abbreviations = P.load("params.yaml")["segment"].get("abbreviations")
    result = {
        "what": "second coder (claude-session-F, blind) vs first coders (quotes_coded.csv) on "
                f"{len(pids)} filter-matching passages of {PASSAGES.name}; named speakers (person|org) as "
                "pipeline/speech/validation.py counts them",
        "second_vs_first": speaker_scores(first, second, passages, abbreviations),
        "first_vs_second": speaker_scores(second, first, passages, abbreviations),
        "cited_in_rules": sorted(set(pids) & cited_in_rules()),
        "passages": {split: passage_agreement(first, second, list(ps["passage_id"]))
                     for split, ps in subsets(passages).items()},
        "named_rows": {"first": int(first["speaker_type"].isin(["person", "org"]).sum()),
                       "second": int(second["speaker_type"].isin(["person", "org"]).sum()),
                       "first_borderline": int((first["borderline"] & first["speaker_type"].isin(["person", "org"])).sum()),
                       "second_borderline": int((second["borderline"] & second["speaker_type"].isin(["person", "org"])).sum())},
        "rows": row_alignment(first, second),
        "named_misses": disagreements(first, second, abbreviations),
    }
    OUT.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for k in ("second_vs_first", "first_vs_second"):
        for split, s in result[k].items():
            print(k, split, {x: s[x] for x in ("tp", "fp", "fn", "precision", "recall", "f1")})
    print(json.dumps(result["passages"], ensure_ascii=False))
    print("rows", result["rows"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
