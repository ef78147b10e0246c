"""Run the real ingest/clean stages (`python -m pipeline.<stage>`) in a temporary copy of the project."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def make_project(tmp: Path, corpus: Path | None = None, **corpus_params) -> Path:
    """tmp gets params.yaml (the repo's, corpus.path -> data/raw) and data/boilerplate.yaml; `corpus` (a fixture
    folder or file) is copied to data/raw, so relative paths are read from tmp as DVC would from the root."""
    params = yaml.safe_load((REPO / "params.yaml").read_text(encoding="utf-8"))
    (tmp / "data").mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "data" / "boilerplate.yaml", tmp / "data" / "boilerplate.yaml")
    raw = tmp / "data" / "raw"
    if corpus is not None and corpus.is_dir():
        shutil.copytree(corpus, raw)
    elif corpus is not None:
        raw.mkdir()
        shutil.copy(corpus, raw / corpus.name)
    else:
        raw.mkdir(exist_ok=True)
    params["corpus"]["path"] = "data/raw"
    params["corpus"].update(corpus_params)
    (tmp / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return raw


def run_stage(tmp: Path, stage: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "VN_DISCOURSE_PARAMS"}
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run([sys.executable, "-m", f"pipeline.{stage}"], cwd=tmp, env=env, capture_output=True,
                          text=True, timeout=300)
