"""Shared fixtures: a temporary copy of the repository that runs the real `dvc repro` on small data."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import workspace

REPO = workspace.REPO
VENV_BIN = Path(sys.executable).parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = REPO.parent / "shared"

# settings that let UMAP/HDBSCAN and the comparisons work on tens of documents, and keep tests quick
SMALL_SETTINGS = {
    "topics.umap.n_neighbors": 5,
    "topics.hdbscan.min_cluster_size": 3,
    "topics.hdbscan.min_samples": 2,
    "topics.vectorizer.min_df": 1,
    "evaluate.stability_seeds": [1],
    "compare.bootstrap": 200,
    "clean.min_chars": 100,
}
set_param = workspace.set_key


def make_repo_copy(dest: Path, corpus: Path | None = None, overrides: dict | None = None) -> Path:
    """A git+DVC project at dest with the pipeline code, params (small settings + overrides) and a corpus."""
    return workspace.make(dest, corpus, {**SMALL_SETTINGS, **(overrides or {})}, code=True, git=True)


def env() -> dict:
    return workspace.env()


def run(cmd: list[str], cwd: Path, check: bool = True, timeout: int = 900) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, cwd=cwd, env=env(), capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return proc


def dvc(args: list[str], cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    return run([str(VENV_BIN / "dvc"), *args], cwd, check)


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory) -> Path:
    """One real `dvc repro` of the tiny VNTC fixture, shared by the tests that only read its outputs."""
    repo = make_repo_copy(tmp_path_factory.mktemp("tiny_run"), FIXTURES / "tiny_vntc.jsonl")
    dvc(["repro"], repo)
    return repo
