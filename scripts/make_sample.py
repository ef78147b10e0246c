"""Draw the bundled default corpus (data/sample/) from the VNTC training split.

Run once by the maintainers, not by the pipeline:
    python scripts/make_sample.py ../shared/corpora/vntc-train.jsonl.gz data/sample

Selection (deterministic, no randomness): articles of 500-5,000 characters are scored by how often
they mention science, technology, e-government, urban planning and economic-policy terms per 1,000
characters; each outlet contributes the same number of top-scoring articles, with at most
`PER_LABEL_CAP` from any one label so that no category swamps an outlet.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
import sys
import unicodedata
from pathlib import Path

PER_OUTLET = 120
PER_LABEL_CAP = 40
MIN_CHARS, MAX_CHARS = 500, 5000

# Terms of the policy field the project studies (science, technology, digital government, planning, economy).
RELEVANCE_TERMS = [
    "khoa học", "công nghệ", "nghiên cứu", "đổi mới", "sáng tạo", "phát minh", "kỹ thuật",
    "internet", "phần mềm", "máy tính", "tin học", "viễn thông", "điện tử", "trực tuyến", "dữ liệu",
    "chính phủ điện tử", "cải cách hành chính", "công nghệ thông tin", "số hóa",
    "quy hoạch", "đô thị", "hạ tầng", "khu công nghệ cao", "khu công nghiệp", "giao thông",
    "chính sách", "đầu tư", "doanh nghiệp", "kinh tế", "thị trường", "luật", "nghị định", "ngân sách",
]
_PATTERN = re.compile("|".join(re.escape(t) for t in sorted(RELEVANCE_TERMS, key=len, reverse=True)))


def relevance(text: str) -> float:
    lowered = unicodedata.normalize("NFC", text).lower()
    return 1000.0 * len(_PATTERN.findall(lowered)) / max(len(lowered), 1)


def main(source: str, out_dir: str) -> None:
    src = Path(source)
    rows = []
    with gzip.open(src, "rt", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            if MIN_CHARS <= len(doc["text"]) <= MAX_CHARS:
                rows.append(doc)
    rows.sort(key=lambda d: (-relevance(d["text"]), d["id"]))
    chosen: list[dict] = []
    for outlet in sorted({d["source_code"] for d in rows}):
        per_label: dict[str, int] = {}
        taken = 0
        for doc in rows:
            if doc["source_code"] != outlet or per_label.get(doc["label"], 0) >= PER_LABEL_CAP:
                continue
            per_label[doc["label"]] = per_label.get(doc["label"], 0) + 1
            chosen.append(doc)
            taken += 1
            if taken == PER_OUTLET:
                break
    chosen.sort(key=lambda d: d["id"])
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "vntc_sample.jsonl", "w", encoding="utf-8") as fh:
        for doc in chosen:
            fh.write(json.dumps({k: doc[k] for k in ("id", "label", "label_vi", "source_code", "source", "text")},
                                ensure_ascii=False) + "\n")
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    counts: dict[str, int] = {}
    for doc in chosen:
        counts[f"{doc['source_code']} / {doc['label_vi']}"] = counts.get(f"{doc['source_code']} / {doc['label_vi']}", 0) + 1
    print(json.dumps({"n": len(chosen), "source_sha256": digest, "counts": counts}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main(*sys.argv[1:3])
