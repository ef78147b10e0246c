"""Draw the paragraphs for the hand-coded quote/speaker validation set (data/validation/quote_passages.csv).

Run once, before any coding, from the repository root with ../shared beside it:
    python scripts/draw_quote_validation.py [SHARED_DIR]   # SHARED_DIR defaults to ../shared

Deterministic (seed 20261202) and independent of the pipeline: it does not import `pipeline` and uses its own
candidate filter, which is deliberately broad (it is a sampling frame, not a quote detector).

Unit: a PARAGRAPH = one element of an article's text split on "\\n", kept if it is not blank after strip().
Sources and quotas:
  * sample        data/sample/vntc_sample.jsonl (480 articles)
  * vntc_heldout  ../shared/corpora/vntc-train.jsonl.gz, articles whose id is NOT in the sample
  * seed          every non-blank line of ../shared/seeds/*.txt (line 1 = title; page furniture included,
                  because a pipeline reading these files sees it too)
  For each of the two VNTC sources: CANDIDATES_PER_SOURCE paragraphs drawn at random from the paragraphs that
  match the candidate filter, plus OTHERS_PER_SOURCE drawn at random from the paragraphs that do not
  (about 15 % of that source's draw), so that false positives can be measured. At most one paragraph per article
  per source keeps the set spread over many articles. Paragraphs longer than MAX_CHARS characters are left out
  of the sampling frame (VNTC sometimes runs a whole article into one line; such a line cannot be coded by hand
  with care in this budget); the number left out is printed.
Candidate filter (any of): a quotation mark (“ ” or "), the string "Theo ", or a speech verb from SPEECH_VERBS as a
  whole word sequence (case-insensitive).
Split: every drawn ARTICLE (VNTC id or seed file) is assigned tune/holdout at random, half/half, before coding,
  so all paragraphs of one article fall in the same half.
"""
from __future__ import annotations

import csv
import gzip
import json
import random
import re
import sys
import unicodedata
from pathlib import Path

SEED = 20261202
CANDIDATES_PER_SOURCE = 90
OTHERS_PER_SOURCE = 16  # 16 / 106 = 15 %
MAX_CHARS = 1500

SAMPLE = Path("data/sample/vntc_sample.jsonl")
SHARED = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared")  # where shared/ is; recorded as ../shared
HELDOUT = SHARED / "corpora/vntc-train.jsonl.gz"
SEEDS_DIR = SHARED / "seeds"
OUT = Path("data/validation/quote_passages.csv")

SPEECH_VERBS = [
    "cho biết", "cho rằng", "khẳng định", "nhấn mạnh", "nói", "chia sẻ", "phát biểu", "tuyên bố",
    "thừa nhận", "giải thích", "nhận định", "nhận xét", "bày tỏ", "tiết lộ", "cảnh báo", "khẳng định",
    "đề nghị", "kiến nghị", "phân tích", "thông báo", "xác nhận", "trả lời", "khuyến cáo", "lưu ý",
]
_VERB_RE = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(v) for v in sorted(set(SPEECH_VERBS), key=len, reverse=True)) + r")(?!\w)",
    re.IGNORECASE,
)
_QUOTE_CHARS = ("\u201c", "\u201d", '"')


def is_candidate(par: str) -> bool:
    return any(q in par for q in _QUOTE_CHARS) or "Theo " in par or bool(_VERB_RE.search(par))


def paragraphs(text: str):
    for i, p in enumerate(text.split("\n")):
        if p.strip():
            yield i, p


def vntc_frame(records, corpus: str, file: str):
    """records: iterable of (line_no, record). Returns (candidates, others) lists of row dicts."""
    cands, others, too_long = [], [], 0
    for line_no, r in records:
        for idx, p in paragraphs(unicodedata.normalize("NFC", r["text"])):
            if len(p) > MAX_CHARS:
                too_long += 1
                continue
            row = {"corpus": corpus, "file": file, "line": line_no, "article_id": r["id"],
                   "paragraph_index": idx, "text": p.strip()}
            (cands if is_candidate(p) else others).append(row)
    print(f"{corpus}: {len(cands)} candidate and {len(others)} other paragraphs; {too_long} over {MAX_CHARS} chars left out",
          file=sys.stderr)
    return cands, others


def draw_one_per_article(rng: random.Random, pool: list, k: int, used_articles: set) -> list:
    order = list(range(len(pool)))
    rng.shuffle(order)
    out = []
    for i in order:
        row = pool[i]
        if row["article_id"] in used_articles:
            continue
        used_articles.add(row["article_id"])
        out.append(row)
        if len(out) == k:
            break
    return out


def main() -> None:
    rng = random.Random(SEED)
    sample_recs = []
    with SAMPLE.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            sample_recs.append((n, json.loads(line)))
    sample_ids = {r["id"] for _, r in sample_recs}

    def heldout_recs():
        with gzip.open(HELDOUT, "rt", encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                r = json.loads(line)
                if r["id"] not in sample_ids:
                    yield n, r

    rows = []
    for corpus, file, recs in (("sample", str(SAMPLE), sample_recs),
                               ("vntc_heldout", "../shared/corpora/vntc-train.jsonl.gz", heldout_recs())):
        cands, others = vntc_frame(recs, corpus, file)
        used: set = set()
        rows += draw_one_per_article(rng, cands, CANDIDATES_PER_SOURCE, used)
        rows += draw_one_per_article(rng, others, OTHERS_PER_SOURCE, used)

    for path in sorted(SEEDS_DIR.glob("*.txt")):
        text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
        for idx, p in paragraphs(text):
            rows.append({"corpus": "seed", "file": f"../shared/seeds/{path.name}", "line": idx + 1, "article_id": path.stem,
                         "paragraph_index": idx, "text": p.strip()})

    articles = sorted({r["article_id"] for r in rows})
    rng.shuffle(articles)
    half = len(articles) // 2
    split = {a: ("tune" if i < half else "holdout") for i, a in enumerate(articles)}

    order = {"sample": 0, "vntc_heldout": 1, "seed": 2}
    rows.sort(key=lambda r: (order[r["corpus"]], r["line"], r["paragraph_index"]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["passage_id", "corpus", "file", "line", "article_id", "paragraph_index",
                                           "text", "split", "filter_match"])
        w.writeheader()
        for n, r in enumerate(rows, 1):
            w.writerow({"passage_id": f"Q{n:03d}", **r, "split": split[r["article_id"]],
                        "filter_match": is_candidate(r["text"])})
    print(f"wrote {len(rows)} passages from {len(articles)} articles to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
