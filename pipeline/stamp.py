"""What a validation result was computed from, so that the report can tell a current result from a stale one.

`make validate` and `make validate-quotes` are not DVC stages (they need ../shared and the coded sets, which a
user's own run may lack), so `dvc repro` cannot know when their JSON is out of date, and the report would print
whatever file is lying in reports/. Each validation therefore records the sha256 of the files it read (coded set,
rules, the code of the measure) and of the parameter sections it used; the report recomputes them and says which
changed since.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path


def _file_digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _params_digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def expand(root: Path, patterns: Iterable[str]) -> list[str]:
    """Relative paths of the files a validation reads; a pattern with a glob character names every match."""
    out = []
    for pattern in patterns:
        out += sorted(p.relative_to(root).as_posix() for p in root.glob(pattern)) if any(c in pattern for c in "*?[") \
            else [pattern]
    return out


def stamp(root: Path, files: Iterable[str], params: Mapping, sections: Iterable[str]) -> dict:
    """{"patterns": files, "files": {path: sha256 or None}, "params": {section: sha256}} of what a validation read."""
    files = list(files)
    return {"patterns": files, "files": {rel: _file_digest(root / rel) for rel in expand(root, files)},
            "params": {s: _params_digest(params.get(s)) for s in sections}}


def changed(recorded: Mapping | None, root: Path, params: Mapping) -> list[str] | None:
    """The inputs that differ now from those recorded (files, then `params.<section>`); [] when none does;
    None when the result recorded nothing (written by a version before this check)."""
    if not recorded:
        return None
    files = recorded.get("files", {})
    out = [rel for rel, digest in files.items() if _file_digest(root / rel) != digest]
    out += [rel for rel in expand(root, recorded.get("patterns", [])) if rel not in files]   # a file added since
    out += [f"params.yaml: {s}" for s, digest in recorded.get("params", {}).items()
            if _params_digest(params.get(s)) != digest]
    return out
