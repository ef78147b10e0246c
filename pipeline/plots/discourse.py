"""Figures about who speaks: the most quoted named speakers."""
from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.plots.style import GREY, captioned, legend_below, subplots, wrap
from pipeline.readable import ACTOR_MIN_ARTICLES, named_actors  # the report's actors table filters with it too


def actor_label(actor: str, role, width: int = 46) -> str:
    """Name and whole role, wrapped between words (a role is never cut mid-phrase)."""
    role = role.strip() if isinstance(role, str) else ""
    return wrap(f"{actor} ({role})" if role else actor, width)


@captioned("The most quoted or cited named speakers (in at least two articles), by the theme of the passage "
           "they are quoted in; the number beside a bar is the articles quoting them.",
           "discourse")
def actors_figure(actors: pd.DataFrame, width: float, colours: dict[str, str], labels=None, top: int = 15,
                  min_articles: int = ACTOR_MIN_ARTICLES):
    """The most quoted named speakers, bars stacked by the theme of the passage they are quoted in, each with
    the number of articles that quote them."""
    labels = labels or {}
    if actors.empty:
        return None
    data = named_actors(actors, min_articles).head(top).iloc[::-1]
    if data.empty:
        return None
    theme_cols = [c for c in data.columns if c.startswith("theme_") and data[c].sum() > 0]
    names = [actor_label(a, r) for a, r in zip(data["actor"], data.get("role", [""] * len(data)))]
    lines = sum(n.count("\n") + 1 for n in names)
    fig, ax = subplots(figsize=(width, 0.11 * lines + 0.09 * len(data) + 0.9 + 0.16 * np.ceil(len(theme_cols) / 3)))
    left = np.zeros(len(data))
    for col in theme_cols:
        theme = col[len("theme_"):]
        vals = data[col].to_numpy(dtype=float)
        ax.barh(range(len(data)), vals, left=left, color=colours.get(theme, GREY), height=0.7,
                label=labels.get(theme, theme))
        left += vals
    if "n_articles" in data:
        for y, (x, n) in enumerate(zip(left, data["n_articles"])):
            ax.text(x, y, f" {int(n)}", va="center", ha="left", fontsize=5.5, color="#333333")
        ax.set_xlim(0, left.max() * 1.12)
    ax.set_yticks(range(len(data)), names)
    ax.set_xlabel("quotes and citations")
    ax.set_title("Who is quoted (by theme of the passage)")
    legend_below(fig, ax, ncol=3, title="theme")
    ax.xaxis.get_major_locator().set_params(integer=True)
    return fig
