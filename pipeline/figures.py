"""Figures stage: publication figures (matplotlib), PNG at figures.dpi and PDF, one journal column wide.

Style: DejaVu Sans (renders Vietnamese diacritics), the Okabe-Ito colour-blind-safe palette, no chart junk;
file metadata without timestamps so that re-runs give identical files.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from pipeline import io as pio  # noqa: E402
from pipeline import params as P  # noqa: E402

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000", "#999999"]
OUT_DIR = Path("reports/figures")


def apply_style() -> None:
    plt.rcParams.update({
        "font.family": "DejaVu Sans", "font.size": 7, "axes.titlesize": 8, "axes.labelsize": 7,
        "xtick.labelsize": 6.5, "ytick.labelsize": 6.5, "legend.fontsize": 6.5, "axes.spines.top": False,
        "axes.spines.right": False, "axes.prop_cycle": plt.cycler(color=OKABE_ITO), "savefig.bbox": "tight",
        "pdf.fonttype": 42, "svg.hashsalt": "vn-discourse",
    })


def save(fig, name: str, formats: list[str], dpi: int, out_dir: Path = OUT_DIR) -> list[Path]:
    """Write the figure in each format atomically; no creation dates, so identical runs give identical files."""
    paths = []
    for fmt in formats:
        path = out_dir / f"{name}.{fmt}"
        meta = {"CreationDate": None, "ModDate": None} if fmt == "pdf" else {"Software": None} if fmt == "png" else None
        with pio.atomic_path(path) as tmp:
            fig.savefig(tmp, format=fmt, dpi=dpi, metadata=meta)
        paths.append(path)
    plt.close(fig)
    return paths


def theme_colours(themes: list[str]) -> dict[str, str]:
    return {t: ("#999999" if t == "other" else OKABE_ITO[i % 8]) for i, t in enumerate(themes)}


def topic_words_figure(topics: pd.DataFrame, width: float, max_topics: int = 12, n_words: int = 8, colours=None):
    """Horizontal bars of topic sizes, labelled with each topic's top words, coloured by theme."""
    data = topics[topics["topic"] >= 0].sort_values("size", ascending=False).head(max_topics).iloc[::-1]
    labels = [f"{r.topic}: " + ", ".join(str(r.top_words).split()[:n_words]).replace("_", " ") for r in data.itertuples()]
    fig, ax = plt.subplots(figsize=(width, 0.28 * len(data) + 0.6))
    colours = colours or {}
    ax.barh(range(len(data)), data["size"], color=[colours.get(t, OKABE_ITO[0]) for t in data["theme"]])
    ax.set_yticks(range(len(data)), labels)
    ax.set_xlabel("units (articles or paragraphs)")
    ax.set_title("Topics: size and top words")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for t, c in colours.items() if t in set(data["theme"])]
    if handles:
        ax.legend(handles, [t for t in colours if t in set(data["theme"])], loc="lower right", frameon=False)
    return fig


def theme_share_figure(shares: pd.DataFrame, field: str, width: float, colours: dict[str, str], labels=None):
    """Theme share per group with bootstrap interval bars (dodged points)."""
    labels = labels or {}
    groups = list(dict.fromkeys(shares["group"]))
    themes = list(dict.fromkeys(shares["theme"]))
    fig, ax = plt.subplots(figsize=(width, 0.35 * len(themes) * max(1, len(groups)) ** 0.5 + 1.0))
    offsets = np.linspace(-0.3, 0.3, len(groups)) if len(groups) > 1 else [0.0]
    markers = "osD^vP*X"
    for gi, group in enumerate(groups):
        sub = shares[shares["group"] == group].set_index("theme").reindex(themes)
        y = np.arange(len(themes)) + offsets[gi]
        ax.errorbar(sub["share"], y, xerr=[sub["share"] - sub["ci_low"], sub["ci_high"] - sub["share"]],
                    fmt=markers[gi % len(markers)], ms=3, lw=0.8, capsize=1.5, label=str(group),
                    color=OKABE_ITO[gi % 8])
    ax.set_yticks(range(len(themes)), [labels.get(t, t) for t in themes])
    ax.invert_yaxis()
    ax.set_xlabel("share of articles' units (95% bootstrap interval)")
    ax.set_title(f"Theme prevalence by {field}")
    ax.legend(frameon=False, loc="lower right", title=field)
    ax.set_xlim(left=0)
    return fig


def main() -> None:
    params = P.load()
    f = params["figures"]
    apply_style()
    topics = pd.read_csv("reports/topics.csv")
    themes = [*params["themes"], "other"]
    colours = theme_colours(themes)
    labels = {k: v.get("en", k) for k, v in (params.get("theme_labels") or {}).items()}
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    written = save(topic_words_figure(topics, f["width_in"] * 1.6, f["max_topics"], f["top_words"], colours),
                   "topic_words", f["formats"], f["dpi"])
    for field in params["compare"]["by"] or []:
        shares = pd.read_csv(f"reports/compare/theme_shares_{field}.csv", dtype={"group": str})
        written += save(theme_share_figure(shares, field, f["width_in"], colours, labels), f"theme_share_{field}",
                        f["formats"], f["dpi"])
    print(f"figures: {len(written)} files in {OUT_DIR}")


if __name__ == "__main__":
    main()
