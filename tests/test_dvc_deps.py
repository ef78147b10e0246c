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
    """pipeline/<a>/<b>.py, or pipeline/<a>/<b>/__init__.py for a package; None when neither exists."""
    base = ROOT / "pipeline" / Path(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def pipeline_imports(module: str) -> set[str]:
    """Modules under pipeline/ (dotted, without the leading pipeline.) that `module` imports; importing a
    submodule also runs its packages' __init__.py, so those count too."""
    path = module_file(module)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    named = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from . import x, from .base import y
                parts = package[:len(package) - node.level + 1] + (node.module.split(".") if node.module else [])
                source = ".".join(["pipeline", *parts])
            else:
                source = node.module or ""
            if source == "pipeline" or source.startswith("pipeline."):
                named.add(source)
                named |= {f"{source}.{a.name}" for a in node.names}  # from pipeline import io; from pkg import sub
        elif isinstance(node, ast.Import):
            named |= {a.name for a in node.names if a.name.startswith("pipeline.")}
    found = set()
    for name in named:
        parts = name.split(".")[1:]
        for i in range(1, len(parts) + 1):  # the module and each package above it
            if module_file(".".join(parts[:i])):
                found.add(".".join(parts[:i]))
    return found - {module}


def closure(module: str) -> set[str]:
    seen, todo = {module}, [module]
    while todo:
        for dep in pipeline_imports(todo.pop()) - seen:
            seen.add(dep)
            todo.append(dep)
    return seen


def test_the_import_scan_sees_function_level_imports_and_packages():
    # the topic-model package imports the embedding backends inside a function; the scan must see it
    assert "embedders" in pipeline_imports("topicmodel")
    # a stage importing the package depends on the package's __init__ and every module it pulls in
    assert {"topicmodel", "topicmodel.base", "topicmodel.bertopic_model"} <= closure("evaluate")


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
    # the report also reads its templates (pipeline/templates: Markdown, HTML page, CSS)
    expected = ({module_file(m).relative_to(ROOT).as_posix() for m in closure(module)}
                | ({"pipeline/__init__.py", "pipeline/templates"} if name == "report" else set()))
    assert listed == expected, f"{name}: missing {sorted(expected - listed)}, extra {sorted(listed - expected)}"


def _data_edges(entries) -> set[str]:
    return {next(iter(e)) if isinstance(e, dict) else e for e in entries or []}


@pytest.mark.parametrize("name", sorted(STAGES))
def test_stage_data_deps_and_outs_are_the_paths_the_code_uses(name):
    """pipeline.paths.STAGE_IO (what main() reads and writes) equals dvc.yaml's data deps and outs."""
    from pipeline import paths

    stage = STAGES[name]
    reads, writes = paths.STAGE_IO[name]
    dep_keys, out_keys = paths.PARAM_PATHS.get(name, ((), ()))
    deps = {d for d in _data_edges(stage["deps"]) if not d.startswith("pipeline/")}
    outs = _data_edges(stage.get("outs")) | _data_edges(stage.get("metrics")) | _data_edges(stage.get("plots"))
    assert deps == set(reads) | {f"${{{k}}}" for k in dep_keys}, name
    assert outs == set(writes) | {f"${{{k}}}" for k in out_keys}, name


def test_every_stage_has_its_paths_and_no_stage_reads_reports_before_figures():
    from pipeline import paths

    assert set(paths.STAGE_IO) == set(STAGES)
    for name, (reads, _) in paths.STAGE_IO.items():
        if name not in ("figures", "report"):
            assert not [r for r in reads if r.startswith("reports/")], f"{name} reads a report: keep stage data in data/"
