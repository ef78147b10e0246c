"""Figures: every figure draws on small data, at the declared size and dpi, with Vietnamese glyphs, identically
on a re-run; the stage writes PNG and PDF of each and removes figures it no longer draws."""
from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from pipeline import figures as F

pytestmark = pytest.mark.filterwarnings("error:constrained_layout not applied")  # a collapsed layout is a bug

THEMES = ["institutions", "spatial_planning", "science_innovation", "other"]
LABELS = {"institutions": "Thể chế", "spatial_planning": "Quy hoạch không gian",
          "science_innovation": "Khoa học và đổi mới sáng tạo", "other": "Khác"}


@pytest.fixture(autouse=True)
def style():
    import matplotlib.pyplot as plt

    F.apply_style()
    yield
    plt.close("all")


def shares_frame(groups: list[str]) -> pd.DataFrame:
    rows = []
    for i, g in enumerate(groups):
        for k, t in enumerate(THEMES):
            s = 0.1 + 0.05 * ((i + k) % 4)
            rows.append({"group": g, "theme": t, "share": s, "ci_low": s - 0.04, "ci_high": s + 0.05, "n_articles": 10 + i})
    return pd.DataFrame(rows)


def topics_frame() -> pd.DataFrame:
    return pd.DataFrame({"topic": [-1, 0, 1, 2, 3], "size": [5, 40, 30, 20, 10], "theme": ["other", "institutions",
                         "spatial_planning", "science_innovation", "institutions"],
                         "top_words": ["x", "thể_chế luật nghị_quyết", "quy_hoạch đô_thị hạ_tầng",
                                       "khoa_học công_nghệ đổi_mới_sáng_tạo", "quốc_hội luật_thủ_đô cơ_chế"]})


def hierarchy_frame() -> pd.DataFrame:
    """Topics 0 and 3 merge first (both about laws), then 1, then 2, as BERTopic writes the edges."""
    rows = [(4, 0, 0.3, True, "0"), (4, 3, 0.3, True, "3"), (5, 1, 0.5, True, "1"), (5, 4, 0.5, False, "0 3"),
            (6, 2, 0.8, True, "2"), (6, 5, 0.8, False, "0 1 3")]
    return pd.DataFrame(rows, columns=["parent", "child", "distance", "child_is_topic", "child_topics"])


def all_figures() -> dict:
    colours = F.theme_colours(THEMES)
    contrasts = pd.DataFrame({"group": ["Để Hà Nội cất cánh", "(no series)"], "theme_a": "institutions",
                              "theme_b": "spatial_planning", "n_articles": [5, 40], "diff": [0.2, -0.05],
                              "ci_low": [0.05, -0.1], "ci_high": [0.3, 0.0]})
    distinctive = pd.DataFrame({"group": ["kinhtedothi.vn"] * 3 + ["hanoimoi.vn"] * 3,
                                "word": ["đổi_mới_sáng_tạo", "thể_chế", "hòa_lạc", "quy_hoạch", "đô_thị", "dữ_liệu"],
                                "z": [5.1, 3.2, 2.5, 4.0, 2.2, 1.0], "delta": 1.0, "count": 9, "count_rest": 1})
    actors = pd.DataFrame({"actor": ["Bùi Thị An", "Lê Hồng Sơn"], "role": ["Ủy viên Ủy ban", ""], "n_quotes": [2, 3],
                           "n_articles": [2, 3], "theme_institutions": [2, 0], "theme_spatial_planning": [0, 3]})
    return {
        "topic_words": F.topic_words_figure(topics_frame(), 7.2, 10, 3, colours, LABELS),
        "topic_tree": F.topic_tree_figure(hierarchy_frame(), topics_frame(), 3.5, colours, LABELS),
        "theme_share": F.theme_share_figure(shares_frame(["kinhtedothi.vn", "hanoimoi.vn"]), "source", 3.5, LABELS),
        "contrast": F.contrast_figure(contrasts, "series", 3.5, LABELS),
        "distinctive": F.distinctive_figure(distinctive, "source", 7.2),
        "themes_over_time": F.themes_over_time_figure(shares_frame(["2024Q1", "2024Q2", "2025Q1"]), 7.2, colours,
                                                      LABELS),
        "actors": F.actors_figure(actors, 7.2, colours, LABELS),
    }


def test_every_figure_draws_with_vietnamese_glyphs(tmp_path):
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*[Gg]lyph.*missing.*")  # a missing diacritic is an error
        figs = all_figures()
        for name, fig in figs.items():
            assert fig is not None, name
            F.save(fig, name, ["png"], 100, tmp_path)
    texts = {t.get_text() for name, fig in all_figures().items() for t in fig.findobj(lambda a: hasattr(a, "get_text"))}
    assert any("Khoa học và đổi mới sáng tạo" in t for t in texts)
    assert any("Để Hà Nội cất cánh" in t for t in texts)


@pytest.mark.parametrize("name,width", [("theme_share", 3.5), ("contrast", 3.5), ("topic_words", 7.2),
                                        ("distinctive", 7.2)])
def test_png_is_300_dpi_and_no_wider_than_its_column(tmp_path, name, width):
    fig = all_figures()[name]
    png, pdf = F.save(fig, name, ["png", "pdf"], 300, tmp_path)
    with Image.open(png) as im:
        assert im.info["dpi"][0] == pytest.approx(300, abs=0.5)
        assert im.size[0] == round(width * 300)  # exactly one column (or the full page) wide
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("name", ["topic_words", "topic_tree", "theme_share", "contrast", "distinctive",
                                  "themes_over_time", "actors"])
def test_no_text_is_cut_off_at_the_figure_edge(name):
    fig = all_figures()[name]
    fig.canvas.draw()
    drawn = fig.get_tightbbox(fig.canvas.get_renderer())  # inches, everything drawn: labels, legends, titles
    w, h = fig.get_size_inches()
    assert drawn.x0 >= -0.01 and drawn.y0 >= -0.01, name
    assert drawn.x1 <= w + 0.01 and drawn.y1 <= h + 0.01, name


def test_saved_files_are_identical_on_a_rerun(tmp_path):
    a = F.save(all_figures()["theme_share"], "a", ["png", "pdf"], 150, tmp_path)
    b = F.save(all_figures()["theme_share"], "b", ["png", "pdf"], 150, tmp_path)
    assert len(a) == len(b) == 2  # a PNG and a PDF each
    for x, y in zip(a, b):
        assert x.read_bytes() == y.read_bytes()


def test_each_theme_keeps_one_distinct_colour_and_other_is_grey():
    colours = F.theme_colours(["institutions", "spatial_planning", "digital_governance", "science_innovation",
                               "economy_business", "society_welfare", "other"])
    named = [c for t, c in colours.items() if t != "other"]
    assert len(set(named)) == len(named) and colours["other"] == F.GREY
    assert set(named) <= set(F.THEME_PALETTE)
    assert not set(F.GROUP_PALETTE) & set(F.THEME_PALETTE)  # a colour means a theme or a group, never both


def test_figures_that_need_more_data_are_left_out():
    colours = F.theme_colours(THEMES)
    tiny = shares_frame(["big", "Để Hà Nội cất cánh"])
    tiny.loc[tiny["group"] == "Để Hà Nội cất cánh", "n_articles"] = 1  # one article: no interval, not in the figure
    assert F.theme_share_figure(tiny, "series", 3.5, min_articles=2) is None
    assert F.theme_share_figure(tiny, "series", 3.5, min_articles=1) is not None
    assert F.themes_over_time_figure(shares_frame(["2025Q3"]), 7.2, colours) is None
    assert F.topic_tree_figure(hierarchy_frame().head(0), topics_frame(), 3.5, colours) is None
    assert F.actors_figure(pd.DataFrame(), 4, colours) is None
    empty = pd.DataFrame({"group": ["x"], "word": ["a"], "z": [-1.0], "delta": [-1.0], "count": [1], "count_rest": [3]})
    assert F.distinctive_figure(empty, "source", 7) is None


def test_topic_tree_draws_the_fitted_hierarchy_not_another_clustering():
    from pipeline.plots.topics import hierarchy_linkage

    ids, z = hierarchy_linkage(hierarchy_frame())
    assert ids == [0, 1, 2, 3]
    assert list(z[:, 2]) == [0.3, 0.5, 0.8]  # the file's distances, merged in its order
    assert sorted(z[0, :2]) == [0, 3] and z[-1, 3] == 4
    fig = all_figures()["topic_tree"]
    assert fig.axes[0].get_xlim()[1] >= 0.8 > 0.3 >= fig.axes[0].get_xlim()[0]


def test_empty_themes_are_left_out_and_markers_at_zero_are_whole():
    shares = shares_frame(["a", "b"])
    shares.loc[shares["theme"] == "institutions", ["share", "ci_low", "ci_high"]] = 0.0
    shares.loc[(shares["theme"] == "other") & (shares["group"] == "a"), ["share", "ci_low"]] = 0.0
    ax = F.theme_share_figure(shares, "source", 3.5, LABELS).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Quy hoạch không gian", "Khoa học và đổi mới\nsáng tạo",
                                                           "Khác"]
    assert ax.get_xlim()[0] < 0  # a share of 0 is drawn as a whole marker


def test_groups_keep_one_order_and_colour_in_every_figure():
    from pipeline.plots.style import group_order, group_style

    shares = shares_frame(["small", "big", "middle"])
    shares["n_articles"] = shares["group"].map({"small": 3, "big": 30, "middle": 10})
    order = group_order(shares)
    assert order == ["big", "middle", "small"]
    ax = F.theme_share_figure(shares, "source", 3.5, LABELS).axes[0]
    colours = {line.get_label().split(" (")[0]: line.lines[0].get_color() for line in ax.containers}
    assert colours == {g: c for g, (c, _) in group_style(order).items()}
    distinctive = pd.DataFrame({"group": ["small", "big", "middle"], "word": ["a_b", "cd", "ef"], "z": [3.0, 4.0, 5.0],
                                "count": 9})
    fig = F.distinctive_figure(distinctive, "source", 7.2, order=order)
    assert [a.get_title(loc="left") for a in fig.axes if a.get_visible()] == order
    bars = [a.patches[0].get_facecolor() for a in fig.axes if a.get_visible()]
    import matplotlib.colors as mc
    assert [mc.to_hex(b) for b in bars] == [group_style(order)[g][0].lower() for g in order]


def test_distinctive_words_share_one_scale_and_drop_fragments():
    distinctive = pd.DataFrame({"group": ["a"] * 5 + ["b"] * 2, "word": ["com", "x", "việt_nam", "intel", "hiếm",
                                                                         "luật", "đất"],
                                "z": [9.0, 8.0, 6.0, 5.0, 7.0, 3.0, 2.5], "count": [50, 50, 40, 30, 2, 20, 20]})
    fig = F.distinctive_figure(distinctive, "source", 7.2, case={"việt nam": "Việt Nam", "intel": "Intel"})
    a, b = [ax for ax in fig.axes if ax.get_visible()]
    assert [t.get_text() for t in a.get_yticklabels()] == ["Intel", "Việt Nam"]  # no com, x, or a rare word
    assert a.get_xlim() == b.get_xlim()
    assert not [ln for ln in a.lines if ln.get_xdata()[0] == 1.96]  # every z above 1.96: no line
    assert len(fig.axes) == 2  # the grid holds the panels, no empty cells


@pytest.mark.parametrize("unit", ["articles", "paragraphs"])
def test_topic_sizes_say_the_units_of_the_run(unit):
    fig = F.topic_words_figure(topics_frame(), 7.2, 10, 3, F.theme_colours(THEMES), LABELS, unit=unit)
    assert fig.axes[0].get_xlabel() == f"{unit} in the topic"


def test_surface_forms_restore_proper_nouns():
    from pipeline.surface import surface_forms, words

    texts = ["Việt Nam và Intel ký kết.", "Intel tại Việt Nam", "việt nam", "Đầu tư vào Việt Nam"]
    case = surface_forms(texts, ["việt_nam", "intel", "đầu_tư", "khác"])
    assert case == {"việt nam": "Việt Nam", "intel": "Intel", "đầu tư": "Đầu tư"}
    assert words("việt_nam", case) == "Việt Nam" and words("khác", case) == "khác"


def test_actors_leave_out_generic_heads_and_one_story_speakers_and_keep_roles_whole():
    actors = pd.DataFrame({"actor": ["Bộ", "Nguyễn Văn An", "Trần Bắc Hà", "Lê Một"],
                           "role": ["", "Chủ tịch", "Tổng giám đốc Ngân hàng Đầu tư và Phát triển Việt Nam (BIDV)", ""],
                           "n_quotes": [4, 11, 8, 5], "n_articles": [3, 6, 3, 1], "theme_institutions": [4, 11, 8, 5]})
    fig = F.actors_figure(actors, 7.2, F.theme_colours(THEMES), LABELS)
    ticks = [" ".join(t.get_text().split()) for t in fig.axes[0].get_yticklabels()]
    assert ticks == ["Trần Bắc Hà (Tổng giám đốc Ngân hàng Đầu tư và Phát triển Việt Nam (BIDV))",
                     "Nguyễn Văn An (Chủ tịch)"]


@pytest.mark.integration
def test_stage_writes_png_and_pdf_of_each_figure(tmp_path, monkeypatch):
    import yaml

    from pipeline import io as pio
    from pipeline import params as P

    params = P.load(Path(__file__).resolve().parent.parent / "params.yaml").to_dict()
    params["compare"]["by"] = ["source", "series", "date"]
    params["themes"] = {t: ["x"] for t in THEMES if t != "other"}
    # measurement keywords name themes of the codebook only (a removed theme's are refused as a likely slip)
    params["theme_measure"]["keywords"] = {t: w for t, w in params["theme_measure"]["keywords"].items()
                                           if t in params["themes"] or t == "other"}
    params["theme_measure"]["hybrid"]["defer"] = [t for t in params["theme_measure"]["hybrid"]["defer"]
                                                  if t in params["themes"]]  # the same for deferred themes
    params["theme_labels"] = {t: params["theme_labels"][t] for t in params["themes"]}
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    pio.write_parquet("data/processed/topic_themes.parquet", topics_frame())
    pio.write_csv("data/processed/topic_hierarchy.csv", hierarchy_frame())
    pio.write_parquet("data/interim/units.parquet", pd.DataFrame({"unit_id": ["u1"], "text": ["Quốc hội thông qua luật"]}))
    pio.write_csv("reports/compare/theme_shares_source.csv", shares_frame(["kinhtedothi.vn", "hanoimoi.vn"]))
    pio.write_csv("reports/compare/theme_shares_series.csv", shares_frame(["(no series)"]))  # one group: no figure
    pio.write_csv("reports/compare/theme_shares_date.csv", shares_frame(["2024Q4", "2025Q2"]))
    # one speaker in one article: no bar rests on one story, so no actors figure
    pio.write_csv("reports/discourse/actors.csv", pd.DataFrame({"actor": ["Bùi Thị An"], "role": [""], "n_quotes": [2],
                                                                "n_articles": [1], "theme_institutions": [2]}))
    (tmp_path / "reports/figures").mkdir(parents=True)
    (tmp_path / "reports/figures/theme_share_label.png").write_bytes(b"stale")
    F.main(["--root", str(tmp_path)])
    names = {p.name for p in (tmp_path / "reports/figures").iterdir()}
    expected = {"topic_words", "topic_tree", "theme_share_source", "theme_share_date", "themes_over_time"}
    assert names == {f"{n}.{ext}" for n in expected for ext in ("png", "pdf")} | {"figures.json"}
    # every figure PNG has its caption, with the field filled in, its width and its place in the manifest
    manifest = pio.read_json(tmp_path / "reports/figures/figures.json")
    assert set(manifest) == {p.stem for p in (tmp_path / "reports/figures").glob("*.png")}
    assert manifest["theme_share_source"]["caption"] == F.theme_share_figure.caption.format(field="source")
    assert all(e["caption"] and "{" not in e["caption"] for e in manifest.values())
    assert sorted(e["order"] for e in manifest.values()) == list(range(len(manifest)))
    assert manifest["topic_words"]["width"] == "page" and manifest["theme_share_source"]["width"] == "column"
    with Image.open(tmp_path / "reports/figures/theme_share_source.png") as im:
        assert im.size[0] == round(manifest["theme_share_source"]["width_in"] * params["figures"]["dpi"])


def test_every_figure_function_has_a_caption_and_a_place():
    drawn = [getattr(F, n) for n in dir(F) if n.endswith("_figure") and callable(getattr(F, n))]
    assert len(drawn) == 8
    for fn in drawn:
        assert fn.caption.strip() and fn.about in ("topics", "compare", "discourse"), fn.__name__
        assert ("{field}" in fn.caption) == ("field" in fn.__code__.co_varnames[:fn.__code__.co_argcount]), fn.__name__


def test_topic_labels_wrap_between_words_never_inside_one():
    """Long labels wrap so the bars keep their width, but a segmented word (đổi_mới_sáng_tạo) stays on one line."""
    topics = pd.DataFrame({"topic": [0], "size": [10], "theme": ["institutions"],
                           "top_words": ["khoa_học_và_công_nghệ đổi_mới_sáng_tạo chuyển_đổi_số thể_chế kinh_tế_số "
                                         "trí_tuệ_nhân_tạo dữ_liệu_lớn hạ_tầng_số"]})
    fig = F.topic_words_figure(topics, 3.5, 12, 8, F.theme_colours(THEMES), LABELS)
    label = fig.axes[0].get_yticklabels()[0].get_text()
    lines = label.split("\n")
    assert len(lines) > 1  # wrapped: 8 long words do not fit on one line of a column-wide figure
    words_on_lines = [w.strip() for line in lines for w in line.removeprefix("0:").split(",") if w.strip()]
    assert words_on_lines == ["khoa học và công nghệ", "đổi mới sáng tạo", "chuyển đổi số", "thể chế", "kinh tế số",
                              "trí tuệ nhân tạo", "dữ liệu lớn", "hạ tầng số"]


def test_model_sweep_figure_draws_measured_rows_and_nothing_without_them():
    sweep = pd.DataFrame({"k": [6, 8, 10], "chosen": [False, False, True], "refits": 3, "n_topics_min": [6, 8, 10],
                          "stability_ari_mean": [0.7, 0.9, 0.88], "stability_ari_min": [0.6, 0.85, 0.8],
                          "npmi": [0.2, 0.25, 0.24], "topic_diversity": 0.9, "note": ""})
    fig = F.model_sweep_figure(sweep, 3.5)
    assert fig is not None and abs(fig.get_size_inches()[0] - 3.5) < 1e-6
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["6", "8", "10"]
    unmeasured = pd.DataFrame([{"k": None, "stability_ari_mean": None, "note": "not measured: hdbscan"}])
    assert F.model_sweep_figure(unmeasured, 3.5) is None and F.model_sweep_figure(pd.DataFrame(), 3.5) is None
