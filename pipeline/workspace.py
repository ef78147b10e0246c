"""Scratch copies of the project, for the tests and the bench: one builder and one way to run a stage in it.

No stage imports this module. A workspace is a directory laid out like the repository (pipeline.paths): its own
params.yaml (the repository's, with overrides), the boilerplate rules, a corpus under data/raw, and optionally a
copy of the code and a git repository (for a real `dvc repro`). Stages run in it as
`python -m pipeline.<stage> --root DIR`.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from pipeline import paths

REPO = Path(__file__).resolve().parent.parent
# what a `dvc repro` needs from the repository (tests, data samples and reports stay behind)
DATA_FILES = ("data/boilerplate.yaml", "data/validation/coding_rules.yaml",  # rules the stages read
              "data/validation/themes_coded.csv",  # and the coded sheet (theme_measure.method learned trains on it)
              "data/validation/themes_coded_vectors.npz")  # with its texts' vectors
PROJECT_FILES = ("pipeline", paths.PARAMS, "dvc.yaml", *DATA_FILES, ".dvc/config", ".dvcignore", paths.CITATION)


def set_key(params: dict, dotted: str, value) -> None:
    node = params
    *parents, last = dotted.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def repo_params() -> dict:
    return yaml.safe_load((REPO / paths.PARAMS).read_text(encoding="utf-8"))


def write_params(root: Path, overrides: dict | None = None, params: dict | None = None) -> Path:
    """root/params.yaml: `params` (default: the repository's) with dotted-key overrides."""
    params = params if params is not None else repo_params()
    for key, value in (overrides or {}).items():
        set_key(params, key, value)
    path = Path(root) / paths.PARAMS
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def make(dest: str | os.PathLike, corpus: str | os.PathLike | None = None, overrides: dict | None = None, *,
         code: bool = False, git: bool = False) -> Path:
    """A project at dest: params (+ overrides), the boilerplate rules, `corpus` (a file or folder) copied to
    data/raw/<its name> and named in corpus.path; `code` copies pipeline/, dvc.yaml and the DVC config too (a
    stand-alone project), `git` makes it a git repository with one commit (what `dvc repro` needs)."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for rel in PROJECT_FILES if code else DATA_FILES:
        src, target = REPO / rel, dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, target, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
        elif src.exists():
            shutil.copy2(src, target)
    overrides = dict(overrides or {})
    if corpus is not None:
        corpus = Path(corpus)
        target = dest / "data" / "raw" / corpus.name
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if corpus.is_dir() else shutil.copy2)(corpus, target)
        overrides.setdefault("corpus.path", f"data/raw/{corpus.name}")
    write_params(dest, overrides)
    if git:
        for cmd in (["git", "init", "-q"], ["git", "add", "-A"],
                    ["git", "-c", "user.name=test", "-c", "user.email=test@example.org", "commit", "-qm", "workspace"]):
            subprocess.run(cmd, cwd=dest, check=True, capture_output=True)
    return dest


def env(root: str | os.PathLike | None = None, **extra: str) -> dict:
    """The environment a stage runs in: the workspace's own code when it has a copy, else the repository's."""
    e = {k: v for k, v in os.environ.items() if k != "VN_DISCOURSE_PARAMS"}
    own = root is not None and (Path(root) / "pipeline").is_dir()
    e["PYTHONPATH"] = str(Path(root) if own else REPO)
    e["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{e.get('PATH', '')}"
    e.setdefault("PYTHONHASHSEED", "0")
    e.update(extra)
    return e


def run_stage(root: str | os.PathLike, stage: str, *, environment: dict | None = None, timeout: int = 900,
              check: bool = False) -> subprocess.CompletedProcess:
    """`python -m pipeline.<stage> --root root` in a new interpreter; check=True raises with its output."""
    proc = subprocess.run([sys.executable, "-m", f"pipeline.{stage}", "--root", str(root)], cwd=root,
                          env=environment or env(root), capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"{stage} failed ({proc.returncode}) in {root}:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    return proc
