"""Precision and recall of speaker attribution on the hand-coded quote set (data/validation/quote_*.csv).

Each coded passage is read as the pipeline reads it: inside its whole article (the file and line the passage
gives), every paragraph normalised as clean does, so that "ông Sơn" can resolve to a name given elsewhere in the
article; extract_quotes runs on the article and its quotes from the passage's paragraph are matched to the gold
rows of that passage.

Counting (the primary measure is the attribution of NAMED speakers, what actors.csv counts):
- gold: rows with speaker_type person | org, not borderline (BORDERLINE below: the coder's `borderline` and
  `continuation` rows, and quotes inside an interviewer's or rhetorical question);
- extracted: quotes whose speaker_type is person | org;
- within a passage, an extracted quote and a gold row match (one to one) when their speakers are the same:
  persons by the normalised full name; organisations by the normalised name, abbreviations expanded, an extracted
  name that only adds a short generic head ("Công ty Google" for gold "Google") also matching, and a gold name
  with a bracketed part ("Ban an toàn giao thông (Sở GD-ĐT TP.HCM)") matched by either part;
- true positive = a match; false positive = an extracted named quote with no gold row (a wrong speaker, or a
  speaker where the coder found no quote, or a named speaker where the coder found an unnamed one); false negative =
  a gold row with no match. Extracted quotes that match a borderline gold row count neither way.
Secondary, reported beside it: named rows including the borderline ones, and detection of any quote (unnamed
sources included) per passage: min(gold, extracted) found, regardless of who speaks.
Intervals: 95 % Wilson for precision and recall (statsmodels), bootstrap over articles for F1.

Reported: the newest batch (pipeline.splits.reported; holdout4 since stop 21). Beside it, pooled: every batch coded
blind after the rules last changed (pipeline.splits.SPEAKER_RULES_FIXED_BEFORE on), the same rules on new text.

Run: `python -m pipeline.speech.validation [--no-ner] [--out reports/validation_quotes.json]`; with the NER
tagger, as the discourse stage runs, it takes about 20 s.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import regex

from pipeline import stamp
from pipeline.paths import VALIDATION_QUOTES
from pipeline.splits import SPEAKER_RULES_FIXED_BEFORE, SPLITS, development, reported, since
from pipeline.speech.quotes import NAMED, extract_quotes

ROOT = Path(__file__).resolve().parents[2]
GOLD_DIR = "data/validation"
BORDERLINE = regex.compile(r"borderline|interviewer's question|rhetorical question", regex.I)
HONORIFICS = regex.compile(r"^(?:ông|bà|anh|chị|ngài)\s+", regex.I)
BOOTSTRAP = 2000
SEED = 20261202
# what a result records it was computed from (pipeline.stamp): the coded set, the rules' code and their parameters
STAMPED_FILES = (f"{GOLD_DIR}/quote_passages.csv", f"{GOLD_DIR}/quotes_coded.csv", "pipeline/speech/*.py", "pipeline/text.py")
STAMPED_PARAMS = ("discourse", "segment")


def shared_dir() -> Path:
    """The shared corpora beside the repository (VN_DISCOURSE_SHARED overrides), as the gold files name them."""
    import os

    return Path(os.environ.get("VN_DISCOURSE_SHARED", ROOT.parent / "shared"))


def load_gold(root: Path = ROOT) -> tuple[pd.DataFrame, pd.DataFrame]:
    passages = pd.read_csv(root / GOLD_DIR / "quote_passages.csv", dtype=str, keep_default_na=False)
    coded = pd.read_csv(root / GOLD_DIR / "quotes_coded.csv", dtype=str, keep_default_na=False)
    coded = coded[coded["has_quote"] == "true"].copy()
    coded["borderline"] = coded["note"].map(lambda n: bool(BORDERLINE.search(n))) | (coded["cue"] == "continuation")
    return passages, coded


def _source_path(rel: str, root: Path, shared: Path) -> Path:
    return shared / rel.removeprefix("../shared/") if rel.startswith("../shared/") else root / rel


def article_texts(passages: pd.DataFrame, root: Path = ROOT, shared: Path | None = None) -> dict[tuple[str, str], str]:
    """(file, line) -> the whole article's raw text: the JSONL record's `text` at that line, or the whole .txt file."""
    shared = shared or shared_dir()
    out: dict[tuple[str, str], str] = {}
    for rel, g in passages.groupby("file"):
        path = _source_path(rel, root, shared)
        if not path.exists():
            raise SystemExit(f"{path}: missing; the quote set needs it (set VN_DISCOURSE_SHARED to the shared folder)")
        if path.suffix == ".txt":
            text = path.read_text(encoding="utf-8")
            out.update({(rel, line): text for line in g["line"]})
            continue
        wanted = set(g["line"].astype(int))
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as f:
            for i, record in enumerate(f, 1):
                if i in wanted:
                    out[(rel, str(i))] = json.loads(record)["text"]
                    if len(wanted) == sum(k[0] == rel for k in out):
                        break
    return out


def article_units(texts: dict[tuple[str, str], str], tone: str) -> pd.DataFrame:
    """Every non-blank paragraph of the articles (the raw text split on "\\n") as a pipeline unit, normalised as
    clean does: unit_id "file:line#paragraph_index", article_id "file:line", position, text."""
    from pipeline.text import normalize

    units = []
    for (rel, line), text in texts.items():
        art = f"{rel}:{line}"
        for i, para in enumerate(text.split("\n")):
            if para.strip():
                units.append({"unit_id": f"{art}#{i}", "article_id": art, "position": i, "text": normalize(para, tone)})
    return pd.DataFrame(units)


def extract_for_passages(passages: pd.DataFrame, texts: dict[tuple[str, str], str], params,
                         use_ner: bool = True) -> pd.DataFrame:
    """The pipeline's quotes of each coded passage, extracted with the whole article read before and after it.
    One unit a paragraph (the gold set's paragraph_index: the raw text split on "\\n"), normalised as clean does."""
    units = article_units(texts, params["clean"]["tone_marks"])
    d = params["discourse"]
    quotes = extract_quotes(units, d["speech_verbs"], d.get("speech_verbs_punct") or [],
                            d["quote_min_words"], use_ner=use_ner,
                            abbreviations=params["segment"].get("abbreviations"))
    key = passages.assign(unit_id=passages["file"] + ":" + passages["line"] + "#" + passages["paragraph_index"])
    return quotes.merge(key[["unit_id", "passage_id"]], on="unit_id", how="inner")


def normalise_name(name: str, abbreviations: dict[str, str] | None = None) -> str:
    """NFC, abbreviations expanded, honorifics and punctuation dropped, lower case, single spaces."""
    from pipeline.text import normalize

    name = normalize(unicodedata.normalize("NFC", str(name or "")))  # one tone-mark placement: Hoà = Hòa
    for short, full in (abbreviations or {}).items():
        name = regex.sub(rf"(?<!\p{{L}}){regex.escape(short)}(?!\p{{L}})", full, name)
    name = regex.sub(r"[“”\"'()\[\].,;:]", " ", name)
    return HONORIFICS.sub("", " ".join(name.split())).lower()


def same_speaker(extracted: str, gold: str, kind: str, abbreviations: dict[str, str] | None = None) -> bool:
    e = normalise_name(extracted, abbreviations)
    if kind != "org":
        return bool(e) and e == normalise_name(gold, abbreviations)
    # an organisation coded with its parent or acronym in brackets ("Ban an toàn giao thông (Sở GD-ĐT TP.HCM)",
    # "Cơ quan Tư vấn ... (Mercer)") is named by either part
    forms = {gold, regex.sub(r"\s*\([^()]*\)", "", gold), *regex.findall(r"\(([^()]*)\)", gold)}
    for g in filter(None, (normalise_name(f, abbreviations) for f in forms)):
        # equal, or the extracted name adds a short generic head ("công ty google" for gold "google")
        if e == g or (e.endswith(" " + g) and len(e.split()) - len(g.split()) <= 3):
            return True
    return False


def match(coded: pd.DataFrame, extracted: pd.DataFrame, abbreviations: dict[str, str] | None = None) -> pd.DataFrame:
    """One row an outcome: (passage_id, outcome tp|fp|fn|skip, borderline, gold speaker, extracted speaker).
    Gold rows are matched in order, each to the first unmatched extracted named quote of its passage by the same
    speaker; non-borderline rows first, so that a borderline row never takes a match from a clear one."""
    named_gold = coded[coded["speaker_type"].isin(NAMED)]
    named_ext = extracted[extracted["speaker_type"].isin(NAMED)]
    rows = []
    for pid in sorted(set(named_gold["passage_id"]) | set(named_ext["passage_id"])):
        gold = named_gold[named_gold["passage_id"] == pid].sort_values("borderline", kind="stable")
        ext = named_ext[named_ext["passage_id"] == pid]
        free = list(range(len(ext)))
        for g in gold.itertuples(index=False):
            hit = next((i for i in free if same_speaker(ext.iloc[i]["speaker"], g.speaker, g.speaker_type,
                                                         abbreviations)), None)
            if hit is not None:
                free.remove(hit)
            outcome = ("skip" if g.borderline else "tp") if hit is not None else ("skip" if g.borderline else "fn")
            rows.append({"passage_id": pid, "outcome": outcome, "borderline": bool(g.borderline),
                         "gold": g.speaker, "extracted": "" if hit is None else ext.iloc[hit]["speaker"],
                         "found": hit is not None})
        for i in free:
            rows.append({"passage_id": pid, "outcome": "fp", "borderline": False, "gold": "",
                         "extracted": ext.iloc[i]["speaker"], "found": True})
    return pd.DataFrame(rows, columns=["passage_id", "outcome", "borderline", "gold", "extracted", "found"])


def _wilson(k: int, n: int) -> list[float | None]:
    from statsmodels.stats.proportion import proportion_confint

    return [round(float(x), 3) for x in proportion_confint(k, n, alpha=0.05, method="wilson")] if n else [None, None]


def _f1(tp, fp, fn):
    return np.where(2 * tp + fp + fn > 0, 2 * tp / np.maximum(2 * tp + fp + fn, 1), np.nan)


def score(counts: pd.DataFrame) -> dict:
    """Precision, recall, F1 with intervals from per-article tp/fp/fn counts (columns tp, fp, fn)."""
    tp, fp, fn = (int(counts[c].sum()) for c in ("tp", "fp", "fn"))
    rng = np.random.default_rng(SEED)
    arr = counts[["tp", "fp", "fn"]].to_numpy(dtype=float)
    boot = arr[rng.integers(0, len(arr), (BOOTSTRAP, len(arr)))].sum(axis=1) if len(arr) else np.zeros((1, 3))
    f1s = _f1(boot[:, 0], boot[:, 1], boot[:, 2])
    f1s = f1s[~np.isnan(f1s)]

    def ratio(k, n):
        return round(k / n, 3) if n else None

    f1 = _f1(np.array(tp), np.array(fp), np.array(fn))
    return {"tp": tp, "fp": fp, "fn": fn, "precision": ratio(tp, tp + fp), "precision_ci": _wilson(tp, tp + fp),
            "recall": ratio(tp, tp + fn), "recall_ci": _wilson(tp, tp + fn),
            "f1": None if np.isnan(f1) else round(float(f1), 3),
            "f1_ci": [round(float(x), 3) for x in np.percentile(f1s, [2.5, 97.5])] if len(f1s) else [None, None]}


def _per_article(outcomes: pd.DataFrame, passages: pd.DataFrame, strict: bool) -> pd.DataFrame:
    o = outcomes.copy()
    if not strict:  # borderline rows count like the others
        o.loc[(o["outcome"] == "skip") & o["found"], "outcome"] = "tp"
        o.loc[(o["outcome"] == "skip") & ~o["found"], "outcome"] = "fn"
    o = o.merge(passages[["passage_id", "file", "line", "split", "corpus"]], on="passage_id")
    counts = pd.crosstab([o["split"], o["corpus"], o["file"] + ":" + o["line"]], o["outcome"])
    return counts.reindex(columns=["tp", "fp", "fn"], fill_value=0).reset_index()


def _detection(coded: pd.DataFrame, extracted: pd.DataFrame, passages: pd.DataFrame) -> pd.DataFrame:
    """Any quote found, whoever speaks: per passage, found = min(gold, extracted)."""
    g = coded.groupby("passage_id").size().rename("gold")
    e = extracted.groupby("passage_id").size().rename("ext")
    p = passages.set_index("passage_id")[["file", "line", "split", "corpus"]].join([g, e]).fillna(0)
    p["tp"] = np.minimum(p["gold"], p["ext"])
    p["fp"], p["fn"] = p["ext"] - p["tp"], p["gold"] - p["tp"]
    p["file"] = p["file"] + ":" + p["line"]
    return p.groupby(["split", "corpus", "file"])[["tp", "fp", "fn"]].sum().reset_index()


def _by_split(counts: pd.DataFrame) -> dict:
    out = {}
    for split in [s for s in SPLITS if s in set(counts["split"])]:
        s = counts[counts["split"] == split]
        out[split] = {"all": score(s), **{c: score(g) for c, g in s.groupby("corpus")}}
    return out


def evaluate(params, root: Path = ROOT, shared: Path | None = None, use_ner: bool = True) -> tuple[dict, pd.DataFrame]:
    """The measures (see the module's docstring) and the outcome table behind them."""
    passages, coded = load_gold(root)
    extracted = extract_for_passages(passages, article_texts(passages, root, shared), params, use_ner)
    abbreviations = params["segment"].get("abbreviations") or {}
    outcomes = match(coded, extracted, abbreviations)
    strict = _per_article(outcomes, passages, strict=True)
    dev = development(passages["split"])
    fresh = since(passages["split"], SPEAKER_RULES_FIXED_BEFORE)
    result = {"use_ner": use_ner, "reported": reported(passages["split"]), "n_passages": len(passages), "n_gold_quotes": len(coded),
              "n_gold_named": int((coded["speaker_type"].isin(NAMED) & ~coded["borderline"]).sum()),
              "n_extracted": len(extracted), "n_extracted_named": int(extracted["speaker_type"].isin(NAMED).sum()),
              "named_strict": _by_split(strict),
              # every split but the reported one, pooled: what the rules were written on (the report sets it beside
              # the reported batch; one development split alone would flatter or blame them by chance)
              "named_strict_development": {"splits": dev, "all": score(strict[strict["split"].isin(dev)])},
              # every batch coded blind after the rules last changed, pooled: the same rules on new text, with
              # several times the quotes of the reported batch alone (intervals as for one split)
              "named_strict_since_rules_fixed": {"splits": fresh, "all": score(strict[strict["split"].isin(fresh)])},
              "named_with_borderline": _by_split(_per_article(outcomes, passages, strict=False)),
              "any_quote_detected": _by_split(_detection(coded, extracted, passages)),
              "inputs": stamp.stamp(root, STAMPED_FILES, params, STAMPED_PARAMS)}
    return result, outcomes.merge(passages[["passage_id", "split"]], on="passage_id")


def main(argv: list[str] | None = None) -> None:
    from pipeline import params as P

    parser = argparse.ArgumentParser(description="speaker attribution against data/validation/quotes_coded.csv")
    parser.add_argument("--out", default=str(ROOT / VALIDATION_QUOTES))
    parser.add_argument("--no-ner", action="store_true", help="without underthesea's NER tagger (the stage uses it)")
    parser.add_argument("--errors", choices=list(SPLITS), help="print that split's errors")
    args = parser.parse_args(argv)
    result, outcomes = evaluate(P.load(ROOT / "params.yaml"), use_ner=not args.no_ner)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for split, scores in result["named_strict"].items():
        s = scores["all"]
        print(f"{split}: precision {s['precision']} {s['precision_ci']}, recall {s['recall']} {s['recall_ci']}, "
              f"F1 {s['f1']} {s['f1_ci']} (tp {s['tp']}, fp {s['fp']}, fn {s['fn']})")
    if args.errors:
        bad = outcomes[(outcomes["split"] == args.errors) & outcomes["outcome"].isin(["fp", "fn"])]
        print(bad.to_string(index=False), file=sys.stdout)


if __name__ == "__main__":
    main()
