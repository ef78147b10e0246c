"""dvc.yaml lists exactly each stage's code: the stage module and every pipeline module it imports, directly or
through another (function-level imports included). A missing dep would let `dvc repro` skip a stage whose code
changed; an extra one re-runs stages for nothing."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
STAGES = yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))["stages"]


def module_file(module: str) -> Path | None:
    """pipeline/<a>/<b>.py for "a.b", or the package's pipeline/<a>/<b>/__init__.py; None if neither exists."""
    base = ROOT / "pipeline" / Path(*module.split("."))
    for f in (base.with_suffix(".py"), base / "__init__.py"):
        if f.exists():
            return f
    return None


def _with_packages(module: str) -> set[str]:
    """Importing pipeline.a.b runs pipeline/a/__init__.py too (pipeline/__init__.py is left to the caller)."""
    parts = module.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts) + 1) if module_file(".".join(parts[:i]))}


def pipeline_imports(module: str) -> set[str]:
    """The pipeline modules (dotted, below pipeline) that module imports, at any level and relative or not."""
    path = module_file(module)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module.split(".")[:-1] if path.name != "__init__.py" else module.split(".")
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # from . import x / from .x import y, inside a package of pipeline
                base = package[:len(package) - (node.level - 1)] + (node.module.split(".") if node.module else [])
            elif node.module == "pipeline" or (node.module or "").startswith("pipeline."):
                base = node.module.split(".")[1:]
            else:
                continue
            if base:
                found |= _with_packages(".".join(base))
            # `from pipeline.pkg import name`: name may be a submodule
            found |= {".".join([*base, a.name]) for a in node.names if module_file(".".join([*base, a.name]))}
        elif isinstance(node, ast.Import):
            found |= {m for a in node.names if a.name.startswith("pipeline.") for m in _with_packages(a.name[9:])}
    return found


def closure(module: str) -> set[str]:
    seen, todo = {module}, [module]
    while todo:
        for dep in pipeline_imports(todo.pop()) - seen:
            seen.add(dep)
            todo.append(dep)
    return seen


def test_the_import_scan_sees_function_level_imports():
    # topics imports the embedding backends inside a function; the scan must see it
    assert "embedders" in pipeline_imports("topics")


def test_the_import_scan_follows_subpackages():
    # discourse imports pipeline.speech.quotes, which imports its sibling modules; importing a module of a
    # package runs the package's __init__.py, so that is code of the stage too
    deps = closure("discourse")
    assert {"speech", "speech.quotes", "speech.speakers", "speech.cues", "speech.names"} <= deps
    assert module_file("speech").name == "__init__.py"


@pytest.mark.parametrize("name", sorted(STAGES))
def test_stage_code_deps_are_exactly_its_imports(name):
    stage = STAGES[name]
    module = stage["cmd"].split("python -m pipeline.")[1].split()[0]
    listed = {d for d in stage["deps"] if d.startswith("pipeline/")}
    # pipeline/__init__.py only carries the version (printed by the report) and import-time settings
    expected = {module_file(m).relative_to(ROOT).as_posix() for m in closure(module)} | ({"pipeline/__init__.py"} if name == "report" else set())
    assert listed == expected, f"{name}: missing {sorted(expected - listed)}, extra {sorted(listed - expected)}"
