"""Clean stage: normalise Vietnamese text, strip site boilerplate, detect series, drop bad and duplicate articles.

Every rule's removals are counted (reports/cleaning.json) and every dropped article is listed with its
reason (reports/rejected.csv, which also carries the ingest stage's rejections).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from pipeline import compute, dedup
from pipeline import io as pio
from pipeline import params as P
from pipeline import paths
from pipeline.io import REJECT_COLUMNS
from pipeline.dates import parse_date
from pipeline.diacritics import unaccented
from pipeline.furniture import Detector, Furniture
from pipeline.text import detect_series, normalize, paragraphs, strip_markup

RULE_KINDS = ("drop_line", "drop_with_next", "cut_rest", "cut_rest_from_previous", "strip")
RULE_KEYS = {"name", "kind", "pattern", "after_line", "last_lines", "next_pattern", "previous_pattern", "comment"}
ARTICLE_COLUMNS = ["article_id", "title", "text", "date", "source", "series", "part", "label", "url",
                   "author", "file", "item", "n_chars", "original_text"]
_OUTLET_MARK = re.compile(r"^(?P<title>.{10,200}?)\s*\((?P<outlet>[A-ZĐ][\wĐđ.]{1,12})\)\s*[-–—]\s*")
# a document this many times clean.max_chars is rejected before the (linear but not free) normalisation
_RAW_LENGTH_FACTOR = 20
# articles a task of the process pool at least: fewer would cost more in transfers than they save
_MIN_CHUNK = 64


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str
    pattern: re.Pattern
    after_line: int = -1
    last_lines: int | None = None
    next_pattern: re.Pattern | None = None
    previous_pattern: re.Pattern | None = None


def load_rules(path: str | Path) -> list[Rule]:
    """Boilerplate rules from YAML; a bad rule is reported with the file and its position."""
    with open(path, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh) or {}
    rules = []
    for i, raw in enumerate(doc.get("rules") or []):
        where = f"{path}: rules[{i}]"
        if not isinstance(raw, dict) or not {"name", "kind", "pattern"} <= set(raw):
            raise ValueError(f"{where}: each rule needs name, kind and pattern")
        where = f"{where} ({raw['name']})"
        if raw["kind"] not in RULE_KINDS:
            raise ValueError(f"{where}: kind {raw['kind']!r} is not one of {', '.join(RULE_KINDS)}")
        unknown = sorted(set(raw) - RULE_KEYS)
        if unknown:  # a misspelt key (after_lines) would silently widen the rule
            raise ValueError(f"{where}: unknown key {unknown[0]!r}; allowed: {', '.join(sorted(RULE_KEYS))}")
        compiled = {}
        for key in ("pattern", "next_pattern", "previous_pattern"):
            if raw.get(key) is None:
                continue
            try:
                compiled[key] = re.compile(raw[key])
            except re.error as exc:
                raise ValueError(f"{where}: bad {key}: {exc}") from exc
        rules.append(Rule(raw["name"], raw["kind"], compiled["pattern"], int(raw.get("after_line", -1)),
                          raw.get("last_lines"), compiled.get("next_pattern"), compiled.get("previous_pattern")))
    return rules


def strip_boilerplate(lines: list[str], rules: list[Rule]) -> tuple[list[str], dict[str, dict[str, int]]]:
    """Apply the rules in order to non-empty lines; returns the kept lines and, per rule that fired, the lines it
    removed, the lines it edited (`strip`) and the characters it removed."""
    counts: dict[str, dict[str, int]] = {}

    def count(rule: Rule, removed: list[str] | None = None, edited: tuple[str, str] | None = None) -> None:
        c = counts.setdefault(rule.name, {"removed": 0, "edited": 0, "chars": 0})
        if edited:
            c["edited"] += 1
            c["chars"] += len(edited[0]) - len(edited[1])
        for line in removed or []:
            c["removed"] += 1
            c["chars"] += len(line)

    for rule in rules:
        kept: list[str] = []
        n = len(lines)
        i = 0
        while i < n:
            line = lines[i]
            in_scope = i > rule.after_line and (rule.last_lines is None or i >= n - rule.last_lines)
            if not (in_scope and rule.pattern.search(line)):
                kept.append(line)
                i += 1
                continue
            if rule.kind == "strip":
                new = rule.pattern.sub("", line).strip()
                count(rule, removed=[] if new else [line], edited=(line, new) if new else None)
                if new:
                    kept.append(new)
                i += 1
            elif rule.kind == "drop_line":
                count(rule, removed=[line])
                i += 1
            elif rule.kind == "drop_with_next":
                # the next line goes too only when it looks like what the rule pairs with (a caption row)
                take_next = i + 1 < n and (rule.next_pattern is None or rule.next_pattern.search(lines[i + 1]))
                count(rule, removed=lines[i:i + 2] if take_next else [line])
                i += 2 if take_next else 1
            elif rule.kind == "cut_rest":
                count(rule, removed=lines[i:])
                break
            elif rule.kind == "cut_rest_from_previous":
                # the previous line is the other article's title, unless it is protected or does not look like one
                if kept and len(kept) - 1 > rule.after_line and (
                        rule.previous_pattern is None or rule.previous_pattern.search(kept[-1])):
                    count(rule, removed=[kept.pop()])
                count(rule, removed=lines[i:])
                break
        lines = kept
    return lines, counts


def guess_title(first_line: str) -> str:
    """VNTC-style text runs the title into the lead: cut at an "(Outlet)-" mark, else keep a short first line."""
    m = _OUTLET_MARK.match(first_line)
    if m:
        return m.group("title").strip()
    if len(first_line) <= 160:
        return first_line.strip()
    cut = first_line[:120].rsplit(" ", 1)[0]
    return cut.strip()


def detect_language(text: str) -> tuple[str, float]:
    """ISO code and probability by langdetect (offline profiles), seeded so that the answer is repeatable."""
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        best = detect_langs(text[:3000])[0]
    except LangDetectException:
        return "unknown", 0.0
    return best.lang, float(best.prob)


# letters only Vietnamese writes: đ ơ ư ă and the precomposed tone-marked vowels (Latin Extended Additional)
_VI_LETTER = re.compile("[đĐơƠưƯăĂ\u1ea0-\u1ef9]")
VI_LETTER_SHARE = 0.15  # Vietnamese prose runs near 0.3; no other language langdetect knows comes close


def clearly_vietnamese(text: str) -> bool:
    """A cheap check before langdetect (half of the stage's time): at least 100 letters in the part langdetect
    reads, of which VI_LETTER_SHARE or more are Vietnamese-only letters. Only decides "vi"; anything else is
    left to langdetect, so no decision changes where langdetect also says "vi" (checked on the sample and on
    1,000 VNTC articles outside it)."""
    head = text[:3000]
    letters = sum(map(str.isalpha, head))
    return letters >= 100 and len(_VI_LETTER.findall(head)) >= VI_LETTER_SHARE * letters


def _given(value):
    """value, or None for the missing markers a parquet round trip produces (None, NaN, pd.NA, '')."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return None if isinstance(value, str) and not value.strip() else value


def _keep_order(row: dict) -> tuple:
    # which copy survives: the earliest dated (the original report), then the longest, then the first read
    return (row["date"] or "9999-99-99", -row["n_chars"], row["_order"])


def _why_kept(kept: dict, dropped: dict) -> str:
    """The deciding criterion of _keep_order, in words, for reports/rejected.csv."""
    if kept["date"] and kept["date"] != dropped["date"]:
        return f"kept {kept['article_id']}: dated earlier ({kept['date']} vs {dropped['date'] or 'no date'})"
    if kept["n_chars"] != dropped["n_chars"]:
        return f"kept {kept['article_id']}: longer ({kept['n_chars']} vs {dropped['n_chars']} characters)"
    return f"kept {kept['article_id']}: read first ({kept['item']} before {dropped['item']})"


def find_duplicates(articles: pd.DataFrame, threshold: float, seed: int = 1,
                    signatures: list | None = None) -> list[dict]:
    """Exact (same normalised text) and near (Jaccard of word 5-grams >= threshold, candidates by MinHash LSH)
    duplicates; each dropped copy names the kept one (kept_id) and why that one was kept. `signatures`: each
    article's (fingerprint, MinHash values) in row order, as _signed computes them (computed here when None)."""
    rows = [dict({k: _given(v) for k, v in r.items()}, _order=i) for i, r in enumerate(articles.to_dict("records"))]
    if signatures is None:
        signatures = [_signed(r["text"], seed) for r in rows]
    by_id = {r["article_id"]: r for r in rows}
    dropped: list[dict] = []
    first_by_hash: dict[str, str] = {}
    # LSH only proposes candidates, so a lower bar costs a few exact comparisons; at 1.0 datasketch has no bands
    lsh = dedup.LSH(min(threshold, 0.9))
    shingles_of: dict[str, set[str]] = {}  # only for articles an LSH query proposed (few)

    def shingles(row: dict) -> set[str]:
        if row["article_id"] not in shingles_of:
            shingles_of[row["article_id"]] = dedup.shingles(row["text"])
        return shingles_of[row["article_id"]]

    for row in sorted(rows, key=_keep_order):
        aid = row["article_id"]
        fp, sig = signatures[row["_order"]]
        if fp in first_by_hash:
            kept = by_id[first_by_hash[fp]]
            dropped.append({"item": row["item"], "article_id": aid, "stage": "clean", "code": "exact_duplicate",
                            "reason": f"exact duplicate of {kept['article_id']} (same text after normalisation); "
                                      + _why_kept(kept, row), "kept_id": kept["article_id"]})
            continue
        first_by_hash[fp] = aid
        best = None
        for other in sorted(lsh.query(sig)):  # LSH only proposes; the exact Jaccard decides
            mine, theirs = shingles(row), shingles(by_id[other])
            jac = len(mine & theirs) / max(len(mine | theirs), 1)
            if jac >= threshold and (best is None or jac > best[1]):
                best = (other, jac)
        if best:
            kept = by_id[best[0]]
            dropped.append({"item": row["item"], "article_id": aid, "stage": "clean", "code": "near_duplicate",
                            "reason": f"near duplicate of {kept['article_id']} (Jaccard {best[1]:.2f} of word 5-grams "
                                      f">= clean.near_duplicate_threshold {threshold}); " + _why_kept(kept, row),
                            "kept_id": kept["article_id"]})
            continue
        lsh.insert(aid, sig)
    return dropped


def _signed(text: str, seed: int = 1) -> tuple[str, object]:
    return dedup.fingerprint(text), dedup.text_signature(text, seed)


def _prepare(rec: dict, rules: list[Rule], tone_marks: str, detector: Detector | None = None) -> dict:
    """One article normalised (markup and entities of JSON/CSV exports gone) and stripped by the rules."""
    original = rec["text"] or ""
    text = normalize(strip_markup(original), tone_marks)
    all_lines = paragraphs(text)
    lines, counts = strip_boilerplate(all_lines, rules)
    title = normalize(strip_markup(rec["title"]), tone_marks) if rec.get("title") else None
    # a given title heads the text (ingest puts it there): it is the article's own, never furniture
    first = 1 if title and lines and lines[0] == title else 0
    return {"changed": text != original, "all_lines": all_lines, "lines": lines, "counts": counts, "title": title,
            "first": first,
            "furniture_keys": detector.article_keys(lines, first) if detector and detector.cfg["enabled"] else None}


def _prepare_chunk(recs: list[dict], rules: list[Rule], tone_marks: str, detector: Detector) -> list[dict]:
    # only what the record does not hold already travels back from a worker
    return [_prepare(rec, rules, tone_marks, detector) for rec in recs]


def _judge_chunk(prepared: list[tuple], detector: Detector, found: dict, language: str | None, min_chars: int,
                 max_chars: int, seed: int = 1) -> tuple[list[dict], Furniture]:
    """Per article, once the corpus's furniture is known: its lines without furniture, the body, the rejection
    (code, reason) if any, and for a kept body its fingerprint and MinHash values; and what the furniture
    removal counted (merged by the caller)."""
    furniture = Furniture(detector.cfg, found=found)
    out = []
    for source, all_lines, first in prepared:
        lines = detector.remove(all_lines, source, first, furniture)
        body = "\n".join(lines)
        verdict = {"body": body, "reject": None}
        if len(body) < min_chars:
            verdict["reject"] = ("too_short", f"too short after cleaning ({len(body)} < clean.min_chars = {min_chars} "
                                              "characters)")
        elif len(body) > max_chars:
            verdict["reject"] = ("too_long", f"too long ({len(body)} > clean.max_chars = {max_chars} characters)")
        elif language and not (language == "vi" and clearly_vietnamese(body)):
            lang, prob = detect_language(body)
            if lang != language:
                verdict["reject"] = ("language", f"language '{lang}' (langdetect p={prob:.2f}), expected "
                                                 f"'{language}' (corpus.language)")
        if verdict["reject"] is None:
            verdict["signed"] = _signed(body, seed)
        out.append(verdict)
    return out, furniture


def _map(func, items: list, workers: int, chunk: int | None, **kwargs) -> list:
    """func over chunks of items on every core (compute.run_chunks, fork), results flattened in input order."""
    n_workers = compute.resolve_workers(workers)
    size = chunk or max(_MIN_CHUNK, compute.chunk_size(len(items), n_workers))
    return [res for _, res in compute.run_chunks(func, compute.chunked(items, size), workers=n_workers, kwargs=kwargs)]


def clean_articles(raw: pd.DataFrame, rules: list[Rule], *, tone_marks: str = "new", min_chars: int = 200,
                   max_chars: int = 100_000, near_duplicate_threshold: float = 0.8, language: str | None = "vi",
                   repeated_boilerplate: dict | None = None, speech_verbs: list[str] | tuple = (),
                   workers: int = 0, chunk: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Pure core: raw articles -> cleaned articles, rejections, and the audit of what each rule removed.

    `repeated_boilerplate` configures the detector of page furniture (pipeline/furniture.py; its defaults when
    None); `speech_verbs` (discourse.speech_verbs) mark the quotations it must never remove. The work on each
    article runs on `workers` cores (0 = all) in chunks of `chunk` articles; the result does not depend on
    either: what looks across articles (furniture, duplicates) runs here, in the input's order."""
    rule_stats = {r.name: {"kind": r.kind, "lines_removed": 0, "lines_edited": 0, "chars_removed": 0,
                           "articles_affected": 0} for r in rules}
    kept: list[dict] = []
    rejected: list[dict] = []
    unreadable_dates: list[dict] = []
    changed_by_normalisation = series_detected = 0

    def reject(rec: dict, code: str, reason: str) -> None:
        rejected.append({"item": rec.get("item") or rec.get("file") or rec["article_id"], "article_id": rec["article_id"],
                         "stage": "clean", "code": code, "reason": reason, "kept_id": None})

    recs = []
    for rec in raw.to_dict("records"):
        rec = {k: _given(v) for k, v in rec.items()}
        if len(rec["text"] or "") > _RAW_LENGTH_FACTOR * max_chars:
            reject(rec, "too_long", f"too long ({len(rec['text'])} characters before cleaning, "
                                    f"> {_RAW_LENGTH_FACTOR} x clean.max_chars = {max_chars})")
            continue
        recs.append(rec)
    # loaded once here, before the workers fork, rather than once in each worker
    normalize("hoà", tone_marks)
    if language and len(recs) > 0:
        detect_language("Hà Nội là thủ đô của Việt Nam, nơi có nhiều di tích lịch sử và văn hóa.")
    detector = Detector(repeated_boilerplate, speech_verbs)
    prepared = [p for part in _map(_prepare_chunk, recs, workers, chunk, rules=rules, tone_marks=tone_marks,
                                   detector=detector) for p in part]
    docs = [(rec.get("source"), p["lines"], p["first"]) for rec, p in zip(recs, prepared)]
    furniture = detector.find(docs, [p.pop("furniture_keys") for p in prepared])
    verdicts: list[dict] = []
    for part, counted in _map(_judge_chunk, docs, workers, chunk, detector=detector, found=furniture.found,
                              language=language, min_chars=min_chars, max_chars=max_chars):
        verdicts.extend(part)
        furniture.merge(counted)
    signatures = []
    for rec, p, verdict in zip(recs, prepared, verdicts):
        original, all_lines = rec["text"] or "", p["all_lines"]
        changed_by_normalisation += p["changed"]
        for name, c in p["counts"].items():
            rule_stats[name]["lines_removed"] += c["removed"]
            rule_stats[name]["lines_edited"] += c["edited"]
            rule_stats[name]["chars_removed"] += c["chars"]
            rule_stats[name]["articles_affected"] += 1
        if verdict["reject"]:
            reject(rec, *verdict["reject"])
            continue
        body = verdict["body"]
        lines = body.split("\n") if body else []  # the lines are non-empty and hold no line break
        signatures.append(verdict["signed"])
        title = p["title"] or (guess_title(lines[0]) if lines else None)
        # before boilerplate removal: the "(Kỳ 3: ...)" announcement that tells the part is itself removed
        series, part = detect_series(title, all_lines)
        series_detected += series is not None or part is not None
        date = parse_date(rec.get("date"))
        if date is None and rec.get("date") is not None:  # kept undated: listed, so the user can fix the format
            unreadable_dates.append({"article_id": rec["article_id"], "item": rec.get("item") or rec.get("file"),
                                     "date": str(rec["date"])})
        kept.append({
            "article_id": rec["article_id"], "title": title, "text": body, "date": date,
            "source": rec.get("source"), "series": rec.get("series") or series,
            "part": rec.get("part") if rec.get("part") is not None else part,
            "label": rec.get("label"), "url": rec.get("url"), "author": rec.get("author"), "file": rec.get("file"),
            "item": rec.get("item") or rec.get("file"), "n_chars": len(body), "original_text": original,
        })
    articles = pd.DataFrame(kept, columns=ARTICLE_COLUMNS)
    dups = find_duplicates(articles, near_duplicate_threshold, signatures=signatures) if len(articles) else []
    if dups:
        articles = articles[~articles["article_id"].isin({d["article_id"] for d in dups})].reset_index(drop=True)
    rejected.extend(dups)
    articles["part"] = pd.to_numeric(articles["part"], errors="coerce").astype("Int64")
    reasons: dict[str, int] = {}
    for r in rejected:
        reasons[r["code"]] = reasons.get(r["code"], 0) + 1
    audit = {
        "n_in": int(len(raw)), "n_out": int(len(articles)),
        "normalised_articles": int(changed_by_normalisation),
        "series_detected": int(series_detected),
        "dates_unreadable": len(unreadable_dates),
        # each kept article whose date could not be read (it is left out of comparisons by date)
        "dates_unreadable_articles": unreadable_dates,
        "repeated_boilerplate": furniture.audit(),
        "rules": rule_stats,  # every rule, zero counts included: the report shows which rules fired
        "rejected": dict(sorted(reasons.items())),
    }
    return articles, pd.DataFrame(rejected, columns=REJECT_COLUMNS), audit


def main(argv: list[str] | None = None) -> None:
    ws = paths.stage_args("clean", argv)
    params = P.load(ws.params_file)
    c = params["clean"]
    rules = load_rules(ws.resolve(c["boilerplate"]))
    raw = pio.read_parquet(ws / paths.RAW_ARTICLES)
    earlier = pd.read_csv(ws / paths.INGEST_REJECTED, dtype=str, keep_default_na=False)
    articles, rejected, audit = clean_articles(
        raw, rules, tone_marks=c["tone_marks"], min_chars=c["min_chars"], max_chars=c["max_chars"],
        near_duplicate_threshold=c["near_duplicate_threshold"], language=params["corpus"].get("language"),
        repeated_boilerplate=c.get("repeated_boilerplate"),
        speech_verbs=params["discourse"]["speech_verbs"])
    all_rejected = pd.concat([earlier.astype(object), rejected.astype(object)], ignore_index=True).reindex(columns=REJECT_COLUMNS)
    audit["warnings"] = pio.read_json(ws / paths.INGEST_WARNINGS)
    # judged on each article's start: enough syllables to tell, and cheap at any corpus size
    audit["unaccented_articles"] = [a for a, t in zip(articles["article_id"], articles["text"]) if unaccented(t[:2000])]
    if audit["unaccented_articles"]:
        print(f"clean: warning: {len(audit['unaccented_articles'])} article(s) look typed without diacritics "
              f"(e.g. {audit['unaccented_articles'][0]}); segmentation, stopwords and the codebook expect accented "
              f"Vietnamese: see unaccented_articles in {paths.CLEANING}")
    audit["rejected_at_ingest"] = int(len(earlier))
    audit["rejected_at_ingest_by_reason"] = {k: int(v) for k, v in sorted(earlier["code"].value_counts().items())} \
        if "code" in earlier else {}
    # written even when nothing survives: the reasons are what the user needs then
    pio.write_csv(ws / paths.REJECTED, all_rejected)
    pio.write_json(ws / paths.CLEANING, audit)
    if articles.empty:
        raise SystemExit(f"clean: no article survived cleaning; see the reasons in {paths.REJECTED}")
    pio.write_parquet(ws / paths.ARTICLES, articles)
    print(f"clean: {audit['n_out']} of {audit['n_in']} articles kept; {len(rejected)} rejected here")


if __name__ == "__main__":
    main()
