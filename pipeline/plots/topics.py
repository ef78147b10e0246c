"""Figures about the topics: their sizes and words, and the hierarchy BERTopic fitted."""
from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.plots.style import GREY, captioned, legend_below, subplots, words, wrap


@captioned("Topics by size, labelled with their top c-TF-IDF words and coloured by theme.",
           "topics")
def topic_words_figure(topics: pd.DataFrame, width: float, max_topics: int = 12, n_words: int = 8, colours=None,
                       labels=None, unit: str = "articles", case: dict[str, str] | None = None):
    """Horizontal bars of topic sizes (in `unit`s: articles or paragraphs, as the run's units.level), labelled
    with each topic's top words, coloured by theme."""
    labels, colours = labels or {}, colours or {}
    data = topics[topics["topic"] >= 0].sort_values("size", ascending=False).head(max_topics).iloc[::-1]
    # labels wrapped to about half the figure's width, so the bars keep the other half
    chars = max(24, int(width * 6))
    # a multi-syllable word (kỷ luật) is never split: its spaces are non-breaking while wrapping
    ticks = [wrap(f"{r.topic}: " + ", ".join(words(w, case).replace(" ", "\u00a0")
                                              for w in str(r.top_words).split()[:n_words]), chars).replace("\u00a0", " ")
             for r in data.itertuples()]
    lines = max((t.count("\n") + 1 for t in ticks), default=1)
    present = [t for t in colours if t in set(data["theme"])]
    fig, ax = subplots(figsize=(width, (0.14 + 0.12 * lines) * len(data) + 0.8 + 0.14 * np.ceil(len(present) / 3)))
    ax.barh(range(len(data)), data["size"], color=[colours.get(t, GREY) for t in data["theme"]], height=0.7)
    ax.set_yticks(range(len(data)), ticks)
    ax.set_xlabel(f"{unit} in the topic")
    ax.set_title("Topics: size and top words")
    for t in present:
        ax.barh([0], [0], color=colours[t], label=labels.get(t, t))
    legend_below(fig, ax, ncol=min(3, max(1, len(present))), title="theme")
    return fig


def hierarchy_linkage(hierarchy: pd.DataFrame) -> tuple[list[int], np.ndarray]:
    """(leaf topics, scipy linkage matrix) from the hierarchy's edges (parent, child, distance, child_is_topic):
    each parent merges its two children at its distance. Raises ValueError when the edges are not a binary
    tree."""
    h = hierarchy.copy()
    h["child_is_topic"] = h["child_is_topic"].astype(str).str.lower().isin(["true", "1"])
    leaves = sorted(int(c) for c in h.loc[h["child_is_topic"], "child"])
    index = {("topic", t): i for i, t in enumerate(leaves)}
    parents = h.groupby("parent").agg(distance=("distance", "first"), n=("child", "size"))
    if (parents["n"] != 2).any():
        raise ValueError("a parent without exactly two children")
    rows, size = [], {}
    for parent in parents.sort_values("distance", kind="stable").index:
        kids = h[h["parent"] == parent]
        ids = [index[("topic", int(r.child))] if r.child_is_topic else index[("node", int(r.child))]
               for r in kids.itertuples()]
        n = sum(size.get(i, 1) for i in ids)
        index[("node", int(parent))] = len(leaves) + len(rows)
        size[index[("node", int(parent))]] = n
        rows.append([*sorted(ids), float(parents.loc[parent, "distance"]), n])
    return leaves, np.array(rows, dtype=float)


@captioned("Topic hierarchy as BERTopic fitted it (Ward linkage on the cosine distance of the topics' c-TF-IDF "
           "vectors; data/processed/topic_hierarchy.csv); label colour = theme.",
           "topics")
def topic_tree_figure(hierarchy: pd.DataFrame, topics: pd.DataFrame, width: float, colours: dict[str, str],
                      labels=None, n_words: int = 3, case: dict[str, str] | None = None):
    """Dendrogram of the topics drawn from the fitted hierarchy (so the figure and the file agree), leaf labels
    coloured by theme with a key. None with fewer than three topics or no usable hierarchy."""
    from scipy.cluster.hierarchy import dendrogram

    labels = labels or {}
    if hierarchy is None or hierarchy.empty:
        return None
    try:
        ids, z = hierarchy_linkage(hierarchy)
    except (KeyError, ValueError):
        return None
    if len(ids) < 3 or len(z) != len(ids) - 1:
        return None
    info = topics.set_index("topic")
    leaf = [f"{i}: " + ", ".join(words(w, case) for w in str(info.loc[i, "top_words"]).split()[:n_words])
            if i in info.index else str(i) for i in ids]
    themes = [info.loc[i, "theme"] if i in info.index else "other" for i in ids]
    present = [t for t in colours if t in set(themes)]
    fig, ax = subplots(figsize=(width, 0.2 * len(ids) + 0.7 + 0.13 * len(present)))
    dendrogram(z, labels=leaf, orientation="right", ax=ax, color_threshold=0, above_threshold_color="#555555",
                   leaf_font_size=6.5)
    by_label = dict(zip(leaf, themes))
    for tick in ax.get_yticklabels():
        tick.set_color(colours.get(by_label.get(tick.get_text(), "other"), "#000000"))
    ax.set_xlabel("merge distance")
    ax.set_title("Topic hierarchy")
    ax.spines["left"].set_visible(False)
    for t in present:
        ax.plot([], [], "s", color=colours[t], label=labels.get(t, t), ms=4)
    legend_below(fig, ax, ncol=1, title="theme (label colour)")
    return fig


@captioned("Number of topics against stability and coherence: the consensus cut at each k, refitted with the "
           "evaluation seeds (reports/model_sweep.csv). Left: adjusted Rand index between refits (dot = mean, "
           "bar down to the worst pair); right: mean NPMI of the c-TF-IDF words. Filled: the k the run uses.",
           "topics")
def model_sweep_figure(sweep: pd.DataFrame, width: float):
    """None when the sweep was not measured (HDBSCAN, or no refits): nothing to draw."""
    sweep = sweep.dropna(subset=["k", "stability_ari_mean"]) if not sweep.empty else sweep
    if sweep.empty:
        return None
    sweep = sweep.sort_values("k")
    k = sweep["k"].astype(int)
    chosen = sweep["chosen"].astype(str).str.lower().eq("true").to_numpy()
    fig, (left, right) = subplots(1, 2, figsize=(width, width * 0.5))
    mean, low = sweep["stability_ari_mean"].to_numpy(), sweep["stability_ari_min"].to_numpy()
    left.errorbar(k, mean, yerr=[mean - low, np.zeros_like(mean)], fmt="none", ecolor=GREY, elinewidth=0.8)
    right.plot(k, sweep["npmi"], color=GREY, linewidth=0.6)
    for ax, y in ((left, mean), (right, sweep["npmi"].to_numpy())):
        ax.scatter(k[~chosen], y[~chosen], s=12, facecolors="white", edgecolors="black", linewidths=0.7, zorder=3)
        ax.scatter(k[chosen], y[chosen], s=14, color="black", zorder=3)
        ax.set_xticks(k)
        ax.set_xlabel("topics (k)")
    left.set_ylabel("stability (ARI between refits)")
    right.set_ylabel("NPMI coherence")
    return fig
