"""Run the real ingest/clean stages (`python -m pipeline.<stage> --root DIR`) in a scratch workspace."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from pipeline import workspace

REPO = workspace.REPO
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def make_project(tmp: Path, corpus: Path | None = None, **corpus_params) -> Path:
    """tmp gets params.yaml (the repo's, corpus.path -> data/raw) and data/boilerplate.yaml; a fixture folder's
    files (or a fixture file) are copied into data/raw. Returns data/raw."""
    workspace.make(tmp, overrides={"corpus.path": "data/raw", **{f"corpus.{k}": v for k, v in corpus_params.items()}})
    raw = tmp / "data" / "raw"
    if corpus is not None and corpus.is_dir():
        shutil.copytree(corpus, raw)
    elif corpus is not None:
        raw.mkdir(parents=True)
        shutil.copy(corpus, raw / corpus.name)
    raw.mkdir(parents=True, exist_ok=True)
    return raw


def run_stage(tmp: Path, stage: str) -> subprocess.CompletedProcess:
    return workspace.run_stage(tmp, stage, timeout=300)
