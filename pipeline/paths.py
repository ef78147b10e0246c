"""Every artifact's path, named once, and what each stage reads and writes.

Paths are relative to a project root: DVC runs each stage from the repository root, so that is the default; a
stage's `main(root)` (and `python -m pipeline.<stage> --root DIR`) reads and writes under another directory, which
is how tests and the bench run stages in a scratch copy (`pipeline.workspace`).

Layout: `data/interim` and `data/processed` carry data between stages; `reports/` is the product for people
(tables, figures, the report). No stage before figures reads anything under `reports/`; figures and report
assemble what the analysis stages wrote for people. `STAGE_IO` must equal the deps and outs of `dvc.yaml`
(tests/test_dvc_deps.py checks it), so a new artifact is named here first.
"""
from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

PARAMS = "params.yaml"
CITATION = "CITATION.cff"

# inter-stage data
RAW_ARTICLES = "data/interim/raw_articles.parquet"
INGEST_REJECTED = "data/interim/ingest_rejected.csv"
INGEST_WARNINGS = "data/interim/ingest_warnings.json"  # what ingest read with a warning (clean reports them)
ARTICLES = "data/interim/articles.parquet"
UNITS = "data/interim/units.parquet"
EMBEDDINGS = "data/processed/embeddings.npz"
EMBEDDINGS_INFO = "data/processed/embeddings_info.json"
TOPIC_ASSIGNMENTS = "data/processed/topic_assignments.parquet"
TOPIC_INFO = "data/processed/topic_info.parquet"
TOPIC_TERMS = "data/processed/topic_terms.parquet"
TOPIC_HIERARCHY = "data/processed/topic_hierarchy.csv"
TOPIC_FIT = "data/processed/topic_fit.json"
TOPIC_MODEL = "data/processed/topic_model"
TOPIC_THEMES = "data/processed/topic_themes.parquet"    # topics with their themes (reports/topics.csv for people)
UNIT_THEMES = "data/processed/unit_themes.parquet"      # units with topic, theme, metadata (reports/assignments.csv)
ARTICLE_THEMES = "data/processed/article_themes.parquet"

# for people
REJECTED = "reports/rejected.csv"
CLEANING = "reports/cleaning.json"
METRICS = "reports/metrics.json"
MODEL_SWEEP = "reports/model_sweep.csv"  # evaluate: stability, NPMI and diversity per number of topics
TOPICS_TABLE = "reports/topics.csv"
ASSIGNMENTS_TABLE = "reports/assignments.csv"
COMPARE_DIR = "reports/compare"
DISCOURSE_DIR = "reports/discourse"
FIGURES_DIR = "reports/figures"
FIGURE_MANIFEST = f"{FIGURES_DIR}/figures.json"   # figure name -> caption, width, order (written by figures)
REPORT_MD = "reports/report.md"
REPORT_HTML = "reports/report.html"
TABLES_DIR = "reports/tables"
VALIDATION_QUOTES = "reports/validation_quotes.json"  # speaker attribution on the coded quote set (not a stage)
CODEBOOK_FIT = "reports/codebook_fit.csv"          # each theme keyword's frequency in the corpus (themes)
THEMES_SUMMARY = "reports/themes_summary.json"     # codebook fit per theme, measured and topic shares (themes)
VALIDATION_THEMES = "reports/validation_themes.json"  # the measurement against human coding (validation)
VALIDATION_THEMES_GRID = "reports/validation_themes_grid.csv"  # `validation tune`: how the settings were chosen
VALIDATION_THEMES_CV = "reports/validation_themes_cv.json"  # `validation cv`: nested cross-validation of the settings
VALIDATION_THEMES_LEARN = "reports/validation_themes_learn.json"  # `validation learn`: learned vs similarity, nested CV
VALIDATION_THEMES_HYBRID = "reports/validation_themes_hybrid.json"  # `validation hybrid`: hybrid forms vs both, nested CV
VALIDATION_THEMES_CV_GRID = "reports/validation_themes_cv_grid.csv"  # `validation cv`: every setting, development units
VALIDATION_THEMES_LOBO = "reports/validation_themes_lobo.json"  # `validation lobo`: leave-one-batch-out, the candidates for the default

# files inside COMPARE_DIR and DISCOURSE_DIR (their columns live with the code that computes them)
COMPARE_TABLES = {"shares": "theme_shares", "pairwise": "pairwise", "contrasts": "contrasts",
                  "distinctive": "distinctive_words",
                  # covariate effects (pipeline/prevalence.py): tidy effects (raw and adjusted), group - reference
                  # differences raw beside adjusted, predicted prevalence by group or over time, the design
                  # (group x control counts), distinctive words of a group within a theme
                  "effects": "effects", "differences": "differences", "curves": "prevalence_curves",
                  "design": "design", "distinctive_within": "distinctive_words_within_theme"}
COMPARE_DESIGN = f"{COMPARE_DIR}/design.json"        # per field and control: association and confounding warning
COMPARE_TRAJECTORIES = f"{COMPARE_DIR}/series_trajectories.csv"  # per series and part: theme shares
COMPARE_TESTS = f"{COMPARE_DIR}/tests.csv"
DISCOURSE_TABLES = ("kwic", "collocations", "quotes", "actors", "actors_by_group", "passages")
DISCOURSE_SUMMARY = f"{DISCOURSE_DIR}/summary.json"


def compare_table(kind: str, field: str) -> str:
    """reports/compare/<table>_<field>.csv for kind in COMPARE_TABLES (shares, pairwise, ...)."""
    return f"{COMPARE_DIR}/{COMPARE_TABLES[kind]}_{field}.csv"


def discourse_table(name: str) -> str:
    if name not in DISCOURSE_TABLES:
        raise KeyError(f"{name}: not a discourse table ({', '.join(DISCOURSE_TABLES)})")
    return f"{DISCOURSE_DIR}/{name}.csv"


# what each stage reads (besides code and params) and writes: the data edges of dvc.yaml. Paths that come from
# params.yaml (corpus.path, clean.boilerplate, the cache folders) are declared in dvc.yaml by template and listed
# in PARAM_PATHS.
STAGE_IO: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "ingest": ((), (RAW_ARTICLES, INGEST_REJECTED, INGEST_WARNINGS)),
    "clean": ((RAW_ARTICLES, INGEST_REJECTED, INGEST_WARNINGS), (ARTICLES, REJECTED, CLEANING)),
    "segment": ((ARTICLES,), (UNITS,)),
    "embed": ((UNITS,), (EMBEDDINGS, EMBEDDINGS_INFO)),
    "topics": ((UNITS, EMBEDDINGS), (TOPIC_ASSIGNMENTS, TOPIC_INFO, TOPIC_TERMS, TOPIC_HIERARCHY, TOPIC_FIT, TOPIC_MODEL)),
    "evaluate": ((ARTICLES, UNITS, EMBEDDINGS, TOPIC_ASSIGNMENTS, TOPIC_INFO, TOPIC_FIT), (METRICS, MODEL_SWEEP)),
    "themes": ((ARTICLES, UNITS, EMBEDDINGS, TOPIC_ASSIGNMENTS, TOPIC_INFO, TOPIC_TERMS),
               (TOPICS_TABLE, ASSIGNMENTS_TABLE, TOPIC_THEMES, UNIT_THEMES, ARTICLE_THEMES, CODEBOOK_FIT,
                THEMES_SUMMARY)),
    "compare": ((ARTICLE_THEMES, UNITS, UNIT_THEMES), (COMPARE_DIR,)),
    "discourse": ((ARTICLES, UNITS, TOPIC_TERMS, UNIT_THEMES, TOPIC_THEMES), (DISCOURSE_DIR,)),
    "figures": ((TOPIC_THEMES, UNITS, TOPIC_HIERARCHY, MODEL_SWEEP, COMPARE_DIR, DISCOURSE_DIR), (FIGURES_DIR,)),
    "report": ((CITATION, METRICS, CLEANING, TOPIC_FIT, UNITS, TOPICS_TABLE, THEMES_SUMMARY, COMPARE_DIR,
                DISCOURSE_DIR, FIGURES_DIR),
               (REPORT_MD, REPORT_HTML, TABLES_DIR)),
}
# dvc.yaml deps and outs given by a params.yaml key (templated as ${key}), per stage
PARAM_PATHS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "ingest": (("corpus.path",), ()),
    "clean": (("clean.boilerplate",), ()),
    "segment": ((), ("segment.cache_dir",)),
    "embed": ((), ("embedding.cache_dir",)),
    "report": (("corpus.path",), ()),
    "themes": (("theme_measure.coding_rules", "theme_measure.validation_set", "theme_measure.sheet_vectors"),
               ("theme_measure.cache_dir",)),
}


@dataclass(frozen=True)
class Workspace:
    """A project root: `ws / paths.UNITS` is that artifact's path under it; `ws.resolve(p)` a params.yaml path."""

    root: Path

    def __truediv__(self, rel: str | os.PathLike) -> Path:
        return self.root / rel

    def resolve(self, path: str | os.PathLike) -> Path:
        """A path from params.yaml: absolute, or relative to the root (where DVC runs the stages)."""
        p = Path(path)
        return p if p.is_absolute() else self.root / p

    def read(self, *rels: str):
        """The artifacts at rels, each read by its kind (parquet, JSON, the embeddings' npz); one value for one path,
        else a tuple. A missing one says which stage makes it."""
        from pipeline import io as pio

        readers = {".parquet": pio.read_parquet, ".json": pio.read_json, ".npz": pio.load_embeddings}
        values = tuple(readers[Path(rel).suffix](self / rel) for rel in rels)
        return values[0] if len(values) == 1 else values

    @property
    def params_file(self) -> Path:
        # VN_DISCOURSE_PARAMS points a run at another params file (bench, Dask tests)
        override = os.environ.get("VN_DISCOURSE_PARAMS")
        return Path(override) if override else self.root / PARAMS


def workspace(root: str | os.PathLike | None = None) -> Workspace:
    return Workspace(Path(root).resolve() if root is not None else Path.cwd())


def stage_args(stage: str, argv: list[str] | None = None) -> Workspace:
    """The command line every stage accepts: `python -m pipeline.<stage> [--root DIR]`."""
    parser = argparse.ArgumentParser(prog=f"python -m pipeline.{stage}",
                                     description=f"the {stage} stage of vn-discourse (see dvc.yaml)")
    parser.add_argument("--root", default=None, help="project directory to read and write (default: here)")
    return workspace(parser.parse_args(argv).root)
