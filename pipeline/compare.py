"""Compare stage: theme shares across the groups of each compare.by field, with uncertainty.

- shares: mean of the articles' theme shares in a group, with a percentile bootstrap interval that
  resamples articles within the group (compare.bootstrap draws, seeded by topics.seed);
- test: chi-square test of independence of group x theme (unit counts), with Cramér's V;
- time: dates binned by compare.date_freq, then treated as groups;
- distinctive words: weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn
  2008), each group against all the others, with z-scores.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from pipeline import io as pio
from pipeline import params as P

PERIOD = {"month": "M", "quarter": "Q", "year": "Y"}
MISSING = "(unknown)"


def group_values(frame: pd.DataFrame, field: str, date_freq: str = "quarter") -> pd.Series:
    """The grouping value of each row; dates become periods such as 2025Q3, missing values "(unknown)"."""
    if field == "date":
        dates = pd.to_datetime(frame["date"], errors="coerce")
        return dates.dt.to_period(PERIOD[date_freq]).astype(str).where(dates.notna(), MISSING)
    return frame[field].astype("string").fillna(MISSING).astype(str)


def bootstrap_shares(shares: pd.DataFrame, groups: pd.Series, themes: list[str], n_boot: int = 1000,
                     confidence: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """Pure core: per group and theme, the mean share and its bootstrap interval (articles resampled)."""
    rng = np.random.default_rng(seed)
    lo_q, hi_q = (1 - confidence) / 2, 1 - (1 - confidence) / 2
    rows = []
    for group in sorted(groups.unique()):
        values = shares.loc[(groups == group).to_numpy(), themes].to_numpy(dtype=float)
        n = len(values)
        point = values.mean(axis=0)
        idx = rng.integers(0, n, size=(n_boot, n))
        boots = values[idx].mean(axis=1)  # (n_boot, n_themes)
        lo, hi = np.quantile(boots, [lo_q, hi_q], axis=0)
        for k, theme in enumerate(themes):
            rows.append({"group": group, "theme": theme, "share": float(point[k]), "ci_low": float(min(lo[k], point[k])),
                         "ci_high": float(max(hi[k], point[k])), "n_articles": int(n)})
    return pd.DataFrame(rows, columns=["group", "theme", "share", "ci_low", "ci_high", "n_articles"])


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
            "min_expected": float(expected.min()), "n_groups": int(table.shape[0])}


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
    return pd.DataFrame(rows, columns=["group", "word", "delta", "z", "count", "count_rest"])


def group_word_counts(tokens: pd.Series, groups: pd.Series, stopwords: list[str], min_count: int = 3) -> pd.DataFrame:
    from sklearn.feature_extraction.text import CountVectorizer

    from pipeline.topics import TOKEN_PATTERN

    docs = tokens.groupby(groups.to_numpy()).agg(" ".join)
    cv = CountVectorizer(stop_words=stopwords or None, token_pattern=TOKEN_PATTERN, lowercase=True)
    X = cv.fit_transform(docs.to_numpy())
    counts = pd.DataFrame(X.toarray(), index=docs.index, columns=cv.get_feature_names_out())
    return counts.loc[:, counts.sum(axis=0) >= min_count]


def compare_field(field: str, article_themes: pd.DataFrame, assignments: pd.DataFrame, units: pd.DataFrame,
                  themes: list[str], *, date_freq: str, n_boot: int, confidence: float, seed: int,
                  stopwords: list[str], top_words: int, prior_scale: float) -> dict[str, pd.DataFrame | dict]:
    """Pure core for one field: shares with intervals, the independence test and distinctive words."""
    groups = group_values(article_themes, field, date_freq)
    shares = bootstrap_shares(article_themes, groups, [*themes, "other"], n_boot, confidence, seed)
    unit_groups = group_values(assignments, field, date_freq)
    test = independence_test(unit_groups, assignments["theme"])
    merged = units[["unit_id", "tokens"]].merge(assignments[["unit_id"]].assign(_g=unit_groups.to_numpy()), on="unit_id")
    distinctive = pd.DataFrame(columns=["group", "word", "delta", "z", "count", "count_rest"])
    if merged["_g"].nunique() >= 2:
        counts = group_word_counts(merged["tokens"], merged["_g"], stopwords)
        lo = weighted_log_odds(counts, prior_scale)
        distinctive = (lo.sort_values(["group", "z"], ascending=[True, False]).groupby("group").head(top_words)
                       .reset_index(drop=True))
    return {"shares": shares, "test": {"field": field, **test}, "distinctive": distinctive}


def main() -> None:
    from pipeline.text import stopword_list

    params = P.load()
    c = params["compare"]
    seg = params["segment"]
    article_themes = pio.read_parquet("data/processed/article_themes.parquet")
    assignments = pd.read_csv("reports/assignments.csv", dtype={"unit_id": str, "article_id": str})
    units = pio.read_parquet("data/interim/units.parquet")
    themes = list(params["themes"])
    stop = stopword_list(seg["stopwords"]["source"], seg["stopwords"].get("extra"))
    out_dir = "reports/compare"
    tests = []
    for field in c["by"] or []:
        res = compare_field(field, article_themes, assignments, units, themes, date_freq=c["date_freq"],
                            n_boot=c["bootstrap"], confidence=c["confidence"], seed=params["topics"]["seed"],
                            stopwords=stop, top_words=c["distinctive_words"], prior_scale=c["log_odds_prior"])
        pio.write_csv(f"{out_dir}/theme_shares_{field}.csv", res["shares"])
        pio.write_csv(f"{out_dir}/distinctive_words_{field}.csv", res["distinctive"])
        tests.append(res["test"])
    pio.write_csv(f"{out_dir}/tests.csv", pd.DataFrame(tests))
    print(f"compare: {len(tests)} field(s): {', '.join(c['by'] or [])}")


if __name__ == "__main__":
    main()
