"""Figures stage: publication figures (matplotlib), PNG at figures.dpi and PDF, sized for a journal column
(figures.width_in) or the full page width (figures.full_width_in) for small multiples.

One style for all: DejaVu Sans (renders every Vietnamese diacritic), 7-pt text, the Okabe-Ito colour-blind-safe
palette for categories (a theme keeps its colour in every figure), cividis for sequential scales, no chart
junk; file metadata without timestamps so that re-runs give identical files.

Figures: topic_words; theme_share_<field> (shares with bootstrap interval bars); heatmap_<field> (group x
theme); contrast_<field> (within-group theme differences, e.g. institutions - spatial planning);
distinctive_<field> (weighted log-odds z); themes_over_time (when compare.by has date); topic_similarity
(dendrogram of topics by the cosine distance of their c-TF-IDF word weights); document_map (PCA of the
unit embeddings, coloured by theme); actors (most quoted speakers by theme).

Each figure's caption sits beside the function that draws it (@captioned); the stage writes them, with each
figure's width and order, to reports/figures/figures.json, which the report reads.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from pipeline import io as pio  # noqa: E402
from pipeline import codebook  # noqa: E402
from pipeline import params as P  # noqa: E402
from pipeline import paths  # noqa: E402

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000", "#999999"]
GREY = "#999999"
SEQUENTIAL = "cividis"  # perceptually uniform and readable with every common colour-vision deficiency
MARKERS = "osD^vP*X<>"


def captioned(caption: str, about: str):
    """The figure's caption, beside the function that draws it; "{field}" stands for the compare.by field.
    `about` says what the figure shows ("topics", "compare" or "discourse"), so that the report can place it
    without knowing figure names. The stage writes both into the manifest the report reads."""
    def attach(fn):
        fn.caption, fn.about = caption, about
        return fn
    return attach


def apply_style() -> None:
    plt.rcParams.update({
        "font.family": "DejaVu Sans", "font.size": 7, "axes.titlesize": 8, "axes.labelsize": 7,
        "xtick.labelsize": 6.5, "ytick.labelsize": 6.5, "legend.fontsize": 6.5, "legend.title_fontsize": 6.5,
        "axes.spines.top": False, "axes.spines.right": False, "axes.linewidth": 0.6, "xtick.major.width": 0.6,
        "ytick.major.width": 0.6, "lines.linewidth": 1.0, "axes.prop_cycle": plt.cycler(color=OKABE_ITO),
        "pdf.fonttype": 42, "ps.fonttype": 42,
        "svg.hashsalt": "vn-discourse", "figure.dpi": 100, "axes.titlelocation": "left",
    })


def save(fig, name: str, formats: list[str], dpi: int, out_dir: Path) -> list[Path]:
    """Write the figure in each format atomically; no creation dates, so identical runs give identical files."""
    fig.canvas.draw()
    drawn = fig.get_tightbbox(fig.canvas.get_renderer())
    w, h = fig.get_size_inches()
    if drawn.x0 < -0.02 or drawn.y0 < -0.02 or drawn.x1 > w + 0.02 or drawn.y1 > h + 0.02:
        print(f"figures: warning: {name} has text beyond its {w:.2f} x {h:.2f} in canvas (long labels?)")
    written = []
    for fmt in formats:
        path = Path(out_dir) / f"{name}.{fmt}"
        meta = {"CreationDate": None, "ModDate": None} if fmt == "pdf" else {"Software": None} if fmt == "png" else \
            {"Date": None} if fmt == "svg" else None
        with pio.atomic_path(path) as tmp:
            fig.savefig(tmp, format=fmt, dpi=dpi, metadata=meta)
        written.append(path)
    plt.close(fig)
    return written


def _subplots(*args, **kwargs):
    """Constrained layout fits labels and legends inside figsize, and files are saved without a tight bounding
    box, so a 3.5-inch figure is exactly 3.5 inches wide (a journal column)."""
    return plt.subplots(*args, layout="constrained", **kwargs)


def _legend_below(fig, ax, ncol: int = 2, **kwargs):
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncol=ncol, frameon=False, **kwargs)


def theme_colours(themes: list[str]) -> dict[str, str]:
    """A fixed colour per theme in codebook order; "other" is grey."""
    named = [t for t in themes if t != "other"]
    out = {t: OKABE_ITO[i % 8] for i, t in enumerate(named)}
    out["other"] = GREY
    return out


def words(text: str) -> str:
    return str(text).replace("_", " ")


def _wrap(label: str, width: int = 28) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(str(label), width)) or str(label)


# -------------------------------------------------------------------------------------------------- topics

@captioned("Topics by size, labelled with their top c-TF-IDF words and coloured by theme.",
           "topics")
def topic_words_figure(topics: pd.DataFrame, width: float, max_topics: int = 12, n_words: int = 8, colours=None,
                       labels=None):
    """Horizontal bars of topic sizes, labelled with each topic's top words, coloured by theme."""
    labels = labels or {}
    data = topics[topics["topic"] >= 0].sort_values("size", ascending=False).head(max_topics).iloc[::-1]
    # labels wrapped to about half the figure's width, so the bars keep the other half
    chars = max(24, int(width * 6))
    # a multi-syllable word (kỷ luật) is never split: its spaces are non-breaking while wrapping
    ticks = [_wrap(f"{r.topic}: " + ", ".join(words(w).replace(" ", "\u00a0") for w in str(r.top_words).split()[:n_words]),
                   chars).replace("\u00a0", " ") for r in data.itertuples()]
    lines = max((t.count("\n") + 1 for t in ticks), default=1)
    fig, ax = _subplots(figsize=(width, (0.14 + 0.12 * lines) * len(data) + 1.0))
    colours = colours or {}
    ax.barh(range(len(data)), data["size"], color=[colours.get(t, OKABE_ITO[0]) for t in data["theme"]], height=0.7)
    ax.set_yticks(range(len(data)), ticks)
    ax.set_xlabel("units (articles or paragraphs)")
    ax.set_title("Topics: size and top words")
    present = [t for t in colours if t in set(data["theme"])]
    if present:
        for t in present:
            ax.barh([0], [0], color=colours[t], label=labels.get(t, t))
        _legend_below(fig, ax, ncol=min(3, len(present)), title="theme")
    return fig


def topic_vectors(terms: pd.DataFrame) -> tuple[list[int], np.ndarray]:
    """Topics x words matrix of c-TF-IDF weights (topic_terms: topic, word, weight), rows L2-normalised."""
    t = terms[terms["topic"] >= 0]
    matrix = t.pivot_table(index="topic", columns="word", values="weight", aggfunc="sum", fill_value=0.0)
    x = matrix.to_numpy(dtype=float)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return [int(i) for i in matrix.index], x / np.where(norms == 0, 1, norms)


@captioned("Topic similarity: average-linkage dendrogram of the cosine distance between the topics' "
           "c-TF-IDF word weights; label colour = theme.",
           "topics")
def topic_similarity_figure(terms: pd.DataFrame, topics: pd.DataFrame, width: float, colours: dict[str, str],
                            n_words: int = 3):
    """Dendrogram of topics (average linkage on the cosine distance of their c-TF-IDF word weights); leaf labels
    coloured by theme. None with fewer than three topics."""
    from scipy.cluster.hierarchy import dendrogram, linkage
    from scipy.spatial.distance import pdist

    ids, x = topic_vectors(terms)
    if len(ids) < 3:
        return None
    z = linkage(pdist(x, metric="cosine"), method="average")
    info = topics.set_index("topic")
    leaf = {i: f"{i}: " + ", ".join(words(w) for w in str(info.loc[i, "top_words"]).split()[:n_words])
            if i in info.index else str(i) for i in ids}
    fig, ax = _subplots(figsize=(width, 0.22 * len(ids) + 0.8))
    dendrogram(z, labels=[leaf[i] for i in ids], orientation="right", ax=ax, color_threshold=0,
               above_threshold_color="#555555", leaf_font_size=6.5)
    for tick in ax.get_yticklabels():
        topic = int(tick.get_text().split(":")[0])
        theme = info.loc[topic, "theme"] if topic in info.index else "other"
        tick.set_color(colours.get(theme, "#000000"))
    ax.set_xlabel("cosine distance of topic word weights")
    ax.set_title("Topic similarity (label colour = theme)")
    ax.spines["left"].set_visible(False)
    return fig


@captioned("Documents on the first two principal components of their embeddings, coloured by theme.",
           "topics")
def document_map_figure(vectors: np.ndarray, themes: list[str], width: float, colours: dict[str, str],
                        labels: dict[str, str], seed: int = 0, max_points: int = 5000):
    """2-D map of the documents: the first two principal components of the unit embeddings (PCA is
    deterministic and cheap; UMAP would add a seed-dependent layout), points coloured by theme."""
    from sklearn.decomposition import PCA

    vectors = np.asarray(vectors, dtype=float)
    themes = np.asarray(themes)
    if len(vectors) < 3:
        return None
    pca = PCA(n_components=2, svd_solver="full")
    xy = pca.fit_transform(vectors)
    xy *= np.sign(xy[np.abs(xy).argmax(axis=0), [0, 1]])  # fix the arbitrary sign of each component
    idx = np.arange(len(xy))
    if len(idx) > max_points:
        idx = np.sort(np.random.default_rng(seed).choice(idx, max_points, replace=False))
    fig, ax = _subplots(figsize=(width, width * 0.85 + 0.16 * np.ceil(len(set(themes)) / 2)))
    order = [t for t in colours if t in set(themes[idx])]
    for k, theme in enumerate(order):
        sel = idx[themes[idx] == theme]
        ax.scatter(xy[sel, 0], xy[sel, 1], s=5, marker=MARKERS[k % len(MARKERS)], color=colours[theme],
                   alpha=0.75, linewidths=0, label=labels.get(theme, theme), rasterized=len(idx) > 2000)
    ev = pca.explained_variance_ratio_
    ax.set_xlabel(f"PC1 ({ev[0]:.0%} of variance)")
    ax.set_ylabel(f"PC2 ({ev[1]:.0%} of variance)")
    ax.set_title(f"Documents by theme (PCA of embeddings, n = {len(idx)})")
    _legend_below(fig, ax, ncol=2, markerscale=1.6, handletextpad=0.2)
    return fig


# ------------------------------------------------------------------------------------------------- compare

def _top_groups(shares: pd.DataFrame, max_groups: int, min_articles: int = 1) -> list[str]:
    """The largest groups (at most max_groups) with at least min_articles articles, in their table order."""
    sizes = shares.groupby("group")["n_articles"].first()
    sizes = sizes[sizes >= min_articles].sort_values(ascending=False, kind="stable")
    return sorted(sizes.index[:max_groups], key=list(dict.fromkeys(shares["group"])).index)


@captioned("Mean theme share per {field} with bootstrap intervals (articles resampled); groups too small for "
           "an interval are in the table only.",
           "compare")
def theme_share_figure(shares: pd.DataFrame, field: str, width: float, colours: dict[str, str], labels=None,
                       max_groups: int = 6, confidence: float = 0.95, min_articles: int = 2):
    """Theme share per group with bootstrap interval bars (dodged points; one marker and colour a group).
    Groups too small for an interval (fewer than min_articles) are left to the tables; None with fewer
    than two groups left."""
    labels = labels or {}
    groups = _top_groups(shares, max_groups, min_articles)
    if len(groups) < 2:
        return None
    themes = list(dict.fromkeys(shares["theme"]))
    fig, ax = _subplots(figsize=(width, 0.32 * len(themes) * max(1, len(groups)) ** 0.5 + 1.2
                                 + 0.16 * np.ceil(len(groups) / 2)))
    offsets = np.linspace(-0.3, 0.3, len(groups)) if len(groups) > 1 else [0.0]
    for gi, group in enumerate(groups):
        sub = shares[shares["group"] == group].set_index("theme").reindex(themes)
        y = np.arange(len(themes)) + offsets[gi]
        n = int(sub["n_articles"].iloc[0])
        ax.errorbar(sub["share"], y, xerr=[sub["share"] - sub["ci_low"], sub["ci_high"] - sub["share"]],
                    fmt=MARKERS[gi % len(MARKERS)], ms=3, lw=0.8, capsize=1.5, label=_wrap(f"{group} (n={n})", 34),
                    color=OKABE_ITO[gi % 8])
    ax.set_yticks(range(len(themes)), [labels.get(t, t) for t in themes])
    ax.invert_yaxis()
    ax.set_xlabel(f"mean share ({confidence:.0%} bootstrap interval)")
    ax.set_title(f"Theme prevalence by {field}")
    _legend_below(fig, ax, ncol=2, title=f"{field} (groups of ≥ {min_articles} articles)" if min_articles > 1 else field)
    ax.set_xlim(left=0)
    return fig


@captioned("Mean theme share, {field} × theme (groups too small to test are in the table only).",
           "compare")
def heatmap_figure(shares: pd.DataFrame, field: str, width: float, labels=None, max_rows: int = 30,
                   min_articles: int = 2):
    """Group x theme heatmap of mean shares, each cell annotated (groups of at least min_articles articles)."""
    labels = labels or {}
    groups = _top_groups(shares, max_rows, min_articles)
    if len(groups) < 2:
        return None
    themes = list(dict.fromkeys(shares["theme"]))
    m = shares.pivot(index="group", columns="theme", values="share").reindex(index=groups, columns=themes)
    fig, ax = _subplots(figsize=(width, 0.25 * len(groups) + 1.3))
    vmax = max(float(np.nanmax(m.to_numpy())), 1e-9)
    im = ax.imshow(m.to_numpy(), cmap=SEQUENTIAL, vmin=0, vmax=vmax, aspect="auto")
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            v = m.iat[i, j]
            if np.isfinite(v):
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=5.5,
                        color="black" if v > 0.55 * vmax else "white")
    ax.set_xticks(range(len(themes)), [_wrap(labels.get(t, t), 14) for t in themes], rotation=45, ha="right",
                  rotation_mode="anchor")
    ax.set_yticks(range(len(groups)), [_wrap(g, 30) for g in groups])
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    cb = fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
    cb.ax.tick_params(labelsize=6)
    cb.set_label("mean share", fontsize=6.5)
    ax.set_title(f"Themes by {field}")
    return fig


@captioned("Within each {field}: share of one theme minus another, with paired bootstrap intervals.",
           "compare")
def contrast_figure(contrasts: pd.DataFrame, field: str, width: float, labels=None, max_groups: int = 6,
                    confidence: float = 0.95):
    """Forest plot: within each group, share of theme A minus theme B with its interval; one row a group."""
    labels = labels or {}
    data = contrasts.dropna(subset=["diff", "ci_low", "ci_high"])  # groups too small for an interval
    if data.empty:
        return None
    groups = list(data.sort_values("n_articles", ascending=False, kind="stable")["group"].drop_duplicates()[:max_groups])
    pairs = list(dict.fromkeys(zip(data["theme_a"], data["theme_b"])))
    fig, ax = _subplots(figsize=(width, 0.3 * len(groups) * max(1, len(pairs)) ** 0.5 + 1.1 + 0.16 * len(pairs)))
    offsets = np.linspace(-0.25, 0.25, len(pairs)) if len(pairs) > 1 else [0.0]
    for k, (a, b) in enumerate(pairs):
        sub = data[(data["theme_a"] == a) & (data["theme_b"] == b)].set_index("group").reindex(groups)
        y = np.arange(len(groups)) + offsets[k]
        ax.errorbar(sub["diff"], y, xerr=[sub["diff"] - sub["ci_low"], sub["ci_high"] - sub["diff"]],
                    fmt=MARKERS[k % len(MARKERS)], ms=3, lw=0.8, capsize=1.5, color=OKABE_ITO[k % 8],
                    label=f"{labels.get(a, a)} − {labels.get(b, b)}")
    ax.axvline(0, color="#555555", lw=0.6, ls="--")
    ax.set_yticks(range(len(groups)), [_wrap(g, 30) for g in groups])
    ax.invert_yaxis()
    ax.set_xlabel(f"difference in mean share\n({confidence:.0%} bootstrap interval)")
    ax.set_title(f"Theme contrasts within each {field}")
    _legend_below(fig, ax, ncol=1)
    return fig


@captioned("Words most distinctive of each {field} against the others: weighted log-odds z-scores with an "
           "informative Dirichlet prior (Monroe, Colaresi & Quinn 2008).",
           "compare")
def distinctive_figure(distinctive: pd.DataFrame, field: str, width: float, max_groups: int = 6, n_words: int = 8):
    """Small multiples: each group's most distinctive words (weighted log-odds z against the other groups)."""
    data = distinctive[distinctive["z"] > 0]
    groups = list(dict.fromkeys(data["group"]))[:max_groups]
    if not groups:
        return None
    cols = min(3, len(groups))
    rows = int(np.ceil(len(groups) / cols))
    fig, axes = _subplots(rows, cols, figsize=(width, 0.12 * n_words * rows + 0.5 * rows + 0.3), squeeze=False)
    for ax, group in zip(axes.flat, groups):
        sub = data[data["group"] == group].sort_values("z", ascending=False).head(n_words).iloc[::-1]
        ax.barh(range(len(sub)), sub["z"], color=OKABE_ITO[groups.index(group) % 8], height=0.7)
        ax.set_yticks(range(len(sub)), [words(w) for w in sub["word"]])
        ax.axvline(1.96, color="#555555", lw=0.5, ls=":")
        ax.set_title(_wrap(group, 24), fontsize=7)
        ax.set_xlabel("z", labelpad=1)
    for ax in list(axes.flat)[len(groups):]:
        ax.set_visible(False)
    fig.suptitle(f"Distinctive words by {field} (weighted log-odds, dotted line z = 1.96)", fontsize=8, x=0.01,
                 ha="left")
    return fig


@captioned("Theme shares per period with bootstrap intervals (articles resampled).",
           "compare")
def themes_over_time_figure(shares: pd.DataFrame, width: float, colours: dict[str, str], labels=None,
                            confidence: float = 0.95):
    """Small multiples, one panel a theme: mean share per period with its bootstrap interval as a band.
    None with fewer than two periods."""
    labels = labels or {}
    periods = sorted(shares["group"].unique())
    if len(periods) < 2:
        return None
    themes = list(dict.fromkeys(shares["theme"]))
    cols = 2 if len(themes) > 1 else 1
    rows = int(np.ceil(len(themes) / cols))
    fig, axes = _subplots(rows, cols, figsize=(width, 1.05 * rows + 0.4), sharex=True, sharey=True, squeeze=False)
    x = np.arange(len(periods))
    n = shares.groupby("group")["n_articles"].first().reindex(periods)
    for ax, theme in zip(axes.flat, themes):
        sub = shares[shares["theme"] == theme].set_index("group").reindex(periods)
        c = colours.get(theme, OKABE_ITO[0])
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


@captioned("The most quoted or cited named speakers, by the theme of the passage they are quoted in.",
           "discourse")
def actors_figure(actors: pd.DataFrame, width: float, colours: dict[str, str], labels=None, top: int = 15):
    """The most quoted named speakers, bars stacked by the theme of the passage they are quoted in."""
    labels = labels or {}
    if actors.empty:
        return None
    data = actors.head(top).iloc[::-1]
    theme_cols = [c for c in data.columns if c.startswith("theme_")]
    n_themes = sum(1 for c in theme_cols if data[c].sum() > 0)
    fig, ax = _subplots(figsize=(width, 0.2 * len(data) + 1.0 + 0.16 * np.ceil(n_themes / 3)))
    left = np.zeros(len(data))
    for col in theme_cols:
        theme = col[len("theme_"):]
        vals = data[col].to_numpy(dtype=float)
        if vals.sum() == 0:
            continue
        ax.barh(range(len(data)), vals, left=left, color=colours.get(theme, GREY), height=0.7,
                label=labels.get(theme, theme))
        left += vals
    names = [f"{a}" + (f" ({_wrap(r, 40).splitlines()[0]})" if isinstance(r, str) and r else "")
             for a, r in zip(data["actor"], data["role"])]
    ax.set_yticks(range(len(data)), [n if len(n) <= 60 else n[:58] + "…" for n in names])
    ax.set_xlabel("quotes and citations")
    ax.set_title("Who is quoted (by theme of the passage)")
    _legend_below(fig, ax, ncol=3, title="theme")
    ax.xaxis.get_major_locator().set_params(integer=True)
    return fig


# ---------------------------------------------------------------------------------------------------- stage

def manifest_entry(fn, field: str | None, width_in: float, page_width_in: float, order: int) -> dict:
    """What the report needs to show a figure: its caption (from the drawing function), what it is about and
    for which field, its printed width (a column, or the full page for small multiples) and its place in the
    drawing order."""
    return {"caption": fn.caption.format(field=field), "about": fn.about, "field": field, "order": order,
            "width": "page" if width_in >= page_width_in - 1e-6 else "column", "width_in": round(width_in, 3)}


def main(argv: list[str] | None = None) -> None:
    ws = paths.stage_args("figures", argv)
    out_dir, manifest_path = ws / paths.FIGURES_DIR, ws / paths.FIGURE_MANIFEST
    params = P.load(ws.params_file)
    f = params["figures"]
    c = params["compare"]
    apply_style()
    w, wide = f["width_in"], f.get("full_width_in", f["width_in"] * 2)
    max_groups = f.get("max_groups", 6)
    topics = pio.read_parquet(ws / paths.TOPIC_THEMES)
    themes = [*params["themes"], "other"]
    colours = theme_colours(themes)
    labels = codebook.labels(params, "en")
    out_dir.mkdir(parents=True, exist_ok=True)
    figs: dict[str, tuple] = {}  # name -> (figure or None, the function that drew it, its compare.by field)

    def draw(name: str, fn, *args, field: str | None = None, **kwargs):
        figs[name] = (fn(*args, **kwargs), fn, field)

    draw("topic_words", topic_words_figure, topics, wide, f["max_topics"], f["top_words"], colours, labels)
    terms = pio.read_parquet(ws / paths.TOPIC_TERMS)
    draw("topic_similarity", topic_similarity_figure, terms, topics, w * 1.3, colours)
    unit_ids, vectors = pio.load_embeddings(ws / paths.EMBEDDINGS)
    assignments = pio.read_parquet(ws / paths.UNIT_THEMES)
    theme_of = dict(zip(assignments["unit_id"], assignments["theme"].fillna("other")))
    draw("document_map", document_map_figure, vectors, [theme_of.get(u, "other") for u in unit_ids], w * 1.3,
         colours, labels, params["topics"]["seed"], f.get("map_points", 5000))
    for field in c["by"] or []:
        shares = pio.read_csv_optional(ws / paths.compare_table("shares", field), dtype={"group": str})
        if shares.empty:
            print(f"figures: {field}: no groups (no article has a {field}); its figures are left out")
            continue
        if field == "date":
            draw("themes_over_time", themes_over_time_figure, shares, wide, colours, labels, c["confidence"],
                 field=field)
        n_groups = shares["group"].nunique()
        if n_groups < 2:
            print(f"figures: {field}: one group ({shares['group'].iloc[0]}), nothing to compare; figures left out")
            continue
        min_articles = c.get("min_group_articles", 2)
        if field != "date" or n_groups <= 12:
            draw(f"theme_share_{field}", theme_share_figure, shares, field, w, colours, labels, max_groups,
                 c["confidence"], min_articles, field=field)
        draw(f"heatmap_{field}", heatmap_figure, shares, field, w * 1.3, labels, min_articles=min_articles,
             field=field)
        contrasts = pio.read_csv_optional(ws / paths.compare_table("contrasts", field), dtype={"group": str})
        if not contrasts.empty:
            draw(f"contrast_{field}", contrast_figure, contrasts, field, w, labels, max_groups, c["confidence"],
                 field=field)
        distinctive = pio.read_csv_optional(ws / paths.compare_table("distinctive", field), dtype={"group": str})
        if not distinctive.empty:
            draw(f"distinctive_{field}", distinctive_figure, distinctive, field, wide, max_groups, f["top_words"],
                 field=field)
    actors = pio.read_csv_optional(ws / paths.discourse_table("actors"))
    draw("actors", actors_figure, actors, w * 1.6, colours, labels)
    written, manifest = [], {}
    for name, (fig, fn, field) in figs.items():
        if fig is not None:
            manifest[name] = manifest_entry(fn, field, float(fig.get_size_inches()[0]), wide, len(manifest))
            written += save(fig, name, f["formats"], f["dpi"], out_dir)
    pio.write_json(manifest_path, manifest)
    stale = {p for p in out_dir.glob("*") if p.is_file()} - set(written) - {manifest_path}
    for p in stale:  # a figure this run did not draw (a field removed from compare.by) must not linger
        p.unlink()
    print(f"figures: {len(written)} files in {paths.FIGURES_DIR}")


if __name__ == "__main__":
    main()
