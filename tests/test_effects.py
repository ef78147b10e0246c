"""Theme-prevalence effects (pipeline/effects.py) and the design table / series trajectories (pipeline/design.py).

The calibration tests simulate data sets with planted effects and count how often the 95 % intervals cover the
truth; they go through the public functions, so they test what the stage runs."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pipeline import design as D
from pipeline import effects as E

THEMES = ["t1", "t2", "t3", "t4"]
BASE = np.array([0.35, 0.3, 0.2, 0.15])
# planted effects on the mean theme share (each sums to 0 over the themes, as shares do): sizes 0, 0.025, 0.05, 0.1
EFFECT = {"B": np.array([0.1, -0.05, 0.0, -0.05]), "C": np.array([0.0, 0.1, -0.1, 0.0]),
          "time": np.array([0.025, -0.025, 0.0, 0.0])}  # per year, over two years
GROUPS = np.repeat(["A", "B", "C"], 100)
SPEC = E.EffectsSpec(covariates=["source"], references={"source": "A"}, time=E.TimeSpec(mode="linear"))


def truth_table() -> pd.DataFrame:
    rows = [(t, f"source[{g}]", EFFECT[g][k]) for g in ("B", "C") for k, t in enumerate(THEMES)]
    rows += [(t, "date", EFFECT["time"][k]) for k, t in enumerate(THEMES)]
    return pd.DataFrame(rows, columns=["theme", "term", "true"])


def design(rng) -> pd.DataFrame:
    """300 articles of three outlets, dated over two years."""
    years = rng.uniform(0, 2, len(GROUPS))
    return pd.DataFrame({"article_id": [f"a{i}" for i in range(len(GROUPS))], "source": GROUPS,
                         "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(years * 365.25, unit="D"),
                         "years": years})


def mean_shares(meta: pd.DataFrame, effects: dict = EFFECT) -> np.ndarray:
    """Each article's expected theme proportions: BASE + outlet effect + trend x years."""
    outlet = np.stack([effects.get(g, 0 * BASE) for g in meta["source"]])
    return BASE + outlet + meta["years"].to_numpy()[:, None] * effects["time"]


def proportions(rng, mean: np.ndarray, concentration: float | None) -> np.ndarray:
    """Dirichlet around the mean, or one theme per article (as at article level) when concentration is None."""
    if concentration is None:
        u = rng.uniform(size=(len(mean), 1))
        return np.eye(mean.shape[1])[(u > mean.cumsum(axis=1)).sum(axis=1)]
    g = rng.gamma(concentration * mean)  # Dirichlet draws, vectorised
    return g / g.sum(axis=1, keepdims=True)


def table(y: np.ndarray, meta: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(y, columns=THEMES).assign(article_id=meta["article_id"].to_numpy())


def run_calibration(n_designs: int, n_sets: int, concentration, seed: int, effects=EFFECT) -> pd.DataFrame:
    """n_designs random designs (outlets fixed, dates drawn), n_sets data sets of proportions on each; the model
    is built once per design and refitted to each data set (refit: same design, new proportions)."""
    rng = np.random.default_rng(seed)
    truth = truth_table() if effects is EFFECT else truth_table().assign(true=0.0)
    out = []
    for d in range(n_designs):
        meta = design(rng)
        mean = mean_shares(meta, effects)
        fit = E.fit_effects([table(mean, meta)], meta, THEMES, SPEC)
        for s in range(n_sets):
            tab = E.effects_table(E.refit(fit, [table(proportions(rng, mean, concentration), meta)]))
            out.append(tab.merge(truth, on=["theme", "term"]).assign(set=d * n_sets + s))
    res = pd.concat(out, ignore_index=True)
    res["covered"] = (res["ci_low"] <= res["true"]) & (res["true"] <= res["ci_high"])
    return res


@pytest.mark.parametrize("concentration, power", [(3.0, 0.5), (None, 0.1)], ids=["mixed-shares", "one-theme-articles"])
def test_intervals_cover_planted_effects_and_adjusted_false_positives_stay_under_5_percent(concentration, power):
    res = run_calibration(10, 40, concentration, seed=11)
    assert res["set"].nunique() == 400
    # each size (0, 0.025 a year, 0.05, 0.1; growing and shrinking themes; outlets and trend): 93-97 % covered
    by_size = res.groupby(res["true"].abs().round(4))["covered"].mean()
    assert set(by_size.index) == {0.0, 0.025, 0.05, 0.1}
    assert by_size.between(0.93, 0.97).all(), by_size
    null = res[res["true"] == 0]
    assert (null["p_adj"] < 0.05).mean() <= 0.05
    assert (null["p"] < 0.05).mean() == pytest.approx(0.05, abs=0.02)  # unadjusted: the nominal rate
    big = res[res["true"].abs() == 0.1]
    assert (big["p_adj"] < 0.05).mean() > power  # and the model does find effects


def test_measurement_noise_intervals_that_ignore_it_under_cover_and_pooled_ones_cover():
    """The theme measurement is off by a shock shared by an outlet's articles (a refit's topic catches more of one
    outlet), and its K = 5 draws scatter around it as it scatters around the truth (as bootstrap or posterior draws
    do). Truth: theta = (1 - 2a) phi + 2a m; measurement: (1 - 2a) phi + a m + a N0[outlet]; draw k:
    (1 - 2a) phi + a N0[outlet] + a Nk[outlet], N ~ Dirichlet(30 m), so every table is a proportion table with
    the truth as its mean. Fitting the measurement alone ignores the shock; Rubin's rules count it. STM's method
    of composition counts it only in part (variance within + (K - 1)/K between, normal tails, where the truth
    needs within + (1 + 1/K) between): with 5 draws it covers about 91 %, between the two, which is why
    pool: rubin is the default."""
    rng = np.random.default_rng(3)
    a, K, m = 0.2, 5, BASE
    truth = truth_table().assign(true=lambda d: d["true"] * (1 - 2 * a))
    outlets = {"A": 0, "B": 1, "C": 2}
    res = {"measurement only": [], "rubin": [], "composition": []}
    for d in range(5):
        meta = design(rng)
        mean = mean_shares(meta)
        idx = meta["source"].map(outlets).to_numpy()
        fit = E.fit_effects([table(mean, meta)], meta, THEMES, SPEC)
        for _ in range(40):
            phi = proportions(rng, mean, 3.0)
            shock = rng.dirichlet(30 * m, size=(K + 1, 3))[:, idx]  # (K + 1, n, themes), one per outlet and draw
            measured = (1 - 2 * a) * phi + a * m + a * shock[0]
            draws = [table((1 - 2 * a) * phi + a * shock[0] + a * shock[k], meta) for k in range(1, K + 1)]
            pooled = E.refit(fit, draws)
            for name, f in (("measurement only", E.refit(fit, [table(measured, meta)])), ("rubin", pooled),
                            ("composition", dataclasses.replace(pooled, spec=SPEC.model_copy(
                                update={"pool": "composition"})))):
                res[name].append(E.effects_table(f).merge(truth, on=["theme", "term"]))
    cover = {}
    for name, tabs in res.items():
        r = pd.concat(tabs, ignore_index=True)
        assert len(tabs) == 200
        ok = (r["ci_low"] <= r["true"]) & (r["true"] <= r["ci_high"])
        cover[name] = ok[r["term"].str.startswith("source")].mean(), ok.mean()
    assert cover["measurement only"][0] < 0.85, cover  # the outlet shock reads as an outlet effect
    assert 0.93 <= cover["rubin"][0] <= 0.97 and 0.93 <= cover["rubin"][1] <= 0.97, cover
    assert cover["measurement only"][0] < cover["composition"][0] < cover["rubin"][0], cover


@pytest.mark.parametrize("cov_type", ["HC3", "HC1", "cluster"])
def test_numpy_robust_ols_matches_statsmodels(cov_type):
    """effects.py computes OLS and its robust covariance in numpy, vectorised over themes and draws, because
    statsmodels' per-fit overhead would dominate the calibration runs; here the two must agree."""
    import statsmodels.api as sm  # a dependency (requirements.txt): a missing one fails here, never skips
    rng = np.random.default_rng(5)
    meta = design(rng).assign(series=lambda d: rng.choice([f"s{i}" for i in range(12)], len(d)))
    y = proportions(rng, mean_shares(meta), 3.0)
    spec = SPEC.model_copy(update={"cov_type": cov_type, "cluster": "series" if cov_type == "cluster" else None})
    fit = E.fit_effects([table(y, meta)], meta, THEMES, spec)
    tab = E.effects_table(fit)
    for t, theme in enumerate(THEMES):
        kw = {"cov_type": "cluster", "cov_kwds": {"groups": pd.factorize(meta["series"])[0]}} if cov_type == "cluster" \
            else {"cov_type": cov_type}
        ref = sm.OLS(y[:, t], fit.X).fit(use_t=True, **kw)
        np.testing.assert_allclose(fit.coef[0, t], ref.params, rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(np.sqrt(np.diag(fit.cov[0, t])), ref.bse, rtol=1e-8)
        rows = tab[tab["theme"] == theme]
        cols = [fit.columns.index(c) for c in fit.terms["column"]]
        np.testing.assert_allclose(rows["ci_low"], ref.conf_int()[cols, 0], rtol=1e-8)
        np.testing.assert_allclose(rows["p"], ref.pvalues[cols], rtol=1e-6)


def test_bh_family_leaves_out_empty_themes_and_controls():
    rng = np.random.default_rng(2)
    meta = design(rng).assign(label=lambda d: rng.choice(["x", "y"], len(d)))
    y = proportions(rng, mean_shares(meta), 3.0)
    themes = [*THEMES, "never"]
    props = table(y, meta).assign(never=0.0)
    spec = SPEC.model_copy(update={"controls": ["label"]})
    tab = E.effects_table(E.fit_effects([props], meta, themes, spec))
    empty = tab[tab["theme"] == "never"]
    assert (empty["note"] == E.EMPTY).all() and empty[["estimate", "p", "p_adj"]].isna().all().all()
    controls = tab[tab["role"] == "control"]
    assert controls["p_adj"].isna().all() and controls.loc[controls["theme"] != "never", "p"].notna().all()
    family = tab[(tab["role"] == "covariate") & (tab["theme"] != "never")]
    assert len(family) == 4 * 3  # 4 non-empty themes x (2 outlet terms + trend)
    np.testing.assert_allclose(family["p_adj"], stats.false_discovery_control(family["p"], method="bh"))


def test_raw_outlet_difference_that_is_only_a_category_difference_disappears_after_adjustment():
    """Outlet B publishes mostly health articles, and health articles are about welfare: raw B - A on welfare is
    large; with the category as a control it is gone. The design table flags the confounding first."""
    rng = np.random.default_rng(8)
    n = 200
    source = np.repeat(["A", "B"], n // 2)
    label = np.where(rng.uniform(size=n) < np.where(source == "B", 0.8, 0.2), "health", "politics")
    mean = np.where(label[:, None] == "health", [0.2, 0.6, 0.2], [0.6, 0.2, 0.2])
    g = rng.gamma(3 * mean)
    meta = pd.DataFrame({"article_id": [f"a{i}" for i in range(n)], "source": source, "label": label})
    props = pd.DataFrame(g / g.sum(axis=1, keepdims=True), columns=["inst", "welfare", "other"]).assign(
        article_id=meta["article_id"])
    spec = E.EffectsSpec(covariates=["source"], references={"source": "A"})
    raw = E.effects_table(E.fit_effects([props], meta, ["inst", "welfare", "other"], spec))
    adj = E.effects_table(E.fit_effects([props], meta, ["inst", "welfare", "other"],
                                        spec.model_copy(update={"controls": ["label"]})))
    diff = E.differences(adj, raw).set_index("theme")
    assert diff.loc["welfare", "raw_diff"] > 0.1 and diff.loc["welfare", "raw_p_adj"] < 0.001
    assert diff.loc["welfare", "ci_low"] < 0 < diff.loc["welfare", "ci_high"]
    assert diff.loc["welfare", "disappears"] and not diff.loc["other", "disappears"]
    counts, info, warning = D.design_table(meta, "source", "label")
    assert info["cramers_v"] >= 0.3 and "source is confounded with label" in warning and "V 0." in warning
    assert counts.set_index("source")["total"].to_dict() == {"A": 100, "B": 100}


def test_design_warning_names_a_structural_zero_and_stays_quiet_on_independent_sparse_tables():
    rng = np.random.default_rng(4)
    sizes = {"nld": (40, 16, 30), "tt": (40, 10, 30), "vne": (45, 0, 35), "tn": (45, 0, 35)}
    rows = [(src, lab) for src, counts in sizes.items() for lab, k in zip(("politics", "health", "business"), counts)
            for _ in range(k)]
    meta = pd.DataFrame(rows, columns=["source", "label"])
    _, info, warning = D.design_table(meta, "source", "label")
    assert info["cramers_v"] < 0.3 and info["structural_zeros"] == 2  # V alone would not flag it
    assert "no 'health' articles in 2 of 4 source groups" in warning
    independent = pd.DataFrame({"source": rng.choice(list("ABC"), 50), "label": rng.choice(list("vwxyz"), 50)})
    _, info, warning = D.design_table(independent, "source", "label")
    table = pd.crosstab(independent["source"], independent["label"]).to_numpy()
    assert stats.contingency.association(table) > 0.2  # the plain V of a sparse table is inflated
    assert info["cramers_v"] < 0.2 and warning == ""


def test_series_trajectory_orders_parts_and_gives_a_one_article_part_no_interval():
    meta = pd.DataFrame({"article_id": ["a", "b", "c", "d", "e", "f"],
                         "series": ["Để Hà Nội cất cánh", "Để Hà Nội cất cánh", "Để Hà Nội cất cánh", "Solo", None, "X"],
                         "part": [2, 1, 1, 1, 1, None]})
    draws = [pd.DataFrame({"article_id": list("abcdef"), "t1": [0.9, 0.2, 0.4, 1.0, 0.5, 0.5],
                           "t2": [0.1, 0.8, 0.6, 0.0, 0.5, 0.5]}),
             pd.DataFrame({"article_id": list("abcdef"), "t1": [0.7, 0.3, 0.5, 1.0, 0.5, 0.5],
                           "t2": [0.3, 0.7, 0.5, 0.0, 0.5, 0.5]})]
    traj = D.series_trajectories(draws, meta, ["t1", "t2"])
    t1 = traj[traj["theme"] == "t1"].set_index(["series", "part"])
    assert list(t1.index) == [("Solo", 1), ("Để Hà Nội cất cánh", 1), ("Để Hà Nội cất cánh", 2)]
    one = t1.loc[("Để Hà Nội cất cánh", 2)]
    assert one["n_articles"] == 1 and one["share"] == pytest.approx(0.8) and np.isnan(one["ci_low"])
    two = t1.loc[("Để Hà Nội cất cánh", 1)]
    assert two["n_articles"] == 2 and two["share"] == pytest.approx(0.35) and 0 <= two["ci_low"] < 0.35 < two["ci_high"]


def test_time_spline_curve_follows_a_planted_bend_and_has_a_joint_test():
    rng = np.random.default_rng(6)
    meta = design(rng)
    bend = 0.15 * np.sin(np.pi * meta["years"].to_numpy())  # up to mid-2024, back down by 2025, down again after
    mean = np.c_[0.4 + bend, 0.6 - bend]
    g = rng.gamma(20 * mean)
    props = pd.DataFrame(g / g.sum(axis=1, keepdims=True), columns=["t1", "t2"]).assign(article_id=meta["article_id"])
    spec = E.EffectsSpec(covariates=["source"], time=E.TimeSpec(mode="spline", spline_df=5))
    fit = E.fit_effects([props], meta, ["t1", "t2"], spec)
    curve = E.predict_curve(fit, "date", values=["2024-01-15", "2024-07-01", "2025-12-15"])
    t1 = curve[curve["theme"] == "t1"].reset_index(drop=True)
    assert t1.loc[1, "ci_low"] > t1.loc[0, "ci_high"] and t1.loc[1, "ci_low"] > t1.loc[2, "ci_high"]
    truth = 0.4 + 0.15 * np.sin(np.pi * np.array([14, 182, 713]) / 365.25)
    assert ((t1["ci_low"] <= truth + 0.02) & (truth - 0.02 <= t1["ci_high"])).all()
    joint = E.effects_table(fit).query("level == 'joint'").set_index("theme")
    assert joint.loc["t1", "p_adj"] < 0.001


def test_bad_input_names_the_table_and_article():
    rng = np.random.default_rng(1)
    meta = design(rng)
    y = proportions(rng, mean_shares(meta), 3.0)
    y[7] *= 1.5
    with pytest.raises(ValueError, match=r"proportion table 0, article 'a7'.*sum to 1"):
        E.fit_effects([table(y, meta)], meta, THEMES, SPEC)
    with pytest.raises(ValueError, match=r"field 'outlet' is not a column"):
        E.fit_effects([table(y, meta)], meta, THEMES, E.EffectsSpec(covariates=["outlet"]))
    with pytest.raises(ValueError, match=r"effects\.time\.mode"):
        E.spec_from_params({"time": {"mode": "smooth"}})


def test_a_one_article_outlet_gets_its_estimate_without_interval_and_the_others_keep_theirs():
    rng = np.random.default_rng(0)
    meta = design(rng)
    y = proportions(rng, mean_shares(meta), 3.0)
    meta.loc[0, "source"] = "lonely"
    tab = E.effects_table(E.fit_effects([table(y, meta)], meta, THEMES, SPEC))
    lonely = tab[tab["level"] == "lonely"]
    assert lonely["estimate"].notna().all() and lonely[["ci_low", "p", "p_adj"]].isna().all().all()
    assert (lonely["note"] == E.NO_INTERVAL).all()
    others = tab[(tab["role"] == "covariate") & (tab["level"] != "lonely")]
    assert others[["ci_low", "ci_high", "p_adj"]].notna().all().all()
