"""The hand-coded theme validation set (data/validation/): schema, codes, split and provenance stay consistent."""
from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
VALIDATION = REPO / "data" / "validation"
SHARED = Path(os.environ.get("VN_DISCOURSE_SHARED", REPO.parent / "shared"))   # the corpora beside the repository
CODES = ["institutions", "spatial_planning", "digital_governance", "science_innovation", "economy_business",
         "society_welfare", "other"]
UNIT_COLUMNS = ["item_id", "corpus", "file", "line", "article_id", "level", "stratum", "label", "text_chars",
                "truncated", "text", "split"]
CODE_COLUMNS = ["theme", "secondary", "confidence", "note", "coder", "coded_at"]
# later batches (README: Batch 2, 3, ...): fresh held-out units, one split and one coder each
LATER = {"holdout2": (2, "claude-session-D"), "holdout3": (3, "claude-session-H"), "holdout4": (4, "claude-session-J"),
         "holdout5": (5, "claude-session-M"), "holdout6": (6, "claude-session-O"), "holdout7": (7, "claude-session-P"),
         "holdout8": (8, "claude-session-R"), "holdout9": (9, "claude-session-U"),
         "holdout10": (10, "claude-session-W"), "holdout11": (11, "claude-session-X"),
         "holdout12": (12, "claude-session-Z"), "holdout13": (13, "claude-session-AB"),
         "holdout14": (14, "claude-session-AD"), "holdout15": (15, "claude-session-AF"),
         "holdout16": (16, "claude-session-AH"), "holdout17": (17, "claude-session-AJ"),
         "holdout18": (18, "claude-session-AK"), "holdout19": (19, "claude-session-AM"),
         "holdout20": (20, "claude-session-AO"), "holdout21": (21, "claude-session-AQ"),
         "holdout22": (22, "claude-session-AS"), "holdout23": (23, "claude-session-AU"),
         "holdout24": (24, "claude-session-AW"), "holdout25": (25, "claude-session-AY"),
         "holdout26": (26, "claude-session-AZ"), "holdout27": (27, "claude-session-BB"),
         "holdout28": (28, "claude-session-BD"), "holdout29": (29, "claude-session-BF"),
         "holdout30": (30, "claude-session-BG"), "holdout31": (31, "claude-session-BJ"),
         "holdout32": (32, "claude-session-BL"), "holdout33": (33, "claude-session-BN"),
         "holdout34": (34, "claude-session-BO"), "holdout35": (35, "claude-session-BR"),
         "holdout36": (36, "claude-session-BT"), "holdout37": (37, "claude-session-BU"),
         "holdout38": (38, "claude-session-BX"), "holdout39": (39, "claude-session-BY"),
         "holdout40": (40, "claude-session-CB"), "holdout41": (41, "claude-session-CC"),
         "holdout42": (42, "claude-session-CF"), "holdout43": (43, "claude-session-CG"),
         "holdout44": (44, "claude-session-CJ"), "holdout45": (45, "claude-session-CK"),
         "holdout46": (46, "claude-session-CP"), "holdout47": (47, "claude-session-CQ"),
         "holdout48": (48, "claude-session-CT"), "holdout49": (49, "claude-session-CU"),
         "holdout50": (50, "claude-session-CX"), "holdout51": (51, "claude-session-CY")}
CODERS = {"tune": "claude-session-A", "holdout": "claude-session-A", **{s: c for s, (_, c) in LATER.items()}}
BATCH_OF = {"tune": 1, "holdout": 1, **{s: b for s, (b, _) in LATER.items()}}


@pytest.fixture(scope="module")
def units() -> pd.DataFrame:
    return pd.read_csv(VALIDATION / "themes_units.csv", keep_default_na=False, dtype=str)


@pytest.fixture(scope="module")
def coded() -> pd.DataFrame:
    return pd.read_csv(VALIDATION / "themes_coded.csv", keep_default_na=False, dtype=str)


@pytest.fixture(scope="module")
def rules() -> dict:
    return yaml.safe_load((VALIDATION / "coding_rules.yaml").read_text(encoding="utf-8"))


def test_coded_sheet_is_the_drawn_sheet_plus_codes(units, coded):
    assert list(units.columns) == UNIT_COLUMNS
    assert list(coded.columns) == UNIT_COLUMNS + CODE_COLUMNS
    pd.testing.assert_frame_equal(coded[UNIT_COLUMNS], units)
    assert units["item_id"].is_unique and len(units) >= 320


def test_every_unit_has_valid_codes(coded):
    assert set(coded["theme"]) <= set(CODES)
    for theme, secondary in zip(coded["theme"], coded["secondary"]):
        extra = [s for s in secondary.split(";") if s]
        assert len(extra) == len(set(extra)) and theme not in extra
        assert set(extra) <= set(CODES) - {"other"}
    assert set(coded["confidence"]) <= {"high", "medium", "low"}
    assert (coded["coder"] == coded["split"].map(CODERS)).all()
    # batches 1-8 were coded on 2026-12-02, batches 9-20 on 2026-12-03, batches 21-35 on 2026-12-04, 36-51 on 2026-12-05
    later = {"holdout9", "holdout10", "holdout11", "holdout12", "holdout13", "holdout14", "holdout15", "holdout16",
             "holdout17", "holdout18", "holdout19", "holdout20"}
    assert (coded["coded_at"] == coded["split"].map(
        lambda s: "2026-12-05" if s in ("holdout36", "holdout37", "holdout38", "holdout39", "holdout40", "holdout41", "holdout42", "holdout43", "holdout44", "holdout45", "holdout46", "holdout47", "holdout48", "holdout49", "holdout50", "holdout51") else "2026-12-04" if s in ("holdout21", "holdout22", "holdout23", "holdout24", "holdout25", "holdout26",
                                         "holdout27", "holdout28", "holdout29", "holdout30", "holdout31", "holdout32",
                                         "holdout33", "holdout34", "holdout35") else "2026-12-03" if s in later else "2026-12-02")).all()


def test_split_is_half_and_half_within_each_corpus(units):
    batch1 = units[~units["split"].isin(list(LATER))]
    counts = batch1.groupby(["corpus", "split"]).size().unstack(fill_value=0)
    assert set(batch1["split"]) == {"tune", "holdout"}
    assert set(counts.index) == {"sample", "vntc_heldout", "seed", "danes"}
    assert ((counts["tune"] - counts["holdout"]).abs() <= 1).all()


def test_later_batches_are_fresh_and_appended_in_order(units):
    batch = units["split"].map(BATCH_OF)
    assert batch.notna().all() and batch.is_monotonic_increasing and set(batch) == set(range(1, batch.max() + 1))
    assert batch.max() >= 4
    for later in range(2, batch.max() + 1):
        new, earlier = units[batch == later], units[batch < later]
        # batch 8 on draws no sample article: the bundled sample is used up (README: Batch 8)
        frame = {"sample", "vntc_heldout", "danes"} if later < 8 else {"vntc_heldout", "danes"}
        assert set(new["corpus"]) == frame and len(new) == 160
        assert not set(new["article_id"]) & set(earlier["article_id"])
        assert not set(new["text"]) & set(earlier["text"])
    # batches 9-51 weight the VNTC labels where the codebook's themes live (README: Batch 9): 24 each, others 4
    for split in ("holdout9", "holdout10", "holdout11", "holdout12", "holdout13", "holdout14", "holdout15",
                  "holdout16", "holdout17", "holdout18", "holdout19", "holdout20", "holdout21", "holdout22", "holdout23",
                  "holdout24", "holdout25", "holdout26", "holdout27", "holdout28", "holdout29", "holdout30",
                  "holdout31", "holdout32", "holdout33", "holdout34", "holdout35", "holdout36", "holdout37", "holdout38",
                  "holdout39", "holdout40", "holdout41", "holdout42", "holdout43", "holdout44", "holdout45",
                  "holdout46", "holdout47", "holdout48", "holdout49", "holdout50", "holdout51"):
        quota = units[(units["split"] == split) & (units["corpus"] == "vntc_heldout")]["stratum"].value_counts()
        if len(quota):
            assert quota.to_dict() == {**{label: 4 for label in quota.index}, "Chinh tri Xa hoi": 24, "Khoa hoc": 24,
                                       "Kinh doanh": 24, "Vi tinh": 24} and len(quota) == 10, split


def test_rules_cover_every_code_with_two_examples_outside_the_set(rules, units):
    assert list(rules["themes"]) == CODES
    for code, theme in rules["themes"].items():
        for key in ("label_en", "label_vi", "definition", "include", "exclude", "examples"):
            assert theme.get(key), (code, key)
        assert len(theme["examples"]) == 2
        for example in theme["examples"]:
            assert example["file"] and int(example["line"]) > 0 and example["id"]
            assert example["id"] not in set(units["article_id"])
    assert {"primary", "secondary"} <= set(rules["unit_rules"])


@pytest.mark.skipif(not (SHARED / "corpora" / "vntc-train.jsonl.gz").exists(), reason="../shared corpora absent")
def test_examples_and_units_point_at_the_right_lines(rules, units):
    wanted: dict[str, dict[int, str]] = {}
    for theme in rules["themes"].values():
        for example in theme["examples"]:
            wanted.setdefault(example["file"], {})[int(example["line"])] = example["id"]
    for row in units[units["file"].str.endswith(".jsonl.gz")].itertuples():
        wanted.setdefault(row.file, {})[int(row.line)] = row.article_id
    for rel, lines in wanted.items():
        path = SHARED / rel.removeprefix("../shared/") if rel.startswith("../shared/") else REPO / rel
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            found = {n: str(json.loads(line)["id"]) for n, line in enumerate(fh, 1) if n in lines}
        assert found == lines, rel


@pytest.mark.skipif(not (SHARED / "corpora" / "vntc-train.jsonl.gz").exists(), reason="../shared corpora absent")
def test_draw_is_reproducible(tmp_path):
    # one full draw writes the sheet and every batch alone (--parts); a full draw takes minutes and grows with each
    # batch, so `--batch N` itself is run only where it is cheap (batches 1 and 2) and compared with its part
    out, parts = tmp_path / "units.csv", tmp_path / "parts"
    subprocess.run([sys.executable, str(REPO / "scripts" / "draw_theme_validation.py"), "--shared", str(SHARED),
                    "--out", str(out), "--parts", str(parts)], check=True, capture_output=True)
    sheet = (VALIDATION / "themes_units.csv").read_bytes()
    assert out.read_bytes() == sheet
    # batch 1 alone is the sheet's first part, unchanged by the later draws; the newest batch alone is its last part
    first = (parts / "batch1.csv").read_bytes()
    assert sheet.startswith(first) and len(sheet) > len(first)
    newest = max(BATCH_OF[s] for s in pd.read_csv(VALIDATION / "themes_units.csv", usecols=["split"])["split"])
    newest_rows = (parts / f"batch{newest}.csv").read_bytes().split(b"\n", 1)[1]   # without the header line
    assert sheet.endswith(newest_rows) and f",holdout{newest}\n".encode() in newest_rows
    # the parts are what `--batch N` writes alone
    for batch in ("1", "2"):
        alone = tmp_path / f"alone{batch}.csv"
        subprocess.run([sys.executable, str(REPO / "scripts" / "draw_theme_validation.py"), "--shared", str(SHARED),
                        "--out", str(alone), "--batch", batch], check=True, capture_output=True)
        assert alone.read_bytes() == (parts / f"batch{batch}.csv").read_bytes()
