"""One style for every figure: sizes, fonts, the two palettes and the orders, named once.

- Sizes: a journal column (figures.width_in, 3.5 in) or the full page (figures.full_width_in, 7.2 in); nothing
  in between, so every figure prints at 100 % in one of the two.
- Fonts: DejaVu Sans (every Vietnamese diacritic), 7-pt text, fonts embedded as TrueType in the PDF.
- Colours: themes take the Okabe-Ito palette in codebook order ("other" grey); groups (outlets, series,
  periods) take Paul Tol's "muted" palette in group order, so a blue is always a theme and a rose always a
  group, in every figure. Sequential scales use cividis.
- Orders: themes in codebook order, groups by size (articles, largest first, then name), in every figure.
- Words: segmented words (việt_nam) shown as words in their most frequent surface case in the raw text
  (Việt Nam, Intel), which the figures stage finds once (`surface_forms`).
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from pipeline import io as pio  # noqa: E402
from pipeline.surface import surface_forms, words  # noqa: E402,F401  (re-exported: one place for both)

COLUMN_IN, PAGE_IN = 3.5, 7.2  # one journal column, two columns (the defaults of figures.width_in/full_width_in)
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000", "#999999"]
THEME_PALETTE = OKABE_ITO[:8]
# Paul Tol's "muted" qualitative scheme (colour-blind safe, https://personal.sron.nl/~pault/): distinct from
# Okabe-Ito, so a group never borrows a theme's colour
GROUP_PALETTE = ["#332288", "#CC6677", "#117733", "#DDCC77", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499"]
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


def subplots(*args, **kwargs):
    """Constrained layout fits labels and legends inside figsize, and files are saved without a tight bounding
    box, so a 3.5-inch figure is exactly 3.5 inches wide (a journal column)."""
    return plt.subplots(*args, layout="constrained", **kwargs)


def legend_below(fig, ax, ncol: int = 2, **kwargs):
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncol=ncol, frameon=False, **kwargs)


def theme_colours(themes: list[str]) -> dict[str, str]:
    """A fixed colour per theme in codebook order; "other" is grey."""
    named = [t for t in themes if t != "other"]
    out = {t: THEME_PALETTE[i % len(THEME_PALETTE)] for i, t in enumerate(named)}
    out["other"] = GREY
    return out


def group_order(table: pd.DataFrame) -> list[str]:
    """Groups of a compare.by field in the one order every figure uses: most articles first, then by name."""
    sizes = table.groupby("group")["n_articles"].first()
    return sorted(sizes.index, key=lambda g: (-int(sizes[g]), str(g)))


def group_style(order: list[str]) -> dict[str, tuple[str, str]]:
    """(colour, marker) of each group, by its place in group_order."""
    return {g: (GROUP_PALETTE[i % len(GROUP_PALETTE)], MARKERS[i % len(MARKERS)]) for i, g in enumerate(order)}


def wrap(label: str, width: int = 28) -> str:
    return "\n".join(textwrap.wrap(str(label), width)) or str(label)
