"""Figures of the covariate effects (reports/compare/differences_<field>.csv, prevalence_curves_<field>.csv,
series_trajectories.csv): group - reference differences with 95 % intervals, raw beside adjusted; predicted
prevalence over time with bands; series trajectories part by part. Drawn by the figures stage with its style;
each function carries its `caption` and `about` (plots.style.captioned). Each returns a figure, or None when there is nothing to draw.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from pipeline.plots.style import captioned, wrap

GREY = "#999999"


def _label(labels, theme):
    return (labels or {}).get(theme, theme)


@captioned("Difference in theme prevalence, each {field} group (panel) minus the reference group (named on the "
          "axis), in percentage points of the share of articles, with 95 % intervals: filled, adjusted for the "
          "controls (effects.controls); hollow, raw. A raw difference whose interval leaves 0 while the adjusted "
          "one does not is explained by the controls (e.g. the category mix of the outlets).", "compare")
def difference_figure(differences: pd.DataFrame, field: str, width: float, colours: dict[str, str], labels=None,
                      max_groups: int = 6):
    d = differences[differences["covariate"] == field] if "covariate" in differences else differences
    d = d[d["diff"].notna()] if len(d) else d
    if d.empty:
        return None
    groups = (d.drop_duplicates("group").sort_values("n_level", ascending=False)["group"].head(max_groups).tolist())
    # a theme no article has (0 everywhere, no interval) carries no information
    empty = d.groupby("theme").apply(lambda g: g["diff"].abs().max() < 1e-9 and g["ci_low"].isna().all(),
                                     include_groups=False)
    themes = [t for t in colours if t in set(d["theme"]) and not empty.get(t, False)]
    has_raw = "raw_diff" in d
    reference = d["reference"].dropna().iloc[0] if d["reference"].notna().any() else ""
    fig, axes = plt.subplots(1, len(groups), figsize=(width, 0.28 * len(themes) + 1.3), sharey=True, sharex=True,
                             layout="constrained", squeeze=False)
    y = np.arange(len(themes))
    for ax, group in zip(axes[0], groups):
        sub = d[d["group"] == group].set_index("theme").reindex(themes)
        for k, theme in enumerate(themes):
            row, c = sub.loc[theme], colours[theme]
            if has_raw and np.isfinite(row["raw_diff"]):
                ax.errorbar(100 * row["raw_diff"], k + 0.18, xerr=_err(row, "raw_diff", "raw_ci_low", "raw_ci_high"),
                            fmt="o", mfc="white", mec=c, ecolor=c, ms=3, lw=0.7, alpha=0.8)
            ax.errorbar(100 * row["diff"], k - 0.18 if has_raw else k, xerr=_err(row, "diff", "ci_low", "ci_high"),
                        fmt="o", color=c, ms=3, lw=0.9)
        ax.axvline(0, color=GREY, lw=0.6)
        ax.set_title(wrap(str(group), 16), fontsize=6.5)
    axes[0][0].set_yticks(y, [_label(labels, t) for t in themes])
    axes[0][0].invert_yaxis()
    fig.supxlabel(f"difference from {reference}, percentage points", fontsize=7)
    if has_raw:
        handles = [plt.Line2D([], [], marker="o", ls="", color="0.3", ms=3, label="adjusted"),
                   plt.Line2D([], [], marker="o", ls="", mfc="white", mec="0.3", ms=3, label="raw")]
        fig.legend(handles=handles, loc="outside upper center", ncol=2, frameon=False, fontsize=6.5)
    return fig


def _err(row, point: str, lo: str, hi: str):
    """Error bar half-widths in percentage points; none where there is no interval (a one-article group)."""
    if not (np.isfinite(row[lo]) and np.isfinite(row[hi])):
        return None
    return [[100 * (row[point] - row[lo])], [100 * (row[hi] - row[point])]]


@captioned("Predicted share of articles in each theme over time (the fitted time curve, adjusted for the "
          "controls, averaged over the articles), with 95 % bands.", "compare")
def time_curve_figure(curves: pd.DataFrame, width: float, colours: dict[str, str], labels=None):
    c = curves[curves["field"] == "date"] if len(curves) else curves
    dates = pd.to_datetime(c["value"], errors="coerce") if len(c) else pd.Series(dtype="datetime64[ns]")
    if c.empty or dates.isna().any() or dates.nunique() < 3:  # periods or too few points: not a curve
        return None
    c = c.assign(_t=dates)
    fig, ax = plt.subplots(figsize=(width, width * 0.7), layout="constrained")
    for theme in [t for t in colours if t in set(c["theme"])]:
        s = c[c["theme"] == theme].sort_values("_t")
        ax.plot(s["_t"], 100 * s["estimate"], color=colours[theme], label=_label(labels, theme))
        ax.fill_between(s["_t"], 100 * s["ci_low"], 100 * s["ci_high"], color=colours[theme], alpha=0.15, lw=0)
    ax.set_ylabel("share of articles (%)")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=2, frameon=False)
    fig.autofmt_xdate()
    return fig


@captioned("Theme shares part by part in each article series (parts in order), with 95 % intervals; a part with "
          "one article is a hollow point without an interval (one article is no sample).", "compare")
def series_trajectory_figure(trajectories: pd.DataFrame, width: float, colours: dict[str, str], labels=None,
                             max_series: int = 4):
    if trajectories.empty:
        return None
    sizes = trajectories.groupby("series")["n_articles"].sum().sort_values(ascending=False)
    names = list(sizes.index[:max_series])
    fig, axes = plt.subplots(len(names), 1, figsize=(width, 1.5 * len(names) + 0.6), layout="constrained",
                             squeeze=False)
    for ax, name in zip(axes[:, 0], names):
        s = trajectories[trajectories["series"] == name]
        for theme in [t for t in colours if t in set(s["theme"])]:
            t = s[s["theme"] == theme].sort_values("part")
            if not (t["share"] > 0).any():
                continue
            ax.plot(t["part"], 100 * t["share"], color=colours[theme], lw=0.8, label=_label(labels, theme))
            one = t["ci_low"].isna()
            ax.errorbar(t.loc[~one, "part"], 100 * t.loc[~one, "share"],
                        yerr=[100 * (t.loc[~one, "share"] - t.loc[~one, "ci_low"]),
                              100 * (t.loc[~one, "ci_high"] - t.loc[~one, "share"])],
                        fmt="o", color=colours[theme], ms=3, lw=0.7)
            ax.plot(t.loc[one, "part"], 100 * t.loc[one, "share"], "o", mfc="white", mec=colours[theme], ms=3.5)
        ax.set_title(str(name), fontsize=6.5)
        ax.set_xticks(sorted(s["part"].unique()))
        ax.set_ylabel("share (%)")
    axes[-1, 0].set_xlabel("part")
    handles, names_ = [], []
    for ax in axes[:, 0]:
        for h, n in zip(*ax.get_legend_handles_labels()):
            if n not in names_:
                handles.append(h)
                names_.append(n)
    fig.legend(handles, names_, loc="outside lower center", ncol=2, frameon=False)
    return fig
