"""Figures stage: publication figures (matplotlib), PNG at figures.dpi and PDF, one journal column wide
(figures.width_in) or the full page (figures.full_width_in) for small multiples and long labels.

The drawing functions live in pipeline/plots/ (style: sizes, palettes and orders named once; topics;
comparisons; discourse); this module picks the data of the run and draws each with `draw(name, fn, ...,
field=)`. Every figure's caption sits beside its function (@captioned); the stage writes captions, widths and
order to reports/figures/figures.json, which the report reads.

Figures: topic_words; topic_tree (the hierarchy BERTopic fitted, when topics.hierarchy is on); model_sweep
(stability and NPMI per number of topics, with the consensus clustering);
theme_share_<field>; contrast_<field>; distinctive_<field>; themes_over_time (when compare.by has date);
actors. Left out as carrying no information: a heatmap of the shares (the same numbers as theme_share without
n or intervals) and a 2-D map of the embeddings (two principal components explain too little of their
variance to show structure).
"""
from __future__ import annotations

from pipeline import codebook
from pipeline import io as pio
from pipeline import params as P
from pipeline import paths
from pipeline.plots.comparisons import contrast_figure, distinctive_figure, theme_share_figure, themes_over_time_figure
from pipeline.plots import effects as effect_plots
from pipeline.plots.discourse import actors_figure
from pipeline.plots.style import (GREY, GROUP_PALETTE, OKABE_ITO, THEME_PALETTE, apply_style, captioned, group_order,
                                  save, surface_forms, theme_colours)
from pipeline.plots.topics import model_sweep_figure, topic_tree_figure, topic_words_figure

__all__ = ["GREY", "GROUP_PALETTE", "OKABE_ITO", "THEME_PALETTE", "actors_figure", "apply_style", "captioned",
           "contrast_figure", "distinctive_figure", "manifest_entry", "model_sweep_figure", "save", "theme_colours",
           "theme_share_figure", "themes_over_time_figure", "topic_tree_figure", "topic_words_figure"]


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
    f, c = params["figures"], params["compare"]
    apply_style()
    w, wide = f["width_in"], f.get("full_width_in", f["width_in"] * 2)
    max_groups = f.get("max_groups", 6)
    topics, units = ws.read(paths.TOPIC_THEMES, paths.UNITS)
    themes = [*params["themes"], "other"]
    colours = theme_colours(themes)
    labels = codebook.labels(params, "en")
    out_dir.mkdir(parents=True, exist_ok=True)
    figs: dict[str, tuple] = {}  # name -> (figure or None, the function that drew it, its compare.by field)

    def draw(name: str, fn, *args, field: str | None = None, **kwargs):
        figs[name] = (fn(*args, **kwargs), fn, field)

    tables = {field: {kind: pio.read_csv_optional(ws / paths.compare_table(kind, field), dtype={"group": str})
                      for kind in ("shares", "contrasts", "distinctive", "differences", "curves")}
              for field in c["by"] or []}
    shown = [word for ts in [topics["top_words"]] + [t["distinctive"].get("word", []) for t in tables.values()]
             for v in ts for word in str(v).split()]
    case = surface_forms(units["text"], shown)  # proper nouns in their case: Việt Nam, Intel
    unit = "paragraphs" if params["units"]["level"] == "paragraph" else "articles"
    draw("topic_words", topic_words_figure, topics, wide, f["max_topics"], f["top_words"], colours, labels, unit, case)
    hierarchy = pio.read_csv_optional(ws / paths.TOPIC_HIERARCHY)
    draw("topic_tree", topic_tree_figure, hierarchy, topics, w, colours, labels, case=case)
    draw("model_sweep", model_sweep_figure, pio.read_csv_optional(ws / paths.MODEL_SWEEP), w)
    for field, t in tables.items():
        shares = t["shares"]
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
        if field != "date" or n_groups <= 12:
            draw(f"theme_share_{field}", theme_share_figure, shares, field, w, labels, max_groups, c["confidence"],
                 c.get("min_group_articles", 2), field=field)
        if not t["contrasts"].empty:
            draw(f"contrast_{field}", contrast_figure, t["contrasts"], field, w, labels, max_groups, c["confidence"],
                 field=field)
        if not t["distinctive"].empty:
            draw(f"distinctive_{field}", distinctive_figure, t["distinctive"], field, wide, max_groups,
                 f["top_words"], group_order(shares), case, field=field)
        if not t["differences"].empty:
            draw(f"effects_{field}", effect_plots.difference_figure, t["differences"], field, wide, colours, labels,
                 max_groups, field=field)
        if field == "date":
            draw("effects_over_time", effect_plots.time_curve_figure, t["curves"], w, colours, labels, field=field)
    trajectories = pio.read_csv_optional(ws / paths.COMPARE_TRAJECTORIES, dtype={"series": str})
    draw("series_trajectories", effect_plots.series_trajectory_figure, trajectories, w, colours, labels,
         field="series")
    actors = pio.read_csv_optional(ws / paths.discourse_table("actors"))
    draw("actors", actors_figure, actors, wide, colours, labels)
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
