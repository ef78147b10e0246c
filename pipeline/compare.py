"""Compare stage: theme shares across the groups of each compare.by field, with uncertainty and tests.

The article is the unit of resampling throughout: at paragraph level an article's units are not independent,
so every interval and permutation test moves whole articles.

- shares: mean of the articles' theme shares in a group, with a percentile bootstrap interval
  (compare.bootstrap draws, articles resampled within the group, seeded by topics.seed);
- omnibus tests: chi-square of group x theme on unit counts with Cramér's V (familiar, but it treats units as
  independent), and an article-level permutation test (PERMANOVA pseudo-F on the theme-share vectors,
  Euclidean; Anderson 2001) with R², which does not;
- pairwise: for each theme and pair of groups, the difference of mean shares with a bootstrap interval and the
  bootstrap p-value of the same draws (twice the smaller share of draws on either side of 0), so that an interval
  excludes 0 exactly when p < 1 - confidence (up to one draw); Benjamini-Hochberg adjusted over the field's tests
  of non-empty themes (a theme no article of the field has is reported with note "empty theme", untested);
- contrasts (compare.contrasts): within each group, share of theme A minus share of theme B ("institutions
  more than space?"), paired bootstrap interval and its bootstrap p, BH adjusted;
- time: dates binned by compare.date_freq (month, quarter, year) and treated as groups; undated articles are
  left out of the time comparison and counted;
- distinctive words: weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn
  2008), each group against all the others, with z-scores; a word must occur in compare.min_word_articles of the
  group's articles (one long story cannot make a keyword); and the same within each theme (how groups talk about
  the same theme);
- covariate effects (pipeline/prevalence.py): each field's effect on theme prevalence adjusted for the controls
  of params `effects`, the raw effect beside it, the design table with its confounding warning, and the series'
  part-by-part trajectories.

At article level an article's theme share is 1 for its topic's theme, so a group's "share" is the proportion of
its articles in the theme; at paragraph level it is the mean over articles of the share of their paragraphs.
"""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy import stats

from pipeline import io as pio
from pipeline import params as P
from pipeline import paths
from pipeline import prevalence
from pipeline.effects import spec_from_params
from pipeline.groups import group_values, missing_label
from pipeline.words import topic_stopwords

SHARE_COLUMNS = ["group", "theme", "share", "ci_low", "ci_high", "n_articles"]
PAIRWISE_COLUMNS = ["theme", "group_a", "group_b", "n_a", "n_b", "share_a", "share_b", "diff", "ci_low", "ci_high",
                    "p_value", "p_adj", "note"]
CONTRAST_COLUMNS = ["group", "theme_a", "theme_b", "n_articles", "share_a", "share_b", "diff", "ci_low", "ci_high",
                    "p_value", "p_adj", "note"]
DISTINCTIVE_COLUMNS = ["group", "word", "delta", "z", "count", "count_rest", "n_articles"]
WITHIN_COLUMNS = ["theme", *DISTINCTIVE_COLUMNS]
EMPTY_THEME = "empty theme: no article of the field has it; not tested"


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


def _boot_p(boots: np.ndarray) -> np.ndarray:
    """Two-sided bootstrap p of "difference = 0" from the draws that give the percentile interval (interval
    inversion): twice the smaller share of draws on either side of 0, with the +1 of a permutation p so it is
    never 0. The interval excludes 0 exactly when p < 1 - confidence, up to one draw."""
    n = boots.shape[0]
    below, above = (boots <= 0).sum(axis=0), (boots >= 0).sum(axis=0)
    return np.minimum(1.0, 2 * (np.minimum(below, above) + 1) / (n + 1))


def _bh(p: pd.Series) -> pd.Series:
    """Benjamini-Hochberg adjusted p-values (scipy), NaN kept as NaN."""
    out = pd.Series(np.nan, index=p.index)
    ok = p.notna()
    if ok.any():
        out[ok] = stats.false_discovery_control(p[ok].to_numpy(dtype=float), method="bh")
    return out


def pairwise_tests(shares: pd.DataFrame, groups: pd.Series, themes: list[str], *, n_boot: int = 1000,
                   confidence: float = 0.95, seed: int = 0, min_articles: int = 2) -> pd.DataFrame:
    """Pure core: each theme, each pair of groups (both with >= min_articles articles): share_a - share_b, its
    bootstrap interval (each group resampled on its own) and the bootstrap p of the same draws; BH over the
    table's non-empty themes."""
    rng = np.random.default_rng(seed)
    sizes = groups.value_counts()
    eligible = sorted(g for g, n in sizes.items() if n >= min_articles)
    empty = ~shares[themes].to_numpy(dtype=float).any(axis=0)
    rows = []
    for a, b in itertools.combinations(eligible, 2):
        xa = shares.loc[(groups == a).to_numpy(), themes].to_numpy(dtype=float)
        xb = shares.loc[(groups == b).to_numpy(), themes].to_numpy(dtype=float)
        point = xa.mean(axis=0) - xb.mean(axis=0)
        boots = (xa[rng.integers(0, len(xa), size=(n_boot, len(xa)))].mean(axis=1)
                 - xb[rng.integers(0, len(xb), size=(n_boot, len(xb)))].mean(axis=1))
        lo, hi = _interval(boots, point, confidence)
        p = _boot_p(boots)
        for k, theme in enumerate(themes):
            rows.append({"theme": theme, "group_a": a, "group_b": b, "n_a": len(xa), "n_b": len(xb),
                         "share_a": float(xa[:, k].mean()), "share_b": float(xb[:, k].mean()), "diff": float(point[k]),
                         "ci_low": float(lo[k]), "ci_high": float(hi[k]),
                         "p_value": np.nan if empty[k] else float(p[k]), "note": EMPTY_THEME if empty[k] else ""})
    out = pd.DataFrame(rows, columns=PAIRWISE_COLUMNS)
    out["p_adj"] = _bh(out["p_value"])
    return out


def theme_contrasts(shares: pd.DataFrame, groups: pd.Series, contrasts: list[list[str]], *, n_boot: int = 1000,
                    confidence: float = 0.95, seed: int = 0, min_articles: int = 2) -> pd.DataFrame:
    """Pure core: within each group, mean(share of theme A - share of theme B) over its articles, a paired
    bootstrap interval and the bootstrap p of the same draws (the question "institutions more than space?").
    A pair of themes that no article of the group has is not tested."""
    rng = np.random.default_rng(seed)
    rows = []
    for (a, b), group in itertools.product(contrasts, sorted(groups.unique())):
        sub = shares.loc[(groups == group).to_numpy()]
        d = (sub[a] - sub[b]).to_numpy(dtype=float)
        n = len(d)
        point = float(d.mean())
        lo = hi = p = np.nan
        note = "" if n >= min_articles else f"fewer than {min_articles} articles: not tested"
        if n >= min_articles:
            boots = d[rng.integers(0, n, size=(n_boot, n))].mean(axis=1)
            lo, hi = _interval(boots, np.array(point), confidence)
            if not (sub[a].any() or sub[b].any()):
                note = EMPTY_THEME
            else:
                p = float(_boot_p(boots[:, None])[0])
        rows.append({"group": group, "theme_a": a, "theme_b": b, "n_articles": n, "share_a": float(sub[a].mean()),
                     "share_b": float(sub[b].mean()), "diff": point, "ci_low": float(lo), "ci_high": float(hi),
                     "p_value": p, "note": note})
    out = pd.DataFrame(rows, columns=CONTRAST_COLUMNS)
    out["p_adj"] = _bh(out["p_value"])
    return out


def weighted_log_odds(counts: pd.DataFrame, prior_scale: float = 0.01, article_counts: pd.DataFrame | None = None,
                      min_articles: int = 1) -> pd.DataFrame:
    """Monroe et al. (2008) log-odds with an informative Dirichlet prior, each group (row) against the rest.

    counts: groups x words. The prior is prior_scale x the words' corpus counts. `article_counts` (same shape):
    in how many of the group's articles each word occurs; a word in fewer than `min_articles` of them is not
    listed for the group (its estimate still uses every count). Returns group, word, delta, z, count, count_rest,
    n_articles (long format)."""
    y = counts.to_numpy(dtype=float)
    docs = article_counts.to_numpy() if article_counts is not None else np.full(y.shape, -1)
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
            if yi[w] > 0 and np.isfinite(z[w]) and (docs[g, w] < 0 or docs[g, w] >= min_articles):
                rows.append({"group": group, "word": word, "delta": float(delta[w]), "z": float(z[w]),
                             "count": int(yi[w]), "count_rest": int(yj[w]),
                             "n_articles": int(docs[g, w]) if docs[g, w] >= 0 else np.nan})
    return pd.DataFrame(rows, columns=DISTINCTIVE_COLUMNS)


def group_word_counts(tokens: pd.Series, groups: pd.Series, articles: pd.Series, stopwords: list[str],
                      min_count: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """groups x words: token counts, and in how many of the group's articles each word occurs."""
    from pipeline.words import make_vectorizer

    frame = pd.DataFrame({"t": tokens.to_numpy(), "g": groups.to_numpy(), "a": articles.to_numpy()})
    docs = frame.groupby(["g", "a"], sort=True)["t"].agg(" ".join)  # one document an article (its units joined)
    cv = make_vectorizer(stopwords, min_df=1)
    X = cv.fit_transform(docs.to_numpy())
    codes, names = pd.factorize(docs.index.get_level_values("g"), sort=True)
    member = np.zeros((len(names), len(docs)))
    member[codes, np.arange(len(docs))] = 1
    words = cv.get_feature_names_out()
    counts = pd.DataFrame(np.asarray(X.T.dot(member.T)).T, index=names, columns=words)
    present = pd.DataFrame(np.asarray((X > 0).astype(float).T.dot(member.T)).T, index=names, columns=words)
    keep = counts.sum(axis=0) >= min_count
    return counts.loc[:, keep].astype(int), present.loc[:, keep].astype(int)


def distinctive_words(tokens: pd.Series, groups: pd.Series, articles: pd.Series, stopwords: list[str], *,
                      top_words: int, prior_scale: float, min_articles: int) -> pd.DataFrame:
    """The top distinctive words of each group (z of the weighted log-odds), each in >= min_articles articles."""
    if groups.nunique() < 2:
        return pd.DataFrame(columns=DISTINCTIVE_COLUMNS)
    counts, present = group_word_counts(tokens, groups, articles, stopwords)
    if counts.empty:
        return pd.DataFrame(columns=DISTINCTIVE_COLUMNS)
    lo = weighted_log_odds(counts, prior_scale, present, min_articles)
    return lo.sort_values(["group", "z"], ascending=[True, False]).groupby("group").head(top_words).reset_index(drop=True)


def compare_field(field: str, article_themes: pd.DataFrame, assignments: pd.DataFrame, units: pd.DataFrame,
                  themes: list[str], *, date_freq: str, n_boot: int, confidence: float, seed: int,
                  stopwords: list[str], top_words: int, prior_scale: float, n_perm: int = 999,
                  min_articles: int = 2, contrasts: list[list[str]] | None = None,
                  min_word_articles: int = 1) -> dict[str, pd.DataFrame | dict]:
    """Pure core for one field: shares with intervals, omnibus, pairwise and contrast tests, distinctive words
    (overall and within each theme)."""
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
    pairwise = pairwise_tests(arts, groups, all_themes, n_boot=n_boot, confidence=confidence, seed=seed,
                              min_articles=min_articles)
    contrast = theme_contrasts(arts, groups, contrasts or [], n_boot=n_boot, confidence=confidence, seed=seed,
                               min_articles=min_articles)
    ua = assignments.loc[unit_keep, ["unit_id", "theme"]].assign(_g=unit_groups[unit_keep].to_numpy())
    merged = units[["unit_id", "article_id", "tokens"]].merge(ua, on="unit_id")
    words = {"top_words": top_words, "prior_scale": prior_scale, "min_articles": min_word_articles}
    distinctive = distinctive_words(merged["tokens"], merged["_g"], merged["article_id"], stopwords, **words)
    within = [distinctive_words(sub["tokens"], sub["_g"], sub["article_id"], stopwords, **words).assign(theme=theme)
              for theme, sub in merged.groupby(merged["theme"].fillna("other"), sort=True)]
    within = pd.concat([w for w in within if len(w)] or [pd.DataFrame(columns=WITHIN_COLUMNS)], ignore_index=True)
    return {"shares": shares, "test": test, "pairwise": pairwise, "contrasts": contrast, "distinctive": distinctive,
            "distinctive_within": within[WITHIN_COLUMNS]}


TEST_COLUMNS = ["field", "n_groups", "n_groups_tested", "n_articles", "n_excluded", "chi2", "dof", "p_value",
                "cramers_v", "n_units", "min_expected", "permanova_f", "permanova_r2", "permanova_p"]


def main(argv: list[str] | None = None) -> None:
    ws = paths.stage_args("compare", argv)
    params = P.load(ws.params_file)
    c = params["compare"]
    article_themes = pio.read_parquet(ws / paths.ARTICLE_THEMES)
    assignments = pio.read_parquet(ws / paths.UNIT_THEMES)
    units = pio.read_parquet(ws / paths.UNITS)
    themes = list(params["themes"])
    stop = topic_stopwords(params)
    spec = spec_from_params(params.get("effects", {}).to_dict() if params.get("effects") else {})
    spec = spec.model_copy(update={"confidence": c["confidence"], "seed": params["topics"]["seed"]})
    tests, design_info = [], []
    for field in c["by"] or []:
        res = compare_field(field, article_themes, assignments, units, themes, date_freq=c["date_freq"],
                            n_boot=c["bootstrap"], confidence=c["confidence"], seed=params["topics"]["seed"],
                            stopwords=stop, top_words=c["distinctive_words"], prior_scale=c["log_odds_prior"],
                            n_perm=c["permutations"], min_articles=c["min_group_articles"],
                            contrasts=c.get("contrasts") or [], min_word_articles=c.get("min_word_articles", 3))
        try:
            res |= prevalence.field_effects(field, article_themes, [*themes, "other"], spec, date_freq=c["date_freq"])
        except ValueError as exc:  # a bad effects spec (reference, cluster field): one line, no traceback
            raise SystemExit(f"compare: {field}: {exc}") from None
        for kind in paths.COMPARE_TABLES:
            pio.write_csv(ws / paths.compare_table(kind, field), res[kind])
        tests.append(res["test"])
        design_info += [*res["design_info"], *({"field": field, "note": n} for n in res["notes"])]
        t = res["test"]
        print(f"compare: {field}: {t['n_groups']} group(s), {t['n_articles']} articles"
              + (f", PERMANOVA p={t['permanova_p']:.3g}" if "permanova_p" in t else ", too few groups to test"))
        print(prevalence.summary_line(field, res))
    pio.write_csv(ws / paths.COMPARE_TESTS, pd.DataFrame(tests).reindex(columns=TEST_COLUMNS))
    pio.write_json(ws / paths.COMPARE_DESIGN, design_info)
    trajectories = prevalence.trajectories(article_themes, [*themes, "other"], c["confidence"])
    pio.write_csv(ws / paths.COMPARE_TRAJECTORIES, trajectories)


if __name__ == "__main__":
    main()
