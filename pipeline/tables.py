"""Where the compare, discourse and figures stages write their tables, in one place: the stages that write
them and the stages that read them (figures, report) import these names instead of spelling file names
themselves. Columns stay with the module that computes them."""
from __future__ import annotations

from pathlib import Path

COMPARE_DIR = Path("reports/compare")
# compare's result name -> file stem; one file per compare.by field: <stem>_<field>.csv
COMPARE_TABLES = {"shares": "theme_shares", "pairwise": "pairwise", "contrasts": "contrasts",
                  "distinctive": "distinctive_words"}
COMPARE_TESTS = COMPARE_DIR / "tests.csv"  # one row a field: the omnibus tests

DISCOURSE_DIR = Path("reports/discourse")
DISCOURSE_TABLES = ("kwic", "collocations", "quotes", "actors", "actors_by_group", "passages")

FIGURES_DIR = Path("reports/figures")
FIGURE_MANIFEST = FIGURES_DIR / "figures.json"  # figure name -> caption, width, order (written by figures)


def compare_path(name: str, field: str, root: Path = COMPARE_DIR) -> Path:
    """reports/compare/<stem>_<field>.csv of one compare result ("shares", "pairwise", ...)."""
    return Path(root) / f"{COMPARE_TABLES[name]}_{field}.csv"


def discourse_path(name: str, root: Path = DISCOURSE_DIR) -> Path:
    return Path(root) / f"{name}.csv"
