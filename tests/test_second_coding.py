"""The blind second codings of the theme set: the shipped agreement files are what the script computes from the
shipped codes, and each second coder is someone other than the first coders of the units."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "data/validation"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("second_coding_agreement",
                                                  ROOT / "scripts/second_coding_agreement.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # the point estimates compared below do not depend on the bootstrap; 2,000 draws a group would take a minute
    full = module.agreement
    module.agreement = lambda a, b, draws=20, seed=module.SEED: full(a, b, draws, seed)
    return module


@pytest.mark.parametrize("second, split, corpus, shipped", [
    ("second_coding.csv", None, None, "second_coding_agreement.json"),
    ("second_coding_holdout45.csv", "holdout45", None, "second_coding_agreement_holdout45.json"),
    ("second_coding_seeds.csv", None, "seed", "second_coding_agreement_seed.json")])
def test_shipped_agreement_is_recomputed_from_the_codes(script, second, split, corpus, shipped):
    df = script.load(VALID, second, split, corpus)
    assert not set(df["coder"]) & set(df["coder2"])  # blind means another coder, not a re-read
    out = script.report(df)
    result = json.loads((VALID / shipped).read_text(encoding="utf-8"))
    for key in ("n", "percent_agreement", "cohen_kappa", "krippendorff_alpha", "lenient_agreement"):
        assert result["overall"][key] == pytest.approx(out["overall"][key]), key
    assert result["confusion"]["matrix"] == out["confusion"]["matrix"]
    assert [d["item_id"] for d in result["disagreements"]] == [d["item_id"] for d in out["disagreements"]]


def test_a_whole_batch_second_coding_must_code_every_unit_once(script, tmp_path):
    for name in ("themes_coded.csv", "themes_units.csv"):
        (tmp_path / name).symlink_to(VALID / name)
    rows = (VALID / "second_coding_holdout45.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "partial.csv").write_text("\n".join(rows[:-1]) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="code every unit once"):
        script.load(tmp_path, "partial.csv", "holdout45")


def test_the_seed_second_coding_covers_every_seed_paragraph(script):
    df = script.load(VALID, "second_coding_seeds.csv", corpus="seed")
    assert len(df) == 33 and set(df["corpus"]) == {"seed"} and set(df["coder2"]) == {"claude-session-CO"}
