"""The design behind a comparison, shown before any comparison: group x control counts with a confounding warning,
and the part-by-part theme trajectory of each article series. Pure core (data in, data out).

Confounding rule: a covariate and a control are flagged when either
- their association is at least moderate: bias-corrected Cramér's V >= 0.3 (Bergsma 2013; the plain V of a
  sparse table is inflated: with 50 articles in a 3 x 5 table independence already gives V near 0.28). 0.3 is
  Cohen's "medium" for a 2 x k table and stricter than medium for larger ones, so a flag is never about a trace
  association; or
- the table has a structural zero: a cell with no article where independence expects at least 5. Under
  independence such a cell is empty with probability e^-5 < 1 %, so the empty cell says how the sample was drawn
  (health articles 16 / 10 / 0 / 0 over four outlets), and a raw outlet difference there is partly a category
  difference that V, an average over the whole table, can hide (V = 0.30 on the bundled sample).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from pipeline.groups import group_values

TRAJECTORY_COLUMNS = ["series", "part", "theme", "n_articles", "share", "ci_low", "ci_high"]


def cramers_v_corrected(table: np.ndarray) -> float:
    """Bergsma's (2013) bias-corrected Cramér's V; 0 for a table with fewer than two rows or columns in use."""
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    r, c = table.shape
    n = table.sum()
    if min(r, c) < 2 or n < 2:
        return 0.0
    chi2 = stats.chi2_contingency(table, correction=False)[0]
    phi2 = max(0.0, chi2 / n - (r - 1) * (c - 1) / (n - 1))
    r_c, c_c = r - (r - 1) ** 2 / (n - 1), c - (c - 1) ** 2 / (n - 1)
    denom = min(r_c - 1, c_c - 1)
    return float(np.sqrt(phi2 / denom)) if denom > 0 else 0.0


def design_table(meta: pd.DataFrame, covariate: str, control: str, *, v_threshold: float = 0.3,
                 min_expected: float = 5.0, date_freq: str = "quarter") -> tuple[pd.DataFrame, dict, str]:
    """Counts of articles by covariate group (rows) x control level (columns) with a total column, the
    association statistics, and a one-line warning ("" when none)."""
    g, c = group_values(meta, covariate, date_freq), group_values(meta, control, date_freq)
    counts = pd.crosstab(g.rename(covariate), c.rename(control))
    table = counts.to_numpy(dtype=float)
    n = table.sum()
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / n if n else table
    zeros = [(counts.index[i], counts.columns[j], float(expected[i, j]))
             for i, j in zip(*np.nonzero((table == 0) & (expected >= min_expected)))]
    info = {"covariate": covariate, "control": control, "n_articles": int(n),
            "cramers_v": cramers_v_corrected(table), "structural_zeros": len(zeros)}
    if min(table.shape) >= 2:
        chi2, p, dof, _ = stats.chi2_contingency(table, correction=False)
        info.update(chi2=float(chi2), dof=int(dof), p_value=float(p))
    reasons = []
    if info["cramers_v"] >= v_threshold:
        reasons.append(f"Cramér's V {info['cramers_v']:.2f} (bias-corrected) >= {v_threshold:g}")
    if zeros:
        by_level: dict[str, list] = {}
        for group, level, exp in zeros:
            by_level.setdefault(level, []).append((group, exp))
        level, cells = max(by_level.items(), key=lambda kv: len(kv[1]))
        reasons.append(f"no '{level}' articles in {len(cells)} of {counts.shape[0]} {covariate} groups "
                       f"({', '.join(str(gr) for gr, _ in cells[:3])}) where about {cells[0][1]:.0f} each were "
                       f"expected" + (f", and {len(zeros) - len(cells)} more such cell(s)" if len(zeros) > len(cells)
                                      else ""))
    warning = (f"{covariate} is confounded with {control}: {'; '.join(reasons)}. Raw {covariate} differences "
               f"partly reflect {control}; read the {control}-adjusted effects." if reasons else "")
    info["warning"] = warning
    out = counts.copy()
    out["total"] = out.sum(axis=1)
    return out.reset_index(), info, warning


def _pooled_mean(values: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """values (K, n): per draw the mean of n articles and its variance s^2 / n, pooled by Rubin's rules;
    t interval on n - 1 degrees of freedom (Barnard-Rubin when the draws differ), clipped to [0, 1]."""
    K, n = values.shape
    means = values.mean(axis=1)
    w = (values.var(axis=1, ddof=1) / n).mean()
    b = means.var(ddof=1) if K > 1 else 0.0
    total = w + (1 + 1 / K) * b
    q = float(means.mean())
    if total <= 0:
        return q, q, q
    df = n - 1.0
    if K > 1 and b > 0:
        lam = (1 + 1 / K) * b / total
        df = 1 / (lam ** 2 / (K - 1) + 1 / ((df + 1) / (df + 3) * df * (1 - lam)))
    half = stats.t.ppf(0.5 + confidence / 2, df) * np.sqrt(total)
    return q, float(max(0.0, q - half)), float(min(1.0, q + half))


def series_trajectories(draws: list[pd.DataFrame], meta: pd.DataFrame, themes: list[str], *, series: str = "series",
                        part: str = "part", confidence: float = 0.95) -> pd.DataFrame:
    """Per series and part (in order), the mean theme share of its articles over the K proportion tables, with a
    pooled interval. A part with one article gets its share and no interval: one article is no sample to
    estimate a spread from. Articles with no series or no part number are left out."""
    meta = meta.assign(article_id=meta["article_id"].astype(str))
    if series not in meta or part not in meta:
        return pd.DataFrame(columns=TRAJECTORY_COLUMNS)
    parts = pd.to_numeric(meta[part], errors="coerce")
    ok = meta[series].notna() & (meta[series].astype(str).str.strip() != "") & parts.notna()
    meta = meta.loc[ok].assign(_part=parts[ok])
    tables = [(t.set_index("article_id") if "article_id" in t.columns else t) for t in draws]
    for t in tables:
        t.index = t.index.astype(str)
    rows = []
    for (name, number), cell in meta.groupby([series, "_part"], sort=True):
        values = np.stack([t.loc[cell["article_id"], themes].to_numpy(dtype=float) for t in tables])  # (K, n, T)
        for k, theme in enumerate(themes):
            n = values.shape[1]
            share, lo, hi = (_pooled_mean(values[:, :, k], confidence) if n >= 2
                             else (float(values[:, 0, k].mean()), np.nan, np.nan))
            rows.append({"series": name, "part": int(number) if float(number).is_integer() else number,
                         "theme": theme, "n_articles": n, "share": share, "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows, columns=TRAJECTORY_COLUMNS)
