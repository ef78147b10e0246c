"""Where does speaker attribution lose recall? The named quotes it misses, sorted by what the rules did with their
passage (an analysis, not a stage).

    python -m bench.speaker_misses [--out bench/speaker_misses.json]

Scope: the batches coded blind after the speaker rules last changed (pipeline.splits.SPEAKER_RULES_FIXED_BEFORE on),
counted exactly as pipeline.speech.validation counts them (strict: borderline rows neither way). Every false negative
(a coded named quote with no extracted quote by the same speaker) falls in one of four kinds, by what the rules
extracted from its passage:
- `wrong_speaker`: the passage has a false positive: a named speaker the coder did not name;
- `other_quote_matched`: the passage's named quotes all matched other coded quotes (several speakers, one missed);
- `quote_unnamed`: a quote was extracted but its speaker left unnamed (a pronoun, a description, a fragment);
- `no_quote`: nothing was extracted from the passage;
each split by whether the coder's note says the name was resolved from another paragraph ("resolved"/"from P").
False positives are split in two: beside a coded speaker the rules missed (a wrong name for someone who spoke), or in
a passage where every coded speaker was found or none was coded (a speaker where the coder found none).

Why it exists: rounds 19-22 and stop 39's CRF tagger each moved recall by about a point; this says whether any one
kind of miss is large enough for a rule aimed at it to matter. Nothing in the pipeline reads the JSON.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import params as P  # noqa: E402
from pipeline.speech import validation as V  # noqa: E402
from pipeline.splits import SPEAKER_RULES_FIXED_BEFORE, since  # noqa: E402

KINDS = ("wrong_speaker", "other_quote_matched", "quote_unnamed", "no_quote")


def classify(outcomes, extracted, coded) -> dict:
    """The counts described in the module docstring, from match()'s outcomes, the extracted quotes and the gold rows."""
    fp_passages = set(outcomes.loc[outcomes["outcome"] == "fp", "passage_id"])
    fn_passages = set(outcomes.loc[outcomes["outcome"] == "fn", "passage_id"])
    named = extracted[extracted["speaker_type"].isin(V.NAMED)]
    named_passages, any_passages = set(named["passage_id"]), set(extracted["passage_id"])
    notes = coded.assign(resolved=coded["note"].fillna("").str.contains(r"resolved|from P\d", regex=True))
    resolved = set(zip(notes.loc[notes["resolved"], "passage_id"], notes.loc[notes["resolved"], "speaker"]))
    fn, fp = Counter(), Counter()
    for row in outcomes.itertuples(index=False):
        if row.outcome == "fn":
            kind = ("wrong_speaker" if row.passage_id in fp_passages else "other_quote_matched"
                    if row.passage_id in named_passages else "quote_unnamed" if row.passage_id in any_passages
                    else "no_quote")
            fn[(kind, "resolved" if (row.passage_id, row.gold) in resolved else "in_passage")] += 1
        elif row.outcome == "fp":
            fp["beside_a_missed_speaker" if row.passage_id in fn_passages else "no_missed_speaker"] += 1
    total = sum(fn.values())
    return {"false_negatives": total,
            "by_kind": {k: {"n": fn[(k, "in_passage")] + fn[(k, "resolved")], "in_passage": fn[(k, "in_passage")],
                            "resolved_from_another_paragraph": fn[(k, "resolved")],
                            "share": round((fn[(k, "in_passage")] + fn[(k, "resolved")]) / total, 3) if total else None}
                        for k in KINDS},
            "false_positives": dict(sorted(fp.items()))}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="bench/speaker_misses.json")
    args = ap.parse_args(argv)
    params = P.load(V.ROOT / "params.yaml")
    passages, coded = V.load_gold()
    fresh = since(passages["split"], SPEAKER_RULES_FIXED_BEFORE)
    passages = passages[passages["split"].isin(fresh)]
    coded = coded[coded["passage_id"].isin(passages["passage_id"])]
    extracted = V.extract_for_passages(passages, V.article_texts(passages), params)
    outcomes = V.match(coded, extracted, params["segment"].get("abbreviations") or {})
    result = {"what": "Named quotes that speaker attribution misses, by what the rules extracted from the passage",
              "splits": fresh, **classify(outcomes, extracted, coded),
              "counts": {k: int((outcomes["outcome"] == k).sum()) for k in ("tp", "fp", "fn")}}
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
