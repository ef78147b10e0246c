"""Learned speaker attribution (discourse.speakers.method: learned): a candidate-and-ranker on top of the rules.

Candidates, per paragraph: every quote the rules extract, and every person named in a sentence of the paragraph
(names.py's patterns; a one-word "ông Sơn" resolved to the article's full name), whatever verb follows. Each is
described by simple features (who proposed it, the rules' cue and resolution, the words around the name, a listed
speech verb after it, quotation marks, colons, "theo" before it, the sentence's length and names) and scored by a
regularised logistic regression fitted on the hand-coded quote set (data/validation/quotes_coded.csv). Kept: rules'
named quotes scoring at least the threshold, and for each sentence with none kept the best person candidate at or
above it. Unnamed quotes ("other") are the rules' as they are.

Selection (written before any result was seen; `python -m pipeline.speech.learned --cv` runs it):
- folds: GroupKFold by article over the coded passages of every coded split (all development data), 5 folds;
- inside each training part, (C, threshold) over C_GRID x THRESHOLDS by a 4-fold grouped inner CV: the pair with
  the highest pooled candidate-level F1 among those with inner precision >= 0.90 (the issue's target), else the
  highest F1;
- reported: pooled outer-CV named-speaker precision / recall / F1 (pipeline.speech.validation's matching), beside the
  rules' on the same passages;
- `learned` becomes discourse.speakers.method's default only if its pooled F1 beats the rules' and its pooled
  precision is >= 0.90.
The shipped model (SPEAKER_MODEL) is fitted on all coded passages with (C, threshold) chosen by the same inner rule
on all of them; `python -m pipeline.speech.learned --fit` regenerates it byte for byte.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import regex

MODEL_PATH = Path(__file__).with_name("speaker_model.json")
C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
THRESHOLDS = tuple(round(0.2 + 0.05 * i, 2) for i in range(13))  # 0.20 .. 0.80
MIN_PRECISION = 0.90
OUTER_FOLDS, INNER_FOLDS = 5, 4
# sentence ends for the candidates' grouping (cheap: no tagger): after . ! ? … and before a capital or a quote mark
SENTENCE_END = regex.compile(r"(?<=[.!?…][”\"]?)\s+(?=[\p{Lu}“\"-])")
HONORIFIC_BEFORE = regex.compile(r"(?:ông|bà|anh|chị|ngài)\s*$", regex.I)
WORD = regex.compile(r"[\p{L}\d]+")


def split_sentences(para: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in SENTENCE_END.finditer(para):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(para)))
    return out


def _key(name: str) -> str:
    return " ".join(regex.sub(r"^(?:ông|bà|anh|chị|ngài)\s+", "", name.strip(), flags=regex.I).lower().split())


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    return str(next((e for e in edges if n <= e), f">{edges[-1]}"))


def _context_features(sent: str, start: int, end: int, verb_re, quote_min_words: int) -> dict[str, float]:
    """The words around a name at [start, end) of its sentence."""
    before, after = sent[:start], sent[end:]
    words_before, words_after = WORD.findall(before.lower()), WORD.findall(after.lower())
    f: dict[str, float] = {}
    if words_after:
        f[f"next1={words_after[0]}"] = 1
        f[f"next2={' '.join(words_after[:2])}"] = 1
    if words_before:
        f[f"prev1={words_before[-1]}"] = 1
    f[f"pos_words={_bucket(len(words_before), (0, 1, 2, 4, 8))}"] = 1
    verb = verb_re.search(after[:80])
    if verb:
        f["verb_after"] = 1
        f[f"verb_after_dist={_bucket(len(WORD.findall(after[:verb.start()])), (0, 2, 5))}"] = 1
    if verb_re.search(before):
        f["verb_before"] = 1
    if regex.search(r"(?<!\p{L})theo(?:\s+\p{L}+){0,3}\s*$", before, regex.I):
        f["theo_before"] = 1
    if regex.match(r"\s*[,(–—-]", after):
        f["apposition_after"] = 1
    if ":" in after:
        f["colon_after"] = 1
    quoted = regex.findall(r"[“\"][^”\"]+[”\"]", sent)
    if any(len(q.split()) >= quote_min_words for q in quoted):
        f["quote_marks"] = 1
        if regex.search(r"[“\"]", before):
            f["quote_before_name"] = 1
    f[f"sent_words={_bucket(len(sent.split()), (8, 15, 30, 60))}"] = 1
    if HONORIFIC_BEFORE.search(before):
        f["honorific"] = 1
    return f


def paragraph_candidates(para: str, names: list[tuple[int, int, str]], rows: list[dict], ctx, verb_re,
                         quote_min_words: int, first_para: bool) -> list[dict]:
    """Candidates of one paragraph: {"row": the quote row it would add, "sentence": index, "rule": bool,
    "features": {...}}. rows: the rules' quotes of the paragraph (named ones become candidates; the dicts are shared,
    so that resolve_later's renaming reaches them)."""
    sents = split_sentences(para)

    def sentence_of(offset: int) -> int:
        return next((i for i, (s, e) in enumerate(sents) if s <= offset < e), len(sents) - 1)

    cands: list[dict] = []
    seen: set[tuple[int, str]] = set()
    for row in rows:
        if row["speaker_type"] not in ("person", "org"):
            continue
        at = para.find(row["sentence"][:40]) if row["sentence"] else -1
        si = sentence_of(at) if at >= 0 else -1
        f = {"rule": 1, f"rule_cue={_cue_class(row['cue'])}": 1, f"rule_kind={row['kind']}": 1,
             f"rule_resolution={row['resolution'].split('+')[0]}": 1, f"rule_type={row['speaker_type']}": 1,
             f"rule_name_words={_bucket(len(row['speaker'].split()), (1, 2, 3))}": 1}
        if si >= 0:
            s, e = sents[si]
            sent = para[s:e]
            pos = sent.find(row["speaker"].split()[-1]) if row["speaker"] else -1
            if pos >= 0:
                f.update(_context_features(sent, pos, pos + len(row["speaker"].split()[-1]), verb_re,
                                           quote_min_words))
            else:
                f["rule_name_outside_sentence"] = 1
        cands.append({"row": row, "sentence": si, "rule": True, "features": f})
        seen.add((si, _key(row["speaker"])))
    for start, end, name in names:
        si = sentence_of(start)
        if name in ("", None) or (si, _key(name)) in seen:
            continue
        seen.add((si, _key(name)))
        s, e = sents[si]
        sent = para[s:e]
        f = {"name": 1, f"name_words={_bucket(len(name.split()), (1, 2, 3))}": 1}
        f.update(_context_features(sent, start - s, end - s, verb_re, quote_min_words))
        n_names = sum(s <= a < e for a, _, _ in names)
        f[f"names_in_sentence={_bucket(n_names, (1, 2))}"] = 1
        if any(c["rule"] and c["sentence"] == si for c in cands):
            f["rule_in_sentence"] = 1
        if first_para:
            f["first_paragraph"] = 1
        row = {"speaker": name, "speaker_type": "person", "role": "", "cue": "learned",
               "kind": "direct" if "quote_marks" in f else "indirect", "resolution": "learned",
               "quote": sent.strip(), "sentence": sent.strip()}
        cands.append({"row": row, "sentence": si, "rule": False, "features": f})
    counts: dict[str, int] = {}
    for c in sorted(cands, key=lambda c: c["sentence"]):  # the n-th candidate of a speaker in the paragraph
        k = _key(c["row"]["speaker"])
        counts[k] = counts.get(k, 0) + 1
        c["features"][f"nth={_bucket(counts[k], (1, 2))}"] = 1
    return cands


def _cue_class(cue: str) -> str:
    return cue if cue in ("quote-marks", "theo", "interview", "learned") else "verb"


# ------------------------------------------------------------------------------------------------ the model

def probability(model: dict, features: dict[str, float]) -> float:
    z = model["intercept"] + sum(model["coef"].get(k, 0.0) * v for k, v in features.items())
    return 1 / (1 + math.exp(-z))


def select(cands: list[dict], model: dict) -> list[dict]:
    """The rows kept: rule candidates at or above the threshold; per sentence with none of those, the best person
    candidate at or above it. In reading order (rules' rows first within a sentence)."""
    t = model["threshold"]
    scored = [(probability(model, c["features"]), c) for c in cands]
    kept_sentences = {c["sentence"] for p, c in scored if c["rule"] and p >= t}
    best: dict[int, tuple[float, dict]] = {}
    for p, c in scored:
        if not c["rule"] and p >= t and c["sentence"] not in kept_sentences and p > best.get(c["sentence"], (0,))[0]:
            best[c["sentence"]] = (p, c)
    keep = {id(c) for p, c in scored if c["rule"] and p >= t} | {id(c) for _, c in best.values()}
    return [c["row"] for c in cands if id(c) in keep]


def fit(features: list[dict[str, float]], labels: list[int], C: float) -> dict:
    """A liblinear L2 logistic regression (deterministic), as plain coefficients rounded for a stable file."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer(sort=True)
    X = vec.fit_transform(features)
    lr = LogisticRegression(C=C, solver="liblinear", random_state=0, max_iter=1000).fit(X, labels)
    coef = {k: round(float(w), 6) for k, w in zip(vec.get_feature_names_out(), lr.coef_[0]) if round(float(w), 6)}
    return {"C": C, "intercept": round(float(lr.intercept_[0]), 6), "coef": dict(sorted(coef.items()))}


def load_model(path: Path = MODEL_PATH) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def dump_model(model: dict) -> str:
    return json.dumps(model, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# ------------------------------------------------------------------------------------- training and selection

def coded_candidates(params, use_ner: bool = True, root: Path | None = None) -> tuple[list[dict], object, object]:
    """The candidates of every coded passage's paragraph (each with passage_id, article and label: 1 when it takes
    a clear gold row of its passage in reading order, 0 when none is left for it, None when it only names a
    borderline row's speaker), the rules' rows beside them; and the gold and passage tables."""
    from pipeline.speech import validation as V
    from pipeline.text import normalize

    root = root or V.ROOT
    passages, coded = V.load_gold(root)
    passages = passages[passages["passage_id"].isin(set(coded_all(root)["passage_id"]))]
    texts = V.article_texts(passages, root)
    tone, d = params["clean"]["tone_marks"], params["discourse"]
    abbreviations = params["segment"].get("abbreviations") or {}
    units = []
    for (rel, line), text in texts.items():
        for i, para in enumerate(text.split("\n")):
            if para.strip():
                units.append({"unit_id": f"{rel}:{line}#{i}", "article_id": f"{rel}:{line}", "position": i,
                              "text": normalize(para, tone)})
    import pandas as pd

    from pipeline.speech.quotes import NAMED, paragraph_readings

    key = passages.assign(unit_id=passages["file"] + ":" + passages["line"] + "#" + passages["paragraph_index"])
    pid_of = dict(zip(key["unit_id"], key["passage_id"]))
    named = coded[coded["speaker_type"].isin(NAMED)]
    out = []
    for meta, rows, cands in paragraph_readings(pd.DataFrame(units), d["speech_verbs"],
                                                d.get("speech_verbs_punct") or [], d["quote_min_words"], use_ner,
                                                candidates=True):
        pid = pid_of.get(meta["unit_id"])
        if pid is None:
            continue
        gold = named[named["passage_id"] == pid]
        free = [g for g in gold.itertuples(index=False) if not g.borderline]
        border = [g for g in gold.itertuples(index=False) if g.borderline]
        for c in sorted(cands, key=lambda c: (c["sentence"], not c["rule"])):
            sp = c["row"]["speaker"]
            hit = next((g for g in free if V.same_speaker(sp, g.speaker, g.speaker_type, abbreviations)), None)
            if hit is not None:
                free.remove(hit)
                label = 1
            elif any(V.same_speaker(sp, g.speaker, g.speaker_type, abbreviations) for g in border):
                label = None
            else:
                label = 0
            out.append({**c, "passage_id": pid, "article": meta["article_id"], "label": label})
    return out, coded, passages


def coded_all(root: Path):
    """The passages that were coded (every split whose codes are in the sheet)."""
    import pandas as pd

    return pd.read_csv(root / "data/validation/quotes_coded.csv", dtype=str, keep_default_na=False)


def _groups_folds(articles: list[str], k: int) -> dict[str, int]:
    """Article -> fold: GroupKFold's balanced assignment over the sorted articles (deterministic)."""
    from sklearn.model_selection import GroupKFold

    uniq = sorted(set(articles))
    folds = {}
    for f, (_, test) in enumerate(GroupKFold(n_splits=k).split(uniq, groups=uniq)):
        folds.update({uniq[i]: f for i in test})
    return folds


def _count(cands: list[dict], model: dict, n_gold: int) -> tuple[int, int, int]:
    """tp, fp, fn at candidate level (select() per paragraph; borderline-only candidates count neither way)."""
    by_para: dict[str, list[dict]] = {}
    for c in cands:
        by_para.setdefault(c["passage_id"], []).append(c)
    tp = fp = 0
    for group in by_para.values():
        kept = {id(r) for r in select(group, model)}
        for c in group:
            if id(c["row"]) in kept and c["label"] is not None:
                tp, fp = tp + (c["label"] == 1), fp + (c["label"] == 0)
    return tp, fp, n_gold - tp


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def choose(cands: list[dict], n_gold: dict[str, tuple[str, int]], k: int = INNER_FOLDS) -> tuple[float, float]:
    """(C, threshold) by the selection rule (module docstring) on a k-fold CV grouped by article over cands.
    n_gold: passage_id -> (article, its clear gold named rows), for the passages cands come from."""
    folds = _groups_folds([a for a, _ in n_gold.values()], k)
    totals: dict[tuple[float, float], list[int]] = {}
    for C in C_GRID:
        for f in range(k):
            train = [c for c in cands if folds[c["article"]] != f and c["label"] is not None]
            test = [c for c in cands if folds[c["article"]] == f]
            model = fit([c["features"] for c in train], [c["label"] for c in train], C)
            gold = sum(n for a, n in n_gold.values() if folds[a] == f)
            for t in THRESHOLDS:
                tp, fp, fn = _count(test, {**model, "threshold": t}, gold)
                acc = totals.setdefault((C, t), [0, 0, 0])
                acc[0], acc[1], acc[2] = acc[0] + tp, acc[1] + fp, acc[2] + fn
    scored = [(_f1(*v), v[0] / max(v[0] + v[1], 1), ct) for ct, v in totals.items()]
    ok = [s for s in scored if s[1] >= MIN_PRECISION] or scored
    return max(ok, key=lambda s: (s[0], s[2][1], -s[2][0]))[2]  # ties: higher threshold, smaller C


def gold_counts(coded, passages) -> dict[str, tuple[str, int]]:
    """passage_id -> (article, clear gold named rows) for every coded passage."""
    from pipeline.speech.quotes import NAMED

    clear = coded[coded["speaker_type"].isin(NAMED) & ~coded["borderline"]].groupby("passage_id").size()
    return {p: (f"{f}:{ln}", int(clear.get(p, 0))) for p, f, ln in
            zip(passages["passage_id"], passages["file"], passages["line"])}


def cross_fitted(cands: list[dict], n_gold: dict[str, tuple[str, int]], C: float | None = None,
                 threshold: float | None = None, k: int = OUTER_FOLDS) -> tuple[list[dict], list[dict]]:
    """Out-of-fold selection: each article's candidates scored by a model fitted without its fold, (C, threshold)
    given or chosen inside the training part (nested). Returns the kept rows (with passage_id) and per fold the
    chosen (C, threshold)."""
    folds = _groups_folds([a for a, _ in n_gold.values()], k)
    kept, chosen = [], []
    for f in range(k):
        train = [c for c in cands if folds[c["article"]] != f]
        if C is None or threshold is None:
            c_f, t_f = choose(train, {p: v for p, v in n_gold.items() if folds[v[0]] != f})
        else:
            c_f, t_f = C, threshold
        chosen.append({"fold": f, "C": c_f, "threshold": t_f})
        labelled = [c for c in train if c["label"] is not None]
        model = {**fit([c["features"] for c in labelled], [c["label"] for c in labelled], c_f), "threshold": t_f}
        by_para: dict[str, list[dict]] = {}
        for c in cands:
            if folds[c["article"]] == f:
                by_para.setdefault(c["passage_id"], []).append(c)
        for pid, group in by_para.items():
            kept.extend({**r, "passage_id": pid} for r in select(group, model))
    return kept, chosen


def fit_all(cands: list[dict], n_gold: dict[str, tuple[str, int]]) -> dict:
    """The shipped model: (C, threshold) by the selection rule over all coded passages, then fitted on all."""
    C, t = choose(cands, n_gold)
    labelled = [c for c in cands if c["label"] is not None]
    return {**fit([c["features"] for c in labelled], [c["label"] for c in labelled], C), "threshold": t}


def main(argv: list[str] | None = None) -> None:
    import argparse

    import pandas as pd

    from pipeline import params as P
    from pipeline.speech import validation as V

    parser = argparse.ArgumentParser(description="fit (--fit) or cross-validate (--cv) the learned speaker model")
    parser.add_argument("--fit", action="store_true", help=f"write {MODEL_PATH.name} from the coded quote set")
    parser.add_argument("--cv", action="store_true", help="nested grouped CV: learned vs rules, per split")
    args = parser.parse_args(argv)
    params = P.load(V.ROOT / "params.yaml")
    cands, coded, passages = coded_candidates(params)
    n_gold = gold_counts(coded, passages)
    if args.fit:
        MODEL_PATH.write_text(dump_model(fit_all(cands, n_gold)), encoding="utf-8")
        print(f"wrote {MODEL_PATH}")
    if args.cv:
        abbreviations = params["segment"].get("abbreviations") or {}
        kept, chosen = cross_fitted(cands, n_gold)
        rules = [{**c["row"], "passage_id": c["passage_id"]} for c in cands if c["rule"]]
        cols = ["passage_id", "speaker", "speaker_type"]
        for name, rows in (("rules", rules), ("learned", kept)):
            out = V.match(coded, pd.DataFrame(rows).reindex(columns=cols), abbreviations)
            counts = V._per_article(out, passages, strict=True)
            pooled = V.score(counts)
            print(f"{name} pooled: P {pooled['precision']} {pooled['precision_ci']} R {pooled['recall']} "
                  f"{pooled['recall_ci']} F1 {pooled['f1']} (tp {pooled['tp']} fp {pooled['fp']} fn {pooled['fn']})")
            for split, s in V._by_split(counts).items():
                s = s["all"]
                print(f"  {split}: P {s['precision']} R {s['recall']} F1 {s['f1']} "
                      f"(tp {s['tp']} fp {s['fp']} fn {s['fn']})")
        print("chosen per outer fold:", chosen)


if __name__ == "__main__":
    main()
