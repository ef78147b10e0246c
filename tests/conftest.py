"""Shared fixtures: a temporary copy of the repository that runs the real `dvc repro` on small data."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = REPO.parent / "shared"
# what a pipeline run needs from the repository (tests, data samples and reports stay behind)
REPO_FILES = ["pipeline", "params.yaml", "dvc.yaml", "data/boilerplate.yaml", ".dvc/config", ".dvcignore", "CITATION.cff"]

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


def set_param(params: dict, dotted: str, value) -> None:
    node = params
    *parents, last = dotted.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def make_repo_copy(dest: Path, corpus: Path | None = None, overrides: dict | None = None) -> Path:
    """A git+DVC repository at dest with the pipeline code, params (small settings + overrides) and a corpus."""
    for rel in REPO_FILES:
        src = REPO / rel
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, target)
    params = yaml.safe_load((REPO / "params.yaml").read_text(encoding="utf-8"))
    if corpus is not None:
        (dest / "data" / "raw").mkdir(parents=True, exist_ok=True)
        target = dest / "data" / "raw" / corpus.name
        (shutil.copytree if corpus.is_dir() else shutil.copy2)(corpus, target)
        set_param(params, "corpus.path", f"data/raw/{corpus.name}")
    for key, value in {**SMALL_SETTINGS, **(overrides or {})}.items():
        set_param(params, key, value)
    (dest / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
    run(["git", "init", "-q"], dest)
    run(["git", "add", "-A"], dest)
    run(["git", "-c", "user.name=test", "-c", "user.email=test@example.org", "commit", "-qm", "fixture"], dest)
    return dest


def env() -> dict:
    e = dict(os.environ)
    e["PATH"] = f"{VENV_BIN}{os.pathsep}{e.get('PATH', '')}"
    e.pop("VN_DISCOURSE_PARAMS", None)
    e["PYTHONHASHSEED"] = "0"
    return e


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
