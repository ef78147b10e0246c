"""Learned speaker attribution (discourse.speakers.method: learned): the rules' quotes, and a ranker that adds
the quotes they miss.

Candidates, per paragraph: every named quote the rules extract (always kept), every person named in a sentence of
the paragraph (names.py's patterns; a one-word "ông Sơn" resolved to the article's full name) whatever verb
follows, and the paragraph's last named speaker for a later sentence with a quotation, a speech verb or a pronoun
(a continuation). The others than the rules' are described by simple features (the words around the name and after
its apposition, a listed speech verb after it, quotation marks, colons, "theo" before it, pronouns, the sentence's
length and names) and scored by a regularised logistic regression fitted on the hand-coded quote set; in a
sentence with no rule quote, the best at or above the model's threshold is added. Unnamed quotes ("other") are the
rules' as they are. Cost: regular expressions and a dot product a candidate; no tagger beyond the rules' own.
How it was chosen and how it is fitted: pipeline.speech.training (selection rule, CV, --fit).
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import regex

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
        # the name's predicate after its apposition ("ông A, chuyên gia của B, lo ngại: ..."): the first words
        # after the apposition's closing comma or bracket, within 25 words
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
                         quote_min_words: int, first_para: bool, previous=None) -> list[dict]:
    """Candidates of one paragraph: {"row": the quote row it would add, "sentence": index, "rule": bool,
    "features": {...}}. rows: the rules' quotes of the paragraph (named ones become candidates; the dicts are shared,
    so that resolve_later's renaming reaches them); previous: the named speaker who spoke last in the paragraph
    before (a Speaker), for a paragraph that goes on with their words."""
    sents = split_sentences(para)

    def sentence_of(offset: int) -> int:
        return next((i for i, (s, e) in enumerate(sents) if s <= offset < e), len(sents) - 1)

    cands: list[dict] = []
    ruled: set[int] = set()  # sentences a rule quote covers: the rules speak for them, nothing is added there
    for row in rows:
        if row["speaker_type"] not in ("person", "org"):
            continue
        at = para.find(row["sentence"][:40]) if row["sentence"] else -1
        si = sentence_of(at) if at >= 0 else -1
        if at >= 0:
            ruled |= {i for i, (s, e) in enumerate(sents) if s < at + len(row["sentence"]) and at < e}
        cands.append({"row": row, "sentence": si, "rule": True, "features": {}})
    seen: set[tuple[int, str]] = set()
    for start, end, name in names:
        si = sentence_of(start)
        if not name or si in ruled or (si, _key(name)) in seen:
            continue
        seen.add((si, _key(name)))
        s, e = sents[si]
        sent = para[s:e]
        f = {"name": 1, f"name_words={_bucket(len(name.split()), (1, 2, 3))}": 1}
        f.update(_context_features(sent, start - s, end - s, verb_re, quote_min_words))
        n_names = sum(s <= a < e for a, _, _ in names)
        f[f"names_in_sentence={_bucket(n_names, (1, 2))}"] = 1
        if first_para:
            f["first_paragraph"] = 1
        row = {"speaker": name, "speaker_type": "person", "role": "", "cue": "learned",
               "kind": "direct" if "quote_marks" in f else "indirect", "resolution": "learned",
               "quote": sent.strip(), "sentence": sent.strip()}
        cands.append({"row": row, "sentence": si, "rule": False, "features": f})
    cands.extend(_continuations(para, sents, cands, names, verb_re, quote_min_words, previous, ruled))
    counts: dict[str, int] = {}
    for c in sorted(cands, key=lambda c: c["sentence"]):  # the n-th candidate of a speaker in the paragraph
        k = _key(c["row"]["speaker"])
        counts[k] = counts.get(k, 0) + 1
        c["features"][f"nth={_bucket(counts[k], (1, 2))}"] = 1
    return cands


PRONOUN = regex.compile(r"(?<!\p{L})(?:[Ôô]ng|[Bb]à|[Aa]nh|[Cc]hị|[Hh]ọ|[Tt]ôi|[Cc]húng tôi)(?!\p{L})")


def _continuations(para, sents, cands, names, verb_re, quote_min_words, previous, ruled) -> list[dict]:
    """The last named speaker (a rule's quote in an earlier sentence of the paragraph, else whoever spoke last in
    the paragraph before) as a candidate for each later sentence with a quotation, a speech verb or a pronoun and
    no candidate of its own: '"...", ông nói thêm', 'Ông lo lắng: "..."', a second quotation after the first."""
    out = []
    own = {c["sentence"] for c in cands} | ruled
    for si, (s, e) in enumerate(sents):
        earlier = [c for c in cands if c["rule"] and 0 <= c["sentence"] < si]
        last = earlier[-1]["row"] if earlier else None
        if last is None and previous is not None and previous.kind in ("person", "org"):
            last = {"speaker": previous.name, "speaker_type": previous.kind, "role": previous.role}
            gap = "previous_paragraph"
        else:
            gap = str(min(si - earlier[-1]["sentence"], 3)) if earlier else ""
        if last is None or si in own:
            continue
        sent = para[s:e]
        quoted = [q for q in regex.findall(r"[“\"][^”\"]+[”\"]", sent) if len(q.split()) >= quote_min_words]
        pronoun, verb = PRONOUN.search(sent), verb_re.search(sent)
        if not (quoted or pronoun or verb):
            continue
        f = {"continuation": 1, f"cont_gap={gap}": 1, f"cont_type={last['speaker_type']}": 1,
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
        if any(s <= a < e for a, _, _ in names):
            f["other_name_in_sentence"] = 1
        if regex.search(r"\?\s*[”\"]?\s*$", sent):
            f["question"] = 1
        row = {"speaker": last["speaker"], "speaker_type": last["speaker_type"], "role": last.get("role", ""),
               "cue": "learned-continuation", "kind": "direct" if quoted else "indirect",
               "resolution": "learned", "quote": sent.strip(), "sentence": sent.strip()}
        out.append({"row": row, "sentence": si, "rule": False, "features": f})
    return out


# ------------------------------------------------------------------------------------------------ the model

def probability(model: dict, features: dict[str, float]) -> float:
    z = model["intercept"] + sum(model["coef"].get(k, 0.0) * v for k, v in features.items())
    return 1 / (1 + math.exp(-z))


def select(cands: list[dict], model: dict) -> list[dict]:
    """The rows kept: every rule candidate (the rules' quotes stay as they are); per sentence with none, the best
    other candidate at or above the threshold."""
    t = model["threshold"]
    scored = [(1.0 if c["rule"] else probability(model, c["features"]), c) for c in cands]
    kept_sentences = {c["sentence"] for p, c in scored if c["rule"]}  # (candidates avoid them already)
    best: dict[int, tuple[float, dict]] = {}
    for p, c in scored:
        if not c["rule"] and p >= t and c["sentence"] not in kept_sentences and p > best.get(c["sentence"], (0,))[0]:
            best[c["sentence"]] = (p, c)
    keep = {id(c) for p, c in scored if c["rule"] and p >= t} | {id(c) for _, c in best.values()}
    return [c["row"] for c in cands if id(c) in keep]


def method_of(params) -> str:
    """discourse.speakers.method; the rules where it is left out."""
    from pipeline import params as P

    return P.get(params, "discourse.speakers.method", "rules")


def load_model(path: Path) -> dict:
    """A fitted model (pipeline.paths.SPEAKER_MODEL; pipeline.speech.training writes it)."""
    return json.loads(path.read_text(encoding="utf-8"))


