"""Compare stage: shares with intervals, omnibus/pairwise/contrast tests, time bins, distinctive words.

Synthetic frames stand in for series and dates, which the bundled VNTC sample does not have."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline import compare as C

THEMES = ["institutions", "spatial_planning", "science_innovation"]


def articles(groups: dict[str, list[list[float]]], field: str = "series", dates: dict[str, list] | None = None):
    """One row an article: its theme shares (institutions, spatial_planning, science_innovation; other = rest)."""
    rows = []
    for group, share_rows in groups.items():
        for i, shares in enumerate(share_rows):
            row = {"article_id": f"{group}-{i}", field: group, **dict(zip(THEMES, shares))}
            row["other"] = 1.0 - sum(shares)
            if dates:
                row["date"] = dates[group][i]
            rows.append(row)
    return pd.DataFrame(rows)


def random_shares(rng, n: int, alpha: list[float]) -> list[list[float]]:
    return [list(x[:3]) for x in rng.dirichlet(alpha, size=n)]


@pytest.fixture
def contrasted():
    """Series A frames institutions strongly; B frames space; both 40 articles."""
    rng = np.random.default_rng(7)
    return articles({"A": random_shares(rng, 40, [8, 1, 2, 1]), "B": random_shares(rng, 40, [1, 8, 2, 1])})


def test_group_values_bins_dates_and_names_missing_values():
    frame = pd.DataFrame({"date": ["2024-01-15", "2024-05-02", None, "not a date", "2026-12-31"],
                          "series": ["Để Hà Nội cất cánh", None, "", "  ", "X"]})
    assert list(C.group_values(frame, "date", "quarter")) == ["2024Q1", "2024Q2", "(no date)", "(no date)", "2026Q4"]
    assert list(C.group_values(frame, "date", "month")) == ["2024-01", "2024-05", "(no date)", "(no date)", "2026-12"]
    assert list(C.group_values(frame, "date", "year")) == ["2024", "2024", "(no date)", "(no date)", "2026"]
    assert list(C.group_values(frame, "series")) == ["Để Hà Nội cất cánh", "(no series)", "(no series)",
                                                     "(no series)", "X"]
    assert set(C.group_values(frame, "source")) == {"(unknown)"}  # a field the corpus lacks


def test_bootstrap_intervals_contain_the_point_and_shrink_with_more_articles():
    rng = np.random.default_rng(0)
    small = articles({"s": random_shares(rng, 10, [2, 2, 2, 2])})
    big = articles({"s": random_shares(rng, 400, [2, 2, 2, 2])})
    cols = [*THEMES, "other"]
    s = C.bootstrap_shares(small, small["series"], cols, n_boot=500, seed=1)
    b = C.bootstrap_shares(big, big["series"], cols, n_boot=500, seed=1)
    for res, frame in ((s, small), (b, big)):
        assert (res["ci_low"] <= res["share"]).all() and (res["share"] <= res["ci_high"]).all()
        assert np.allclose(res.set_index("theme").loc[cols, "share"], frame[cols].mean())
    assert ((b["ci_high"] - b["ci_low"]).mean()) < ((s["ci_high"] - s["ci_low"]).mean()) / 3
    again = C.bootstrap_shares(small, small["series"], cols, n_boot=500, seed=1)
    pd.testing.assert_frame_equal(s, again)  # the seed makes it repeatable


def test_single_article_group_has_its_share_but_no_interval():
    """One article cannot be resampled: a zero-width interval would read as certainty, so there is none."""
    frame = articles({"only": [[0.5, 0.25, 0.25]], "pair": [[0.5, 0.25, 0.25], [0.1, 0.3, 0.6]]})
    res = C.bootstrap_shares(frame, frame["series"], THEMES, n_boot=100).set_index(["group", "theme"])
    assert list(res.loc["only", "share"]) == [0.5, 0.25, 0.25]
    assert res.loc["only", "ci_low"].isna().all() and res.loc["only", "ci_high"].isna().all()
    assert res.loc["pair", "ci_low"].notna().all() and (res.loc["pair", "ci_high"] > res.loc["pair", "ci_low"]).all()


def test_permanova_separates_different_groups_and_not_identical_ones(contrasted):
    cols = [*THEMES, "other"]
    diff = C.permanova(contrasted[cols].to_numpy(), contrasted["series"].to_numpy(), n_perm=199, seed=3)
    assert diff["permanova_p"] <= 0.01 and diff["permanova_r2"] > 0.3
    rng = np.random.default_rng(11)
    same = articles({"A": random_shares(rng, 40, [2, 2, 2, 2]), "B": random_shares(rng, 40, [2, 2, 2, 2])})
    null = C.permanova(same[cols].to_numpy(), same["series"].to_numpy(), n_perm=199, seed=3)
    assert null["permanova_p"] > 0.05
    assert C.permanova(same[cols].to_numpy(), np.array(["A"] * len(same))) == {}  # one group: no test


def test_permanova_pseudo_f_matches_a_direct_computation(contrasted):
    cols = [*THEMES, "other"]
    x, g = contrasted[cols].to_numpy(), contrasted["series"].to_numpy()
    grand = x.mean(axis=0)
    ssb = sum((g == k).sum() * ((x[g == k].mean(axis=0) - grand) ** 2).sum() for k in np.unique(g))
    ssw = sum(((x[g == k] - x[g == k].mean(axis=0)) ** 2).sum() for k in np.unique(g))
    expected = (ssb / 1) / (ssw / (len(x) - 2))
    assert C.permanova(x, g, n_perm=99)["permanova_f"] == pytest.approx(expected)


def test_pairwise_tests_find_the_real_difference_and_adjust_p(contrasted):
    res = C.pairwise_tests(contrasted, contrasted["series"], [*THEMES, "other"], n_boot=400, seed=2)
    assert len(res) == 4  # one pair, four themes
    assert np.allclose(res["diff"], res["share_a"] - res["share_b"])
    assert ((res["ci_low"] <= res["diff"]) & (res["diff"] <= res["ci_high"])).all()
    inst = res.set_index("theme").loc["institutions"]
    assert inst["group_a"] == "A" and inst["diff"] > 0.3 and inst["ci_low"] > 0 and inst["p_adj"] < 0.01
    assert (res["p_adj"] >= res["p_value"] - 1e-12).all()


def test_pairwise_tests_leave_out_groups_below_the_minimum():
    rng = np.random.default_rng(5)
    frame = articles({"A": random_shares(rng, 5, [2, 2, 2, 2]), "B": random_shares(rng, 5, [2, 2, 2, 2]),
                      "tiny": random_shares(rng, 1, [2, 2, 2, 2])})
    res = C.pairwise_tests(frame, frame["series"], THEMES, n_boot=50, min_articles=2)
    assert set(res["group_a"]) | set(res["group_b"]) == {"A", "B"}


def test_contrasts_answer_institutions_versus_space(contrasted):
    res = C.theme_contrasts(contrasted, contrasted["series"], [["institutions", "spatial_planning"]], n_boot=400,
                            seed=4).set_index("group")
    assert res.loc["A", "diff"] > 0 and res.loc["A", "ci_low"] > 0 and res.loc["A", "p_adj"] < 0.01
    assert res.loc["B", "diff"] < 0 and res.loc["B", "ci_high"] < 0
    for g in "AB":
        sub = contrasted[contrasted["series"] == g]
        assert res.loc[g, "diff"] == pytest.approx((sub["institutions"] - sub["spatial_planning"]).mean())
        assert res.loc[g, "ci_low"] <= res.loc[g, "diff"] <= res.loc[g, "ci_high"]


def test_weighted_log_odds_signs_agree_with_frequencies():
    counts = pd.DataFrame({"thể_chế": [40, 5], "quy_hoạch": [5, 40], "hà_nội": [20, 20]}, index=["A", "B"])
    res = C.weighted_log_odds(counts, prior_scale=0.1).set_index(["group", "word"])
    share = counts.div(counts.sum(axis=1), axis=0)
    rest = {"A": share.loc["B"], "B": share.loc["A"]}
    for (group, word), row in res.iterrows():
        assert np.sign(row["delta"]) == np.sign(share.loc[group, word] - rest[group][word])
        assert np.sign(row["z"]) == np.sign(row["delta"])
    # two groups: each group's z is the other's with the sign flipped
    assert res.loc[("A", "thể_chế"), "z"] == pytest.approx(-res.loc[("B", "thể_chế"), "z"])
    assert res.loc[("A", "thể_chế"), "z"] > 1.96


def test_compare_field_counts_every_group_and_tests_only_the_big_ones():
    rng = np.random.default_rng(4)
    frame = articles({"A": random_shares(rng, 6, [3, 1, 1, 1]), "B": random_shares(rng, 6, [1, 3, 1, 1]),
                      "one": random_shares(rng, 1, [1, 1, 3, 1])})
    units = pd.DataFrame({"unit_id": frame["article_id"], "article_id": frame["article_id"], "tokens": "thể_chế quy_hoạch"})
    assignments = frame[["article_id", "series"]].assign(unit_id=frame["article_id"], theme="institutions")
    res = C.compare_field("series", frame, assignments, units, THEMES, date_freq="year", n_boot=50, confidence=0.95,
                          seed=0, stopwords=[], top_words=5, prior_scale=0.01, n_perm=99, min_articles=2)
    assert res["test"]["n_groups"] == 3 and res["test"]["n_groups_tested"] == 2 and res["test"]["n_articles"] == 13
    assert set(res["shares"]["group"]) == {"A", "B", "one"}
    assert "one" not in set(res["pairwise"]["group_a"]) | set(res["pairwise"]["group_b"])


def test_compare_field_over_time_leaves_out_undated_articles():
    rng = np.random.default_rng(9)
    frame = articles({"x": random_shares(rng, 12, [2, 2, 2, 2])}, field="series",
                     dates={"x": ["2024-02-01"] * 4 + ["2026-03-01"] * 4 + [None] * 4})
    units = pd.DataFrame({"unit_id": frame["article_id"], "article_id": frame["article_id"], "tokens": ["thể_chế quy_hoạch đô_thị"] * 6
                          + ["dữ_liệu số_hóa công_nghệ"] * 6})
    assignments = frame[["article_id", "date", "series"]].assign(unit_id=frame["article_id"],
                                                                 theme=["institutions", "other"] * 6)
    res = C.compare_field("date", frame, assignments, units, THEMES, date_freq="year", n_boot=100, confidence=0.95,
                          seed=0, stopwords=[], top_words=5, prior_scale=0.01, n_perm=99,
                          contrasts=[["institutions", "spatial_planning"]])
    assert set(res["shares"]["group"]) == {"2024", "2026"}
    assert res["test"]["n_excluded"] == 4 and res["test"]["n_articles"] == 8
    assert set(res["pairwise"]["group_a"]) == {"2024"} and set(res["pairwise"]["group_b"]) == {"2026"}
    assert set(res["contrasts"]["group"]) == {"2024", "2026"}
    assert "(no date)" not in set(res["distinctive"]["group"])


def test_stage_writes_every_table(tmp_path, monkeypatch):
    """compare.main on small files: one set of tables per compare.by field, and tests.csv."""
    import yaml

    from pipeline import io as pio
    from pipeline import params as P

    params = P.load(Path(__file__).resolve().parent.parent / "params.yaml").to_dict()
    params["compare"].update(by=["series", "date"], bootstrap=50, permutations=99)
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(1)
    frame = articles({"Để Hà Nội cất cánh": random_shares(rng, 6, [5, 1, 2, 1]), "(none)": random_shares(rng, 6, [1, 5, 2, 1])},
                     dates={"Để Hà Nội cất cánh": ["2025-07-04"] * 6, "(none)": ["2026-01-10"] * 6})
    frame.loc[frame["series"] == "(none)", "series"] = None
    frame = frame.assign(**{t: 0.0 for t in params["themes"] if t not in frame}, title="t", source="kinhtedothi.vn")
    pio.write_parquet("data/processed/article_themes.parquet", frame)
    assign = frame[["article_id", "series", "date", "source"]].assign(unit_id=frame["article_id"], topic=0,
                                                                      theme="institutions")
    pio.write_parquet("data/processed/unit_themes.parquet", assign)
    pio.write_parquet("data/interim/units.parquet", pd.DataFrame({"unit_id": frame["article_id"], "article_id": frame["article_id"],
                                                                  "tokens": "thể_chế đổi_mới_sáng_tạo Hòa_Lạc"}))
    C.main(["--root", str(tmp_path)])
    out = tmp_path / "reports/compare"
    for field in ("series", "date"):
        for stem in ("theme_shares", "pairwise", "contrasts", "distinctive_words"):
            assert (out / f"{stem}_{field}.csv").exists(), stem
    tests = pd.read_csv(out / "tests.csv").set_index("field")
    assert list(tests.index) == ["series", "date"]
    assert tests.loc["series", "n_groups"] == 2 and 0 <= tests.loc["series", "permanova_p"] <= 1
    shares = pd.read_csv(out / "theme_shares_series.csv")
    assert set(shares["group"]) == {"Để Hà Nội cất cánh", "(no series)"}
    for field in ("series", "date"):  # the contract: effects and design per field
        effects = pd.read_csv(out / f"effects_{field}.csv")
        assert {"theme", "term", "estimate", "ci_low", "ci_high", "p"} <= set(effects.columns) and len(effects)
        assert (out / f"design_{field}.csv").exists()
    assert set(pd.read_csv(out / "effects_series.csv")["term"]) == {"series[Để Hà Nội cất cánh]"}
    assert (out / "design.json").exists() and (out / "series_trajectories.csv").exists()


@pytest.mark.parametrize("key,value,message", [
    ("compare.contrasts", [["institutions", "space"]], "compare.contrasts[0] names 'space'"),
    ("compare.contrasts", [["institutions", "institutions"]], "compare.contrasts[0] = ['institutions', 'institutions'] must be two different themes"),
    ("compare.permutations", 10, "compare.permutations = 10 must be an integer of at least 99"),
    ("compare.log_odds_prior", 0, "compare.log_odds_prior = 0 must be a positive number"),
    ("discourse.terms", [], "discourse.terms = [] must be a non-empty list of words or phrases"),
    ("discourse.speech_verbs", ["cho biết", ""], "discourse.speech_verbs = ['cho biết', ''] must be a non-empty list"),
    ("figures.formats", ["pdf"], "figures.formats = ['pdf'] must include png"),
    ("figures.formats", ["png", "jpg"], "figures.formats = ['png', 'jpg'] must be a list of formats, each png, pdf or svg"),
    ("figures.width_in", 0.5, "figures.width_in = 0.5 must be a width in inches"),
    ("report.rows_per_table", 0, "report.rows_per_table = 0 must be an integer of at least 1"),
])
def test_params_of_the_analysis_stages_are_validated(key, value, message):
    from pipeline import params as P

    params = P.load(Path(__file__).resolve().parent.parent / "params.yaml").to_dict()
    section, name = key.split(".")
    params[section][name] = value
    with pytest.raises(P.ParamsError, match=re.escape(message)):
        P.validate(params)


def test_bootstrap_p_agrees_with_the_interval_and_empty_themes_stay_out_of_the_family():
    """Interval and p come from the same draws: the interval excludes 0 exactly when p < 0.05 (up to one draw);
    a theme no article has is reported but not tested, so it cannot dilute the BH adjustment."""
    rng = np.random.default_rng(3)
    frame = articles({g: random_shares(rng, 25, alpha) for g, alpha in
                      (("A", [3, 1, 1, 1]), ("B", [2, 2, 1, 1]), ("C", [1, 3, 1, 1]))})
    frame["science_innovation"] = 0.0  # an empty theme (its mass moved to other)
    frame["other"] = 1 - frame[["institutions", "spatial_planning"]].sum(axis=1)
    res = C.pairwise_tests(frame, frame["series"], [*THEMES, "other"], n_boot=2000, seed=1)
    empty = res["theme"] == "science_innovation"
    assert res.loc[empty, "p_value"].isna().all() and res.loc[empty, "p_adj"].isna().all()
    assert res.loc[empty, "note"].str.startswith("empty theme").all()
    tested = res[~empty]
    excludes = (tested["ci_low"] > 0) | (tested["ci_high"] < 0)
    assert excludes.any() and (~excludes).any()
    assert ((tested["p_value"] < 0.05) == excludes).mean() >= 0.95
    assert (tested.loc[excludes, "p_value"] < 0.06).all() and (tested.loc[~excludes, "p_value"] > 0.04).all()
    expected = C._bh(tested["p_value"])  # the family is the tested rows only
    assert np.allclose(tested["p_adj"], expected)


def test_one_story_cannot_make_a_distinctive_word():
    """'kỷ_luật' fills one article of A (a single football story): listed with no article minimum, not with 3."""
    tokens = ["kỷ_luật " * 30 + "bóng_đá"] + ["thể_chế quy_hoạch"] * 5 + ["quy_hoạch đô_thị"] * 6
    groups = pd.Series(["A"] * 6 + ["B"] * 6)
    ids = pd.Series([f"a{i}" for i in range(12)])
    kw = dict(top_words=10, prior_scale=0.01)
    loose = C.distinctive_words(pd.Series(tokens), groups, ids, [], min_articles=1, **kw)
    strict = C.distinctive_words(pd.Series(tokens), groups, ids, [], min_articles=3, **kw)
    assert "kỷ_luật" in set(loose.loc[loose["group"] == "A", "word"])
    assert "kỷ_luật" not in set(strict["word"])
    assert (strict["n_articles"] >= 3).all() and "thể_chế" in set(strict.loc[strict["group"] == "A", "word"])


def confounded(n: int = 60, seed: int = 0):
    """Outlet A publishes mostly health articles, B mostly sport; health articles are about society. Within a
    category the outlets do not differ: the raw outlet difference is the category mix."""
    rng = np.random.default_rng(seed)
    rows = []
    for outlet, p_health in (("A", 0.8), ("B", 0.2)):
        for i in range(n):
            label = "health" if rng.random() < p_health else "sport"
            society = float(rng.random() < (0.7 if label == "health" else 0.1))
            rows.append({"article_id": f"{outlet}{i}", "source": outlet, "label": label, "series": None,
                         "part": None, "date": None, "institutions": 0.0, "spatial_planning": 0.0,
                         "science_innovation": society, "other": 1 - society})
    return pd.DataFrame(rows)


def test_adjusted_effects_beside_raw_ones_show_which_raw_difference_disappears():
    from pipeline import effects as E
    from pipeline import prevalence

    frame = confounded()
    res = prevalence.field_effects("source", frame, [*THEMES, "other"], E.EffectsSpec(controls=["label"]),
                                   date_freq="quarter")
    eff = res["effects"]
    assert {"theme", "term", "estimate", "ci_low", "ci_high", "p"} <= set(eff.columns)
    assert set(eff["model"]) == {"adjusted", "raw"}
    d = res["differences"].set_index("theme").loc["science_innovation"]
    assert d["raw_p_adj"] < 0.05 and abs(d["raw_diff"]) > 0.25  # raw: a large outlet difference
    assert d["ci_low"] < 0 < d["ci_high"] and bool(d["disappears"])  # adjusted for the category: gone
    empty = eff[eff["theme"] == "institutions"]
    assert (empty["note"] == E.EMPTY).all() and empty["p_adj"].isna().all()
    design = res["design"].set_index("group")
    assert list(design.loc[["A", "B"], "total"]) == [60, 60] and set(design["control"]) == {"label"}
    assert len(res["design_info"]) == 1 and "confounded with label" in res["design_info"][0]["warning"]
    assert len(prevalence.disappearing(res["differences"])) >= 1


def test_without_a_usable_control_the_raw_effect_is_written_and_the_reason_noted():
    from pipeline import effects as E
    from pipeline import prevalence

    frame = confounded().assign(label=None)
    res = prevalence.field_effects("source", frame, [*THEMES, "other"], E.EffectsSpec(controls=["label"]),
                                   date_freq="quarter")
    assert set(res["effects"]["model"]) == {"raw"} and "disappears" not in res["differences"]
    assert any("label" in n for n in res["notes"]) and list(res["design"]["total"]) == [60, 60]
    dated = prevalence.field_effects("date", frame, [*THEMES, "other"], E.EffectsSpec(), date_freq="quarter")
    assert dated["effects"].empty and any("dated" in n for n in dated["notes"])


def test_series_trajectory_in_part_order_and_a_one_article_part_without_interval():
    from pipeline import prevalence

    frame = confounded(n=4).assign(series="Để Hà Nội cất cánh", part=[3, 1, 1, 2, 2, 2, 3, 3])
    frame.loc[frame["article_id"] == "A0", "part"] = 4  # part 4: one article
    frame.loc[frame["article_id"] == "B3", "series"] = "Thủ đô số"  # a one-article series
    frame.loc[frame["article_id"] == "B3", "part"] = 1
    out = prevalence.trajectories(frame, [*THEMES, "other"], 0.95)
    main = out[(out["series"] == "Để Hà Nội cất cánh") & (out["theme"] == "science_innovation")]
    assert list(main["part"]) == [1, 2, 3, 4]
    one = out[(out["n_articles"] == 1)]
    assert set(one["series"]) == {"Để Hà Nội cất cánh", "Thủ đô số"}
    assert one["ci_low"].isna().all() and one["share"].notna().all()
    assert out[out["n_articles"] >= 2]["ci_low"].notna().all()
