"""Learned layer on top of the rules' speakers (bench/SPEAKER_LEARNED_RULE.md): candidates, features, labels, fit,
selection and prediction, as pure functions over the extraction of bench/speaker_learned_data.py.

Adder: per sentence with no rules named quote, name / NER-organisation / continuation candidates, the best at or above
a threshold added (stop-22 design, `git show 79e756b:pipeline/speech/learned.py`, extended). Filter: the rules'
named quotes scored, those below a threshold dropped."""
from __future__ import annotations

import regex

from pipeline.speech import validation as V
from pipeline.speech.cues import sentences, verb_pattern
from pipeline.speech.names import foreign_names, honorific_names, ner_entities, person_names

NAMED = ("person", "org")
WORD = regex.compile(r"[\p{L}\d]+")
HONORIFIC_BEFORE = regex.compile(r"(?:ông|bà|anh|chị|ngài)\s*$", regex.I)
PRONOUN = regex.compile(r"(?<!\p{L})(?:[Ôô]ng|[Bb]à|[Aa]nh|[Cc]hị|[Hh]ọ|[Tt]ôi|[Cc]húng tôi)(?!\p{L})")
QUOTED = regex.compile(r"[“\"][^”\"]+[”\"]")
C_GRID = (0.1, 0.3, 1.0, 3.0)
ADD_T = tuple(round(0.05 * i, 2) for i in range(1, 20))  # 0.05 .. 0.95
DROP_T = tuple(round(0.05 * i, 2) for i in range(0, 20))  # 0 (drop nothing) .. 0.95
INNER_FOLDS = 4


def _key(name: str) -> str:
    return " ".join(regex.sub(r"^(?:ông|bà|anh|chị|ngài)\s+", "", str(name).strip(), flags=regex.I).lower().split())


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    return str(next((e for e in edges if n <= e), f">{edges[-1]}"))


# --------------------------------------------------------------------------------------------- labels

def label_rules(coded, rows, abbreviations) -> tuple[list, dict]:
    """validation.match's outcome for each rules row (1 tp, None matched a borderline row, 0 fp; index-aligned with
    rows), and per passage the gold named rows the rules leave unmatched: [(speaker, type, borderline)]."""
    gold_all = coded[coded["speaker_type"].isin(NAMED)]
    labels = [None] * len(rows)
    unmatched: dict[str, list] = {}
    by_pid = {pid: g for pid, g in gold_all.groupby("passage_id")}
    rows = rows.reset_index(drop=True)
    for pid, ext in rows.groupby("passage_id"):
        idx = [i for i in ext.index if rows.at[i, "speaker_type"] in NAMED]
        gold = by_pid.get(pid)
        free = list(idx)
        left = []
        if gold is not None:
            for g in gold.sort_values("borderline", kind="stable").itertuples(index=False):
                hit = next((i for i in free if V.same_speaker(rows.at[i, "speaker"], g.speaker, g.speaker_type,
                                                               abbreviations)), None)
                if hit is None:
                    left.append((g.speaker, g.speaker_type, bool(g.borderline)))
                    continue
                free.remove(hit)
                labels[hit] = None if g.borderline else 1
        for i in free:
            labels[i] = 0
        unmatched[pid] = left
    for pid, g in by_pid.items():
        if pid not in unmatched:
            unmatched[pid] = [(r.speaker, r.speaker_type, bool(r.borderline)) for r in g.itertuples(index=False)]
    return labels, unmatched


# --------------------------------------------------------------------------------------------- candidates

def _context_features(sent: str, start: int, end: int, verb_re, quote_min_words: int) -> dict[str, float]:
    """The words around a name at [start, end) of its sentence (stop-22 features)."""
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
        m = regex.match(r"\s*(?:\([^()]{0,150}\)|[,–—-][^,:;.“”\"]{0,150}?[,–—-])\s*(?P<pred>[^,:;.“”\"]{0,60})", after)
        pred = WORD.findall(m.group("pred").lower()) if m else []
        if pred:
            f[f"pred1={pred[0]}"] = 1
            f[f"pred2={' '.join(pred[:2])}"] = 1
            if verb_re.search(m.group("pred")):
                f["verb_after_apposition"] = 1
    colon = after.find(":")
    if colon >= 0:
        f["colon_after"] = 1
        f[f"colon_dist={_bucket(len(WORD.findall(after[:colon])), (2, 5, 12))}"] = 1
    quoted = QUOTED.findall(sent)
    if any(len(q.split()) >= quote_min_words for q in quoted):
        f["quote_marks"] = 1
        if regex.search(r"[“\"]", before):
            f["quote_before_name"] = 1
    f[f"sent_words={_bucket(len(sent.split()), (8, 15, 30, 60))}"] = 1
    if HONORIFIC_BEFORE.search(before):
        f["honorific"] = 1
    if regex.search(r"\?\s*[”\"]?\s*$", sent):
        f["question"] = 1
    return f


def article_names(paras: list[str]) -> list[list[tuple[int, int, str]]]:
    """Per paragraph of an article, its person names (patterns, no tagger)."""
    out = []
    for para in paras:
        names = person_names(para) + [n for n in honorific_names(para) if len(n[2].split()) > 1]
        names += [f for f in foreign_names(para) if not any(s < f[1] and f[0] < e for s, e, _ in names)]
        out.append(sorted(names))
    return out


def paragraph_candidates(para: str, pid: str, rule_rows: list[dict], prev_last: dict | None, full_names: set[str],
                         named_before: set[str], quoted_elsewhere: set[str], first_para: bool, verb_re,
                         quote_min_words: int, use_ner: bool = True) -> list[dict]:
    """Adder candidates of one passage paragraph: {"pid", "sentence", "row", "features"}."""
    sents = sentences(para) or [(0, len(para))]

    def sentence_of(offset: int) -> int:
        return next((i for i, (s, e) in enumerate(sents) if s <= offset < e), len(sents) - 1)

    ruled: set[int] = set()
    rule_at: list[tuple[int, dict]] = []  # (sentence index, named rules row)
    for row in rule_rows:
        if row["speaker_type"] not in NAMED:
            continue
        sent = str(row.get("sentence") or "")
        at = para.find(sent[:40]) if sent else -1
        if at >= 0:
            ruled |= {i for i, (s, e) in enumerate(sents) if s < at + len(sent) and at < e}
            rule_at.append((sentence_of(at), row))
        else:
            rule_at.append((-1, row))
    names = person_names(para) + honorific_names(para)
    names += [f for f in foreign_names(para) if not any(s < f[1] and f[0] < e for s, e, _ in names)]
    resolved = []
    for s, e, n in sorted(names):
        if len(n.split()) == 1:
            hits = {f for f in full_names if f.split()[-1] == n}
            n = hits.pop() if len(hits) == 1 else n
        resolved.append((s, e, n, "person"))
    if use_ner:
        for si, (s, e) in enumerate(sents):
            if si in ruled:
                continue
            sent = para[s:e]
            pos = 0
            for kind, ent in ner_entities(sent):
                if kind != "ORG":
                    continue
                at = sent.find(ent, pos)
                if at < 0:
                    continue
                pos = at + len(ent)
                resolved.append((s + at, s + at + len(ent), ent, "org"))
    cands: list[dict] = []
    seen: set[tuple[int, str]] = set()
    for start, end, name, kind in sorted(resolved):
        si = sentence_of(start)
        if not name or si in ruled or (si, _key(name)) in seen:
            continue
        seen.add((si, _key(name)))
        s, e = sents[si]
        sent = para[s:e]
        f = {"name": 1, f"cand={kind}": 1, f"name_words={_bucket(len(name.split()), (1, 2, 3))}": 1}
        f.update(_context_features(sent, start - s, end - s, verb_re, quote_min_words))
        n_names = sum(s <= a < e for a, _, _, k in resolved if k == "person")
        f[f"names_in_sentence={_bucket(n_names, (1, 2))}"] = 1
        if first_para:
            f["first_paragraph"] = 1
        if _key(name) in named_before:
            f["named_before"] = 1
        if _key(name) in quoted_elsewhere:
            f["quoted_elsewhere"] = 1
        cands.append({"pid": pid, "sentence": si, "features": f,
                      "row": {"speaker": name, "speaker_type": kind, "cue": "learned", "sentence": sent.strip()}})
    # continuations
    own = {c["sentence"] for c in cands} | ruled
    for si, (s, e) in enumerate(sents):
        earlier = [(i, r) for i, r in rule_at if 0 <= i < si]
        if earlier:
            last, gap = earlier[-1][1], str(min(si - earlier[-1][0], 3))
        elif prev_last is not None:
            last, gap = prev_last, "previous_paragraph"
        else:
            continue
        if si in own:
            continue
        sent = para[s:e]
        quoted = [q for q in QUOTED.findall(sent) if len(q.split()) >= quote_min_words]
        pronoun, verb = PRONOUN.search(sent), verb_re.search(sent)
        if not (quoted or pronoun or verb):
            continue
        f = {"continuation": 1, "cand=continuation": 1, f"cont_gap={gap}": 1, f"cont_type={last['speaker_type']}": 1,
             f"sent_words={_bucket(len(sent.split()), (8, 15, 30, 60))}": 1}
        if quoted:
            f["quote_marks"] = 1
            if regex.match(r"\s*[“\"]", sent):
                f["opens_with_quote"] = 1
            if sum(len(q) for q in quoted) > 0.7 * len(sent.strip()):
                f["mostly_quotation"] = 1
        if pronoun:
            f[f"pronoun={pronoun.group().lower()}"] = 1
            f[f"pronoun_pos={_bucket(len(sent[:pronoun.start()].split()), (0, 3))}"] = 1
            after = WORD.findall(sent[pronoun.end():].lower())
            if after:
                f[f"pron_next1={after[0]}"] = 1
        if verb:
            f["verb_in_sentence"] = 1
            if pronoun and 0 <= verb.start() - pronoun.end() <= 20:
                f["pronoun_verb"] = 1
        if any(s <= a < e for a, _, _, _ in resolved):
            f["other_name_in_sentence"] = 1
        if regex.search(r"\?\s*[”\"]?\s*$", sent):
            f["question"] = 1
        cands.append({"pid": pid, "sentence": si, "features": f,
                      "row": {"speaker": last["speaker"], "speaker_type": last["speaker_type"],
                              "cue": "learned-continuation", "sentence": sent.strip()}})
    counts: dict[str, int] = {}
    for c in sorted(cands, key=lambda c: c["sentence"]):
        k = _key(c["row"]["speaker"])
        counts[k] = counts.get(k, 0) + 1
        c["features"][f"nth={_bucket(counts[k], (1, 2))}"] = 1
    return cands


def label_candidates(cands: list[dict], unmatched: dict[str, list], abbreviations) -> None:
    """In place: label 1 for a candidate naming a clear gold row the rules left unmatched (each taken once, in
    sentence order), None for one naming only a borderline row, 0 otherwise."""
    by_pid: dict[str, list[dict]] = {}
    for c in cands:
        by_pid.setdefault(c["pid"], []).append(c)
    for pid, group in by_pid.items():
        left = list(unmatched.get(pid, []))
        for c in sorted(group, key=lambda c: c["sentence"]):
            sp = c["row"]["speaker"]
            hit = next((g for g in left if not g[2] and V.same_speaker(sp, g[0], g[1], abbreviations)), None)
            if hit is not None:
                left.remove(hit)
                c["label"] = 1
            elif any(g[2] and V.same_speaker(sp, g[0], g[1], abbreviations) for g in left):
                c["label"] = None
            else:
                c["label"] = 0


def filter_features(row: dict, para: str, n_named: int, n_speakers: int, first_para: bool, n_names_sent: int) -> dict:
    """Features of one rules named row (for the filter)."""
    sent, quote, sp = str(row.get("sentence") or ""), str(row.get("quote") or ""), str(row["speaker"])
    f = {f"cue={str(row.get('cue') or '').lower()}": 1, f"kind={row.get('kind')}": 1,
         f"type={row['speaker_type']}": 1, f"sp_words={_bucket(len(sp.split()), (1, 2, 3, 5))}": 1,
         f"sent_words={_bucket(len(sent.split()), (8, 15, 30, 60))}": 1,
         f"quote_words={_bucket(len(quote.split()), (3, 6, 12, 25))}": 1,
         f"n_named={_bucket(n_named, (1, 2, 3))}": 1, f"n_speakers={_bucket(n_speakers, (1, 2))}": 1,
         f"names_in_sentence={_bucket(n_names_sent, (0, 1, 2))}": 1}
    for part in str(row.get("resolution") or "").split("+"):
        f[f"res={part}"] = 1
    if str(row.get("role") or "").strip():
        f["role"] = 1
    if regex.fullmatch(r"[\p{Lu}\d&.\-]{2,}", sp.replace(" ", "")) and len(sp.split()) == 1:
        f["acronym"] = 1
    if regex.search(r"\d", sp):
        f["digit"] = 1
    probe = sp.split()[-1] if row["speaker_type"] == "person" and sp.split() else sp
    if probe and probe.lower() in sent.lower():
        f["in_sentence"] = 1
    if probe and probe.lower() in para.lower():
        f["in_paragraph"] = 1
    if QUOTED.search(sent):
        f["quote_marks"] = 1
    if regex.search(r"\?\s*[”\"]?\s*$", sent):
        f["question"] = 1
    if first_para:
        f["first_paragraph"] = 1
    return f


def build(data: dict, use_ner: bool = True) -> dict:
    """Everything the experiment needs, once: rules rows of the passages (with filter label and features), adder
    candidates (with labels), clear gold counts per passage, the article of each passage."""
    from bench.speaker_learned_data import passage_rows

    params = data["params"]
    d = params["discourse"]
    abbreviations = params["segment"].get("abbreviations") or {}
    verb_re = verb_pattern(d["speech_verbs"], d.get("speech_verbs_punct") or [])
    qmw = d["quote_min_words"]
    prows = passage_rows(data).reset_index(drop=True)
    rule_labels, unmatched = label_rules(data["coded"], prows, abbreviations)
    prows["label"] = rule_labels
    units, rules = data["units"], data["rules"]
    rules_by_unit = {u: g.to_dict("records") for u, g in rules.groupby("unit_id", sort=False)}
    passages = data["passages"]
    pid_of = dict(zip(passages["file"] + ":" + passages["line"] + "#" + passages["paragraph_index"],
                      passages["passage_id"]))
    cands, feats = [], [None] * len(prows)
    row_index = {}
    for i, r in prows.iterrows():
        row_index.setdefault(r["unit_id"], []).append(i)
    for art, g in units.sort_values(["article_id", "position"]).groupby("article_id", sort=False):
        paras = g["text"].tolist()
        uids = g["unit_id"].tolist()
        names = article_names(paras)
        full = {n for ns in names for _, _, n in ns if len(n.split()) > 1}
        art_rows = [r for u in uids for r in rules_by_unit.get(u, [])]
        for k, (uid, para) in enumerate(zip(uids, paras)):
            pid = pid_of.get(uid)
            if pid is None:
                continue
            own = rules_by_unit.get(uid, [])
            prev_last = None
            if k and rules_by_unit.get(uids[k - 1]):
                last = [r for r in rules_by_unit[uids[k - 1]] if r["speaker_type"] in NAMED]
                prev_last = last[-1] if last else None
            named_before = {_key(n) for ns in names[:k] for _, _, n in ns}
            quoted_elsewhere = {_key(r["speaker"]) for r in art_rows if r["speaker_type"] in NAMED
                                and r["unit_id"] != uid}
            cands.extend(paragraph_candidates(para, pid, own, prev_last, full, named_before, quoted_elsewhere,
                                              k == 0, verb_re, qmw, use_ner))
            named_rows = [r for r in own if r["speaker_type"] in NAMED]
            for i in row_index.get(uid, []):
                r = prows.loc[i].to_dict()
                if r["speaker_type"] not in NAMED:
                    continue
                sent = str(r.get("sentence") or "")
                at = para.find(sent[:40]) if sent else -1
                n_names = sum(1 for s, e, _ in names[k] if at >= 0 and at <= s < at + len(sent))
                feats[i] = filter_features(r, para, len(named_rows), len({_key(x["speaker"]) for x in named_rows}),
                                           k == 0, n_names)
    prows["features"] = feats
    label_candidates(cands, unmatched, abbreviations)
    gold = data["coded"]
    clear = gold[gold["speaker_type"].isin(NAMED) & ~gold["borderline"]].groupby("passage_id").size()
    art_of = dict(zip(passages["passage_id"], passages["file"] + ":" + passages["line"]))
    split_of = dict(zip(passages["passage_id"], passages["split"]))
    return {"rows": prows, "cands": cands, "n_clear": {p: int(clear.get(p, 0)) for p in passages["passage_id"]},
            "article": art_of, "split": split_of}


# --------------------------------------------------------------------------------------------- model

def fit(features: list[dict], labels: list[int], C: float):
    """(DictVectorizer, LogisticRegression) fitted with liblinear (deterministic)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer(sort=True, sparse=False)  # liblinear rejects int64 sparse indices
    X = vec.fit_transform(features)
    lr = LogisticRegression(C=C, solver="liblinear", random_state=0, max_iter=1000).fit(X, labels)
    return vec, lr


def proba(model, features: list[dict]):
    import numpy as np

    if not features:
        return np.zeros(0)
    vec, lr = model
    return lr.predict_proba(vec.transform(features))[:, 1]


def best_per_sentence(cands: list[dict], p) -> list[tuple[float, dict]]:
    """The highest-probability candidate of each (passage, sentence)."""
    best: dict[tuple[str, int], tuple[float, dict]] = {}
    for pi, c in zip(p, cands):
        k = (c["pid"], c["sentence"])
        if k not in best or pi > best[k][0]:
            best[k] = (float(pi), c)
    return list(best.values())


def _groups(articles: list[str], k: int) -> dict[str, int]:
    from sklearn.model_selection import GroupKFold

    uniq = sorted(set(articles))
    folds = {}
    for f, (_, test) in enumerate(GroupKFold(n_splits=k).split(uniq, groups=uniq)):
        folds.update({uniq[i]: f for i in test})
    return folds


def _rules_counts(rows, pids: set[str], n_clear: dict) -> list[int]:
    r = rows[rows["passage_id"].isin(pids) & rows["speaker_type"].isin(NAMED)]
    tp = int((r["label"] == 1).sum())
    fp = int((r["label"] == 0).sum())
    return [tp, fp, sum(n_clear[p] for p in pids) - tp]


def _f1(tp, fp, fn) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def choose(kind: str, B: dict, pids: set[str]) -> tuple[float, float] | None:
    """(C, threshold) for component kind ("adder" | "filter") by the inner grouped CV over the passages pids; None
    when no pair keeps the inner precision within 0.01 of the rules' (nothing added / dropped)."""
    folds = _groups([B["article"][p] for p in pids], INNER_FOLDS)
    fold_of = {p: folds[B["article"][p]] for p in pids}
    base = _rules_counts(B["rows"], pids, B["n_clear"])
    grid = ADD_T if kind == "adder" else DROP_T
    delta = {(C, t): [0, 0, 0] for C in C_GRID for t in grid}
    items = _items(kind, B, pids)
    for f in range(INNER_FOLDS):
        train = [(it[1], it[2]) for it in items if fold_of[it[0]] != f and it[2] is not None]
        test = [it for it in items if fold_of[it[0]] == f]
        if not train or len({y for _, y in train}) < 2:
            continue
        for C in C_GRID:
            model = fit([x for x, _ in train], [y for _, y in train], C)
            for t in grid:
                d = delta[(C, t)]
                for dtp, dfp, dfn in _effects(kind, test, model, t):
                    d[0] += dtp
                    d[1] += dfp
                    d[2] += dfn
    base_p = base[0] / max(base[0] + base[1], 1)
    scored = []
    for (C, t), (a, b, c) in delta.items():
        tp, fp, fn = base[0] + a, base[1] + b, base[2] + c
        if tp / max(tp + fp, 1) >= base_p - 0.01:
            conservative = t if kind == "adder" else -t
            scored.append((_f1(tp, fp, fn), conservative, -C, (C, t)))
    if not scored:
        return None
    return max(scored)[3]


def _items(kind: str, B: dict, pids: set[str]) -> list:
    """(passage_id, features, label[, candidate]) training/test items of a component over pids."""
    if kind == "adder":
        return [(c["pid"], c["features"], c["label"], c) for c in B["cands"] if c["pid"] in pids]
    r = B["rows"]
    r = r[r["passage_id"].isin(pids) & r["speaker_type"].isin(NAMED)]
    return [(p, x, (None if y is None or y != y else int(y))) for p, x, y in zip(r["passage_id"], r["features"],
                                                                                  r["label"])]


def _effects(kind: str, test: list, model, t: float):
    """Per changed item (dtp, dfp, dfn) at candidate level."""
    if not test:
        return []
    p = proba(model, [x for _, x, *_ in test])
    out = []
    if kind == "adder":
        for pi, c in best_per_sentence([it[3] for it in test], p):
            if pi >= t and c["label"] is not None:
                out.append((1, 0, -1) if c["label"] == 1 else (0, 1, 0))
        return out
    for pi, (_, _, y, *_) in zip(p, test):
        if pi < t and y is not None:
            out.append((-1, 0, 1) if y == 1 else (0, -1, 0))
    return out


def train_component(kind: str, B: dict, pids: set[str]):
    """Nested choice then refit on all of pids: (model, threshold, C) or None (nothing to add / drop)."""
    ct = choose(kind, B, pids)
    if ct is None or (kind == "filter" and ct[1] == 0):
        return None if ct is None else (None, 0.0, ct[0])
    C, t = ct
    items = [(x, y) for _, x, y, *_ in _items(kind, B, pids) if y is not None]
    return fit([x for x, _ in items], [y for _, y in items], C), t, C


def predict_rows(B: dict, pids: set[str], adder=None, filt=None) -> list[dict]:
    """The predicted named rows (passage_id, speaker, speaker_type) of pids: the rules' named rows (less those the
    filter drops) and the adder's additions."""
    r = B["rows"]
    r = r[r["passage_id"].isin(pids) & r["speaker_type"].isin(NAMED)]
    keep = [True] * len(r)
    if filt is not None and filt[0] is not None:
        p = proba(filt[0], r["features"].tolist())
        keep = [pi >= filt[1] for pi in p]
    out = [{"passage_id": pid, "speaker": sp, "speaker_type": st}
           for pid, sp, st, k in zip(r["passage_id"], r["speaker"], r["speaker_type"], keep) if k]
    if adder is not None and adder[0] is not None:
        cands = [c for c in B["cands"] if c["pid"] in pids]
        for pi, c in best_per_sentence(cands, proba(adder[0], [c["features"] for c in cands])):
            if pi >= adder[1]:
                out.append({"passage_id": c["pid"], "speaker": c["row"]["speaker"],
                            "speaker_type": c["row"]["speaker_type"]})
    return out
