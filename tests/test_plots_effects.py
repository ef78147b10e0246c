"""Effects figures and the report section, drawn and rendered from what compare computes (small data)."""
from __future__ import annotations

from pathlib import Path

import jinja2
import matplotlib
import pytest

matplotlib.use("Agg")

from pipeline import effects as E  # noqa: E402
from pipeline.plots import effects as PE  # noqa: E402
from pipeline import prevalence  # noqa: E402
from test_compare import THEMES, confounded  # noqa: E402

COLOURS = {"institutions": "#0072B2", "spatial_planning": "#E69F00", "science_innovation": "#009E73",
           "other": "#999999"}
TEMPLATES = Path(__file__).resolve().parent.parent / "pipeline" / "templates"


@pytest.fixture(scope="module")
def result():
    return prevalence.field_effects("source", confounded(), [*THEMES, "other"], E.EffectsSpec(controls=["label"]),
                                    date_freq="quarter")


def test_section_shows_the_design_warning_before_the_effects_and_names_what_disappears(result):
    ctx = prevalence.report_context("source", result, result["design_info"],
                                    {"permanova_r2": 0.02, "permanova_p": 0.01}, labels={"other": "Other"})
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined)
    text = env.get_template("effects.md.j2").render(e=ctx, confidence=0.95)
    assert text.index("**Warning.** source is confounded with label") < text.index("#### Effects of source")
    assert "proportion of its articles" in text and "explains 2.0 % of the variation" in text
    gone = text.split("disappear once label is adjusted for")[1]
    assert "science_innovation in B vs A" in gone and "Other in B vs A" in gone


def test_figures_draw_raw_beside_adjusted_and_a_one_article_part_without_interval(result):
    fig = PE.difference_figure(result["differences"], "source", 3.5, COLOURS)
    ax = fig.axes[0]
    assert len(ax.containers) == 2 * 2  # two non-empty themes, raw and adjusted each
    assert PE.difference_figure(result["differences"].iloc[0:0], "source", 3.5, COLOURS) is None
    frame = confounded(n=3).assign(series="S", part=[1, 1, 2, 2, 2, 3])
    traj = prevalence.trajectories(frame, [*THEMES, "other"], 0.95)
    fig = PE.series_trajectory_figure(traj, 3.5, COLOURS)
    hollow = [line for line in fig.axes[0].lines if line.get_markerfacecolor() == "white"]
    assert hollow and all(list(line.get_xdata()) == [3] for line in hollow)  # part 3 has one article
