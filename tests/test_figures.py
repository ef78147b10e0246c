"""Figures: every figure draws on small data, at the declared size and dpi, with Vietnamese glyphs, identically
on a re-run; the stage writes PNG and PDF of each and removes figures it no longer draws."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
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


def terms_frame() -> pd.DataFrame:
    rows = []
    for topic, words in {0: ["thể_chế", "luật", "cơ_chế"], 1: ["quy_hoạch", "đô_thị", "hạ_tầng"],
                         2: ["khoa_học", "công_nghệ"], 3: ["luật", "quốc_hội", "cơ_chế"]}.items():
        rows += [{"topic": topic, "rank": r, "word": w, "weight": 1.0 / r} for r, w in enumerate(words, 1)]
    return pd.DataFrame(rows)


def all_figures() -> dict:
    colours = F.theme_colours(THEMES)
    rng = np.random.default_rng(0)
    contrasts = pd.DataFrame({"group": ["Để Hà Nội cất cánh", "(no series)"], "theme_a": "institutions",
                              "theme_b": "spatial_planning", "n_articles": [5, 40], "diff": [0.2, -0.05],
                              "ci_low": [0.05, -0.1], "ci_high": [0.3, 0.0]})
    distinctive = pd.DataFrame({"group": ["kinhtedothi.vn"] * 3 + ["hanoimoi.vn"] * 3,
                                "word": ["đổi_mới_sáng_tạo", "thể_chế", "hòa_lạc", "quy_hoạch", "đô_thị", "dữ_liệu"],
                                "z": [5.1, 3.2, 2.5, 4.0, 2.2, 1.0], "delta": 1.0, "count": 5, "count_rest": 1})
    actors = pd.DataFrame({"actor": ["Bùi Thị An", "Lê Hồng Sơn"], "role": ["Ủy viên Ủy ban", ""], "n_quotes": [2, 1],
                           "theme_institutions": [2, 0], "theme_spatial_planning": [0, 1]})
    return {
        "topic_words": F.topic_words_figure(topics_frame(), 7.2, 10, 3, colours, LABELS),
        "topic_similarity": F.topic_similarity_figure(terms_frame(), topics_frame(), 4.5, colours),
        "document_map": F.document_map_figure(rng.normal(size=(60, 8)), list(rng.choice(THEMES, 60)), 4.5, colours,
                                              LABELS),
        "theme_share": F.theme_share_figure(shares_frame(["kinhtedothi.vn", "hanoimoi.vn"]), "source", 3.5,
                                            colours, LABELS),
        "heatmap": F.heatmap_figure(shares_frame(["2024", "2025", "2026"]), "date", 4.5, LABELS),
        "contrast": F.contrast_figure(contrasts, "series", 3.5, LABELS),
        "distinctive": F.distinctive_figure(distinctive, "source", 7.2),
        "themes_over_time": F.themes_over_time_figure(shares_frame(["2024Q1", "2024Q2", "2025Q1"]), 7.2, colours,
                                                      LABELS),
        "actors": F.actors_figure(actors, 5.6, colours, LABELS),
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


@pytest.mark.parametrize("name", ["topic_words", "topic_similarity", "document_map", "theme_share", "heatmap",
                                  "contrast", "distinctive", "themes_over_time", "actors"])
def test_no_text_is_cut_off_at_the_figure_edge(name):
    fig = all_figures()[name]
    fig.canvas.draw()
    drawn = fig.get_tightbbox(fig.canvas.get_renderer())  # inches, everything drawn: labels, legends, titles
    w, h = fig.get_size_inches()
    assert drawn.x0 >= -0.01 and drawn.y0 >= -0.01, name
    assert drawn.x1 <= w + 0.01 and drawn.y1 <= h + 0.01, name


def test_saved_files_are_identical_on_a_rerun(tmp_path):
    a = F.save(all_figures()["heatmap"], "a", ["png", "pdf"], 150, tmp_path)
    b = F.save(all_figures()["heatmap"], "b", ["png", "pdf"], 150, tmp_path)
    assert len(a) == len(b) == 2  # a PNG and a PDF each
    for x, y in zip(a, b):
        assert x.read_bytes() == y.read_bytes()


def test_each_theme_keeps_one_distinct_colour_and_other_is_grey():
    colours = F.theme_colours(["institutions", "spatial_planning", "digital_governance", "science_innovation",
                               "economy_business", "society_welfare", "other"])
    named = [c for t, c in colours.items() if t != "other"]
    assert len(set(named)) == len(named) and colours["other"] == F.GREY
    assert set(named) <= set(F.OKABE_ITO)


def test_figures_that_need_more_data_are_left_out():
    colours = F.theme_colours(THEMES)
    tiny = shares_frame(["big", "Để Hà Nội cất cánh"])
    tiny.loc[tiny["group"] == "Để Hà Nội cất cánh", "n_articles"] = 1  # one article: no interval, not in the figure
    assert F.theme_share_figure(tiny, "series", 3.5, colours, min_articles=2) is None
    assert F.heatmap_figure(tiny, "series", 3.5, min_articles=2) is None
    assert F.theme_share_figure(tiny, "series", 3.5, colours, min_articles=1) is not None
    assert F.themes_over_time_figure(shares_frame(["2025Q3"]), 7.2, colours) is None
    assert F.topic_similarity_figure(terms_frame()[terms_frame()["topic"] < 2], topics_frame(), 4, colours) is None
    assert F.actors_figure(pd.DataFrame(), 4, colours) is None
    empty = pd.DataFrame({"group": ["x"], "word": ["a"], "z": [-1.0], "delta": [-1.0], "count": [1], "count_rest": [3]})
    assert F.distinctive_figure(empty, "source", 7) is None


def test_topic_similarity_puts_similar_topics_together():
    from scipy.spatial.distance import pdist, squareform

    ids, x = F.topic_vectors(terms_frame())
    d = squareform(pdist(x, "cosine"))
    i0, i1, i3 = ids.index(0), ids.index(1), ids.index(3)
    assert d[i0, i3] < d[i0, i1]  # topics 0 and 3 share "luật" and "cơ_chế"
    assert np.allclose(np.linalg.norm(x, axis=1), 1)


@pytest.mark.integration
def test_stage_writes_png_and_pdf_of_each_figure(tmp_path, monkeypatch):
    import yaml

    from pipeline import io as pio
    from pipeline import params as P
    from pipeline.io import save_embeddings

    params = P.load(Path(__file__).resolve().parent.parent / "params.yaml").to_dict()
    params["compare"]["by"] = ["source", "series", "date"]
    params["themes"] = {t: ["x"] for t in THEMES if t != "other"}
    params["theme_labels"] = {t: params["theme_labels"][t] for t in params["themes"]}
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    pio.write_parquet("data/processed/topic_themes.parquet", topics_frame())
    pio.write_parquet("data/processed/topic_terms.parquet", terms_frame())
    units = [f"u{i}" for i in range(30)]
    save_embeddings("data/processed/embeddings.npz", units, np.random.default_rng(1).normal(size=(30, 8)).astype("float32"))
    pio.write_parquet("data/processed/unit_themes.parquet", pd.DataFrame({"unit_id": units, "theme": (THEMES * 8)[:30]}))
    pio.write_csv("reports/compare/theme_shares_source.csv", shares_frame(["kinhtedothi.vn", "hanoimoi.vn"]))
    pio.write_csv("reports/compare/theme_shares_series.csv", shares_frame(["(no series)"]))  # one group: no figure
    pio.write_csv("reports/compare/theme_shares_date.csv", shares_frame(["2024Q4", "2025Q2"]))
    pio.write_csv("reports/discourse/actors.csv", pd.DataFrame({"actor": ["Bùi Thị An"], "role": [""], "n_quotes": [2],
                                                                "theme_institutions": [2]}))
    (tmp_path / "reports/figures").mkdir(parents=True)
    (tmp_path / "reports/figures/theme_share_label.png").write_bytes(b"stale")
    F.main(["--root", str(tmp_path)])
    names = {p.name for p in (tmp_path / "reports/figures").iterdir()}
    expected = {"topic_words", "topic_similarity", "document_map", "theme_share_source", "heatmap_source",
                "theme_share_date", "heatmap_date", "themes_over_time", "actors"}
    assert names == {f"{n}.{ext}" for n in expected for ext in ("png", "pdf")} | {"figures.json"}
    # every figure PNG has its caption, with the field filled in, its width and its place in the manifest
    manifest = pio.read_json(tmp_path / "reports/figures/figures.json")
    assert set(manifest) == {p.stem for p in (tmp_path / "reports/figures").glob("*.png")}
    assert manifest["heatmap_source"]["caption"] == F.heatmap_figure.caption.format(field="source")
    assert all(e["caption"] and "{" not in e["caption"] for e in manifest.values())
    assert sorted(e["order"] for e in manifest.values()) == list(range(len(manifest)))
    assert manifest["topic_words"]["width"] == "page" and manifest["theme_share_source"]["width"] == "column"
    with Image.open(tmp_path / "reports/figures/theme_share_source.png") as im:
        assert im.size[0] == round(manifest["theme_share_source"]["width_in"] * params["figures"]["dpi"])


def test_every_figure_function_has_a_caption_and_a_place():
    drawn = [getattr(F, n) for n in dir(F) if n.endswith("_figure") and callable(getattr(F, n))]
    assert len(drawn) == 9
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
