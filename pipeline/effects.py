"""Theme-prevalence effects: per-article theme proportions regressed on covariates, in the spirit of STM's
estimateEffect (Roberts et al. 2019), with measurement uncertainty from several draws of the theme measurement.

Pure core (data in, data out; no file paths). One linear probability model per theme (OLS on the proportions):
with categorical covariates a coefficient is directly a difference in mean theme share (group - reference,
adjusted for the other terms), which is the quantity the report states; a fractional logit would need marginal
effects to say the same. The same design serves every theme and every draw, so all fits are one vectorised
solve. Standard errors are heteroskedasticity-robust (HC3 by default: proportions near 0 or 1 have small
variance; HC3 keeps its coverage in groups of a few dozen articles) or clustered (CR1, e.g. by series, whose
parts are not independent), with t intervals on n - p (clusters - 1) degrees of freedom, as statsmodels'
`cov_type=..., use_t=True`. Written in numpy because statsmodels refits one model per theme and draw and its
per-fit overhead dominates a calibration run of thousands of fits; tests/test_effects.py checks the numbers
against statsmodels.

Measurement uncertainty: the caller passes K proportion tables (refits with other seeds, or a bootstrap of the
theme measurement). `pool="rubin"` (default) pools them by Rubin's rules (estimate = mean over draws; variance =
within + (1 + 1/K) between; Barnard-Rubin degrees of freedom); `pool="composition"` draws coefficients from
each fit's sampling distribution and takes percentiles of the pooled draws (STM's method of composition, for
comparison with STM: its variance is within + (K - 1)/K between with normal tails, so with few draws it
under-covers: 91 % instead of 95 % at K = 5 in tests/test_effects.py). Both assume that the draws scatter around
the measurement as much as the measurement scatters around the truth (true of a bootstrap and of posterior draws;
for refits with other seeds, which scatter around the truth, Rubin's rules are conservative). Measurement noise
that is independent between articles is already in each fit's residual variance and is counted again between
draws (conservative); what the draws add is error shared by many articles (a refit's topic that catches more of
one outlet). Interval and p-value
always come from the same distribution, so an interval excludes 0 exactly when p < 1 - confidence.

Multiple testing: Benjamini-Hochberg over the family of non-empty themes x terms of interest (the covariates'
terms, not controls or the intercept). A theme that is zero in every article and draw is left out of the family
and reported with note "empty theme".

Kept in one module (about 400 lines) on purpose: design matrix, vectorised fit, covariance, pooling and the tidy
tables share one set of conventions (terms, references, degrees of freedom) that a split would spread apart.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import patsy
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from scipy import stats

from pipeline.groups import group_values

TIDY_COLUMNS = ["theme", "term", "covariate", "level", "reference", "role", "estimate", "std_error", "ci_low",
                "ci_high", "p", "p_adj", "df", "n_articles", "n_level", "note"]
CURVE_COLUMNS = ["theme", "field", "value", "estimate", "ci_low", "ci_high"]
TIME_COLUMN = "_time"  # years since the first dated article (numeric time for splines and linear trends)
EMPTY, ALIASED, NO_INTERVAL = "empty theme", "not estimable (aliased with other terms)", "no interval"


class TimeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field: str = "date"
    mode: Literal["spline", "period", "linear"] = "spline"  # period: bins as categories; linear: trend per year
    freq: Literal["month", "quarter", "year"] = "quarter"   # period bins
    spline: Literal["cr", "bs"] = "cr"                      # patsy natural cubic regression spline or B-spline
    spline_df: int = Field(4, ge=2, le=12)


class EffectsSpec(BaseModel):
    """The model: covariates (terms of interest), controls (adjusted for, not tested), optional time."""
    model_config = ConfigDict(extra="forbid")
    covariates: list[str] = ["source"]
    controls: list[str] = []
    numeric: list[str] = []             # covariates/controls entered as numbers (e.g. part), others as categories
    references: dict[str, str] = {}     # reference level per categorical field; default: its largest group
    time: TimeSpec | None = None
    formula: str | None = None          # a patsy right-hand side; replaces the terms built from the lists
    cov_type: Literal["HC3", "HC1", "cluster"] = "HC3"
    cluster: str | None = None          # field whose values are the clusters when cov_type is cluster
    pool: Literal["rubin", "composition"] = "rubin"
    n_sims: int = Field(1000, ge=100)   # composition: coefficient draws per proportion table
    confidence: float = Field(0.95, gt=0.5, lt=1)
    seed: int = 0


def spec_from_params(section: dict | None, key: str = "effects") -> EffectsSpec:
    """params.yaml section -> EffectsSpec, or one line naming the bad key."""
    try:
        return EffectsSpec.model_validate(section or {})
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in (key, *err["loc"]))
        raise ValueError(f"params.yaml: {where}: {err['msg']} (got {err.get('input')!r})") from None


@dataclass
class EffectFit:
    themes: list[str]
    columns: list[str]                  # design columns
    design_info: patsy.DesignInfo
    data: pd.DataFrame                  # prepared covariates of the articles in the fit
    coef: np.ndarray                    # (K, themes, p)
    cov: np.ndarray                     # (K, themes, p, p)
    df_com: float
    estimable: np.ndarray               # (p,) bool
    empty: np.ndarray                   # (themes,) bool
    terms: pd.DataFrame                 # one row a design column: term, covariate, level, reference, role
    spec: EffectsSpec
    n_dropped: int
    time_origin: pd.Timestamp | None
    X: np.ndarray                       # the design matrix (rows: data)


def _reference(values: pd.Series, field: str, spec: EffectsSpec) -> str:
    if field in spec.references:
        if spec.references[field] not in set(values):
            raise ValueError(f"params.yaml: effects.references.{field} = {spec.references[field]!r} is not a "
                             f"value of {field} ({', '.join(sorted(set(values))[:8])})")
        return spec.references[field]
    counts = values.value_counts()
    return sorted(counts[counts == counts.max()].index)[0]  # the largest group: the most precise comparisons


def prepare(meta: pd.DataFrame, spec: EffectsSpec) -> tuple[pd.DataFrame, str, pd.DataFrame, pd.Timestamp | None]:
    """Covariate frame (categories as text with missing values named, numbers as floats), the formula's right-hand
    side, the term table and the time origin. Rows that cannot be placed (no date, no number) are dropped later."""
    data = pd.DataFrame(index=meta.index)
    rhs, rows, origin = [], [], None
    fields = [(f, "covariate") for f in spec.covariates] + [(f, "control") for f in spec.controls]
    if spec.cluster:
        data["_cluster"] = group_values(meta, spec.cluster)
    for field, role in fields:
        if field not in meta.columns:
            raise ValueError(f"effects: field {field!r} is not a column of the article table "
                             f"({', '.join(map(str, meta.columns))}); fix effects.covariates/controls")
        if field in spec.numeric:
            data[field] = pd.to_numeric(meta[field], errors="coerce")
            rhs.append(field)
            rows.append((field, field, "", "", role))
        else:
            data[field] = group_values(meta, field)
            ref = _reference(data[field], field, spec)
            term = f"C({field}, Treatment(reference={ref!r}))"
            rhs.append(term)
            rows += [(f"{term}[T.{lvl}]", field, lvl, ref, role) for lvl in sorted(set(data[field]) - {ref})]
    if spec.time is not None:
        t = spec.time
        dates = pd.to_datetime(meta[t.field], errors="coerce", format="mixed") if t.field in meta else pd.Series(
            pd.NaT, index=meta.index)
        if t.mode == "period":
            data[t.field] = group_values(meta, t.field, t.freq).where(dates.notna())
            ref = _reference(data[t.field].dropna(), t.field, spec)
            term = f"C({t.field}, Treatment(reference={ref!r}))"
            rhs.append(term)
            rows += [(f"{term}[T.{lvl}]", t.field, lvl, ref, "covariate")
                     for lvl in sorted(set(data[t.field].dropna()) - {ref})]
        else:
            origin = dates.min() if dates.notna().any() else None
            data[TIME_COLUMN] = (dates - origin).dt.days / 365.25 if origin is not None else np.nan
            if t.mode == "linear":
                rhs.append(TIME_COLUMN)
                rows.append((TIME_COLUMN, t.field, "per year", "", "covariate"))
            else:
                extra = ", constraints='center'" if t.spline == "cr" else ""  # cr spans the constant otherwise
                rhs.append(f"{t.spline}({TIME_COLUMN}, df={t.spline_df}{extra})")
    formula = spec.formula if spec.formula else " + ".join(rhs) or "1"
    terms = pd.DataFrame(rows, columns=["column", "covariate", "level", "reference", "role"])
    return data, formula, terms, origin


def _proportions(draws: list[pd.DataFrame], themes: list[str], ids: pd.Index) -> np.ndarray:
    """(K, n, themes) after checking every table: same articles, values in [0, 1], rows summing to 1."""
    out = []
    for k, table in enumerate(draws):
        table = table.set_index("article_id") if "article_id" in table.columns else table
        table.index = table.index.astype(str)
        missing = [t for t in themes if t not in table.columns]
        if missing:
            raise ValueError(f"effects: proportion table {k} has no column {missing[0]!r}")
        absent = ids.difference(table.index)
        if len(absent):
            raise ValueError(f"effects: proportion table {k} lacks article {absent[0]!r}")
        y = table.loc[ids, themes].to_numpy(dtype=float)
        bad = ~np.isfinite(y).all(axis=1) | (y < -1e-9).any(axis=1) | (y > 1 + 1e-9).any(axis=1)
        bad |= np.abs(y.sum(axis=1) - 1) > 1e-4  # shares are stored rounded (6 decimals a theme)
        if bad.any():
            raise ValueError(f"effects: proportion table {k}, article {ids[np.argmax(bad)]!r}: proportions must lie "
                             f"in [0, 1] and sum to 1 over the themes ({', '.join(themes)})")
        out.append(y)
    return np.stack(out)


def ols_robust(X: np.ndarray, Y: np.ndarray, cov_type: str = "HC3", clusters: np.ndarray | None = None):
    """OLS of every column of Y (..., n, m) on X (n, p): coefficients (..., m, p), robust covariances
    (..., m, p, p), complete-data degrees of freedom, and which coefficients are estimable (X may be rank
    deficient: a pseudo-inverse gives the minimum-norm solution, valid for the estimable ones)."""
    n, p = X.shape
    bread = np.linalg.pinv(X.T @ X)
    estimable = np.abs(np.diag(bread @ (X.T @ X)) - 1) < 1e-8
    coef = np.einsum("pq,nq,...nm->...mp", bread, X, Y)
    resid = Y - np.einsum("np,...mp->...nm", X, coef)
    rank = int(np.linalg.matrix_rank(X))
    if cov_type == "cluster":
        codes, uniq = pd.factorize(pd.Series(clusters))
        g = len(uniq)
        onehot = np.zeros((g, n))
        onehot[codes, np.arange(n)] = 1
        scores = np.einsum("gn,np,...nm->...mgp", onehot, X, resid)
        meat = np.einsum("...mgp,...mgq->...mpq", scores, scores) * (g / (g - 1) * (n - 1) / (n - rank))
        df = float(g - 1)
    else:
        if cov_type == "HC3":
            lev = np.einsum("np,pq,nq->n", X, bread, X)
            single = lev > 1 - 1e-10  # an article fitted exactly (alone in its level): no residual to learn from
            w = resid ** 2 / np.where(single, 1.0, (1 - lev) ** 2)[:, None]
            unknown = (np.abs(bread @ X[single].T) > 1e-10).any(axis=1)  # coefficients such an article moves
        else:
            w = resid ** 2 * n / (n - rank)
        meat = np.einsum("np,...nm,nq->...mpq", X, w, X)
        df = float(n - rank)
    cov = bread @ meat @ bread
    if cov_type == "HC3" and unknown.any():  # their variance is not estimable: no interval, not a zero one
        cov[..., unknown, :] = np.nan
        cov[..., :, unknown] = np.nan
    return coef, cov, df, estimable


def fit_effects(draws: list[pd.DataFrame], meta: pd.DataFrame, themes: list[str], spec: EffectsSpec) -> EffectFit:
    """Fit the model to each of the K proportion tables (article_id column or index; one column per theme).
    `meta`: one row an article with article_id and the covariate columns."""
    if not draws:
        raise ValueError("effects: no proportion table given")
    meta = meta.assign(article_id=meta["article_id"].astype(str)).set_index("article_id", drop=False)
    data, formula, terms, origin = prepare(meta, spec)
    keep = data.notna().all(axis=1)
    data = data.loc[keep]
    if len(data) == 0:
        raise ValueError("effects: no article has every covariate (check the date/number fields)")
    X = patsy.dmatrix(formula, data, NA_action="raise")
    Y = _proportions(draws, themes, data.index)
    coef, cov, df, estimable = ols_robust(np.asarray(X), Y, spec.cov_type,
                                          data["_cluster"].to_numpy() if spec.cov_type == "cluster" else None)
    columns = list(X.design_info.column_names)
    if spec.formula:  # a user formula's columns: of interest when they name a covariate (or time)
        names = [*spec.covariates, *([TIME_COLUMN, spec.time.field] if spec.time else [])]
        role = ["covariate" if any(re.search(rf"\b{re.escape(v)}\b", c) for v in names) else "control"
                for c in columns]
        terms = pd.DataFrame({"column": columns, "covariate": columns, "level": "", "reference": "", "role": role})
        terms = terms[terms["column"] != "Intercept"]
    terms = terms[terms["column"].isin(columns)].reset_index(drop=True)
    terms["n_level"] = [int((data[c] == lvl).sum()) if ref else np.nan
                        for c, lvl, ref in zip(terms["covariate"], terms["level"], terms["reference"])]
    return EffectFit(themes=list(themes), columns=columns, design_info=X.design_info, data=data, coef=coef, cov=cov,
                     df_com=df, estimable=estimable, empty=(Y == 0).all(axis=(0, 1)), terms=terms, spec=spec,
                     n_dropped=int((~keep).sum()), time_origin=origin, X=np.asarray(X))


def refit(fit: EffectFit, draws: list[pd.DataFrame]) -> EffectFit:
    """The same model and articles, other proportion tables (e.g. new bootstrap draws): no design rebuilt."""
    Y = _proportions(draws, fit.themes, fit.data.index)
    coef, cov, _, _ = ols_robust(fit.X, Y, fit.spec.cov_type,
                                 fit.data["_cluster"].to_numpy() if fit.spec.cov_type == "cluster" else None)
    return dataclasses.replace(fit, coef=coef, cov=cov, empty=(Y == 0).all(axis=(0, 1)))


def _pool(fit: EffectFit, L: np.ndarray):
    """Estimates of the linear combinations L (r, p) for every theme, pooled over the draws:
    estimate, std_error, ci_low, ci_high, p, df, each (themes, r)."""
    est = np.einsum("rp,ktp->ktr", L, fit.coef)
    unknown = ~np.isfinite(np.diagonal(fit.cov, axis1=-2, axis2=-1))  # (K, themes, p): no variance (HC3, alone)
    var = np.einsum("rp,ktpq,rq->ktr", L, np.where(np.isfinite(fit.cov), fit.cov, 0.0), L)
    var[np.einsum("rp,ktp->ktr", (L != 0).astype(float), unknown.astype(float)) > 0] = np.nan
    K, level = est.shape[0], fit.spec.confidence
    q, w = est.mean(axis=0), var.mean(axis=0)
    b = est.var(axis=0, ddof=1) if K > 1 else np.zeros_like(q)
    total = w + (1 + 1 / K) * b
    if K > 1:  # Barnard & Rubin (1999) degrees of freedom
        with np.errstate(divide="ignore", invalid="ignore"):
            lam = np.where(total > 0, (1 + 1 / K) * b / total, 0.0)
            df_old = np.where(lam > 0, (K - 1) / lam ** 2, np.inf)
            df_obs = (fit.df_com + 1) / (fit.df_com + 3) * fit.df_com * (1 - lam)
            df = 1 / (1 / df_old + 1 / df_obs)
    else:
        df = np.full_like(q, fit.df_com)
    se = np.sqrt(np.clip(total, 0, None))  # a variance of -1e-18 is 0 (rounding), and then no interval
    with np.errstate(divide="ignore", invalid="ignore"):
        crit = stats.t.ppf(0.5 + level / 2, df)
        lo, hi = q - crit * se, q + crit * se
        p = 2 * stats.t.sf(np.abs(q / se), df)
    if fit.spec.pool == "composition":  # STM's method of composition: percentiles of pooled coefficient draws
        rng = np.random.default_rng(fit.spec.seed)
        sd = np.sqrt(np.nan_to_num(var, nan=0.0, posinf=0.0))  # marginal draws suffice for marginal intervals
        sims = est[:, None] + sd[:, None] * rng.standard_normal((K, fit.spec.n_sims) + est.shape[1:])
        sims = sims.reshape(-1, *est.shape[1:])
        lo, hi = np.quantile(sims, [0.5 - level / 2, 0.5 + level / 2], axis=0)
        tail = np.minimum((sims > 0).mean(axis=0), (sims < 0).mean(axis=0))
        p = np.clip(2 * tail, 1 / len(sims), 1.0)  # never 0: the resolution of the draws
    bad = ~np.isfinite(se) | (se == 0)
    for a in (se, lo, hi, p):
        a[bad] = np.nan
    return q, se, lo, hi, p, df


def bh(p: np.ndarray | pd.Series) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (scipy) for the non-missing entries; NaN stays NaN."""
    p = np.asarray(p, dtype=float)
    out = np.full_like(p, np.nan)
    ok = np.isfinite(p)
    if ok.any():
        out[ok] = stats.false_discovery_control(p[ok], method="bh")
    return out


def effects_table(fit: EffectFit) -> pd.DataFrame:
    """Tidy table: one row a theme and term (covariates and controls; a spline of time is one row with its joint
    test). p_adj: BH over the non-empty themes x covariate terms."""
    terms = fit.terms  # numpy throughout: a calibration run builds thousands of these tables
    idx = [fit.columns.index(c) for c in terms["column"]]
    q, se, lo, hi, p, df = _pool(fit, np.eye(len(fit.columns))[idx])
    n_t, n_r = len(fit.themes), len(terms)
    note = np.where(fit.empty[:, None], EMPTY, np.where(fit.estimable[idx][None, :], "", ALIASED))
    note = np.broadcast_to(note, (n_t, n_r))
    bad = note != ""
    note = np.where(~bad & ~np.isfinite(se), NO_INTERVAL, note)
    ref = terms["reference"].to_numpy(dtype=object)
    label = np.where(ref != "", terms["covariate"] + "[" + terms["level"] + "]", terms["covariate"]).astype(object)
    cols = {"theme": np.repeat(np.asarray(fit.themes, dtype=object), n_r), "term": np.tile(label, n_t)}
    for name in ("covariate", "level", "reference", "role", "n_level"):
        cols[name] = np.tile(terms[name].to_numpy(dtype=object), n_t)
    for name, values in (("estimate", q), ("std_error", se), ("ci_low", lo), ("ci_high", hi), ("p", p), ("df", df)):
        cols[name] = np.where(bad, np.nan, values).ravel()
    cols.update(n_articles=np.full(n_t * n_r, len(fit.data)), note=note.ravel().astype(object))
    spline = [row for t, theme in enumerate(fit.themes) for row in _spline_rows(fit, t, theme)]
    if spline:  # each theme's joint time test after its terms
        order = np.argsort(np.r_[np.repeat(np.arange(n_t), n_r), np.arange(n_t)], kind="stable")
        cols = {k: np.r_[v, np.array([row[k] for row in spline], dtype=object)][order] for k, v in cols.items()}
    family = (cols["role"] == "covariate") & (cols["note"] != EMPTY)
    cols["p_adj"] = np.full(len(family), np.nan)
    cols["p_adj"][family] = bh(cols["p"][family].astype(float))
    out = pd.DataFrame({k: cols[k] for k in TIDY_COLUMNS})
    for name in ("estimate", "std_error", "ci_low", "ci_high", "p", "p_adj", "df", "n_level"):
        out[name] = out[name].astype(float)
    out["n_articles"] = out["n_articles"].astype(int)
    return out


def _spline_rows(fit: EffectFit, t: int, theme: str) -> list[dict]:
    """Joint Wald test that the time curve is flat (its coefficients are meaningless one by one), on the pooled
    covariance (within + (1 + 1/K) between), F with the complete-data degrees of freedom."""
    cols = [i for i, c in enumerate(fit.columns) if c.startswith(("cr(", "bs(")) and TIME_COLUMN in c]
    if not cols or fit.spec.time is None:
        return []
    K = fit.coef.shape[0]
    est = fit.coef[:, t, cols]
    q = est.mean(axis=0)
    total = fit.cov[:, t][:, cols][:, :, cols].mean(axis=0)
    if K > 1:
        total = total + (1 + 1 / K) * np.cov(est, rowvar=False)
    p = np.nan
    if not fit.empty[t] and np.isfinite(total).all() and np.linalg.matrix_rank(total) == len(cols):
        f = float(q @ np.linalg.solve(total, q)) / len(cols)
        p = float(stats.f.sf(f, len(cols), fit.df_com))
    s = fit.spec.time
    return [{"theme": theme, "term": f"{s.field} ({s.spline} spline, df={s.spline_df})", "covariate": s.field,
             "level": "joint", "reference": "", "role": "covariate", "estimate": np.nan, "std_error": np.nan,
             "ci_low": np.nan, "ci_high": np.nan, "p": p, "df": fit.df_com, "n_articles": len(fit.data),
             "n_level": np.nan, "note": EMPTY if fit.empty[t] else "joint test that the time curve is flat"}]


def differences(table: pd.DataFrame, raw: pd.DataFrame | None = None) -> pd.DataFrame:
    """Group - reference differences of the categorical covariates, for plotting; with `raw` (the table of a fit
    without controls) the unadjusted difference beside it and whether a significant raw difference disappears."""
    keep = ["theme", "covariate", "level", "reference", "estimate", "ci_low", "ci_high", "p", "p_adj", "n_level"]
    cat = (table["role"] == "covariate") & (table["reference"] != "")
    out = table.loc[cat, keep].rename(columns={"level": "group", "estimate": "diff"}).reset_index(drop=True)
    if raw is not None:
        r = raw.loc[(raw["role"] == "covariate") & (raw["reference"] != ""),
                    ["theme", "covariate", "level", "estimate", "ci_low", "ci_high", "p_adj"]]
        r.columns = ["theme", "covariate", "group", "raw_diff", "raw_ci_low", "raw_ci_high", "raw_p_adj"]
        out = out.merge(r, on=["theme", "covariate", "group"], how="left")
        alpha = 0.05
        out["disappears"] = (out["raw_p_adj"] < alpha) & ~(out["p_adj"] < alpha)
    return out


def predict_curve(fit: EffectFit, field: str, values=None, n_grid: int = 25) -> pd.DataFrame:
    """Predicted prevalence of each theme as `field` varies (dates for the time spline/trend, levels of a
    category, numbers such as part), averaged over the articles with their other covariates as observed
    (average predictive margins), with the pooled interval."""
    data = fit.data
    is_time = fit.spec.time is not None and field == fit.spec.time.field and fit.spec.time.mode != "period"
    if is_time:
        col = TIME_COLUMN
        grid = np.linspace(data[col].min(), data[col].max(), n_grid) if values is None else (
            (pd.to_datetime(pd.Series(values)) - fit.time_origin).dt.days.to_numpy() / 365.25)
        shown = [(fit.time_origin + pd.Timedelta(days=float(g) * 365.25)).strftime("%Y-%m-%d") for g in grid]
    else:
        col = field
        if col not in data.columns:
            raise ValueError(f"effects: {field!r} is not in the model")
        if values is not None:
            grid = list(values)
        elif pd.api.types.is_numeric_dtype(data[col]):
            grid = sorted(data[col].unique())
        else:
            grid = sorted(data[col].unique())
        shown = [str(g) for g in grid]
    L = np.stack([np.asarray(patsy.build_design_matrices([fit.design_info], data.assign(**{col: g}))[0]).mean(axis=0)
                  for g in grid])
    q, se, lo, hi, p, df = _pool(fit, L)
    rows = [{"theme": theme, "field": field, "value": shown[i], "estimate": float(q[t, i]),
             "ci_low": float(np.clip(lo[t, i], 0, 1)), "ci_high": float(np.clip(hi[t, i], 0, 1))}
            for t, theme in enumerate(fit.themes) for i in range(len(grid))]
    return pd.DataFrame(rows, columns=CURVE_COLUMNS)
