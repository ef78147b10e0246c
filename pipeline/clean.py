"""Clean stage: normalise Vietnamese text, strip site boilerplate, detect series, drop bad and duplicate articles.

Every rule's removals are counted (reports/cleaning.json) and every dropped article is listed with its
reason (reports/rejected.csv, which also carries the ingest stage's rejections).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from pipeline import io as pio
from pipeline import params as P
from pipeline.ingest import REJECT_COLUMNS
from pipeline.text import detect_series, normalize, paragraphs

RULE_KINDS = ("drop_line", "drop_with_next", "cut_rest", "cut_rest_from_previous", "strip")
ARTICLE_COLUMNS = ["article_id", "title", "text", "date", "source", "series", "part", "label", "url",
                   "author", "file", "n_chars", "original_text"]
_OUTLET_MARK = re.compile(r"^(?P<title>.{10,200}?)\s*\((?P<outlet>[A-ZĐ][\wĐđ.]{1,12})\)\s*[-–—]\s*")


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str
    pattern: re.Pattern
    after_line: int = -1
    last_lines: int | None = None


def load_rules(path: str | Path) -> list[Rule]:
    """Boilerplate rules from YAML; a bad rule is reported with the file and its position."""
    with open(path, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh) or {}
    rules = []
    for i, raw in enumerate(doc.get("rules") or []):
        where = f"{path}: rules[{i}]"
        if not isinstance(raw, dict) or not {"name", "kind", "pattern"} <= set(raw):
            raise ValueError(f"{where}: each rule needs name, kind and pattern")
        if raw["kind"] not in RULE_KINDS:
            raise ValueError(f"{where} ({raw['name']}): kind {raw['kind']!r} is not one of {', '.join(RULE_KINDS)}")
        try:
            pattern = re.compile(raw["pattern"])
        except re.error as exc:
            raise ValueError(f"{where} ({raw['name']}): bad pattern: {exc}") from exc
        rules.append(Rule(raw["name"], raw["kind"], pattern, int(raw.get("after_line", -1)), raw.get("last_lines")))
    return rules


def strip_boilerplate(lines: list[str], rules: list[Rule]) -> tuple[list[str], dict[str, int]]:
    """Apply the rules in order; returns kept lines and the number of lines (or snippets) each rule removed."""
    counts: dict[str, int] = {}
    for rule in rules:
        kept: list[str] = []
        n = len(lines)
        i = 0
        while i < n:
            line = lines[i]
            in_scope = i > rule.after_line and (rule.last_lines is None or i >= n - rule.last_lines)
            match = in_scope and rule.pattern.search(line)
            if not match:
                kept.append(line)
                i += 1
                continue
            if rule.kind == "strip":
                new = rule.pattern.sub("", line).strip()
                counts[rule.name] = counts.get(rule.name, 0) + 1
                if new:
                    kept.append(new)
                i += 1
            elif rule.kind == "drop_line":
                counts[rule.name] = counts.get(rule.name, 0) + 1
                i += 1
            elif rule.kind == "drop_with_next":
                counts[rule.name] = counts.get(rule.name, 0) + (2 if i + 1 < n else 1)
                i += 2
            elif rule.kind == "cut_rest":
                counts[rule.name] = counts.get(rule.name, 0) + (n - i)
                break
            elif rule.kind == "cut_rest_from_previous":
                if kept:
                    kept.pop()
                counts[rule.name] = counts.get(rule.name, 0) + (n - i) + 1
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


def parse_date(value: str | None) -> str | None:
    """ISO date (YYYY-MM-DD) from ISO or day-first (Vietnamese) forms; None when absent or unreadable."""
    if value is None or (isinstance(value, float) and value != value) or not str(value).strip():
        return None
    text = str(value).strip()
    dayfirst = not re.match(r"^\d{4}-\d{1,2}-\d{1,2}", text)
    stamp = pd.to_datetime(text, dayfirst=dayfirst, errors="coerce", utc=True)
    return None if pd.isna(stamp) else stamp.strftime("%Y-%m-%d")


def _fingerprint(text: str) -> str:
    return hashlib.sha1(re.sub(r"\W+", " ", text.lower()).strip().encode("utf-8")).hexdigest()


def _shingles(text: str, k: int = 5) -> set[str]:
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i:i + k]) for i in range(max(len(words) - k + 1, 1))}


def _keep_order(row: pd.Series) -> tuple:
    # which copy survives: the earliest dated, then the longest, then the first read
    return (row["date"] or "9999", -row["n_chars"], row["_order"])


def find_duplicates(articles: pd.DataFrame, threshold: float, seed: int = 1) -> list[dict]:
    """Exact (same normalised text) and near (MinHash-estimated Jaccard of word 5-grams >= threshold) duplicates."""
    from datasketch import MinHash, MinHashLSH

    rows = articles.assign(_order=range(len(articles)))
    order = sorted(rows.index, key=lambda i: _keep_order(rows.loc[i]))
    dropped: list[dict] = []
    first_by_hash: dict[str, str] = {}
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    signatures: dict[str, tuple] = {}
    for idx in order:
        row = rows.loc[idx]
        aid = row["article_id"]
        fp = _fingerprint(row["text"])
        if fp in first_by_hash:
            dropped.append({"item": row["file"], "article_id": aid, "stage": "clean",
                            "reason": "exact duplicate (same text after normalisation); kept the earliest-dated, longest, first-read copy",
                            "kept_id": first_by_hash[fp]})
            continue
        first_by_hash[fp] = aid
        shingles = _shingles(row["text"])
        mh = MinHash(num_perm=128, seed=seed)
        for s in shingles:
            mh.update(s.encode("utf-8"))
        candidates = lsh.query(mh)
        best = None
        for other in candidates:
            jac = len(shingles & signatures[other][1]) / max(len(shingles | signatures[other][1]), 1)
            if jac >= threshold and (best is None or jac > best[1]):
                best = (other, jac)
        if best:
            dropped.append({"item": row["file"], "article_id": aid, "stage": "clean",
                            "reason": f"near duplicate (Jaccard {best[1]:.2f} of word 5-grams); kept the earliest-dated, longest, first-read copy",
                            "kept_id": best[0]})
            continue
        lsh.insert(aid, mh)
        signatures[aid] = (mh, shingles)
    return dropped


def clean_articles(raw: pd.DataFrame, rules: list[Rule], *, tone_marks: str = "new", min_chars: int = 200,
                   max_chars: int = 100_000, near_duplicate_threshold: float = 0.8, language: str | None = "vi"
                   ) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Pure core: raw articles -> cleaned articles, rejections, and the audit of what each rule removed."""
    rule_lines: dict[str, int] = {}
    rule_articles: dict[str, int] = {}
    kept: list[dict] = []
    rejected: list[dict] = []
    changed_by_normalisation = 0
    for rec in raw.to_dict("records"):
        item, aid = rec.get("file") or rec["article_id"], rec["article_id"]
        original = rec["text"]
        text = normalize(original, tone_marks)
        changed_by_normalisation += text != original
        lines, counts = strip_boilerplate(paragraphs(text), rules)
        for name, n in counts.items():
            rule_lines[name] = rule_lines.get(name, 0) + n
            rule_articles[name] = rule_articles.get(name, 0) + 1
        body = "\n".join(lines)
        if len(body) < min_chars:
            rejected.append({"item": item, "article_id": aid, "stage": "clean", "kept_id": None,
                             "reason": f"too short after cleaning ({len(body)} < clean.min_chars = {min_chars} characters)"})
            continue
        if len(body) > max_chars:
            rejected.append({"item": item, "article_id": aid, "stage": "clean", "kept_id": None,
                             "reason": f"too long ({len(body)} > clean.max_chars = {max_chars} characters)"})
            continue
        if language:
            lang, prob = detect_language(body)
            if lang != language:
                rejected.append({"item": item, "article_id": aid, "stage": "clean", "kept_id": None,
                                 "reason": f"language '{lang}' (langdetect p={prob:.2f}), expected '{language}'"})
                continue
        title = normalize(rec["title"], tone_marks) if rec.get("title") else guess_title(lines[0])
        series, part = detect_series(title, lines[-3:])
        kept.append({
            "article_id": aid, "title": title, "text": body, "date": parse_date(rec.get("date")),
            "source": rec.get("source"), "series": rec.get("series") or series,
            "part": rec.get("part") if pd.notna(rec.get("part")) else part,
            "label": rec.get("label"), "url": rec.get("url"), "author": rec.get("author"), "file": rec.get("file"),
            "n_chars": len(body), "original_text": original,
        })
    articles = pd.DataFrame(kept, columns=ARTICLE_COLUMNS)
    dups = find_duplicates(articles, near_duplicate_threshold) if len(articles) else []
    if dups:
        articles = articles[~articles["article_id"].isin({d["article_id"] for d in dups})].reset_index(drop=True)
    rejected.extend(dups)
    articles["part"] = pd.to_numeric(articles["part"], errors="coerce").astype("Int64")
    reasons: dict[str, int] = {}
    for r in rejected:
        key = r["reason"].split(" (")[0].split(";")[0]
        reasons[key] = reasons.get(key, 0) + 1
    audit = {
        "n_in": int(len(raw)), "n_out": int(len(articles)),
        "normalised_articles": int(changed_by_normalisation),
        "rules": {name: {"lines_removed": rule_lines[name], "articles_affected": rule_articles[name]}
                  for name in sorted(rule_lines)},
        "rejected": dict(sorted(reasons.items())),
    }
    return articles, pd.DataFrame(rejected, columns=REJECT_COLUMNS), audit


def main() -> None:
    params = P.load()
    c = params["clean"]
    rules = load_rules(pio.resolve(c["boilerplate"]))
    raw = pio.read_parquet("data/interim/raw_articles.parquet")
    articles, rejected, audit = clean_articles(
        raw, rules, tone_marks=c["tone_marks"], min_chars=c["min_chars"], max_chars=c["max_chars"],
        near_duplicate_threshold=c["near_duplicate_threshold"], language=params["corpus"].get("language"))
    if articles.empty:
        raise SystemExit("clean: no article survived cleaning; see the reasons in reports/rejected.csv")
    earlier = pd.read_csv("data/interim/ingest_rejected.csv", dtype=str, keep_default_na=False)
    all_rejected = pd.concat([earlier, rejected.astype(object)], ignore_index=True).reindex(columns=REJECT_COLUMNS)
    audit["rejected_at_ingest"] = int(len(earlier))
    pio.write_csv("reports/rejected.csv", all_rejected)
    pio.write_json("reports/cleaning.json", audit)
    pio.write_parquet("data/interim/articles.parquet", articles)
    print(f"clean: {audit['n_out']} of {audit['n_in']} articles kept; {len(rejected)} rejected here")


if __name__ == "__main__":
    main()
