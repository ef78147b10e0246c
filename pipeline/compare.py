"""Compare stage: theme shares across the groups of each compare.by field, with uncertainty and tests.

The article is the unit of resampling throughout: at paragraph level an article's units are not independent,
so every interval and permutation test moves whole articles.

- shares: mean of the articles' theme shares in a group, with a percentile bootstrap interval
  (compare.bootstrap draws, articles resampled within the group, seeded by topics.seed);
- omnibus tests: chi-square of group x theme on unit counts with Cramér's V (familiar, but it treats units as
  independent), and an article-level permutation test (PERMANOVA pseudo-F on the theme-share vectors,
  Euclidean; Anderson 2001) with R², which does not;
- pairwise: for each theme and pair of groups, the difference of mean shares with a bootstrap interval and a
  permutation p-value, Benjamini-Hochberg adjusted over all the field's pairwise tests;
- contrasts (compare.contrasts): within each group, share of theme A minus share of theme B ("institutions
  more than space?"), paired bootstrap interval and sign-flip permutation p-value, BH adjusted;
- time: dates binned by compare.date_freq (month, quarter, year) and treated as groups; undated articles are
  left out of the time comparison and counted;
- distinctive words: weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn
  2008), each group against all the others, with z-scores.
"""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy import stats

from pipeline import io as pio
from pipeline import params as P
from pipeline.groups import group_values, missing_label
from pipeline.tables import COMPARE_TABLES, COMPARE_TESTS, compare_path

SHARE_COLUMNS = ["group", "theme", "share", "ci_low", "ci_high", "n_articles"]
PAIRWISE_COLUMNS = ["theme", "group_a", "group_b", "n_a", "n_b", "share_a", "share_b", "diff", "ci_low", "ci_high",
                    "p_value", "p_adj"]
CONTRAST_COLUMNS = ["group", "theme_a", "theme_b", "n_articles", "share_a", "share_b", "diff", "ci_low", "ci_high",
                    "p_value", "p_adj"]
DISTINCTIVE_COLUMNS = ["group", "word", "delta", "z", "count", "count_rest"]


def _interval(boots: np.ndarray, point: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval along axis 0, widened to contain the point estimate (a skewed bootstrap
    distribution of a bounded share can leave the point just outside by rounding)."""
    lo_q, hi_q = (1 - confidence) / 2, 1 - (1 - confidence) / 2
    lo, hi = np.quantile(boots, [lo_q, hi_q], axis=0)
    return np.minimum(lo, point), np.maximum(hi, point)


def bootstrap_shares(shares: pd.DataFrame, groups: pd.Series, themes: list[str], n_boot: int = 1000,
                     confidence: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """Pure core: per group and theme, the mean share and its bootstrap interval (articles resampled)."""
    rng = np.random.default_rng(seed)
    rows = []
    for group in sorted(groups.unique()):
        values = shares.loc[(groups == group).to_numpy(), themes].to_numpy(dtype=float)
        n = len(values)
        point = values.mean(axis=0)
        boots = values[rng.integers(0, n, size=(n_boot, n))].mean(axis=1)  # (n_boot, n_themes)
        lo, hi = _interval(boots, point, confidence)
        if n < 2:  # resampling one article gives a zero-width "interval" that would read as certainty
            lo, hi = np.full(len(themes), np.nan), np.full(len(themes), np.nan)
        for k, theme in enumerate(themes):
            rows.append({"group": group, "theme": theme, "share": float(point[k]), "ci_low": float(lo[k]),
                         "ci_high": float(hi[k]), "n_articles": int(n)})
    return pd.DataFrame(rows, columns=SHARE_COLUMNS)


def independence_test(unit_groups: pd.Series, unit_themes: pd.Series) -> dict:
    """Chi-square test of group x theme on unit counts, and Cramér's V; empty when fewer than 2x2 categories."""
    table = pd.crosstab(unit_groups, unit_themes)
    table = table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]
    if table.shape[0] < 2 or table.shape[1] < 2:
        return {}
    chi2, p, dof, expected = stats.chi2_contingency(table.to_numpy())
    n = table.to_numpy().sum()
    v = np.sqrt(chi2 / (n * (min(table.shape) - 1)))
    return {"chi2": float(chi2), "dof": int(dof), "p_value": float(p), "cramers_v": float(v), "n_units": int(n),
            "min_expected": float(expected.min())}


def permanova(values: np.ndarray, labels: np.ndarray, n_perm: int = 999, seed: int = 0) -> dict:
    """Article-level permutation test that theme-share vectors differ between groups.

    Pseudo-F = (SSB / (k-1)) / (SSW / (N-k)) with Euclidean distances (Anderson 2001), p from label
    permutations. Hand-written: scipy has no multivariate permutation test and scikit-bio is not a dependency.
    Empty when fewer than two groups or no within-group variation to compare against."""
    values = np.asarray(values, dtype=float)
    codes, uniques = pd.factorize(pd.Series(labels), sort=True)
    k, n = len(uniques), len(values)
    if k < 2 or n <= k:
        return {}
    grand = values.mean(axis=0)
    sst = float(((values - grand) ** 2).sum())

    def ssb(c: np.ndarray) -> np.ndarray:  # c: (m, n) label codes -> (m,) between-group sum of squares
        m = c.shape[0]
        idx = (c + k * np.arange(m)[:, None]).ravel()
        sizes = np.bincount(idx, minlength=m * k).reshape(m, k)
        total = np.zeros(m)
        for t in range(values.shape[1]):
            sums = np.bincount(idx, weights=np.tile(values[:, t], m), minlength=m * k).reshape(m, k)
            total += (sums ** 2 / np.maximum(sizes, 1)).sum(axis=1)
        return total - n * float((grand ** 2).sum())

    observed = float(ssb(codes[None, :])[0])
    if sst - observed <= 1e-12:
        return {}
    rng = np.random.default_rng(seed)
    perms = np.stack([rng.permutation(codes) for _ in range(n_perm)])
    null = np.concatenate([ssb(chunk) for chunk in np.array_split(perms, max(1, n_perm // 200))])
    f = (observed / (k - 1)) / ((sst - observed) / (n - k))
    p = (1 + int((null >= observed - 1e-12).sum())) / (n_perm + 1)
    return {"permanova_f": float(f), "permanova_r2": float(observed / sst), "permanova_p": float(p)}


def _perm_p(x: np.ndarray, y: np.ndarray, n_perm: int, seed: int) -> np.ndarray:
    """Two-sided permutation p of the difference in means, per column; exact when few arrangements exist."""
    res = stats.permutation_test((x, y), lambda a, b, axis: a.mean(axis=axis) - b.mean(axis=axis),
                                 permutation_type="independent", vectorized=True, n_resamples=n_perm,
                                 alternative="two-sided", axis=0, rng=np.random.default_rng(seed))
    return np.atleast_1d(np.asarray(res.pvalue, dtype=float))


def _bh(p: pd.Series) -> pd.Series:
    """Benjamini-Hochberg adjusted p-values (scipy), NaN kept as NaN."""
    out = pd.Series(np.nan, index=p.index)
    ok = p.notna()
    if ok.any():
        out[ok] = stats.false_discovery_control(p[ok].to_numpy(dtype=float), method="bh")
    return out


def pairwise_tests(shares: pd.DataFrame, groups: pd.Series, themes: list[str], *, n_boot: int = 1000,
                   n_perm: int = 999, confidence: float = 0.95, seed: int = 0, min_articles: int = 2) -> pd.DataFrame:
    """Pure core: each theme, each pair of groups (both with >= min_articles articles): share_a - share_b, its
    bootstrap interval (each group resampled on its own) and a permutation p; BH over the whole table."""
    rng = np.random.default_rng(seed)
    sizes = groups.value_counts()
    eligible = sorted(g for g, n in sizes.items() if n >= min_articles)
    rows = []
    for i, (a, b) in enumerate(itertools.combinations(eligible, 2)):
        xa = shares.loc[(groups == a).to_numpy(), themes].to_numpy(dtype=float)
        xb = shares.loc[(groups == b).to_numpy(), themes].to_numpy(dtype=float)
        point = xa.mean(axis=0) - xb.mean(axis=0)
        boots = (xa[rng.integers(0, len(xa), size=(n_boot, len(xa)))].mean(axis=1)
                 - xb[rng.integers(0, len(xb), size=(n_boot, len(xb)))].mean(axis=1))
        lo, hi = _interval(boots, point, confidence)
        p = _perm_p(xa, xb, n_perm, seed + i)
        for k, theme in enumerate(themes):
            rows.append({"theme": theme, "group_a": a, "group_b": b, "n_a": len(xa), "n_b": len(xb),
                         "share_a": float(xa[:, k].mean()), "share_b": float(xb[:, k].mean()), "diff": float(point[k]),
                         "ci_low": float(lo[k]), "ci_high": float(hi[k]),
                         "p_value": float(p[k]) if np.isfinite(p[k]) else np.nan})
    out = pd.DataFrame(rows, columns=PAIRWISE_COLUMNS)
    out["p_adj"] = _bh(out["p_value"])
    return out


def theme_contrasts(shares: pd.DataFrame, groups: pd.Series, contrasts: list[list[str]], *, n_boot: int = 1000,
                    n_perm: int = 999, confidence: float = 0.95, seed: int = 0, min_articles: int = 2) -> pd.DataFrame:
    """Pure core: within each group, mean(share of theme A - share of theme B) over its articles, a paired
    bootstrap interval and a sign-flip permutation p (the question "institutions more than space?")."""
    rng = np.random.default_rng(seed)
    rows = []
    for (a, b), group in itertools.product(contrasts, sorted(groups.unique())):
        sub = shares.loc[(groups == group).to_numpy()]
        d = (sub[a] - sub[b]).to_numpy(dtype=float)
        n = len(d)
        point = float(d.mean())
        boots = d[rng.integers(0, n, size=(n_boot, n))].mean(axis=1)
        lo, hi = _interval(boots, np.array(point), confidence) if n >= min_articles else (np.nan, np.nan)
        p = np.nan
        if n >= min_articles and np.any(d != 0):
            p = float(stats.permutation_test((d,), np.mean, permutation_type="samples", n_resamples=n_perm,
                                             alternative="two-sided", rng=np.random.default_rng(seed)).pvalue)
        rows.append({"group": group, "theme_a": a, "theme_b": b, "n_articles": n, "share_a": float(sub[a].mean()),
                     "share_b": float(sub[b].mean()), "diff": point, "ci_low": float(lo), "ci_high": float(hi),
                     "p_value": p})
    out = pd.DataFrame(rows, columns=CONTRAST_COLUMNS)
    out["p_adj"] = _bh(out["p_value"])
    return out


def weighted_log_odds(counts: pd.DataFrame, prior_scale: float = 0.01) -> pd.DataFrame:
    """Monroe et al. (2008) log-odds with an informative Dirichlet prior, each group (row) against the rest.

    counts: groups x words. The prior is prior_scale x the words' corpus counts. Returns group, word, delta,
    z, count, count_rest (long format)."""
    y = counts.to_numpy(dtype=float)
    total_w = y.sum(axis=0)
    alpha = prior_scale * total_w
    alpha0 = alpha.sum()
    rows = []
    for g, group in enumerate(counts.index):
        yi, yj = y[g], total_w - y[g]
        ni, nj = yi.sum(), yj.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            delta = (np.log((yi + alpha) / (ni + alpha0 - yi - alpha))
                     - np.log((yj + alpha) / (nj + alpha0 - yj - alpha)))
            var = 1.0 / (yi + alpha) + 1.0 / (yj + alpha)
            z = delta / np.sqrt(var)
        for w, word in enumerate(counts.columns):
            if yi[w] > 0 and np.isfinite(z[w]):
                rows.append({"group": group, "word": word, "delta": float(delta[w]), "z": float(z[w]),
                             "count": int(yi[w]), "count_rest": int(yj[w])})
    return pd.DataFrame(rows, columns=DISTINCTIVE_COLUMNS)


def group_word_counts(tokens: pd.Series, groups: pd.Series, stopwords: list[str], min_count: int = 3) -> pd.DataFrame:
    from pipeline.words import make_vectorizer

    docs = tokens.groupby(groups.to_numpy()).agg(" ".join)
    cv = make_vectorizer(stopwords, min_df=1)
    X = cv.fit_transform(docs.to_numpy())
    counts = pd.DataFrame(X.toarray(), index=docs.index, columns=cv.get_feature_names_out())
    return counts.loc[:, counts.sum(axis=0) >= min_count]


def compare_field(field: str, article_themes: pd.DataFrame, assignments: pd.DataFrame, units: pd.DataFrame,
                  themes: list[str], *, date_freq: str, n_boot: int, confidence: float, seed: int,
                  stopwords: list[str], top_words: int, prior_scale: float, n_perm: int = 999,
                  min_articles: int = 2, contrasts: list[list[str]] | None = None) -> dict[str, pd.DataFrame | dict]:
    """Pure core for one field: shares with intervals, omnibus, pairwise and contrast tests, distinctive words."""
    all_themes = [*themes, "other"]
    groups = group_values(article_themes, field, date_freq)
    unit_groups = group_values(assignments, field, date_freq)
    keep, unit_keep = pd.Series(True, index=groups.index), pd.Series(True, index=unit_groups.index)
    if field == "date":  # undated articles have no place on a time axis
        keep, unit_keep = groups != missing_label(field), unit_groups != missing_label(field)
    arts, groups = article_themes.loc[keep], groups[keep]
    shares = bootstrap_shares(arts, groups, all_themes, n_boot, confidence, seed)
    sizes = groups.value_counts()
    eligible = groups.isin(sizes[sizes >= min_articles].index)
    test = {"field": field, "n_groups": int(groups.nunique()), "n_articles": int(len(groups)),
            "n_excluded": int((~keep).sum()), "n_groups_tested": int(groups[eligible].nunique())}
    tested = groups[eligible].unique()
    if len(tested) >= 2:  # with fewer, a unit-level chi-square would only count paragraphs of one or two articles
        unit_sel = unit_keep & unit_groups.isin(tested)
        test.update(independence_test(unit_groups[unit_sel], assignments.loc[unit_sel, "theme"]))
    perm = permanova(arts.loc[eligible.to_numpy(), all_themes].to_numpy(), groups[eligible].to_numpy(), n_perm, seed)
    test.update(perm)
    pairwise = pairwise_tests(arts, groups, all_themes, n_boot=n_boot, n_perm=n_perm, confidence=confidence,
                              seed=seed, min_articles=min_articles)
    contrast = theme_contrasts(arts, groups, contrasts or [], n_boot=n_boot, n_perm=n_perm, confidence=confidence,
                               seed=seed, min_articles=min_articles)
    ua = assignments.loc[unit_keep, ["unit_id"]].assign(_g=unit_groups[unit_keep].to_numpy())
    merged = units[["unit_id", "tokens"]].merge(ua, on="unit_id")
    distinctive = pd.DataFrame(columns=DISTINCTIVE_COLUMNS)
    if merged["_g"].nunique() >= 2:
        counts = group_word_counts(merged["tokens"], merged["_g"], stopwords)
        lo = weighted_log_odds(counts, prior_scale)
        distinctive = (lo.sort_values(["group", "z"], ascending=[True, False]).groupby("group").head(top_words)
                       .reset_index(drop=True))
    return {"shares": shares, "test": test, "pairwise": pairwise, "contrasts": contrast, "distinctive": distinctive}


TEST_COLUMNS = ["field", "n_groups", "n_groups_tested", "n_articles", "n_excluded", "chi2", "dof", "p_value",
                "cramers_v", "n_units", "min_expected", "permanova_f", "permanova_r2", "permanova_p"]


def main() -> None:
    from pipeline.text import stopword_list

    params = P.load()
    c = params["compare"]
    seg = params["segment"]
    article_themes = pio.read_parquet("data/processed/article_themes.parquet")
    assignments = pd.read_csv("reports/assignments.csv", dtype={"unit_id": str, "article_id": str, "series": str,
                                                                "source": str, "label": str, "date": str})
    units = pio.read_parquet("data/interim/units.parquet")
    themes = list(params["themes"])
    stop = stopword_list(seg["stopwords"]["source"], seg["stopwords"].get("extra"))
    tests = []
    for field in c["by"] or []:
        res = compare_field(field, article_themes, assignments, units, themes, date_freq=c["date_freq"],
                            n_boot=c["bootstrap"], confidence=c["confidence"], seed=params["topics"]["seed"],
                            stopwords=stop, top_words=c["distinctive_words"], prior_scale=c["log_odds_prior"],
                            n_perm=c["permutations"], min_articles=c["min_group_articles"],
                            contrasts=c.get("contrasts") or [])
        for name in COMPARE_TABLES:
            pio.write_csv(compare_path(name, field), res[name])
        tests.append(res["test"])
        t = res["test"]
        print(f"compare: {field}: {t['n_groups']} group(s), {t['n_articles']} articles"
              + (f", PERMANOVA p={t['permanova_p']:.3g}" if "permanova_p" in t else ", too few groups to test"))
    pio.write_csv(COMPARE_TESTS, pd.DataFrame(tests).reindex(columns=TEST_COLUMNS))


if __name__ == "__main__":
    main()
