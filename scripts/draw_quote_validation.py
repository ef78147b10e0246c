"""Draw the paragraphs for the hand-coded quote/speaker validation set (data/validation/quote_passages.csv).

Run once per batch, before that batch is coded, from the repository root with ../shared beside it:
    python scripts/draw_quote_validation.py [SHARED_DIR] [--batch N]   # SHARED_DIR defaults to ../shared
--batch N writes batches 1..N (default: the latest, 19). `--batch 1` reproduces batch 1's file byte for byte (the
file as it was before batch 2 existed), `--batch 2` the file as it was before batch 3, `--batch 3` the file as it was
before batch 4, `--batch 4` the file as it was before batch 5, `--batch 5` the file as it was before batch 6, `--batch 6` the file as it was before batch 7, `--batch 7` the file as it was before batch 8, `--batch 8` the file as it was before batch 9; the default reproduces the current file. Earlier batches are always drawn first, in memory,
because each later batch excludes their articles.

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

Batch 2 (seed 20261203, drawn after batch 1's tune AND holdout halves were opened for rule development): a fresh
held-out set, every row split `holdout2`, passage ids continuing after batch 1. Same frame (candidate filter,
MAX_CHARS, one paragraph per article, sample ids excluded from held-out VNTC) with three exclusions: no article of
batch 1 (by id), no held-out record whose whitespace-normalised text repeats a sample article or a batch-1 article
(VNTC holds some articles twice under two ids), and no seed lines (batch 1 took them all). Quotas: sample
B2_SAMPLE = (43 matching, 7 not), held-out B2_HELDOUT = (85, 15), i.e. about 85 % / 15 % as in batch 1.

Batch 3 (seed 20261205, drawn after batch 2 was scored once and then opened for development): another fresh held-out
set, split `holdout3`, ids continuing after batch 2. Same frame and quotas as batch 2, excluding every article of
batches 1 and 2 by id and every held-out record whose normalised text repeats a sample article or an article of
batches 1-2.

Batch 4 (seed 20261207, drawn after batch 3 had been coded, before any batch-4 passage was coded): a third fresh
held-out set, split `holdout4`, ids continuing after batch 3. Same frame and quotas as batches 2 and 3, excluding
every article of batches 1-3 by id and every held-out record whose normalised text repeats a sample article or an
article of batches 1-3.

Batch 5 (seed 20261209, drawn after batch 4 had been coded, before any batch-5 passage was coded): a fourth fresh
held-out set, split `holdout5`, ids continuing after batch 4. Same frame and quotas as batches 2-4, excluding every
article of batches 1-4 by id and every held-out record whose normalised text repeats a sample article or an article
of batches 1-4. It also excludes every article that data/validation/quote_rules.md uses as a worked example, so that
no drawn passage has its answer written in the rules (batch 4's Q595 = sample L3 P4 was one). The rules cite their
examples as `sample L<n> P<p>` (line n of data/sample/vntc_sample.jsonl, paragraph p); the sample lines they cited
when batch 5 was drawn are frozen in RULE_EXAMPLE_SAMPLE_LINES (all 18, most already in batches 1-4), and the whole
article of each is left out. Their seed examples (`seed 000 L<n>`) need nothing: seeds left the frame after batch 1;
the passages cited as `Q…` in C1-C16 all belong to batches 1-2. The list is frozen rather than re-read from the rules
so that batch 5 reproduces if later clarifications cite more examples; the script warns when the rules cite a sample
line that is not in the list (exclude it in the next batch).

Batch 6 (seed 20261211, drawn after batch 5 had been coded and scored, before any batch-6 passage was coded): a
fifth fresh held-out set, split `holdout6`, ids continuing after batch 5, drawn exactly like batch 5 (same frame,
quotas and rule-example exclusions), excluding every article of batches 1-5.

Batch 7 (seed 20261213, drawn after batch 6 had been coded and scored, before any batch-7 passage was coded): a
sixth fresh held-out set, split `holdout7`, ids continuing after batch 6, drawn exactly like batches 5 and 6,
excluding every article of batches 1-6.

Batch 8 (seed 20261215, drawn after batch 7 had been coded and scored, before any batch-8 passage was coded): a
seventh fresh held-out set, split `holdout8`, ids continuing after batch 7, with a new frame: held-out VNTC only.
The bundled sample is used up (65 filter-matching paragraphs were left for batch 7), so batch 8 takes its 150
passages from held-out VNTC articles (the same corpus, outlets and years as the sample), B8_SAMPLE = (0, 0) and
B8_HELDOUT = (128, 22) (15 % not matching, as before), with the exclusions of batches 5-7 and every article of
batches 1-7 left out.

Batch 9 (seed 20261217, drawn after batch 8 had been coded and scored, before any batch-9 passage was coded): an
eighth fresh held-out set, split `holdout9`, ids continuing after batch 8, drawn exactly like batch 8 (held-out VNTC
only, 128 + 22), excluding every article of batches 1-8.

Batch 10 (seed 20261219, drawn after batch 9 had been coded and scored, before any batch-10 passage was coded): a
ninth fresh held-out set, split `holdout10`, ids continuing after batch 9, drawn exactly like batches 8 and 9
(held-out VNTC only, 128 + 22), excluding every article of batches 1-9.

Batch 11 (seed 20261221, drawn after batch 10 had been coded and scored, before any batch-11 passage was coded): a
tenth fresh held-out set, split `holdout11`, ids continuing after batch 10, drawn exactly like batches 8-10
(held-out VNTC only, 128 + 22), excluding every article of batches 1-10.

Batch 12 (seed 20261223, drawn after batch 11 had been coded and scored, before any batch-12 passage was coded): an
eleventh fresh held-out set, split `holdout12`, ids continuing after batch 11, drawn exactly like batches 8-11
(held-out VNTC only, 128 + 22), excluding every article of batches 1-11.

Batch 13 (seed 20261227, drawn after batch 12 had been coded and scored, before any batch-13 passage was coded): a
twelfth fresh held-out set, split `holdout13`, ids continuing after batch 12, drawn exactly like batches 8-12
(held-out VNTC only, 128 + 22), excluding every article of batches 1-12.

Batch 14 (seed 20261229, drawn after batch 13 had been coded and scored, before any batch-14 passage was coded): a
thirteenth fresh held-out set, split `holdout14`, ids continuing after batch 13, drawn exactly like batches 8-13
(held-out VNTC only, 128 + 22), excluding every article of batches 1-13.

Batch 15 (seed 20261231, drawn after batch 14 had been coded and scored, before any batch-15 passage was coded): a
fourteenth fresh held-out set, split `holdout15`, ids continuing after batch 14, drawn exactly like batches 8-14
(held-out VNTC only, 128 + 22), excluding every article of batches 1-14.

Batch 16 (seed 20270102, drawn after batch 15 had been coded and scored, before any batch-16 passage was coded): a
fifteenth fresh held-out set, split `holdout16`, ids continuing after batch 15, drawn exactly like batches 8-15
(held-out VNTC only, 128 + 22), excluding every article of batches 1-15.

Batch 17 (seed 20270104, drawn after batch 16 had been coded and scored, before any batch-17 passage was coded): a
sixteenth fresh held-out set, split `holdout17`, ids continuing after batch 16, drawn exactly like batches 8-16
(held-out VNTC only, 128 + 22), excluding every article of batches 1-16.

Batch 18 (seed 20270106, drawn after batch 17 had been coded and scored, before any batch-18 passage was coded): a
seventeenth fresh held-out set, split `holdout18`, ids continuing after batch 17, drawn exactly like batches 8-17
(held-out VNTC only, 128 + 22), excluding every article of batches 1-17.

Batch 19 (seed 20270108, drawn after batch 18 had been coded and scored, before any batch-19 passage was coded): an
eighteenth fresh held-out set, split `holdout19`, ids continuing after batch 18, drawn exactly like batches 8-18
(held-out VNTC only, 128 + 22), excluding every article of batches 1-18.

Batch 20 (seed 20270110, drawn after batch 19 had been coded and scored, before any batch-20 passage was coded): a
nineteenth fresh held-out set, split `holdout20`, ids continuing after batch 19, drawn exactly like batches 8-19
(held-out VNTC only, 128 + 22), excluding every article of batches 1-19.

Batch 21 (seed 20270112, drawn after batch 20 had been coded and scored, before any batch-21 passage was coded): a
twentieth fresh held-out set, split `holdout21`, ids continuing after batch 20, drawn exactly like batches 8-20
(held-out VNTC only, 128 + 22), excluding every article of batches 1-20.

Batch 22 (seed 20270114, drawn after batch 21 had been coded and scored, before any batch-22 passage was coded): a
twenty-first fresh held-out set, split `holdout22`, ids continuing after batch 21, drawn exactly like batches 8-21
(held-out VNTC only, 128 + 22), excluding every article of batches 1-21.

Batch 23 (seed 20270116, drawn after batch 22 had been coded and scored, before any batch-23 passage was coded): a
twenty-second fresh held-out set, split `holdout23`, ids continuing after batch 22, drawn exactly like batches 8-22
(held-out VNTC only, 128 + 22), excluding every article of batches 1-22.

Batch 24 (seed 20270120, drawn after batch 23 had been coded and scored, before any batch-24 passage was coded): a
twenty-third fresh held-out set, split `holdout24`, ids continuing after batch 23, drawn exactly like batches 8-23
(held-out VNTC only, 128 + 22), excluding every article of batches 1-23.

Batch 25 (seed 20270122, drawn after batch 24 had been coded and scored, before any batch-25 passage was coded): a
twenty-fourth fresh held-out set, split `holdout25`, ids continuing after batch 24, drawn exactly like batches 8-24
(held-out VNTC only, 128 + 22), excluding every article of batches 1-24.

Batch 26 (seed 20270124, drawn after batch 25 had been coded and scored, before any batch-26 passage was coded): a
twenty-fifth fresh held-out set, split `holdout26`, ids continuing after batch 25, drawn exactly like batches 8-25
(held-out VNTC only, 128 + 22), excluding every article of batches 1-25.

Batches 27 and 28 (seeds 20270126 and 20270128, drawn together after batch 26 had been coded and scored, before any
batch-27 or batch-28 passage was coded): a twenty-sixth and a twenty-seventh fresh held-out set, splits `holdout27` and
`holdout28`, ids continuing after batch 26, drawn exactly like batches 8-26 (held-out VNTC only, 128 + 22), batch 27
excluding every article of batches 1-26 and batch 28 every article of batches 1-27.

Batch 29 (seed 20270130, drawn after batch 28 had been coded and scored, before any batch-29 passage was coded): a
twenty-eighth fresh held-out set, split `holdout29`, ids continuing after batch 28, drawn exactly like batches 8-28
(held-out VNTC only, 128 + 22), excluding every article of batches 1-28.

Batch 30 (seed 20270132, drawn after batch 29 had been coded and scored, before any batch-30 passage was coded): a
twenty-ninth fresh held-out set, split `holdout30`, ids continuing after batch 29, drawn exactly like batches 8-29
(held-out VNTC only, 128 + 22), excluding every article of batches 1-29, to score round 19's rules a second time
unchanged.

Batches 31 and 32 (seeds 20270134 and 20270136, drawn together after batch 30 had been coded and scored, before any
batch-31 or batch-32 passage was coded): the thirtieth and thirty-first fresh held-out sets, splits `holdout31` and
`holdout32`, ids continuing after batch 30, drawn exactly like batches 8-30 (held-out VNTC only, 128 + 22), batch 31
excluding every article of batches 1-30 and batch 32 every article of batches 1-31.

Batch 33 (seed 20270138, drawn after batches 31 and 32 had been coded and scored, before any batch-33 passage was
coded): the thirty-second fresh held-out set, split `holdout33`, ids continuing after batch 32, drawn exactly like
batches 8-32 (held-out VNTC only, 128 + 22), excluding every article of batches 1-32.

Batches 34 and 35 (seeds 20270140 and 20270142, drawn together after batch 33 had been coded and scored, before any
batch-34 or batch-35 passage was coded): the thirty-third and thirty-fourth fresh held-out sets, splits `holdout34`
and `holdout35`, ids continuing after batch 33, drawn exactly like batches 8-33 (held-out VNTC only, 128 + 22), batch
34 excluding every article of batches 1-33 and batch 35 every article of batches 1-34.

Batches 36 and 37 (seeds 20270144 and 20270146, drawn together after batches 34 and 35 had been coded and scored,
before any batch-36 or batch-37 passage was coded): the thirty-fifth and thirty-sixth fresh held-out sets, splits
`holdout36` and `holdout37`, ids continuing after batch 35, drawn exactly like batches 8-35 (held-out VNTC only, 128 +
22), batch 36 excluding every article of batches 1-35 and batch 37 every article of batches 1-36.

Batches 38 and 39 (seeds 20270148 and 20270150, drawn together after batches 36 and 37 had been coded and scored,
before any batch-38 or batch-39 passage was coded): the thirty-seventh and thirty-eighth fresh held-out sets, splits
`holdout38` and `holdout39`, ids continuing after batch 37, drawn exactly like batches 8-37 (held-out VNTC only, 128 +
22), batch 38 excluding every article of batches 1-37 and batch 39 every article of batches 1-38.

Batches 40 and 41 (seeds 20270152 and 20270154, drawn together after batches 38 and 39 had been coded and scored,
before any batch-40 or batch-41 passage was coded): the thirty-ninth and fortieth fresh held-out sets, splits
`holdout40` and `holdout41`, ids continuing after batch 39, drawn exactly like batches 8-39 (held-out VNTC only, 128 +
22), batch 40 excluding every article of batches 1-39 and batch 41 every article of batches 1-40.

Batches 42 and 43 (seeds 20270156 and 20270158, drawn together after batches 40 and 41 had been coded and scored,
before any batch-42 or batch-43 passage was coded): the forty-first and forty-second fresh held-out sets, splits
`holdout42` and `holdout43`, ids continuing after batch 41, drawn exactly like batches 8-41 (held-out VNTC only, 128 +
22), batch 42 excluding every article of batches 1-41 and batch 43 every article of batches 1-42.

Batches 44 and 45 (seeds 20270160 and 20270162, drawn together after batches 42 and 43 had been coded and scored,
before any batch-44 or batch-45 passage was coded): the forty-third and forty-fourth fresh held-out sets, splits
`holdout44` and `holdout45`, ids continuing after batch 43, drawn exactly like batches 8-43 (held-out VNTC only, 128 +
22), batch 44 excluding every article of batches 1-43 and batch 45 every article of batches 1-44.

Batches 46 and 47 (seeds 20270164 and 20270166, drawn together after batches 44 and 45 had been coded and scored,
before any batch-46 or batch-47 passage was coded): the forty-fifth and forty-sixth fresh held-out sets, splits
`holdout46` and `holdout47`, ids continuing after batch 45, drawn exactly like batches 8-45 (held-out VNTC only, 128 +
22), batch 46 excluding every article of batches 1-45 and batch 47 every article of batches 1-46.

Batches 48 and 49 (seeds 20270168 and 20270170, drawn together after batches 46 and 47 had been coded and scored,
before any batch-48 or batch-49 passage was coded): the forty-seventh and forty-eighth fresh held-out sets, splits
`holdout48` and `holdout49`, ids continuing after batch 47, drawn exactly like batches 8-47 (held-out VNTC only, 128 +
22), batch 48 excluding every article of batches 1-47 and batch 49 every article of batches 1-48.

Batches 50 and 51 (seeds 20270172 and 20270174, drawn together after batches 48 and 49 had been coded and scored,
before any batch-50 or batch-51 passage was coded): the forty-ninth and fiftieth fresh held-out sets, splits
`holdout50` and `holdout51`, ids continuing after batch 49, drawn exactly like batches 8-49 (held-out VNTC only, 128 +
22), batch 50 excluding every article of batches 1-49 and batch 51 every article of batches 1-50.
"""
from __future__ import annotations

import argparse
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
B2_SEED = 20261203
B2_SAMPLE = (43, 7)  # (filter-matching, not matching) = 50, 14 % not matching
B2_HELDOUT = (85, 15)  # = 100, 15 % not matching
B2_SPLIT = "holdout2"
B3_SEED = 20261205
B3_SPLIT = "holdout3"  # same quotas as batch 2 (B2_SAMPLE, B2_HELDOUT)
B4_SEED = 20261207
B4_SPLIT = "holdout4"  # same quotas as batches 2 and 3
B5_SEED = 20261209
B5_SPLIT = "holdout5"  # same quotas as batches 2-4
B6_SEED = 20261211
B6_SPLIT = "holdout6"  # same quotas and exclusions as batch 5
B7_SEED = 20261213
B7_SPLIT = "holdout7"  # same quotas and exclusions as batch 5
B8_SEED = 20261215
B8_SPLIT = "holdout8"  # held-out VNTC only (the sample is used up)
B8_SAMPLE = (0, 0)
B8_HELDOUT = (128, 22)  # = 150, 15 % not matching
B9_SEED = 20261217
B9_SPLIT = "holdout9"  # drawn exactly like batch 8
B10_SEED = 20261219
B10_SPLIT = "holdout10"  # drawn exactly like batches 8 and 9
B11_SEED = 20261221
B11_SPLIT = "holdout11"  # drawn exactly like batches 8-10
B12_SEED = 20261223
B12_SPLIT = "holdout12"  # drawn exactly like batches 8-11
B13_SEED = 20261227
B13_SPLIT = "holdout13"  # drawn exactly like batches 8-12
B14_SEED = 20261229
B14_SPLIT = "holdout14"  # drawn exactly like batches 8-13
B15_SEED = 20261231
B15_SPLIT = "holdout15"  # drawn exactly like batches 8-14
B16_SEED = 20270102
B16_SPLIT = "holdout16"  # drawn exactly like batches 8-15
B17_SEED = 20270104
B17_SPLIT = "holdout17"  # drawn exactly like batches 8-16
B18_SEED = 20270106
B18_SPLIT = "holdout18"  # drawn exactly like batches 8-17
B19_SEED = 20270108
B19_SPLIT = "holdout19"  # drawn exactly like batches 8-18
B20_SEED = 20270110
B20_SPLIT = "holdout20"  # drawn exactly like batches 8-19
B21_SEED = 20270112
B21_SPLIT = "holdout21"  # drawn exactly like batches 8-20
B22_SEED = 20270114
B22_SPLIT = "holdout22"  # drawn exactly like batches 8-21
B23_SEED = 20270116
B23_SPLIT = "holdout23"  # drawn exactly like batches 8-22
B24_SEED = 20270120
B24_SPLIT = "holdout24"  # drawn exactly like batches 8-23
B25_SEED = 20270122
B25_SPLIT = "holdout25"  # drawn exactly like batches 8-24
B26_SEED = 20270124
B26_SPLIT = "holdout26"  # drawn exactly like batches 8-25
B27_SEED = 20270126
B27_SPLIT = "holdout27"  # drawn exactly like batches 8-26
B28_SEED = 20270128
B28_SPLIT = "holdout28"  # drawn exactly like batches 8-27
B29_SEED = 20270130
B29_SPLIT = "holdout29"  # drawn exactly like batches 8-28
B30_SEED = 20270132
B30_SPLIT = "holdout30"  # drawn exactly like batches 8-29
B31_SEED = 20270134
B31_SPLIT = "holdout31"  # drawn exactly like batches 8-30
B32_SEED = 20270136
B32_SPLIT = "holdout32"  # drawn exactly like batches 8-31
B33_SEED = 20270138
B33_SPLIT = "holdout33"  # drawn exactly like batches 8-32
B34_SEED = 20270140
B34_SPLIT = "holdout34"  # drawn exactly like batches 8-33
B35_SEED = 20270142
B35_SPLIT = "holdout35"  # drawn exactly like batches 8-34
B36_SEED = 20270144
B36_SPLIT = "holdout36"  # drawn exactly like batches 8-35
B37_SEED = 20270146
B37_SPLIT = "holdout37"  # drawn exactly like batches 8-36
B38_SEED = 20270148
B38_SPLIT = "holdout38"  # drawn exactly like batches 8-37
B39_SEED = 20270150
B39_SPLIT = "holdout39"  # drawn exactly like batches 8-38
B40_SEED = 20270152
B40_SPLIT = "holdout40"  # drawn exactly like batches 8-39
B41_SEED = 20270154
B41_SPLIT = "holdout41"  # drawn exactly like batches 8-40
B42_SEED = 20270156
B42_SPLIT = "holdout42"  # drawn exactly like batches 8-41
B43_SEED = 20270158
B43_SPLIT = "holdout43"  # drawn exactly like batches 8-42
B44_SEED = 20270160
B44_SPLIT = "holdout44"  # drawn exactly like batches 8-43
B45_SEED = 20270162
B45_SPLIT = "holdout45"  # drawn exactly like batches 8-44
B46_SEED = 20270164
B46_SPLIT = "holdout46"  # drawn exactly like batches 8-45
B47_SEED = 20270166
B47_SPLIT = "holdout47"  # drawn exactly like batches 8-46
B48_SEED = 20270168
B48_SPLIT = "holdout48"  # drawn exactly like batches 8-47
B49_SEED = 20270170
B49_SPLIT = "holdout49"  # drawn exactly like batches 8-48
B50_SEED = 20270172
B50_SPLIT = "holdout50"  # drawn exactly like batches 8-49
B51_SEED = 20270174
B51_SPLIT = "holdout51"  # drawn exactly like batches 8-50
# sample lines cited as worked examples (`sample L<n> P<p>`) in quote_rules.md when batch 5 was drawn
RULE_EXAMPLE_SAMPLE_LINES = (3, 8, 16, 17, 21, 27, 33, 46, 48, 51, 55, 79, 87, 135, 184, 194, 273, 327)
RULES = Path("data/validation/quote_rules.md")

SAMPLE = Path("data/sample/vntc_sample.jsonl")
HELDOUT_FILE = "../shared/corpora/vntc-train.jsonl.gz"  # as recorded in the csv
OUT = Path("data/validation/quote_passages.csv")
FIELDS = ["passage_id", "corpus", "file", "line", "article_id", "paragraph_index", "text", "split", "filter_match"]

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


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def load_sample():
    recs = []
    with SAMPLE.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            recs.append((n, json.loads(line)))
    return recs


def heldout_records(shared: Path, skip_ids: set, skip_texts: frozenset = frozenset()):
    with gzip.open(shared / "corpora/vntc-train.jsonl.gz", "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            r = json.loads(line)
            if r["id"] not in skip_ids and (not skip_texts or _norm(r["text"]) not in skip_texts):
                yield n, r


def batch1(shared: Path, sample_recs) -> list:
    """Batch 1 exactly as drawn on 2026-12-02 (do not change: its output is committed and must reproduce)."""
    rng = random.Random(SEED)
    sample_ids = {r["id"] for _, r in sample_recs}

    rows = []
    for corpus, file, recs in (("sample", str(SAMPLE), sample_recs),
                               ("vntc_heldout", HELDOUT_FILE, heldout_records(shared, sample_ids))):
        cands, others = vntc_frame(recs, corpus, file)
        used: set = set()
        rows += draw_one_per_article(rng, cands, CANDIDATES_PER_SOURCE, used)
        rows += draw_one_per_article(rng, others, OTHERS_PER_SOURCE, used)

    for path in sorted((shared / "seeds").glob("*.txt")):
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
    return [{"passage_id": f"Q{n:03d}", **r, "split": split[r["article_id"]], "filter_match": is_candidate(r["text"])}
            for n, r in enumerate(rows, 1)]


def rule_example_articles(sample_recs) -> frozenset:
    """Ids of the sample articles quote_rules.md uses as worked examples (frozen list; warn if the rules cite more)."""
    if RULES.exists():
        cited = {int(n) for n in re.findall(r"sample L(\d+)", RULES.read_text(encoding="utf-8"))}
        new = sorted(cited - set(RULE_EXAMPLE_SAMPLE_LINES))
        if new:
            print(f"warning: {RULES} now cites sample lines {new} not in RULE_EXAMPLE_SAMPLE_LINES "
                  "(batch 5 did not exclude them; exclude them in the next batch)", file=sys.stderr)
    return frozenset(r["id"] for n, r in sample_recs if n in RULE_EXAMPLE_SAMPLE_LINES)


def fresh_batch(shared: Path, sample_recs, prev_rows: list, seed: int, split_name: str,
                exclude_articles: frozenset = frozenset(), quotas: tuple = (B2_SAMPLE, B2_HELDOUT)) -> list:
    """A fresh held-out batch: same frame as batch 1, none of prev_rows' articles (nor held-out records repeating
    their texts or a sample text) and none of exclude_articles, ids continuing after prev_rows.
    Batch 2 = fresh_batch(.., batch-1 rows, B2_SEED)."""
    rng = random.Random(seed)
    sample_ids = {r["id"] for _, r in sample_recs}
    prev_articles = {r["article_id"] for r in prev_rows} | exclude_articles
    # texts a held-out record must not repeat: every sample article and every article of an earlier batch
    prev_texts = {_norm(r["text"]) for _, r in sample_recs}
    prev_heldout_lines = {int(r["line"]) for r in prev_rows if r["corpus"] == "vntc_heldout"}
    with gzip.open(shared / "corpora/vntc-train.jsonl.gz", "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if n in prev_heldout_lines:
                prev_texts.add(_norm(json.loads(line)["text"]))

    rows = []
    sources = (("sample", str(SAMPLE), [(n, r) for n, r in sample_recs if r["id"] not in prev_articles], quotas[0]),
               ("vntc_heldout", HELDOUT_FILE,
                heldout_records(shared, sample_ids | prev_articles, frozenset(prev_texts)), quotas[1]))
    for corpus, file, recs, (k_cand, k_other) in sources:
        if not k_cand and not k_other:
            continue                                       # a source the batch does not draw from
        cands, others = vntc_frame(recs, corpus, file)
        used: set = set()
        rows += draw_one_per_article(rng, cands, k_cand, used)
        rows += draw_one_per_article(rng, others, k_other, used)
    assert not {r["article_id"] for r in rows} & prev_articles

    order = {"sample": 0, "vntc_heldout": 1}
    rows.sort(key=lambda r: (order[r["corpus"]], r["line"], r["paragraph_index"]))
    start = int(prev_rows[-1]["passage_id"][1:]) + 1
    return [{"passage_id": f"Q{n:03d}", **r, "split": split_name, "filter_match": is_candidate(r["text"])}
            for n, r in enumerate(rows, start)]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("shared", nargs="?", default="../shared", help="where shared/ is (recorded as ../shared)")
    ap.add_argument("--batch", type=int, choices=range(1, 52), default=51,
                    help="write batches 1..N (default 51)")
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    sample_recs = load_sample()
    rows = batch1(shared, sample_recs)
    examples = rule_example_articles(sample_recs)
    # batch -> (seed, split, excluded rule examples, quotas): batches 2-4 predate the exclusion, 5-7 the quotas
    later = {2: (B2_SEED, B2_SPLIT, frozenset(), None), 3: (B3_SEED, B3_SPLIT, frozenset(), None),
             4: (B4_SEED, B4_SPLIT, frozenset(), None),
             **{b: (seed, split, examples, None) for b, seed, split in ((5, B5_SEED, B5_SPLIT), (6, B6_SEED, B6_SPLIT),
                                                                        (7, B7_SEED, B7_SPLIT))},
             **{b: (seed, split, examples, (B8_SAMPLE, B8_HELDOUT))
                for b, seed, split in ((8, B8_SEED, B8_SPLIT), (9, B9_SEED, B9_SPLIT), (10, B10_SEED, B10_SPLIT),
                                       (11, B11_SEED, B11_SPLIT), (12, B12_SEED, B12_SPLIT),
                                       (13, B13_SEED, B13_SPLIT), (14, B14_SEED, B14_SPLIT),
                                       (15, B15_SEED, B15_SPLIT), (16, B16_SEED, B16_SPLIT),
                                       (17, B17_SEED, B17_SPLIT), (18, B18_SEED, B18_SPLIT),
                                       (19, B19_SEED, B19_SPLIT), (20, B20_SEED, B20_SPLIT),
                                       (21, B21_SEED, B21_SPLIT), (22, B22_SEED, B22_SPLIT),
                                       (23, B23_SEED, B23_SPLIT), (24, B24_SEED, B24_SPLIT),
                                       (25, B25_SEED, B25_SPLIT), (26, B26_SEED, B26_SPLIT),
                                       (27, B27_SEED, B27_SPLIT), (28, B28_SEED, B28_SPLIT),
                                       (29, B29_SEED, B29_SPLIT), (30, B30_SEED, B30_SPLIT),
                                       (31, B31_SEED, B31_SPLIT), (32, B32_SEED, B32_SPLIT),
                                       (33, B33_SEED, B33_SPLIT), (34, B34_SEED, B34_SPLIT),
                                       (35, B35_SEED, B35_SPLIT), (36, B36_SEED, B36_SPLIT),
                                       (37, B37_SEED, B37_SPLIT), (38, B38_SEED, B38_SPLIT),
                                       (39, B39_SEED, B39_SPLIT), (40, B40_SEED, B40_SPLIT),
                                       (41, B41_SEED, B41_SPLIT), (42, B42_SEED, B42_SPLIT),
                                       (43, B43_SEED, B43_SPLIT), (44, B44_SEED, B44_SPLIT),
                                       (45, B45_SEED, B45_SPLIT), (46, B46_SEED, B46_SPLIT),
                                       (47, B47_SEED, B47_SPLIT), (48, B48_SEED, B48_SPLIT),
                                       (49, B49_SEED, B49_SPLIT), (50, B50_SEED, B50_SPLIT),
                                       (51, B51_SEED, B51_SPLIT))}}
    for batch in range(2, args.batch + 1):
        seed, split, excluded, quotas = later[batch]
        rows += fresh_batch(shared, sample_recs, rows, seed, split, excluded, *((quotas,) if quotas else ()))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS)
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} passages from {len({r['article_id'] for r in rows})} articles to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
