"""Pooling a theme's descriptions, the prior of `other`, and how validation chooses the settings (cv)."""
import numpy as np
import pandas as pd
import pytest

from pipeline import measure, validation
from pipeline.codebook import OTHER


def descriptions(seed=0, dim=12, counts=(3, 5, 2)):
    rng = np.random.default_rng(seed)
    return {name: rng.normal(size=(n, dim)) for name, n in zip(["digital", "science", OTHER], counts)}


def test_pool_zero_is_the_cosine_to_the_mean_description():
    desc = descriptions()
    names, themes = measure.theme_matrix(desc)
    texts = measure._unit(np.random.default_rng(1).normal(size=(6, 12)))
    means = measure._unit(np.stack([measure._unit(v).mean(axis=0) for v in desc.values()]))
    assert names == list(desc) and themes.pool == 0
    np.testing.assert_allclose(themes.similarity(texts), texts @ means.T)
    # a plain matrix (one description a theme) measures as before
    np.testing.assert_allclose(measure.probabilities(texts, means, np.zeros((6, 3)), 0.05, 0),
                               measure.probabilities(texts, themes, np.zeros((6, 3)), 0.05, 0))


def test_pooled_similarity_lies_between_the_mean_and_the_nearest_description():
    desc = descriptions()
    texts = measure._unit(np.random.default_rng(2).normal(size=(8, 12)))
    cos = [texts @ measure._unit(v).T for v in desc.values()]
    mean, top = np.stack([c.mean(axis=1) for c in cos], 1), np.stack([c.max(axis=1) for c in cos], 1)
    for pool in (0.01, 0.1, 1.0):
        sim = measure.theme_matrix(desc, pool)[1].similarity(texts)
        assert (sim >= mean - 1e-12).all() and (sim <= top + 1e-12).all()
    np.testing.assert_allclose(measure.theme_matrix(desc, 1e-4)[1].similarity(texts), top, atol=1e-3)
    np.testing.assert_allclose(measure.theme_matrix(desc, 1000.0)[1].similarity(texts), mean, atol=1e-3)


def test_a_theme_with_fewer_descriptions_is_not_changed_by_the_padding():
    desc = descriptions(counts=(1, 6, 2))
    texts = measure._unit(np.random.default_rng(3).normal(size=(5, 12)))
    together = measure.theme_matrix(desc, 0.05)[1].similarity(texts)
    alone = measure.theme_matrix({"digital": desc["digital"]}, 0.05)[1].similarity(texts)
    assert not np.isnan(together).any()
    np.testing.assert_allclose(together[:, 0], alone[:, 0])


def test_other_bias_moves_other_only_and_indexing_keeps_the_settings():
    desc = descriptions()
    texts = np.random.default_rng(4).normal(size=(5, 12))
    hits = np.zeros((5, 2))
    plain = measure.probabilities(texts, measure.theme_matrix(desc, 0.05)[1], hits, 0.05, 1.0)
    themes = measure.theme_matrix(desc, 0.05, 1.5)[1]
    biased = measure.probabilities(texts, themes, hits, 0.05, 1.0)
    np.testing.assert_allclose(biased.sum(axis=1), 1)
    assert (biased[:, -1] > plain[:, -1]).all()
    # the named themes keep their odds against each other
    np.testing.assert_allclose(biased[:, 0] / biased[:, 1], plain[:, 0] / plain[:, 1])
    kept = themes[[1, 2]]
    assert len(kept) == 2 and kept.pool == 0.05 and kept.other_bias == 1.5
    np.testing.assert_allclose(kept.similarity(measure._unit(texts)), themes.similarity(measure._unit(texts))[:, 1:])


def test_pooled_shares_do_not_move_when_embeddings_are_perturbed_by_1e_5():
    desc = descriptions(dim=16)
    names, themes = measure.theme_matrix(desc, 0.03, 2.0)
    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(30, 16))
    args = (["x"] * 30, [f"a{i // 3}" for i in range(30)], np.full(30, 100.0), {}, names, themes)
    kw = {"temperature": 0.01, "keyword_weight": 1.0, "min_share": 0.0}
    base = measure.measure(vectors, *args, **kw)
    moved = measure.measure(vectors + rng.normal(scale=1e-5, size=vectors.shape), *args, **kw)
    assert float((base[names] - moved[names]).abs().max().max()) < 0.01


def prepared(n=12, seed=6):
    rng = np.random.default_rng(seed)
    names, themes = measure.theme_matrix(descriptions(seed=seed))
    groups = [f"u{i // 2}" for i in range(n)]
    tokens = ["dữ_liệu số" if i % 3 == 0 else "khoa_học" if i % 3 == 1 else "bóng_đá" for i in range(n)]
    return dict(vectors=rng.normal(size=(n, 12)), tokens=tokens, groups=groups, lengths=np.full(n, 90.0),
                keywords={"digital": ["dữ_liệu"], "science": ["khoa_học"], OTHER: ["bóng_đá"]},
                theme_names=names, themes=themes)


def test_validation_applies_exactly_the_stage_core_for_every_setting():
    prep = prepared()
    for settings in ({"temperature": 0.03, "keyword_weight": 0.5, "min_share": 0.2},
                     {"temperature": 0.01, "keyword_weight": 1, "min_share": 0, "pool": 0.03, "other_bias": 2}):
        got = validation.apply(prep, settings)  # memoises hits and similarities in prep
        themes = measure.Themes(prep["themes"].descriptions, settings.get("pool", 0), settings.get("other_bias", 0))
        want = measure.measure(prep["vectors"], prep["tokens"], prep["groups"], prep["lengths"], prep["keywords"],
                               prep["theme_names"], themes, temperature=settings["temperature"],
                               keyword_weight=settings["keyword_weight"], min_share=settings["min_share"])
        pd.testing.assert_frame_equal(got, want)


def coded_frame():
    rows = []
    for i in range(40):
        split, corpus = ("tune", "sample") if i < 20 else ("holdout", "seed" if i >= 36 else "danes")
        rows.append({"item_id": f"i{i}", "corpus": corpus, "article_id": f"a{i // 2}", "split": split,
                     "theme": ["digital", "science", OTHER][i % 3], "text": "x"})
    rows += [{"item_id": f"n{i}", "corpus": "danes", "article_id": f"b{i // 2}", "split": "holdout2",
              "theme": ["digital", "science", OTHER][i % 3], "text": "x"} for i in range(6)]
    rows += [{"item_id": "m1", "corpus": "sample", "article_id": "c1", "split": "holdout3", "theme": "digital",
              "text": "x"}]
    return pd.DataFrame(rows)


def test_development_units_are_batches_1_and_2_without_the_seed_holdout():
    dev = validation.development(coded_frame())
    assert set(dev["split"]) == {"tune", "holdout", "holdout2"} and len(dev) == 36 + 6  # never holdout3
    assert not ((dev["split"] == "holdout") & (dev["corpus"] == "seed")).any()


def test_cv_scores_every_fold_with_settings_chosen_without_it(monkeypatch):
    coded = coded_frame()
    dev = validation.development(coded).reset_index(drop=True)
    seen_units, chosen_on = [], []
    classes = ["digital", "science", OTHER]
    truth = pd.Index(classes).get_indexer(dev["theme"])

    def grid(units, prep, classes_):
        seen_units.append(list(units["item_id"]))
        right, wrong = truth, (truth + 1) % 3
        # setting 0 is right on the even articles, setting 1 on the odd ones: which wins depends on the rows
        even = units["article_id"].str[1:].astype(int).to_numpy() % 2 == 0
        return ([{"s": 0}, {"s": 1}], np.stack([np.where(even, right, wrong), np.where(even, wrong, right)]),
                np.zeros((2, len(units))))

    real_best = validation.best_setting

    def best(gold, pred, loss, rows, classes_):
        chosen_on.append(set(rows))
        return real_best(gold, pred, loss, rows, classes_)

    monkeypatch.setattr(validation, "setup", lambda units, *a: {})
    monkeypatch.setattr(validation, "grid_predictions", grid)
    monkeypatch.setattr(validation, "best_setting", best)
    monkeypatch.setattr(validation, "apply", lambda prep, s: pd.DataFrame({"primary": OTHER}, index=dev["item_id"]))
    report, _ = validation.cross_validate(coded, {"theme_measure": {}}, None, {}, classes, folds=3, seed=1)
    assert seen_units == [dev["item_id"].tolist()]  # never the seed holdout or holdout3
    folds = [p for p in report["parts"] if p["part"].startswith("fold")]
    tests = [set(range(len(dev))) - rows for rows in chosen_on[:3]]
    assert sum(len(t) for t in tests) == len(dev) and set().union(*tests) == set(range(len(dev)))
    for test, part in zip(tests, folds):
        assert part["nested"]["n"] == len(test)
        articles = set(dev.loc[sorted(test), "article_id"])
        assert not articles & set(dev.drop(index=sorted(test))["article_id"])  # an article is never split
    # batch 1 -> holdout2 and holdout2 -> batch 1: chosen on one batch, scored on the other
    assert chosen_on[3] == set(np.flatnonzero(dev["split"] != "holdout2"))
    assert chosen_on[4] == set(np.flatnonzero(dev["split"] == "holdout2"))
    assert report["pooled"]["nested"]["n"] == len(dev) and report["units"] == len(dev)


def test_ties_go_to_the_lower_log_loss_then_to_the_first_setting():
    gold = np.array([0, 1, 2, 0])
    pred = np.stack([gold, gold, gold, (gold + 1) % 3])
    loss = np.array([[0.5] * 4, [0.2] * 4, [0.2] * 4, [0.0] * 4])
    assert validation.best_setting(gold, pred, loss, np.arange(4), ["a", "b", "c"]) == 1


@pytest.mark.parametrize("folds", ["1", "0"])
def test_cv_needs_two_folds(folds, capsys):
    with pytest.raises(SystemExit):
        validation.main(["cv", "--folds", folds])
    assert "at least 2" in capsys.readouterr().err
