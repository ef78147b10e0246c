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
