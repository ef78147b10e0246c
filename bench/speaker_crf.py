"""Out-of-fold run of the pre-registered CRF speaker tagger (bench/SPEAKER_CRF_RULE.md; nothing adopted).

`OMP_NUM_THREADS=1 VN_DISCOURSE_SHARED=/work/shared python -m bench.speaker_crf holdout38,holdout39` extracts the
rules' quotes (NER included) on every coded split but the ones named (the batches coded blind while it ran), trains
a CRF (underthesea_core, already installed) on the speaker's words in four of five folds of splits, tags the fifth,
and scores the rules, the two adders and the tagger alone with pipeline.speech.validation's matching. Prints the
table of the rule file's Results and writes bench/speaker_crf_results.json. About 15 minutes on 2 cores."""
import contextlib
import json
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import regex
import underthesea_core as uc
from pipeline import params as P
from pipeline.splits import SPLITS
from pipeline.speech import validation as V
from pipeline.text import normalize

TOK = regex.compile(r"[\p{L}\p{M}\p{N}]+|[^\s\p{L}\p{M}\p{N}]")
QUOTES = set('“”"')
params = P.load()
d = params["discourse"]
VERBS = [tuple(v.lower().split()) for v in list(d["speech_verbs"]) + list(d.get("speech_verbs_punct") or [])]
AB = params["segment"].get("abbreviations") or {}


@contextlib.contextmanager
def quiet():
    fd = os.dup(1)
    nul = os.open(os.devnull, os.O_WRONLY)
    os.dup2(nul, 1)
    try:
        yield
    finally:
        os.dup2(fd, 1)
        os.close(fd)
        os.close(nul)


def tokens(text):
    return [(m.group(), m.start(), m.end()) for m in TOK.finditer(text)]


def shape(w):
    if not regex.search(r"[\p{L}\p{N}]", w):
        return "P"
    if w.isdigit():
        return "D"
    if w.isupper() and len(w) > 1:
        return "U"
    if w[:1].isupper():
        return "T"
    return "l"


def features(toks):
    words = [t[0] for t in toks]
    low = [w.lower() for w in words]
    sh = [shape(w) for w in words]
    n = len(words)
    verb_start = [False] * n
    verb_end = [False] * n
    for i in range(n):
        for v in VERBS:
            if tuple(low[i:i + len(v)]) == v:
                verb_start[i] = True
                verb_end[i + len(v) - 1] = True
    inq = []
    q = False
    for w in words:
        if w in QUOTES:
            q = not q if w == '"' else (w == "“")
        inq.append(q)
    feats = []
    for i in range(n):
        f = [f"w={low[i]}", f"s={sh[i]}"]
        for k in (-2, -1, 1, 2):
            j = i + k
            f += [f"w{k}={low[j] if 0 <= j < n else '<>'}", f"s{k}={sh[j] if 0 <= j < n else '<>'}"]
        f += [f"b-1={low[i - 1] if i else '<>'}|{low[i]}", f"b+1={low[i]}|{low[i + 1] if i + 1 < n else '<>'}"]
        for k in (1, 2, 3, 4):
            if i + k < n and verb_start[i + k]:
                f.append(f"va{k}")
        for k in (1, 2, 3):
            if i - k >= 0 and verb_end[i - k]:
                f.append(f"vb{k}")
        if inq[i]:
            f.append("inq")
        if any(low[j] == "theo" for j in range(max(0, i - 3), i)):
            f.append("theo3")
        f.append("pos=" + ("a" if i < 5 else "b" if i < 20 else "c"))
        if i == 0 or words[i - 1] in (".", "!", "?", ":"):
            f.append("sent0")
        feats.append(f)
    return feats


def locate(toks, name, anchor):
    """Start/end token indices of `name` in toks nearest before char position anchor (else nearest after)."""
    nt = [t[0].lower() for t in tokens(normalize(name))]
    if not nt:
        return None
    low = [t[0].lower() for t in toks]
    hits = [i for i in range(len(low) - len(nt) + 1) if low[i:i + len(nt)] == nt]
    if not hits:
        return None
    before = [i for i in hits if toks[i][1] <= anchor]
    i = max(before) if before else min(hits)
    return i, i + len(nt)


def load(blind):
    """The open splits' passages and codes, and the rules' extraction on them (as validation.evaluate)."""
    passages, coded = V.load_gold()
    passages = passages[~passages["split"].isin(blind)]
    coded = coded[coded["passage_id"].isin(passages["passage_id"])]
    texts = V.article_texts(passages, V.ROOT, V.shared_dir())
    ext = V.extract_for_passages(passages, texts, params, True)
    units = V.article_units(texts, params["clean"]["tone_marks"])
    key = passages.assign(unit_id=passages["file"] + ":" + passages["line"] + "#" + passages["paragraph_index"])
    para = dict(zip(key["passage_id"], key["unit_id"].map(units.set_index("unit_id")["text"])))
    arts = {pid: normalize(texts[(f, ln)]) if (f, ln) in texts else "" for pid, f, ln in
            zip(passages["passage_id"], passages["file"], passages["line"])}
    return passages, coded, ext, para, arts


def labels_for(pid, toks, coded, para_text):
    y = ["O"] * len(toks)
    g = coded[(coded["passage_id"] == pid) & coded["speaker_type"].isin(V.NAMED) & ~coded["borderline"]]
    ok = True
    for r in g.itertuples():
        forms = [r.speaker]
        if r.speaker_type == "org":
            forms += [regex.sub(r"\s*\([^()]*\)", "", r.speaker), *regex.findall(r"\(([^()]*)\)", r.speaker)]
        anchor = 10 ** 9
        qs = str(r.quote_start or "")
        if qs and qs != "nan":
            j = para_text[pid].find(normalize(qs)[:30])
            if j >= 0:
                anchor = j
        loc = next(filter(None, (locate(toks, f, anchor) for f in forms if f)), None)
        if loc is None and r.speaker_type == "person":
            words = normalize(r.speaker).split()
            for tail in (words[-2:], words[-1:]) if len(words) > 2 else (words[-1:],) if len(words) > 1 else ():
                loc = locate(toks, " ".join(tail), anchor)
                if loc is not None and toks[loc[0]][0][:1].isupper():
                    break
                loc = None
        if loc is None:
            ok = False
            continue
        y[loc[0]] = "B"
        for k in range(loc[0] + 1, loc[1]):
            y[k] = "I"
    return y, ok


def spans(toks, tags, marg, labels):
    out = []
    i = 0
    li = {lab: k for k, lab in enumerate(labels)}
    while i < len(tags):
        if tags[i] == "B" or (tags[i] == "I" and (i == 0 or tags[i - 1] == "O")):
            j = i + 1
            while j < len(tags) and tags[j] == "I":
                j += 1
            p = float(np.mean([marg[k][li[tags[k]]] for k in range(i, j)]))
            out.append((i, j, p))
            i = j
        else:
            i += 1
    return out


def resolve(name, art):
    if len(name.split()) > 2:
        return name
    longer = set(m.group(1) for m in regex.finditer(
        r"((?:\p{Lu}[\p{L}\p{M}]*\s+){1,3}" + regex.escape(name) + r")(?![\p{L}\p{M}])", art))
    longer = {x for x in longer if 2 <= len(x.split()) <= 4 and x != name}
    return longer.pop() if len(longer) == 1 else name


def matches_any(name, others):
    return any(V.same_speaker(name, o, k, AB) or V.same_speaker(o, name, k, AB) for o in others for k in ("person", "org"))


if __name__ == "__main__":
    blind = sys.argv[1].split(",") if len(sys.argv) > 1 else []
    passages, coded, ext, PARA_TEXT, arts = load(blind)
    passages = passages[passages["passage_id"].map(lambda p: isinstance(PARA_TEXT.get(p), str))]
    open_splits = [s for s in SPLITS if s in set(passages["split"])]
    fold_of = {s: i % 5 for i, s in enumerate(open_splits)}
    data = {}
    dropped = 0
    for pid, split in zip(passages["passage_id"], passages["split"]):
        toks = tokens(PARA_TEXT[pid])
        y, ok = labels_for(pid, toks, coded, PARA_TEXT)
        dropped += not ok
        data[pid] = (toks, features(toks), y, ok, fold_of[split])
    print("passages", len(data), "left out of training", dropped, flush=True)
    tagged = {}
    for k in range(5):
        tr = [v for v in data.values() if v[4] != k and v[3] and v[0]]
        t = uc.CRFTrainer()
        t.set_l2_penalty(0.01)
        t.set_max_iterations(100)
        with quiet():
            t.train([v[1] for v in tr], [v[2] for v in tr])
        tagger = uc.CRFTagger.from_model(t.get_model())
        labels = tagger.labels()
        for pid, v in data.items():
            if v[4] == k and v[0]:
                tags = tagger.tag(v[1])
                marg = tagger.marginals(v[1])
                tagged[pid] = (tags, marg, labels)
        print("fold", k, "trained on", len(tr), flush=True)
    rows = []
    for pid, (tags, marg, labels) in tagged.items():
        toks = data[pid][0]
        text = PARA_TEXT[pid]
        for i, j, p in spans(toks, tags, marg, labels):
            name = resolve(text[toks[i][1]:toks[j - 1][2]], arts[pid])
            rows.append({"passage_id": pid, "speaker": name, "p": p})
    spans_df = pd.DataFrame(rows)
    named_ext = ext[ext["speaker_type"].isin(V.NAMED)]
    rules_names = named_ext.groupby("passage_id")["speaker"].apply(list).to_dict()

    def adder(th):
        add = []
        for pid, g in spans_df.groupby("passage_id"):
            have = list(rules_names.get(pid, []))
            for r in g.itertuples():
                if r.p < th or matches_any(r.speaker, have):
                    continue
                have.append(r.speaker)
                add.append({"passage_id": pid, "speaker": r.speaker, "speaker_type": "person"})
        return pd.concat([ext, pd.DataFrame(add, columns=["passage_id", "speaker", "speaker_type"])], ignore_index=True), len(add)

    alone = spans_df.assign(speaker_type="person")[["passage_id", "speaker", "speaker_type"]]
    variants = {"rules": (ext, 0), "A": adder(0.0), "B": adder(0.8), "C": (alone, len(alone))}
    res = {}
    for name, (e, nadd) in variants.items():
        out = V.match(coded, e, AB)
        strict = V._per_article(out, passages, strict=True)
        per = {s: V.score(strict[strict["split"] == s]) for s in open_splits}
        res[name] = (V.score(strict), per, nadd)
        s = res[name][0]
        print(name, "added", nadd, "tp", s["tp"], "fp", s["fp"], "fn", s["fn"], "P", s["precision"], "R", s["recall"], "F1", s["f1"], flush=True)
    for name in ("A", "B", "C"):
        up = sum((res[name][1][s]["f1"] or 0) > (res["rules"][1][s]["f1"] or 0) + 1e-9 for s in open_splits)
        down = sum((res[name][1][s]["f1"] or 0) < (res["rules"][1][s]["f1"] or 0) - 1e-9 for s in open_splits)
        print(name, "splits F1 higher", up, "lower", down)
    keep = ("tp", "fp", "fn", "precision", "recall", "f1")
    Path(__file__).with_name("speaker_crf_results.json").write_text(json.dumps(
        {"blind": blind, "passages": len(data), "left_out_of_training": dropped,
         "variants": {n: {"added": r[2], "pooled": {k: r[0][k] for k in keep},
                          "by_split": {s: {k: v[k] for k in keep} for s, v in r[1].items()}} for n, r in res.items()}},
        indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
