"""Figures comparing groups of a compare.by field: theme shares with intervals, within-group contrasts,
distinctive words, themes over time. Groups keep one order and one colour (pipeline.plots.style) in all."""
from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.plots.style import MARKERS, captioned, group_order, group_style, legend_below, subplots, words, wrap
from pipeline.readable import WORD_MIN_COUNT, readable_words  # the report's table filters with it too


def nonempty_themes(shares: pd.DataFrame) -> list[str]:
    """Themes in table (codebook) order, without those that no group has any share of: an empty category
    carries no information and would be drawn as markers at 0."""
    mass = shares.groupby("theme", sort=False)[["share", "ci_high"]].max().max(axis=1)
    return [t for t in dict.fromkeys(shares["theme"]) if mass.get(t, 0) > 0]


def _clear_zero(ax, right: float) -> None:
    """x from a little below 0, so a marker at 0 is drawn whole, not half-clipped by the axis."""
    ax.set_xlim(-0.03 * right, right * 1.03)


@captioned("Mean theme share per {field} with bootstrap intervals (articles resampled); groups too small for "
           "an interval, and themes no group has, are in the table only.",
           "compare")
def theme_share_figure(shares: pd.DataFrame, field: str, width: float, labels=None, max_groups: int = 6,
                       confidence: float = 0.95, min_articles: int = 2):
    """Theme share per group with bootstrap interval bars (dodged points; each group its colour and marker).
    Groups too small for an interval (fewer than min_articles) are left to the tables; None with fewer than
    two groups left."""
    labels = labels or {}
    order = group_order(shares)
    sizes = shares.groupby("group")["n_articles"].first()
    groups = [g for g in order if sizes[g] >= min_articles][:max_groups]
    themes = nonempty_themes(shares[shares["group"].isin(groups)])
    if len(groups) < 2 or not themes:
        return None
    style = group_style(order)
    fig, ax = subplots(figsize=(width, 0.3 * len(themes) * len(groups) ** 0.5 + 1.0 + 0.16 * np.ceil(len(groups) / 2)))
    offsets = np.linspace(-0.3, 0.3, len(groups))
    for gi, group in enumerate(groups):
        sub = shares[shares["group"] == group].set_index("theme").reindex(themes)
        colour, marker = style[group]
        ax.errorbar(sub["share"], np.arange(len(themes)) + offsets[gi],
                    xerr=[sub["share"] - sub["ci_low"], sub["ci_high"] - sub["share"]], fmt=marker, ms=3, lw=0.8,
                    capsize=1.5, color=colour, label=wrap(f"{group} (n = {int(sizes[group])})", 34))
    ax.set_yticks(range(len(themes)), [wrap(labels.get(t, t), 22) for t in themes])
    ax.invert_yaxis()
    _clear_zero(ax, float(shares[shares["group"].isin(groups)]["ci_high"].max()))
    ax.set_xlabel(f"mean share\n({confidence:.0%} bootstrap interval)")
    ax.set_title(f"Theme prevalence by {field}")
    legend_below(fig, ax, ncol=2, title=f"{field} (groups of ≥ {min_articles} articles)" if min_articles > 1 else field)
    return fig


@captioned("Within each {field}: share of one theme minus another, with paired bootstrap intervals.",
           "compare")
def contrast_figure(contrasts: pd.DataFrame, field: str, width: float, labels=None, max_groups: int = 6,
                    confidence: float = 0.95):
    """Forest plot: within each group, share of theme A minus theme B with its interval; one row a group, in
    the figures' group order; one marker a contrast."""
    labels = labels or {}
    data = contrasts.dropna(subset=["diff", "ci_low", "ci_high"])  # groups too small for an interval
    if data.empty:
        return None
    groups = group_order(data)[:max_groups]
    pairs = list(dict.fromkeys(zip(data["theme_a"], data["theme_b"])))
    fig, ax = subplots(figsize=(width, 0.3 * len(groups) * max(1, len(pairs)) ** 0.5 + 1.1 + 0.16 * len(pairs)))
    offsets = np.linspace(-0.25, 0.25, len(pairs)) if len(pairs) > 1 else [0.0]
    greys = ["#000000", "#555555", "#888888"]  # contrasts are neither themes nor groups: no palette colour
    for k, (a, b) in enumerate(pairs):
        sub = data[(data["theme_a"] == a) & (data["theme_b"] == b)].set_index("group").reindex(groups)
        ax.errorbar(sub["diff"], np.arange(len(groups)) + offsets[k],
                    xerr=[sub["diff"] - sub["ci_low"], sub["ci_high"] - sub["diff"]], fmt=MARKERS[k % len(MARKERS)],
                    ms=3, lw=0.8, capsize=1.5, color=greys[k % len(greys)],
                    label=f"{labels.get(a, a)} − {labels.get(b, b)}")
    ax.axvline(0, color="#555555", lw=0.6, ls="--")
    n = data.groupby("group")["n_articles"].first()
    ax.set_yticks(range(len(groups)), [wrap(f"{g} (n = {int(n[g])})", 30) for g in groups])
    ax.invert_yaxis()
    ax.set_xlabel(f"difference in mean share\n({confidence:.0%} bootstrap interval)")
    ax.set_title(f"Theme contrasts within each {field}")
    legend_below(fig, ax, ncol=1)
    return fig


@captioned("Words most distinctive of each {field} against the others: weighted log-odds z-scores with an "
           "informative Dirichlet prior (Monroe, Colaresi & Quinn 2008); one x-scale for all panels; words of "
           "one letter, parts of web addresses and rare words left out.",
           "compare")
def distinctive_figure(distinctive: pd.DataFrame, field: str, width: float, max_groups: int = 6, n_words: int = 8,
                       order: list[str] | None = None, case: dict[str, str] | None = None,
                       min_count: int = WORD_MIN_COUNT):
    """Small multiples on one x-scale: each group's most distinctive words (weighted log-odds z against the
    other groups), in the figures' group order and colours. The z = 1.96 line only where a bar falls short
    of it."""
    data = readable_words(distinctive, min_count)
    present = set(data["group"])
    order = order or list(dict.fromkeys(distinctive["group"]))
    groups = [g for g in order if g in present][:max_groups]
    if not groups:
        return None
    style = group_style(order)
    cols = 2 if len(groups) in (2, 4) else min(3, len(groups))
    rows = int(np.ceil(len(groups) / cols))
    fig, axes = subplots(rows, cols, figsize=(width, (0.12 * n_words + 0.45) * rows + 0.3), squeeze=False,
                         sharex=True)
    tops = {g: data[data["group"] == g].sort_values("z", ascending=False).head(n_words).iloc[::-1] for g in groups}
    line = min(float(t["z"].min()) for t in tops.values()) < 1.96
    for ax, group in zip(axes.flat, groups):
        sub = tops[group]
        ax.barh(range(len(sub)), sub["z"], color=style[group][0], height=0.7)
        ax.set_yticks(range(len(sub)), [words(w, case) for w in sub["word"]])
        if line:
            ax.axvline(1.96, color="#555555", lw=0.5, ls=":")
        ax.set_title(wrap(group, 30), fontsize=7)
    for ax in axes[-1]:
        ax.set_xlabel("z", labelpad=1)
    for ax in list(axes.flat)[len(groups):]:
        ax.set_visible(False)
    note = ", dotted line z = 1.96" if line else ""
    fig.suptitle(f"Distinctive words by {field} (weighted log-odds{note})", fontsize=8, x=0.01, ha="left")
    return fig


@captioned("Theme shares per period with bootstrap intervals (articles resampled).",
           "compare")
def themes_over_time_figure(shares: pd.DataFrame, width: float, colours: dict[str, str], labels=None,
                            confidence: float = 0.95):
    """Small multiples, one panel a theme (themes no period has left out): mean share per period with its
    bootstrap interval as a band. None with fewer than two periods."""
    labels = labels or {}
    periods = sorted(shares["group"].unique())
    themes = nonempty_themes(shares)
    if len(periods) < 2 or not themes:
        return None
    cols = 2 if len(themes) > 1 else 1
    rows = int(np.ceil(len(themes) / cols))
    fig, axes = subplots(rows, cols, figsize=(width, 1.05 * rows + 0.4), sharex=True, sharey=True, squeeze=False)
    x = np.arange(len(periods))
    n = shares.groupby("group")["n_articles"].first().reindex(periods)
    for ax, theme in zip(axes.flat, themes):
        sub = shares[shares["theme"] == theme].set_index("group").reindex(periods)
        c = colours.get(theme, "#000000")
        ax.fill_between(x, sub["ci_low"], sub["ci_high"], color=c, alpha=0.25, linewidth=0)
        ax.plot(x, sub["share"], marker="o", ms=2.5, color=c)
        ax.set_title(labels.get(theme, theme), fontsize=7)
        ax.set_ylim(bottom=0)
    for ax in list(axes.flat)[len(themes):]:
        ax.set_visible(False)
    step = max(1, len(periods) // 8)
    for ax in axes[-1]:
        ax.set_xticks(x[::step], [f"{p}\n(n={n[p]})" for p in periods][::step], fontsize=5.5)
    fig.supylabel(f"mean share ({confidence:.0%} interval)", fontsize=7)
    fig.suptitle("Themes over time", fontsize=8, x=0.01, ha="left")
    return fig
