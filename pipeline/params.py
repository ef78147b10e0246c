"""Load and validate params.yaml against one declarative schema (pipeline/params_schema.py).

Why pydantic: the old hand-written checks kept each fact in up to five parallel tables (choices, numbers,
booleans, known keys, sections) that drifted apart, so a misspelt nested key (`topics.umap.n_neighbours`) or a
section given as a scalar passed and crashed a stage later. Here each key is declared once, with its type, its
range, its default and the sentence that says what it allows; pydantic checks every depth and refuses unknown
keys everywhere (extra="forbid"). Values are checked strictly, so the model holds exactly what the YAML gave
(an int stays an int, a list a list) and stage outputs do not change.

Every bad key or value gives one line, always "<file>: <dotted key> ..." and what is allowed:
    params.yaml: topics.umap.n_neighbours is not a known key; allowed: n_neighbors, n_components, min_dist, metric
    params.yaml: topics.umap.n_neighbors = 'x' must be an integer of at least 2
    params.yaml: clean.min_chars is missing; it must be an integer of at least 0
Only the first problem is reported (a misspelt key before the missing key it explains), so a stage stops with one
`error:` line and no traceback (see _excepthook).

load() returns the validated `Params`. Each section reads both by attribute (params.topics.umap.n_neighbors, with
the defaults below for keys the file leaves out) and like the dict of params.yaml (params["clean"]["min_chars"],
.get, iteration over the keys the file gives): a read-only Mapping. Keys whose value is a free-form mapping
(themes, theme_labels, corpus.fields, segment.abbreviations) stay plain dicts. Params.to_dict() is the plain dict.
"""
import os
import sys
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Union

import yaml
import typing_extensions
from pydantic import BaseModel, ValidationError

from pipeline.params_schema import POS_TAGS, SEED_MAX, Params, Rule, Section  # noqa: F401  (re-exported)

# relative to the working directory, like every path in it (DVC runs stages from the repository root)
PARAMS_FILE = Path(os.environ.get("VN_DISCOURSE_PARAMS", "params.yaml"))


class ParamsError(ValueError):
    """A params.yaml value that the pipeline cannot use."""


def _excepthook(kind, exc, tb, _previous=sys.excepthook):
    # a stage stopped by a bad parameter says which, in one line, instead of a traceback (exit status stays 1)
    if issubclass(kind, ParamsError):
        print(f"error: {exc}", file=sys.stderr)
        return
    _previous(kind, exc, tb)


sys.excepthook = _excepthook


# ------------------------------------------------------------------------------------------------ messages

def _strip(tp: Any) -> tuple[Any, Rule | None]:
    """tp without Annotated/Optional, and the Rule that was on it."""
    rule = None
    while True:
        if typing.get_origin(tp) is Annotated:
            rule = next((m for m in tp.__metadata__ if isinstance(m, Rule)), rule)
            tp = tp.__origin__
        elif typing.get_origin(tp) in (Union, types.UnionType) and len([a for a in typing.get_args(tp) if a is not type(None)]) == 1:
            tp = next(a for a in typing.get_args(tp) if a is not type(None))
        else:
            return tp, rule


def _keys(tp: Any) -> list[str]:
    """The keys a mapping type allows, in order."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    return list(typing_extensions.get_type_hints(tp)) if typing_extensions.is_typeddict(tp) else []


def _child(tp: Any, part: Any) -> tuple[bool, Any]:
    """(is part a key of tp, the type under it)."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        field = tp.model_fields.get(part)
        return (True, Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation) \
            if field else (False, None)
    if typing_extensions.is_typeddict(tp):  # pydantic wants typing_extensions' TypedDict before Python 3.12
        hints = typing_extensions.get_type_hints(tp, include_extras=True)
        return (part in hints, hints.get(part))
    if typing.get_origin(tp) is dict and isinstance(part, str) and part != "[key]":
        return True, typing.get_args(tp)[1]
    return False, None


def _where(loc: tuple) -> tuple[int, Rule | None, Any]:
    """How many parts of loc name keys, the deepest Rule on them (and its depth), and the type at the end."""
    tp, rule = _strip(Params)
    depth, rule_depth = 0, 0
    for part in loc:
        known, sub = _child(tp, part)
        if not known:
            break
        depth += 1
        tp, sub_rule = _strip(sub)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            sub_rule = Rule(f"must be a mapping of keys: {', '.join(tp.model_fields)}")
        if sub_rule:
            rule, rule_depth = sub_rule, depth
    return rule_depth, rule, tp


def _at(data: Any, loc: tuple) -> Any:
    for part in loc:
        data = data[part]
    return data


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _dotted(parts: tuple) -> str:
    return ".".join(map(str, parts))


def message(error: dict, data: Any, source: str) -> str:
    """One pydantic error as "<file>: <dotted key> ... and what is allowed"."""
    loc, kind = tuple(error["loc"]), error["type"]
    if kind == "rule":
        key = ".".join(p for p in (_dotted(loc), error["ctx"]["key"]) if p)
        return f"{source}: {key} {error['ctx']['message']}"
    if kind == "extra_forbidden":
        tp = _where(loc[:-1])[2]
        return f"{source}: {_dotted(loc)} is not a known key; allowed: {', '.join(_keys(tp))}"
    if not loc:
        return f"{source}: expected a mapping of sections at the top level: {', '.join(Params.model_fields)}"
    if kind == "missing":
        depth, rule, _ = _where(loc)
        return f"{source}: {_dotted(loc)} is missing; it {rule or 'is required'}"
    depth, rule, _ = _where(loc)
    if not rule or depth == 0:
        return f"{source}: {_dotted(loc)} = {_short(error.get('input'))}: {error['msg']}"
    return f"{source}: {_dotted(loc[:depth])} = {_short(_at(data, loc[:depth]))} {rule}"


def _order(error: dict) -> int:
    return 0 if error["type"] == "extra_forbidden" else 1  # a misspelt key explains the missing one


def validate(params: Any, source: str | None = None) -> Params:
    """The validated Params; a ParamsError naming the first bad key (source: the file name in the message)."""
    try:
        return Params.model_validate(params)
    except ValidationError as exc:
        first = sorted(exc.errors(), key=_order)[0]
        raise ParamsError(message(first, params, source or PARAMS_FILE.name)) from None


def get(params: Mapping, dotted: str, default: Any = KeyError) -> Any:
    """params["a"]["b"] for "a.b" on a dict or a Params; default (or a ParamsError) where a key is not given."""
    node: Any = params
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            if default is KeyError:
                raise ParamsError(f"{PARAMS_FILE.name}: missing key '{dotted}'")
            return default
        node = node[part]
    return node


class _UniqueKeyLoader(yaml.SafeLoader):
    """safe_load that refuses a key given twice (PyYAML would silently keep the last one)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice in one mapping", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


def load(path: str | os.PathLike | None = None) -> Params:
    p = Path(path) if path else PARAMS_FILE
    try:
        with open(p, encoding="utf-8") as fh:
            params = yaml.load(fh, Loader=_UniqueKeyLoader)  # a SafeLoader: no Python objects
    except FileNotFoundError as exc:
        raise ParamsError(f"{p}: parameters file not found") from exc
    except yaml.YAMLError as exc:
        raise ParamsError(f"{p}: not valid YAML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ParamsError(f"{p}: not UTF-8 (byte {exc.start}); save it as UTF-8") from exc
    return validate(params, p.name)
