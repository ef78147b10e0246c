"""The learned speaker method (pipeline.speech.learned, pipeline.speech.training): it keeps the rules' quotes, adds
a candidate only where its model says so, never trains on the article it scores, and the shipped model is what
`python -m pipeline.speech.training --fit` writes."""
from __future__ import annotations

import pandas as pd
import pytest

from pipeline import params as P
from pipeline.paths import SPEAKER_MODEL
from pipeline.speech import learned as L
from pipeline.speech import quotes as Q
from pipeline.speech import training as T
from pipeline.speech import validation as V
from tests.speech_helpers import PUNCT_VERBS, VERBS, named

ARTICLE = ("Giá lúa gạo tiếp tục tăng trong tuần qua.",
           "Ông Nguyễn Văn An, giám đốc Sở Nông nghiệp, cho biết giá lúa đã tăng 10%. "
           "Bà Trần Thị Bình lo ngại giá phân bón sẽ còn tăng mạnh trong những tháng tới.")


def _quotes(model):
    units = pd.DataFrame([{"unit_id": f"u{i}", "article_id": "a", "position": i, "text": p}
                          for i, p in enumerate(ARTICLE)])
    return Q.extract_quotes(units, VERBS, PUNCT_VERBS, use_ner=False, model=model)


def test_the_learned_method_keeps_the_rules_quotes_and_adds_only_above_its_threshold():
    rules = named(_quotes(None))
    assert ("Nguyễn Văn An", "person") in rules and ("Trần Thị Bình", "person") not in rules  # "lo ngại": no listed verb
    # a model that never reaches its threshold is the rules
    assert named(_quotes({"intercept": 0.0, "coef": {}, "threshold": 0.99})) == rules
    # one that favours a name followed by "lo ngại" adds Bình's sentence, and nothing in An's (the rules' sentence)
    eager = {"intercept": -3.0, "coef": {"next2=lo ngại": 6.0}, "threshold": 0.5}
    got = named(_quotes(eager))
    assert got.count(("Trần Thị Bình", "person")) == 1 and got.count(("Nguyễn Văn An", "person")) == 1


def test_cross_fitting_never_trains_on_the_scored_article(monkeypatch):
    cands = [{"row": {"speaker": f"S{i}", "speaker_type": "person"}, "sentence": 0, "rule": False,
              "features": {f"f{i % 3}": 1.0}, "passage_id": f"P{i}", "article": f"A{i // 2}", "label": i % 2}
             for i in range(40)]
    n_gold = {f"P{i}": (f"A{i // 2}", i % 2) for i in range(40)}
    seen = []
    real_fit = T.fit

    def spy(features, labels, C):
        seen.append({id(f) for f in features})
        return real_fit(features, labels, C)

    monkeypatch.setattr(T, "fit", spy)
    folds = T._groups_folds([a for a, _ in n_gold.values()], T.OUTER_FOLDS)
    kept, chosen = T.cross_fitted(cands, n_gold, C=1.0, threshold=0.5)
    assert len(seen) == T.OUTER_FOLDS and [c["threshold"] for c in chosen] == [0.5] * T.OUTER_FOLDS
    for f, trained in enumerate(seen):
        assert all(folds[c["article"]] != f for c in cands if id(c["features"]) in trained)
        assert any(folds[c["article"]] != f for c in cands if id(c["features"]) in trained)
    assert {r["passage_id"] for r in kept} <= {c["passage_id"] for c in cands}


def test_fitting_is_deterministic():
    features = [{"a": 1.0, "b": float(i % 2)} for i in range(30)]
    labels = [int(i % 3 == 0) for i in range(30)]
    assert T.dump_model(T.fit(features, labels, 0.3)) == T.dump_model(T.fit(features, labels, 0.3))


NEEDS_SHARED = pytest.mark.skipif(not (V.shared_dir() / "corpora" / "vntc-train.jsonl.gz").exists(),
                                  reason="../shared corpora absent: the coded passages need their articles")


@NEEDS_SHARED
def test_the_shipped_model_is_what_fit_writes_now():
    """Stale when the coded sheet, the params or the speech code changed since the last `training --fit` (~45 s)."""
    params = P.load(V.ROOT / "params.yaml")
    cands, _, coded, passages = T.coded_candidates(params)
    fresh = T.dump_model(T.fit_all(cands, T.gold_counts(coded, passages)))
    assert (V.ROOT / SPEAKER_MODEL).read_text(encoding="utf-8") == fresh, \
        "stale: run `python -m pipeline.speech.training --fit`"
    assert L.load_model(V.ROOT / SPEAKER_MODEL)["threshold"] in T.THRESHOLDS
