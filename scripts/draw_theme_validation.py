"""Draw the units of the hand-coded theme validation set and assign their split (before any coding).

    python scripts/draw_theme_validation.py [--batch all|1|2|...|32] [--shared ../shared] [--out data/validation/themes_units.csv]

Deterministic (seed 20261202; every corpus has its own random stream derived from the seed, so changing one
corpus's draw leaves the others as they are). Standard library + pandas only. See data/validation/README.md
for the design; in short:

- sample: 110 of the 480 bundled articles, spread over the VNTC label x outlet cells by water-filling;
- vntc_heldout: 14 articles per VNTC label (140) from the training split, none of them in the sample (by id or by
  whitespace-normalised text);
- seed: every body paragraph of the seed articles (../shared/seeds/*.txt), one unit a paragraph;
- danes: 40 DANeS items, topics visited round-robin in a random order, one item drawn per visit.

The articles used as examples in data/validation/coding_rules.yaml are never drawn. The split (tune/holdout)
is assigned here at random within each stratum; the odd units left by odd-sized strata are pooled per corpus
and alternated at random, so every corpus is split half/half (+-1).

Batch 2 (seed 20261203, drawn after batch 1 was coded and its holdout half scored): a fresh held-out batch of
160 units from records that batch 1 did not draw (by id or by whitespace-normalised text), with the same
eligibility and the same `text` shown; every unit gets split `holdout2`:

- sample: 55 of the bundled articles not in batch 1, water-filled over the label x outlet cells as in batch 1;
- vntc_heldout: 75 articles from the training split (not in the sample), water-filled over the 10 labels
  (7 each, 5 labels drawn at random get an 8th);
- danes: 30 items, topic round-robin as in batch 1;
- no seed paragraphs (batch 1 took every body paragraph).

Batch 3 (seed 20261205, drawn after batch 2 was scored and opened for development): 160 more units, split
`holdout3`, drawn exactly like batch 2 (same sizes and strata) from records that neither batch 1 nor batch 2 drew.

Batch 4 (seed 20261207, drawn after batch 3 was scored and reported, before any batch-4 coding): 160 more units,
split `holdout4`, drawn exactly like batches 2 and 3 (same sizes and strata) from records that none of batches 1-3
drew (by id or by whitespace-normalised text).

Batch 5 (seed 20261209, drawn after batch 4 was coded, before any batch-5 coding): 160 more units, split
`holdout5`, drawn exactly like batches 2-4 (same sizes and strata) from records that none of batches 1-4 drew
(by id or by whitespace-normalised text).

Batch 6 (seed 20261211, drawn after batch 5 was scored and reported, before any batch-6 coding): 160 more units,
split `holdout6`, drawn exactly like batches 2-5 from records that none of batches 1-5 drew.

Batch 7 (seed 20261213, drawn after batch 6 was scored and reported, before any batch-7 coding): 160 more units,
split `holdout7`, drawn exactly like batches 2-6 from records that none of batches 1-6 drew.

Batch 8 (seed 20261215, drawn after batch 7 was scored and reported, before any batch-8 coding): 160 more units,
split `holdout8`, from records that none of batches 1-7 drew, with a new frame: the bundled sample is used up
(about 40 undrawn articles were left, a remnant skewed to the computing label: 24 of batch 7's 55 sample units),
so batch 8 draws no sample articles and takes 120 held-out VNTC articles (water-filled over the 10 labels: 12
each) and 40 DaNES items instead. Held-out VNTC comes from the same corpus, outlets and years as the sample.

Batch 9 (seed 20261217, drawn after batch 8 was scored and reported, before any batch-9 coding): 160 more units,
split `holdout9`, from records that none of batches 1-8 drew, frame as batch 8 (no sample articles; 120 held-out
VNTC articles, 40 DaNES items) but with the VNTC labels weighted: batch 8's equal quotas gave the policy themes 2, 2
and 7 units of 160, too few to read their F1. So the four labels where the codebook's themes live (Chinh tri Xa hoi,
Kinh doanh, Khoa hoc, Vi tinh) get 24 articles each and the other six 4 each (`VNTC_QUOTA_9`). The weights come
from the corpus's own labels, not from any pipeline output, so the draw does not screen by the measure it checks;
scores on the batch describe this frame, not VNTC as a whole.

Batch 10 (seed 20261219, drawn after batch 9 was scored and reported, before any batch-10 coding): 160 more units,
split `holdout10`, from records that none of batches 1-9 drew, drawn exactly like batch 9 (the same label weights).

Batch 11 (seed 20261221, drawn after batch 10 was scored and reported, before any batch-11 coding): 160 more units,
split `holdout11`, from records that none of batches 1-10 drew, drawn exactly like batches 9 and 10.

Batch 12 (seed 20261223, drawn after batch 11 was scored and reported, before any batch-12 coding): 160 more units,
split `holdout12`, from records that none of batches 1-11 drew, drawn exactly like batches 9-11.

Batch 13 (seed 20261225, drawn after batch 12 was scored and reported, before any batch-13 coding): 160 more units,
split `holdout13`, from records that none of batches 1-12 drew, drawn exactly like batches 9-12.

Batch 14 (seed 20261227, drawn after batch 13 was scored and reported, before any batch-14 coding): 160 more units,
split `holdout14`, from records that none of batches 1-13 drew, drawn exactly like batches 9-13.

Batch 15 (seed 20261229, drawn after batch 14 was scored and reported, before any batch-15 coding): 160 more units,
split `holdout15`, from records that none of batches 1-14 drew, drawn exactly like batches 9-14.

Batch 16 (seed 20261231, drawn after batch 15 was scored and reported, before any batch-16 coding): 160 more units,
split `holdout16`, from records that none of batches 1-15 drew, drawn exactly like batches 9-15.

Batch 17 (seed 20270102, drawn after batch 16 was scored and reported, before any batch-17 coding): 160 more units,
split `holdout17`, from records that none of batches 1-16 drew, drawn exactly like batches 9-16.

Batch 18 (seed 20270104, drawn after batch 17 was scored and reported, before any batch-18 coding): 160 more units,
split `holdout18`, from records that none of batches 1-17 drew, drawn exactly like batches 9-17.

Batch 19 (seed 20270106, drawn after batch 18 was scored and reported, before any batch-19 coding): 160 more units,
split `holdout19`, from records that none of batches 1-18 drew, drawn exactly like batches 9-18.

Batch 20 (seed 20270108, drawn after batch 19 was scored and reported, before any batch-20 coding): 160 more units,
split `holdout20`, from records that none of batches 1-19 drew, drawn exactly like batches 9-19.

Batch 21 (seed 20270110, drawn after batch 20 was scored and reported, before any batch-21 coding): 160 more units,
split `holdout21`, from records that none of batches 1-20 drew, drawn exactly like batches 9-20.

Batch 22 (seed 20270112, drawn after batch 21 was scored and reported, before any batch-22 coding): 160 more units,
split `holdout22`, from records that none of batches 1-21 drew, drawn exactly like batches 9-21.

Batch 23 (seed 20270114, drawn after batch 22 was scored and reported, before any batch-23 coding): 160 more units,
split `holdout23`, from records that none of batches 1-22 drew, drawn exactly like batches 9-22.

Batch 24 (seed 20270116, drawn after batch 23 was scored and reported, before any batch-24 coding): 160 more units,
split `holdout24`, from records that none of batches 1-23 drew, drawn exactly like batches 9-23.

Batch 25 (seed 20270118, drawn after batch 24 was scored and reported, before any batch-25 coding): 160 more units,
split `holdout25`, from records that none of batches 1-24 drew, drawn exactly like batches 9-24.

Batch 26 (seed 20270120, drawn after batch 25 was scored and reported, before any batch-26 coding): 160 more units,
split `holdout26`, from records that none of batches 1-25 drew, drawn exactly like batches 9-25.

Batch 27 (seed 20270122, drawn after batch 26 was scored and reported, before any batch-27 coding): 160 more units,
split `holdout27`, from records that none of batches 1-26 drew, drawn exactly like batches 9-26.

Batch 28 (seed 20270124, drawn after batch 27 was scored and reported, before any batch-28 coding): 160 more units,
split `holdout28`, from records that none of batches 1-27 drew, drawn exactly like batches 9-27.

Batches 29 and 30 (seeds 20270126 and 20270128, drawn together after batch 28 was scored and reported, before any
batch-29 or batch-30 coding): 160 more units each, splits `holdout29` and `holdout30`, batch 29 from records that none
of batches 1-28 drew and batch 30 from records that none of batches 1-29 drew, drawn exactly like batches 9-28.

Batch 31 (seed 20270130, drawn after batch 29 was scored and before batch 30 was, before any batch-31
coding): 160 more units, split `holdout31`, from records that none of batches 1-30 drew, drawn exactly like batches
9-30.

Batch 32 (seed 20270132, drawn after batch 31 was scored, before any batch-32 coding): 160 more units, split
`holdout32`, from records that none of batches 1-31 drew, drawn exactly like batches 9-31, to score the same method a
second time unchanged.

Batches 33 and 34 (seeds 20270134 and 20270136, drawn together after batch 32 was scored, before any batch-33 or
batch-34 coding): 160 more units each, splits `holdout33` and `holdout34`, batch 33 from records that none of batches
1-32 drew and batch 34 from records that none of batches 1-33 drew, drawn exactly like batches 9-32.

Batch 35 (seed 20270138, drawn after batch 33 was scored, before any batch-35 coding): 160 more units, split
`holdout35`, from records that none of batches 1-34 drew, drawn exactly like batches 9-34.

Batches 36 and 37 (seeds 20270140 and 20270142, drawn together after batches 34 and 35 were scored, before any
batch-36 or batch-37 coding): 160 more units each, splits `holdout36` and `holdout37`, batch 36 from records that none
of batches 1-35 drew and batch 37 from records that none of batches 1-36 drew, drawn exactly like batches 9-35.

Batches 38 and 39 (seeds 20270144 and 20270146, drawn together after batches 36 and 37 were scored, before any
batch-38 or batch-39 coding): 160 more units each, splits `holdout38` and `holdout39`, batch 38 from records that none
of batches 1-37 drew and batch 39 from records that none of batches 1-38 drew, drawn exactly like batches 9-37.

Batches 40 and 41 (seeds 20270148 and 20270150, drawn together after batches 38 and 39 were scored, before any
batch-40 or batch-41 coding): 160 more units each, splits `holdout40` and `holdout41`, batch 40 from records that none
of batches 1-39 drew and batch 41 from records that none of batches 1-40 drew, drawn exactly like batches 9-39.

Batches 42 and 43 (seeds 20270152 and 20270154, drawn together after batches 40 and 41 were scored, before any
batch-42 or batch-43 coding): 160 more units each, splits `holdout42` and `holdout43`, batch 42 from records that none
of batches 1-41 drew and batch 43 from records that none of batches 1-42 drew, drawn exactly like batches 9-41.

Batches 44 and 45 (seeds 20270156 and 20270158, drawn together after batches 42 and 43 were scored, before any
batch-44 or batch-45 coding): 160 more units each, splits `holdout44` and `holdout45`, batch 44 from records that none
of batches 1-43 drew and batch 45 from records that none of batches 1-44 drew, drawn exactly like batches 9-43.

Batches 46 and 47 (seeds 20270160 and 20270162, drawn together after batches 44 and 45 were scored, before any
batch-46 or batch-47 coding): 160 more units each, splits `holdout46` and `holdout47`, batch 46 from records that none
of batches 1-45 drew and batch 47 from records that none of batches 1-46 drew, drawn exactly like batches 9-45.

Batches 48 and 49 (seeds 20270164 and 20270166, drawn together after batches 46 and 47 were scored, before any
batch-48 or batch-49 coding): 160 more units each, splits `holdout48` and `holdout49`, batch 48 from records that none
of batches 1-47 drew and batch 49 from records that none of batches 1-48 drew, drawn exactly like batches 9-47.

Batches 50 and 51 (seeds 20270168 and 20270170, drawn together after batches 48 and 49 were scored, before any
batch-50 or batch-51 coding): 160 more units each, splits `holdout50` and `holdout51`, batch 50 from records that none
of batches 1-49 drew and batch 51 from records that none of batches 1-50 drew, drawn exactly like batches 9-49.

`--batch all` (the default) writes batches 1-51, i.e. data/validation/themes_units.csv; `--batch 1` writes
batch 1 alone (byte for byte the file as it was before batch 2 was drawn); `--batch 2` ... `--batch 51` one
batch alone.
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
from pathlib import Path

import pandas as pd

SEED = 20261202
SEED_BATCH2 = 20261203
SEED_BATCH3 = 20261205
SEED_BATCH4 = 20261207
SEED_BATCH5 = 20261209
SEED_BATCH6 = 20261211
SEED_BATCH7 = 20261213
SEED_BATCH8 = 20261215
SEED_BATCH9 = 20261217
SEED_BATCH10 = 20261219
SEED_BATCH11 = 20261221
SEED_BATCH12 = 20261223
SEED_BATCH13 = 20261225
SEED_BATCH14 = 20261227
SEED_BATCH15 = 20261229
SEED_BATCH16 = 20261231
SEED_BATCH17 = 20270102
SEED_BATCH18 = 20270104
SEED_BATCH19 = 20270106
SEED_BATCH20 = 20270108
SEED_BATCH21 = 20270110
SEED_BATCH22 = 20270112
SEED_BATCH23 = 20270114
SEED_BATCH24 = 20270116
SEED_BATCH25 = 20270118
SEED_BATCH26 = 20270120
SEED_BATCH27 = 20270122
SEED_BATCH28 = 20270124
SEED_BATCH29 = 20270126
SEED_BATCH30 = 20270128
SEED_BATCH31 = 20270130
SEED_BATCH32 = 20270132
SEED_BATCH33 = 20270134
SEED_BATCH34 = 20270136
SEED_BATCH35 = 20270138
SEED_BATCH36 = 20270140
SEED_BATCH37 = 20270142
SEED_BATCH38 = 20270144
SEED_BATCH39 = 20270146
SEED_BATCH40 = 20270148
SEED_BATCH41 = 20270150
SEED_BATCH42 = 20270152
SEED_BATCH43 = 20270154
SEED_BATCH44 = 20270156
SEED_BATCH45 = 20270158
SEED_BATCH46 = 20270160
SEED_BATCH47 = 20270162
SEED_BATCH48 = 20270164
SEED_BATCH49 = 20270166
SEED_BATCH50 = 20270168
SEED_BATCH51 = 20270170
REPO = Path(__file__).resolve().parents[1]
SAMPLE_FILE = "data/sample/vntc_sample.jsonl"
VNTC_FILE = "corpora/vntc-train.jsonl.gz"         # relative to the shared folder
DANES_FILE = "corpora/danes-annotated.jsonl.gz"
SEEDS_DIR = "seeds"
RULES_FILE = "data/validation/coding_rules.yaml"
OUT_FILE = "data/validation/themes_units.csv"

N_SAMPLE = 110
N_VNTC_PER_LABEL = 14
N_DANES = 40
N_SAMPLE_2 = 55
N_VNTC_2 = 75
N_DANES_2 = 30
SPLIT_BATCH2 = "holdout2"
N_SAMPLE_3 = 55
N_VNTC_3 = 75
N_DANES_3 = 30
SPLIT_BATCH3 = "holdout3"
N_SAMPLE_4 = 55
N_VNTC_4 = 75
N_DANES_4 = 30
SPLIT_BATCH4 = "holdout4"
N_SAMPLE_5 = 55
N_VNTC_5 = 75
N_DANES_5 = 30
SPLIT_BATCH5 = "holdout5"
N_SAMPLE_6 = 55
N_VNTC_6 = 75
N_DANES_6 = 30
SPLIT_BATCH6 = "holdout6"
N_SAMPLE_7 = 55
N_VNTC_7 = 75
N_DANES_7 = 30
SPLIT_BATCH7 = "holdout7"
N_SAMPLE_8 = 0            # the sample is used up (see the docstring): held-out VNTC and DaNES only
N_VNTC_8 = 120
N_DANES_8 = 40
SPLIT_BATCH8 = "holdout8"
N_SAMPLE_9 = 0
N_VNTC_9 = 120
N_DANES_9 = 40
SPLIT_BATCH9 = "holdout9"
SPLIT_BATCH10 = "holdout10"   # sizes and quotas as batch 9
SPLIT_BATCH11 = "holdout11"   # sizes and quotas as batch 9
SPLIT_BATCH12 = "holdout12"   # sizes and quotas as batch 9
SPLIT_BATCH13 = "holdout13"   # sizes and quotas as batch 9
SPLIT_BATCH14 = "holdout14"   # sizes and quotas as batch 9
SPLIT_BATCH15 = "holdout15"   # sizes and quotas as batch 9
SPLIT_BATCH16 = "holdout16"   # sizes and quotas as batch 9
SPLIT_BATCH17 = "holdout17"   # sizes and quotas as batch 9
SPLIT_BATCH18 = "holdout18"   # sizes and quotas as batch 9
SPLIT_BATCH19 = "holdout19"   # sizes and quotas as batch 9
SPLIT_BATCH20 = "holdout20"   # sizes and quotas as batch 9
SPLIT_BATCH21 = "holdout21"   # sizes and quotas as batch 9
SPLIT_BATCH22 = "holdout22"   # sizes and quotas as batch 9
SPLIT_BATCH23 = "holdout23"   # sizes and quotas as batch 9
SPLIT_BATCH24 = "holdout24"   # sizes and quotas as batch 9
SPLIT_BATCH25 = "holdout25"   # sizes and quotas as batch 9
SPLIT_BATCH26 = "holdout26"   # sizes and quotas as batch 9
SPLIT_BATCH27 = "holdout27"   # sizes and quotas as batch 9
SPLIT_BATCH28 = "holdout28"   # sizes and quotas as batch 9
SPLIT_BATCH29 = "holdout29"   # sizes and quotas as batch 9
SPLIT_BATCH30 = "holdout30"   # sizes and quotas as batch 9
SPLIT_BATCH31 = "holdout31"   # sizes and quotas as batch 9
SPLIT_BATCH32 = "holdout32"   # sizes and quotas as batch 9
SPLIT_BATCH33 = "holdout33"   # sizes and quotas as batch 9
SPLIT_BATCH34 = "holdout34"   # sizes and quotas as batch 9
SPLIT_BATCH35 = "holdout35"   # sizes and quotas as batch 9
SPLIT_BATCH36 = "holdout36"   # sizes and quotas as batch 9
SPLIT_BATCH37 = "holdout37"   # sizes and quotas as batch 9
SPLIT_BATCH38 = "holdout38"   # sizes and quotas as batch 9
SPLIT_BATCH39 = "holdout39"   # sizes and quotas as batch 9
SPLIT_BATCH40 = "holdout40"   # sizes and quotas as batch 9
SPLIT_BATCH41 = "holdout41"   # sizes and quotas as batch 9
SPLIT_BATCH42 = "holdout42"   # sizes and quotas as batch 9
SPLIT_BATCH43 = "holdout43"   # sizes and quotas as batch 9
SPLIT_BATCH44 = "holdout44"   # sizes and quotas as batch 9
SPLIT_BATCH45 = "holdout45"   # sizes and quotas as batch 9
SPLIT_BATCH46 = "holdout46"   # sizes and quotas as batch 9
SPLIT_BATCH47 = "holdout47"   # sizes and quotas as batch 9
SPLIT_BATCH48 = "holdout48"   # sizes and quotas as batch 9
SPLIT_BATCH49 = "holdout49"   # sizes and quotas as batch 9
SPLIT_BATCH50 = "holdout50"   # sizes and quotas as batch 9
SPLIT_BATCH51 = "holdout51"   # sizes and quotas as batch 9
# batch 9's VNTC quota per label (see the docstring): the policy-bearing labels oversampled, the others kept
POLICY_LABELS_9 = ("Chinh tri Xa hoi", "Khoa hoc", "Kinh doanh", "Vi tinh")
VNTC_QUOTA_9 = {"Chinh tri Xa hoi": 24, "Khoa hoc": 24, "Kinh doanh": 24, "Vi tinh": 24, "Doi song": 4,
                "Phap luat": 4, "Suc khoe": 4, "The gioi": 4, "The thao": 4, "Van hoa": 4}
MAX_CHARS = 1500          # coders see the first 1,500 characters of an article (VNTC: title is in its first line)
MIN_ARTICLE_CHARS = 200   # the pipeline rejects shorter articles (clean.min_chars); none is drawn
MIN_PARAGRAPH_CHARS = 80
MAX_HEADING_CHARS = 150

# Photo captions without the "|" marker, found by reading the seed files (file stem -> 1-based line numbers).
SEED_CAPTIONS = {"004_2ea6dc5a586acea5": {5, 12}}
SENTENCE_END = re.compile(r"[.!?…:;”\"')]\s*\|?\s*$")

COLUMNS = ["item_id", "corpus", "file", "line", "article_id", "level", "stratum", "label", "text_chars",
           "truncated", "text", "split"]


def rng_for(corpus: str) -> random.Random:
    return random.Random(f"{SEED}:{corpus}")


def example_ids(rules_path: Path) -> set[str]:
    """Ids of the examples in coding_rules.yaml (read with a regex: the script needs no YAML parser)."""
    text = rules_path.read_text(encoding="utf-8")
    return set(re.findall(r'\bid:\s*"([^"]+)"', text))


def text_key(text: str) -> str:
    """Whitespace-normalised text, to recognise a held-out record that repeats a sample article under another id."""
    return " ".join(text.split())


def clip(text: str) -> tuple[str, bool]:
    return (text[:MAX_CHARS], True) if len(text) > MAX_CHARS else (text, False)


def assign_split(units: list[dict], rng: random.Random) -> None:
    """Half tune, half holdout at random within each stratum; odd leftovers pooled and alternated."""
    strata: dict[str, list[dict]] = {}
    for u in units:
        strata.setdefault(u["stratum"], []).append(u)
    leftovers = []
    for key in sorted(strata):
        members = sorted(strata[key], key=lambda u: u["item_id"])
        rng.shuffle(members)
        if len(members) % 2:
            leftovers.append(members.pop())
        for i, u in enumerate(members):
            u["split"] = "tune" if i % 2 == 0 else "holdout"
    leftovers.sort(key=lambda u: u["item_id"])
    rng.shuffle(leftovers)
    first = rng.choice(["tune", "holdout"])
    second = "holdout" if first == "tune" else "tune"
    for i, u in enumerate(leftovers):
        u["split"] = first if i % 2 == 0 else second


def water_fill(sizes: dict[str, int], total: int, rng: random.Random) -> dict[str, int]:
    """Quota per cell: one more per cell each round while it has items left; the last round to random cells."""
    quota = {k: 0 for k in sizes}
    remaining = total
    while remaining > 0:
        open_cells = sorted(k for k in sizes if quota[k] < sizes[k])
        if not open_cells:
            raise SystemExit(f"only {total - remaining} items available, {total} wanted")
        chosen = open_cells if len(open_cells) <= remaining else rng.sample(open_cells, remaining)
        for k in chosen:
            quota[k] += 1
        remaining -= len(chosen)
    return quota


def draw_sample(excluded: set[str]) -> tuple[list[dict], set[str], set[str]]:
    rng = rng_for("sample")
    records = []
    with open(REPO / SAMPLE_FILE, encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if line.strip():
                r = json.loads(line)
                records.append((line_no, r))
    sample_ids = {r["id"] for _, r in records}
    sample_texts = {text_key(r["text"]) for _, r in records}
    cells: dict[str, list] = {}
    for line_no, r in records:
        if r["id"] not in excluded and len(r["text"]) >= MIN_ARTICLE_CHARS:
            cells.setdefault(f"{r['label']}|{r['source_code']}", []).append((line_no, r))
    quota = water_fill({k: len(v) for k, v in cells.items()}, N_SAMPLE, rng)
    units = []
    for key in sorted(cells):
        members = sorted(cells[key], key=lambda x: x[0])
        for line_no, r in rng.sample(members, quota[key]):
            text, cut = clip(r["text"])
            units.append({"item_id": f"sample:{r['id']}", "corpus": "sample", "file": SAMPLE_FILE,
                          "line": line_no, "article_id": r["id"], "level": "article", "stratum": key,
                          "label": r["label"], "text_chars": len(r["text"]), "truncated": cut, "text": text})
    assign_split(units, rng)
    return units, sample_ids, sample_texts


def draw_vntc(shared: Path, excluded: set[str], excluded_texts: set[str]) -> list[dict]:
    rng = rng_for("vntc_heldout")
    by_label: dict[str, list[tuple[int, str]]] = {}
    with gzip.open(shared / VNTC_FILE, "rt", encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            r = json.loads(line)
            if (r["id"] not in excluded and len(r["text"]) >= MIN_ARTICLE_CHARS
                    and text_key(r["text"]) not in excluded_texts):
                by_label.setdefault(r["label"], []).append((line_no, r["id"]))
    if len(by_label) != 10:
        raise SystemExit(f"expected 10 VNTC labels, found {sorted(by_label)}")
    wanted = {}
    for label in sorted(by_label):
        for line_no, _ in rng.sample(by_label[label], N_VNTC_PER_LABEL):
            wanted[line_no] = label
    units = []
    with gzip.open(shared / VNTC_FILE, "rt", encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if line_no in wanted:
                r = json.loads(line)
                text, cut = clip(r["text"])
                units.append({"item_id": f"vntc:{r['id']}", "corpus": "vntc_heldout",
                              "file": f"../shared/{VNTC_FILE}", "line": line_no, "article_id": r["id"],
                              "level": "article", "stratum": r["label"], "label": r["label"],
                              "text_chars": len(r["text"]), "truncated": cut, "text": text})
    assign_split(units, rng)
    return units


def seed_paragraphs(path: Path) -> list[tuple[int, str]]:
    """(line number, paragraph) for the body paragraphs of one seed file (see README: Seed paragraphs)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    out = []
    previous_was_image = False
    for line_no, raw in enumerate(lines[1:], 2):          # line 1 is the title
        line = raw.strip()
        if not line:
            break                                          # end of the body: related-article lists follow
        is_image = line.startswith("![")
        caption = previous_was_image and line.endswith("|")
        previous_was_image = is_image
        if is_image or caption or line_no in SEED_CAPTIONS.get(path.stem, set()):
            continue
        if len(line) < MIN_PARAGRAPH_CHARS:
            continue
        if len(line) < MAX_HEADING_CHARS and not SENTENCE_END.search(line):
            continue                                       # a section heading
        out.append((line_no, line.rstrip("|").rstrip()))
    return out


def draw_seeds(shared: Path) -> list[dict]:
    rng = rng_for("seed")
    units = []
    for path in sorted((shared / SEEDS_DIR).glob("*.txt")):
        for line_no, para in seed_paragraphs(path):
            units.append({"item_id": f"seed:{path.stem}:p{line_no}", "corpus": "seed",
                          "file": f"../shared/{SEEDS_DIR}/{path.name}", "line": line_no, "article_id": path.stem,
                          "level": "paragraph", "stratum": path.stem, "label": "", "text_chars": len(para),
                          "truncated": False, "text": para})
    assign_split(units, rng)
    return units


def danes_round_robin(records: dict[int, dict], rng: random.Random, n: int) -> list[dict]:
    """n DaNES items: topics in a seeded random order, round after round, each visit drawing one not-yet-drawn
    item that carries the topic (its stratum). Shared by every batch (same draws as before it was shared)."""
    topics = sorted({t for r in records.values() for t in r["topics"]})
    rng.shuffle(topics)
    drawn: dict[int, str] = {}                             # line -> the topic that drew it (its stratum)
    while len(drawn) < n:
        progress = False
        for topic in topics:
            if len(drawn) == n:
                break
            candidates = sorted(k for k, r in records.items() if topic in r["topics"] and k not in drawn)
            if candidates:
                drawn[rng.choice(candidates)] = topic
                progress = True
        if not progress:
            raise SystemExit("DANeS has fewer items than wanted")
    units = []
    for line_no in sorted(drawn):
        r = records[line_no]
        full = f"{r['title'].strip()}\n{(r.get('text') or '').strip()}".strip()
        text, cut = clip(full)
        units.append({"item_id": f"danes:{r['id']}", "corpus": "danes", "file": f"../shared/{DANES_FILE}",
                      "line": line_no, "article_id": str(r["id"]), "level": "article", "stratum": drawn[line_no],
                      "label": r.get("label", ""), "text_chars": len(full), "truncated": cut, "text": text})
    return units


def draw_danes(shared: Path) -> list[dict]:
    rng = rng_for("danes")
    records = {}
    with gzip.open(shared / DANES_FILE, "rt", encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            r = json.loads(line)
            if (r.get("title") or "").strip():
                records[line_no] = r
    units = danes_round_robin(records, rng, N_DANES)
    assign_split(units, rng)
    return units


# ---- batch 2 ------------------------------------------------------------------------------------------------
# Batch 2 reuses the batch-1 functions' conventions but has its own random streams (SEED_BATCH2), so batch 1's
# draw is untouched; it excludes every record that batch 1 drew, by id and by text.

def rng2_for(corpus: str, seed: int = SEED_BATCH2) -> random.Random:
    return random.Random(f"{seed}:{corpus}")


def article_unit(corpus: str, prefix: str, file: str, line_no: int, r: dict, stratum: str,
                 split: str = SPLIT_BATCH2) -> dict:
    text, cut = clip(r["text"])
    return {"item_id": f"{prefix}:{r['id']}", "corpus": corpus, "file": file, "line": line_no,
            "article_id": r["id"], "level": "article", "stratum": stratum, "label": r["label"],
            "text_chars": len(r["text"]), "truncated": cut, "text": text, "split": split}


def draw_sample_2(excluded: set[str], taken_texts: set[str], n: int = N_SAMPLE_2, seed: int = SEED_BATCH2,
                  split: str = SPLIT_BATCH2) -> list[dict]:
    rng = rng2_for("sample", seed)
    cells: dict[str, list] = {}
    with open(REPO / SAMPLE_FILE, encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            r = json.loads(line)
            if (r["id"] not in excluded and len(r["text"]) >= MIN_ARTICLE_CHARS
                    and text_key(r["text"]) not in taken_texts):
                cells.setdefault(f"{r['label']}|{r['source_code']}", []).append((line_no, r))
    quota = water_fill({k: len(v) for k, v in cells.items()}, n, rng)
    units = []
    for key in sorted(cells):
        members = sorted(cells[key], key=lambda x: x[0])
        for line_no, r in rng.sample(members, quota[key]):
            units.append(article_unit("sample", "sample", SAMPLE_FILE, line_no, r, key, split))
    return units


def draw_vntc_2(shared: Path, excluded: set[str], excluded_texts: set[str], n: int = N_VNTC_2,
                seed: int = SEED_BATCH2, split: str = SPLIT_BATCH2, quota: dict[str, int] | None = None
                ) -> list[dict]:
    rng = rng2_for("vntc_heldout", seed)
    by_label: dict[str, list[int]] = {}
    seen_texts: set[str] = set()
    with gzip.open(shared / VNTC_FILE, "rt", encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            r = json.loads(line)
            key = text_key(r["text"])
            # a text repeated under several ids is eligible once (its first line), so no text is drawn twice
            if (r["id"] not in excluded and len(r["text"]) >= MIN_ARTICLE_CHARS
                    and key not in excluded_texts and key not in seen_texts):
                seen_texts.add(key)
                by_label.setdefault(r["label"], []).append(line_no)
    if len(by_label) != 10:
        raise SystemExit(f"expected 10 VNTC labels, found {sorted(by_label)}")
    if quota is None:
        quota = water_fill({k: len(v) for k, v in by_label.items()}, n, rng)
    elif sorted(quota) != sorted(by_label) or sum(quota.values()) != n:
        raise SystemExit(f"a VNTC quota must name the 10 labels and sum to {n}: {quota}")
    wanted: set[int] = set()
    for label in sorted(by_label):
        wanted.update(rng.sample(by_label[label], quota[label]))
    units = []
    with gzip.open(shared / VNTC_FILE, "rt", encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if line_no in wanted:
                r = json.loads(line)
                units.append(article_unit("vntc_heldout", "vntc", f"../shared/{VNTC_FILE}", line_no, r,
                                          r["label"], split))
    return units


def draw_danes_2(shared: Path, taken_lines: set[int], taken_texts: set[str], n: int = N_DANES_2,
                 seed: int = SEED_BATCH2, split: str = SPLIT_BATCH2) -> list[dict]:
    rng = rng2_for("danes", seed)
    records = {}
    with gzip.open(shared / DANES_FILE, "rt", encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            r = json.loads(line)
            full = f"{(r.get('title') or '').strip()}\n{(r.get('text') or '').strip()}".strip()
            if ((r.get("title") or "").strip() and line_no not in taken_lines
                    and text_key(full) not in taken_texts):
                records[line_no] = r
    units = danes_round_robin(records, rng, n)
    for unit in units:
        unit["split"] = split
    return units


# every later batch: (sizes: sample, held-out VNTC, DaNES), seed, split; drawn in this order, each excluding all
# that the batches before it drew (draw_later)
LATER_BATCHES = {2: ((N_SAMPLE_2, N_VNTC_2, N_DANES_2), SEED_BATCH2, SPLIT_BATCH2),
                 3: ((N_SAMPLE_3, N_VNTC_3, N_DANES_3), SEED_BATCH3, SPLIT_BATCH3),
                 4: ((N_SAMPLE_4, N_VNTC_4, N_DANES_4), SEED_BATCH4, SPLIT_BATCH4),
                 5: ((N_SAMPLE_5, N_VNTC_5, N_DANES_5), SEED_BATCH5, SPLIT_BATCH5),
                 6: ((N_SAMPLE_6, N_VNTC_6, N_DANES_6), SEED_BATCH6, SPLIT_BATCH6),
                 7: ((N_SAMPLE_7, N_VNTC_7, N_DANES_7), SEED_BATCH7, SPLIT_BATCH7),
                 8: ((N_SAMPLE_8, N_VNTC_8, N_DANES_8), SEED_BATCH8, SPLIT_BATCH8),
                 9: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH9, SPLIT_BATCH9),
                 10: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH10, SPLIT_BATCH10),
                 11: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH11, SPLIT_BATCH11),
                 12: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH12, SPLIT_BATCH12),
                 13: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH13, SPLIT_BATCH13),
                 14: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH14, SPLIT_BATCH14),
                 15: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH15, SPLIT_BATCH15),
                 16: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH16, SPLIT_BATCH16),
                 17: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH17, SPLIT_BATCH17),
                 18: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH18, SPLIT_BATCH18),
                 19: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH19, SPLIT_BATCH19),
                 20: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH20, SPLIT_BATCH20),
                 21: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH21, SPLIT_BATCH21),
                 22: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH22, SPLIT_BATCH22),
                 23: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH23, SPLIT_BATCH23),
                 24: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH24, SPLIT_BATCH24),
                 25: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH25, SPLIT_BATCH25),
                 26: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH26, SPLIT_BATCH26),
                 27: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH27, SPLIT_BATCH27),
                 28: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH28, SPLIT_BATCH28),
                 29: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH29, SPLIT_BATCH29),
                 30: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH30, SPLIT_BATCH30),
                 31: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH31, SPLIT_BATCH31),
                 32: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH32, SPLIT_BATCH32),
                 33: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH33, SPLIT_BATCH33),
                 34: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH34, SPLIT_BATCH34),
                 35: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH35, SPLIT_BATCH35),
                 36: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH36, SPLIT_BATCH36),
                 37: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH37, SPLIT_BATCH37),
                 38: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH38, SPLIT_BATCH38),
                 39: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH39, SPLIT_BATCH39),
                 40: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH40, SPLIT_BATCH40),
                 41: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH41, SPLIT_BATCH41),
                 42: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH42, SPLIT_BATCH42),
                 43: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH43, SPLIT_BATCH43),
                 44: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH44, SPLIT_BATCH44),
                 45: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH45, SPLIT_BATCH45),
                 46: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH46, SPLIT_BATCH46),
                 47: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH47, SPLIT_BATCH47),
                 48: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH48, SPLIT_BATCH48),
                 49: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH49, SPLIT_BATCH49),
                 50: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH50, SPLIT_BATCH50),
                 51: ((N_SAMPLE_9, N_VNTC_9, N_DANES_9), SEED_BATCH51, SPLIT_BATCH51)}
# batches whose VNTC articles follow a fixed quota per label instead of water-filling
VNTC_QUOTAS = {9: VNTC_QUOTA_9, 10: VNTC_QUOTA_9, 11: VNTC_QUOTA_9, 12: VNTC_QUOTA_9, 13: VNTC_QUOTA_9,
               14: VNTC_QUOTA_9, 15: VNTC_QUOTA_9, 16: VNTC_QUOTA_9, 17: VNTC_QUOTA_9,
               18: VNTC_QUOTA_9, 19: VNTC_QUOTA_9, 20: VNTC_QUOTA_9, 21: VNTC_QUOTA_9,
               22: VNTC_QUOTA_9, 23: VNTC_QUOTA_9, 24: VNTC_QUOTA_9,
               25: VNTC_QUOTA_9, 26: VNTC_QUOTA_9, 27: VNTC_QUOTA_9, 28: VNTC_QUOTA_9,
               29: VNTC_QUOTA_9, 30: VNTC_QUOTA_9, 31: VNTC_QUOTA_9, 32: VNTC_QUOTA_9,
               33: VNTC_QUOTA_9, 34: VNTC_QUOTA_9, 35: VNTC_QUOTA_9,
               36: VNTC_QUOTA_9, 37: VNTC_QUOTA_9, 38: VNTC_QUOTA_9, 39: VNTC_QUOTA_9,
               40: VNTC_QUOTA_9, 41: VNTC_QUOTA_9, 42: VNTC_QUOTA_9, 43: VNTC_QUOTA_9,
               44: VNTC_QUOTA_9, 45: VNTC_QUOTA_9, 46: VNTC_QUOTA_9, 47: VNTC_QUOTA_9,
               48: VNTC_QUOTA_9, 49: VNTC_QUOTA_9, 50: VNTC_QUOTA_9, 51: VNTC_QUOTA_9}


def draw_later(shared: Path, excluded: set[str], earlier: list[dict], sample_ids: set[str],
               sample_texts: set[str], sizes: tuple[int, int, int], seed: int, split: str,
               vntc_quota: dict[str, int] | None = None) -> list[dict]:
    """A later batch: nothing that an earlier batch drew (same record id, same line, or same text)."""
    n_sample, n_vntc, n_danes = sizes
    taken_ids = excluded | {u["article_id"] for u in earlier}
    taken_texts = {text_key(u["text"]) for u in earlier if not u["truncated"]}
    taken_full: set[str] = set()
    b1_vntc_lines = {int(u["line"]) for u in earlier if u["corpus"] == "vntc_heldout"}
    b1_sample_ids = {u["article_id"] for u in earlier if u["corpus"] == "sample"}
    with open(REPO / SAMPLE_FILE, encoding="utf-8") as fh:       # full texts of the earlier sample articles
        for line in fh:
            if line.strip():
                r = json.loads(line)
                if r["id"] in b1_sample_ids:
                    taken_full.add(text_key(r["text"]))
    with gzip.open(shared / VNTC_FILE, "rt", encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if line_no in b1_vntc_lines:
                taken_full.add(text_key(json.loads(line)["text"]))
    units = draw_sample_2(taken_ids, taken_texts | taken_full, n_sample, seed, split)
    units += draw_vntc_2(shared, taken_ids | sample_ids, sample_texts | taken_full, n_vntc, seed, split, vntc_quota)
    b1_danes = {int(u["line"]) for u in earlier if u["corpus"] == "danes"}
    units += draw_danes_2(shared, b1_danes, taken_texts, n_danes, seed, split)
    return units


def to_frame(units: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(units, columns=COLUMNS)
    order = {"sample": 0, "vntc_heldout": 1, "seed": 2, "danes": 3}
    return df.sort_values(["corpus", "file", "line"], key=lambda s: s.map(order) if s.name == "corpus" else s)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(REPO.parent / "shared"),
                    help="the shared folder with corpora/ and seeds/ (default: ../shared beside the repository)")
    ap.add_argument("--out", default=str(REPO / OUT_FILE))
    ap.add_argument("--batch", choices=["all", "1", *map(str, LATER_BATCHES)], default="all",
                    help="all (default: every batch, the committed sheet), or one batch alone")
    ap.add_argument("--parts", default=None,
                    help="also write every batch drawn, each alone as --batch N writes it, to PARTS/batchN.csv "
                         "(one run instead of one a batch: each --batch N redraws batches 1..N)")
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    for needed in (shared / VNTC_FILE, shared / DANES_FILE, shared / SEEDS_DIR):
        if not needed.exists():
            print(f"missing {needed}: pass --shared /path/to/shared", file=sys.stderr)
            return 2
    excluded = example_ids(REPO / RULES_FILE)
    sample_units, sample_ids, sample_texts = draw_sample(excluded)
    units = sample_units
    units += draw_vntc(shared, excluded | sample_ids, sample_texts)
    units += draw_seeds(shared)
    units += draw_danes(shared)
    frames, earlier = [to_frame(units)], list(units)       # batch 1, sorted as it always was
    numbers = [1]
    last = max(LATER_BATCHES) if args.batch == "all" else int(args.batch)
    for batch, (sizes, seed, split) in LATER_BATCHES.items():
        if batch > last:
            break
        drawn = draw_later(shared, excluded, earlier, sample_ids, sample_texts, sizes, seed, split,
                           VNTC_QUOTAS.get(batch))
        frames.append(to_frame(drawn))
        numbers.append(batch)
        earlier += drawn
    df = pd.concat(frames, ignore_index=True) if args.batch == "all" else frames[-1]
    assert df["item_id"].is_unique
    df.to_csv(args.out, index=False, lineterminator="\n")
    if args.parts:
        Path(args.parts).mkdir(parents=True, exist_ok=True)
        for batch, frame in zip(numbers, frames):
            frame.to_csv(Path(args.parts) / f"batch{batch}.csv", index=False, lineterminator="\n")
    summary = df.groupby(["corpus", "split"]).size().unstack(fill_value=0)
    print(f"{len(df)} units -> {args.out}\n{summary.to_string()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
