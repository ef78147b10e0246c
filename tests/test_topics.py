"""Topic model core on synthetic Vietnamese-like data with fast models (PCA + KMeans/HDBSCAN instead of UMAP), and
one integration test with the real UMAP/HDBSCAN on part of the bundled sample."""
import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA

from pipeline import codebook
from pipeline.topicmodel import BERTopicConfig, BERTopicModel, make_model
from pipeline.topicmodel.bertopic_model import (WordEmbedder, default_models, fit_settings,
                                                topic_vectorizer)
from pipeline.topicmodel.tables import outlier_diagnostics

ROOT = Path(__file__).resolve().parent.parent
STOP = ["của", "và", "các", "được", "cho_biết"]
GROUPS = {
    "science": ["khoa_học", "nghiên_cứu", "công_nghệ", "viện", "đổi_mới_sáng_tạo", "nhà_khoa_học", "đề_tài"],
    "economy": ["đầu_tư", "vốn", "thị_trường", "doanh_nghiệp", "ngân_hàng", "tăng_trưởng", "xuất_khẩu"],
    "law": ["luật", "quốc_hội", "nghị_định", "pháp_luật", "đại_biểu", "dự_thảo", "quy_định"],
}


def fake_encode(texts):
    """Deterministic bag-of-syllables vectors: enough for guided seeds and MMR in unit tests (no model load)."""
    out = []
    for text in texts:
        v = np.zeros(32)
        for syl in text.replace("_", " ").split():
            seed = int(hashlib.sha256(syl.encode()).hexdigest()[:8], 16)
            v += np.random.default_rng(seed).normal(size=32)
        out.append(v / (np.linalg.norm(v) or 1.0))
    return np.asarray(out, dtype=np.float32)


def corpus(n_per_group=20, n_noise=0, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(len(GROUPS), 32)) * 3
    docs, vecs, labels = [], [], []
    for g, (name, words) in enumerate(GROUPS.items()):
        for _ in range(n_per_group):
            body = list(rng.choice(words, 10)) + list(rng.choice(STOP, 4))
            docs.append(" ".join(body))
            vecs.append(centres[g] + rng.normal(size=32) * 0.3)
            labels.append(name)
    for _ in range(n_noise):
        docs.append(" ".join(rng.choice([w for ws in GROUPS.values() for w in ws], 10)))
        vecs.append(rng.normal(size=32) * 3)
        labels.append("noise")
    vecs = np.asarray(vecs, dtype=np.float32)
    return docs, vecs / np.linalg.norm(vecs, axis=1, keepdims=True), labels


def fast(k=3, seed=0):
    return {"umap_model": PCA(n_components=5, random_state=seed), "hdbscan_model": KMeans(n_clusters=k, n_init=10, random_state=seed)}


def hdbscan_fast():
    from hdbscan import HDBSCAN

    return {"umap_model": PCA(n_components=5, random_state=0),
            "hdbscan_model": HDBSCAN(min_cluster_size=8, min_samples=8, prediction_data=True)}


def fit_topics(docs, vecs, *, encode=None, umap_model=None, hdbscan_model=None, **config):
    """BERTopicModel fitted with these settings: (its TopicFit, the fitted BERTopic)."""
    m = BERTopicModel(BERTopicConfig(**config), encode=encode, umap_model=umap_model, hdbscan_model=hdbscan_model)
    return m.fit(docs, vecs), m


def test_topics_recover_the_groups_with_segmented_words_and_no_stopwords():
    docs, vecs, labels = corpus()
    r, _ = fit_topics(docs, vecs, stopwords=STOP, vectorizer={"min_df": 1}, representation="mmr", encode=fake_encode, **fast())
    assert len(set(r.topics)) == 3
    for topic in set(r.topics):
        members = {lab for lab, t in zip(labels, r.topics) if t == topic}
        assert len(members) == 1  # each topic is one group
    info = r.info.set_index("topic")
    for row in info.itertuples():
        top = row.top_words.split()
        assert top and not set(top) & set(STOP)
        assert not set(row.representation.split()) & set(STOP)
        assert any("_" in w for w in top)
    group_of = {t: next(lab for lab, x in zip(labels, r.topics) if x == t) for t in set(r.topics)}
    for t, name in group_of.items():
        assert set(info.loc[t, "top_words"].split()) <= set(GROUPS[name])


def test_guided_seeds_and_representation_are_skipped_without_an_encoder():
    docs, vecs, _ = corpus()
    r, m = fit_topics(docs, vecs, stopwords=STOP, vectorizer={"min_df": 1}, representation="mmr",
                      seed_topic_list=[["khoa_học"]], **fast())
    assert m.model.seed_topic_list is None and (r.info["representation"] == "").all()


def test_outliers_are_reassigned_and_diagnosed():
    docs, vecs, _ = corpus(n_per_group=25, n_noise=12)
    kept, _ = fit_topics(docs, vecs, stopwords=STOP, vectorizer={"min_df": 1}, outliers={"strategy": "none"}, **hdbscan_fast())
    assert -1 in kept.topics and kept.outlier_share == kept.outlier_share_before > 0
    r, _ = fit_topics(docs, vecs, stopwords=STOP, vectorizer={"min_df": 1},
                      outliers={"strategy": "embeddings", "threshold": 0.0, "strict_quantile": 0.05}, **hdbscan_fast())
    assert r.topics_before == kept.topics
    assert r.outlier_share_before > 0 and r.outlier_share == 0
    assert -1 not in set(r.info["topic"])
    d = r.diagnostics
    # noise vectors are far from every centroid: a strict rule keeps (nearly) all of them out
    assert 0 < d["outlier_share_strict"] <= r.outlier_share_before
    assert d["reassigned_similarity_median"] < d["member_similarity_median"]
    assert len(r.similarity) == len(docs) and not np.isnan(r.similarity).any()
    assert np.isnan(kept.similarity[np.asarray(kept.topics) == -1]).all()  # outliers left out have no topic
    strict, _ = fit_topics(docs, vecs, stopwords=STOP, vectorizer={"min_df": 1},
                           outliers={"strategy": "embeddings", "threshold": 1.01}, **hdbscan_fast())
    assert strict.outlier_share == strict.outlier_share_before  # nothing is that similar


def test_outlier_diagnostics_on_hand_made_vectors():
    centroids = np.array([[1.0, 0.0], [0.0, 1.0]])
    emb = np.array([[1.0, 0.0], [0.99, 0.14], [0.0, 1.0], [0.14, 0.99], [0.995, 0.1], [0.7, 0.7]])
    before = [0, 0, 1, 1, -1, -1]
    after = [0, 0, 1, 1, 0, 1]
    summary, sim = outlier_diagnostics(emb, before, after, centroids, strict_quantile=0.0)
    # unit 4 is about as close to topic 0 as topic 0's farthest member: the strict rule takes it; unit 5 stays out
    assert summary["outlier_share_strict"] == pytest.approx(1 / 6)
    assert sim[5] == pytest.approx(0.7 / np.hypot(0.7, 0.7))
    assert summary["reassigned_similarity_min"] == pytest.approx(sim[5])
    none, _ = outlier_diagnostics(emb[:4], before[:4], after[:4], centroids)
    assert none["outlier_share_strict"] == 0 and np.isnan(none["reassigned_similarity_median"])


def test_topic_terms_drop_the_guided_boost_of_codebook_words():
    docs, vecs, labels = corpus()
    plain, pm = fit_topics(docs, vecs, stopwords=STOP, vectorizer={"min_df": 1}, **fast())
    terms = plain.terms
    assert list(terms.columns) == ["topic", "rank", "word", "weight"] and set(terms["topic"]) == set(plain.topics)
    vocab = list(pm.model.vectorizer_model.get_feature_names_out())
    matrix = pm.model.c_tf_idf_.toarray()
    for row in terms.itertuples():  # without guidance: exactly BERTopic's c-TF-IDF
        assert row.weight == pytest.approx(matrix[row.topic + pm.model._outliers, vocab.index(row.word)])
    guided, gm = fit_topics(docs, vecs, stopwords=STOP, vectorizer={"min_df": 1}, encode=fake_encode,
                            seed_topic_list=[["khoa_học", "vốn"]], **fast())
    gvocab = list(gm.model.vectorizer_model.get_feature_names_out())
    gmatrix = gm.model.c_tf_idf_.toarray()
    boosted = {r.word: gmatrix[r.topic + gm.model._outliers, gvocab.index(r.word)] / r.weight
               for r in guided.terms.itertuples()}
    assert boosted["khoa_học"] == pytest.approx(1.2) and boosted["vốn"] == pytest.approx(1.2)
    assert boosted["luật"] == pytest.approx(1.0)


def test_terms_keep_the_configured_number_of_words_a_topic():
    docs, vecs, _ = corpus()
    r, _ = fit_topics(docs, vecs, stopwords=STOP, vectorizer={"min_df": 1}, terms_per_topic=3, **fast())
    assert r.terms.groupby("topic")["rank"].agg(list).tolist() == [[1, 2, 3]] * 3
    assert (r.terms.groupby("topic")["weight"].diff().dropna() <= 0).all()  # best first


def test_hierarchy_edges_cover_every_topic_once():
    docs, vecs, _ = corpus(n_per_group=15)
    assert fit_topics(docs, vecs, stopwords=STOP, vectorizer={"min_df": 1}, **fast(k=3))[0].hierarchy is None
    r, _ = fit_topics(docs, vecs, stopwords=STOP, vectorizer={"min_df": 1}, hierarchy=True, **fast(k=3))
    h = r.hierarchy
    assert list(h.columns[:3]) == ["parent", "child", "distance"]
    assert len(h) == 2 * (3 - 1)
    leaves = h[h["child_is_topic"]]
    assert sorted(leaves["child"]) == [0, 1, 2]
    root = h["parent"].max()
    assert sorted(int(t) for t in " ".join(h.loc[h["parent"] == root, "child_topics"]).split()) == [0, 1, 2]
    assert (h["distance"] > 0).all() and h["parent_words"].str.len().gt(0).all()


def test_nr_topics_merges_down():
    docs, vecs, _ = corpus(n_per_group=12)
    r, _ = fit_topics(docs, vecs, stopwords=STOP, vectorizer={"min_df": 1}, nr_topics=2, **fast(k=3))
    assert len(set(r.topics) - {-1}) == 2
    assert set(r.info["topic"]) == set(r.topics)


def test_saved_model_is_safetensors_and_json_only(tmp_path):
    from bertopic import BERTopic

    docs, vecs, _ = corpus(n_per_group=10)
    r, m = fit_topics(docs, vecs, stopwords=STOP, vectorizer={"min_df": 1}, **fast())
    with pytest.raises(RuntimeError, match="nothing fitted"):
        BERTopicModel().save(tmp_path / "unfitted")
    m.save(tmp_path / "model")
    files = sorted(p for p in (tmp_path / "model").rglob("*") if p.is_file())
    assert files and all(p.suffix in (".json", ".safetensors") for p in files)
    assert not any(p.read_bytes()[:1] == b"\x80" for p in files)  # pickle protocol 2+ header
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]  # no temporary left beside it
    loaded = BERTopic.load(str(tmp_path / "model"))
    for t in set(r.topics):
        assert [tuple(x) for x in loaded.get_topic(t)] == [tuple(x) for x in m.model.get_topic(t)]
    m.save(tmp_path / "model")  # overwriting an existing model works
    assert json.loads((tmp_path / "model" / "topics.json").read_text())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_word_embedder_reuses_precomputed_vectors():
    calls = []

    def encode(texts):
        calls.append(list(texts))
        return np.ones((len(texts), 2), dtype=np.float32)

    known = {"đổi_mới sáng_tạo": np.array([0.5, 0.25], dtype=np.float32)}
    backend = WordEmbedder(encode, known).backend
    out = backend.embed(["đổi_mới sáng_tạo", "chuyển_đổi_số"])
    assert out[0].tolist() == [0.5, 0.25] and out[1].tolist() == [1.0, 1.0]
    assert calls == [["chuyển đổi số"]]  # only the unknown text, underscores undone
    backend.embed(["đổi_mới sáng_tạo"])
    assert len(calls) == 1


def test_seed_topics_and_codebook_coverage():
    seeds = codebook.keywords({"a": ["Khoa học", "khoa học", "vốn"], "b": ["chuyển đổi số"]},
                              lambda ws: [w.replace(" ", "_") for w in ws])
    assert list(seeds.values()) == [["khoa_học", "vốn"], ["chuyển_đổi_số"]]
    cov = codebook.coverage(seeds, ["khoa_học", "vốn", "của"], stopwords=["vốn"])
    assert cov == {"a": ["vốn"], "b": ["chuyển_đổi_số"]}


def test_default_models_shrink_for_small_corpora():
    umap, hdb = default_models(12, seed=5, umap={"n_neighbors": 15, "n_components": 5}, hdbscan={"min_cluster_size": 10})
    assert umap.n_neighbors == 11 and umap.random_state == 5
    assert hdb.min_cluster_size == 2 and hdb.min_samples <= hdb.min_cluster_size


def test_fit_settings_say_what_they_adapted_and_leave_a_large_corpus_alone():
    conf_u, conf_h = {"n_neighbors": 30, "n_components": 5}, {"min_cluster_size": 10, "min_samples": 5}
    u, h, adapted = fit_settings(40, conf_u, conf_h)
    assert (u["n_neighbors"], u["n_components"], h["min_cluster_size"], h["min_samples"]) == (30, 5, 4, 4)
    assert adapted == {"topics.hdbscan.min_cluster_size": {"configured": 10, "used": 4},
                       "topics.hdbscan.min_samples": {"configured": 5, "used": 4}}
    u, h, adapted = fit_settings(10, conf_u, {**conf_h, "min_samples": None})
    assert u["n_neighbors"] == 9 and h["min_cluster_size"] == 2 and h["min_samples"] == 2
    assert set(adapted) == {"topics.umap.n_neighbors", "topics.hdbscan.min_cluster_size"}  # null is not adapted
    assert fit_settings(478, conf_u, conf_h)[2] == {}  # the bundled sample's size: the settings as written


def test_hdbscan_finding_no_cluster_gives_one_topic_and_says_so():
    from hdbscan import HDBSCAN

    docs, vecs, _ = corpus(n_per_group=6)
    never = {"umap_model": PCA(n_components=5, random_state=0),
             "hdbscan_model": HDBSCAN(min_cluster_size=len(docs), min_samples=2, prediction_data=True)}
    r, m = fit_topics(docs, vecs, stopwords=STOP, vectorizer={"min_df": 2}, outliers={"strategy": "embeddings"}, **never)
    assert set(r.topics_before) == {-1}  # HDBSCAN's own verdict is kept
    assert r.topics == [0] * len(docs) and r.n_topics == 1 and r.outlier_share == 0
    small = r.diagnostics["small_corpus"]
    assert small["fallback"] == "one_topic" and "HDBSCAN found no cluster among 18 units" in small["reason"]
    assert "topics.hdbscan.min_cluster_size" in small["reason"]
    assert r.info["top_words"].iloc[0] and not set(r.info["top_words"].iloc[0].split()) & set(STOP)
    assert r.diagnostics["outlier_share_strict"] == 1.0 and not np.isnan(r.similarity).any()


@pytest.mark.parametrize("n", [2, 3, 9])
def test_fewer_units_than_clustering_needs_form_one_topic(n):
    docs, vecs, _ = corpus(n_per_group=3)
    r, _ = fit_topics(docs[:n], vecs[:n], stopwords=STOP, vectorizer={"min_df": 2}, hierarchy=True,
                      umap={"n_neighbors": 30, "n_components": 5}, hdbscan={"min_cluster_size": 10})
    assert r.topics == r.topics_before == [0] * n and r.n_topics == 1
    assert len(r.info) == 1 and r.info["size"].iloc[0] == n and r.info["top_words"].iloc[0]
    assert r.hierarchy is not None and r.hierarchy.empty
    small = r.diagnostics["small_corpus"]
    assert small["fallback"] == "one_topic" and f"{n} units are fewer than the 10" in small["reason"]
    assert "units.level: paragraph" in small["reason"]


def test_one_unit_is_too_few_with_one_line_naming_what_to_do():
    from pipeline.topicmodel import CorpusTooSmall

    docs, vecs, _ = corpus(n_per_group=1)
    with pytest.raises(CorpusTooSmall, match=r"^1 unit\(s\) to model; a topic model needs at least 2: .*units.level"):
        fit_topics(docs[:1], vecs[:1], stopwords=STOP)


def test_topic_vectorizer_caps_min_df_at_half_the_topic_documents():
    vec = topic_vectorizer([], min_df=3)
    X = vec.fit_transform(["a_b cc dd", "cc ee", "cc ff"])  # three topics' documents: min_df 3 would keep cc only
    assert X.shape == (3, 5) and vec.min_df_used_ == 1 and vec.min_df == 3  # the saved config still says 3
    vec.fit(["a_b cc"])  # one topic alone keeps its words
    assert list(vec.get_feature_names_out()) == ["a_b", "cc"]
    ten = ["cc dd"] * 4 + ["cc"] * 6
    assert list(topic_vectorizer([], min_df=2).fit(ten).get_feature_names_out()) == ["cc", "dd"]  # as configured
    assert list(topic_vectorizer([], min_df=6).fit(ten).get_feature_names_out()) == ["cc"]  # cap 5: dd is in 4


UMAP_IN_A_NEW_PROCESS = """
import json, sys
import numpy as np
from pipeline.topicmodel.bertopic_model import default_models

def counts():  # numba's cache hits and misses over umap's functions (a few tiny ones compile eagerly at import)
    stats = [m.stats for name, mod in list(sys.modules.items()) if name.startswith("umap.") and mod
             for m in vars(mod).values() if hasattr(m, "stats") and hasattr(m, "py_func")]
    return (sum(s.cache_path is not None for s in stats), sum(sum(s.cache_hits.values()) for s in stats),
            sum(sum(s.cache_misses.values()) for s in stats))

umap, _ = default_models(80, seed=3, umap={"n_neighbors": 10, "n_components": 3, "metric": "cosine"}, hdbscan={})
cached, hits, misses = counts()
layout = umap.fit_transform(np.random.default_rng(0).normal(size=(80, 16)).astype("float32"))
_, hits_after, misses_after = counts()
print(json.dumps({"layout": layout.round(6).tolist(), "cached": cached, "hits": hits_after - hits,
                  "misses": misses_after - misses}))
"""


@pytest.mark.integration
def test_umap_compilation_is_cached_for_the_next_process_with_the_same_layout(tmp_path):
    """umap-learn compiles without numba's cache; the topics stage turns it on, so the second process that fits
    UMAP loads what the first compiled (its fit hits the cache and compiles nothing) and lays the points out
    exactly as before."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba"), "PYTHONPATH": str(ROOT)}
    runs = []
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", UMAP_IN_A_NEW_PROCESS], env=env, cwd=tmp_path,
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stderr[-3000:]
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    first, second = runs
    assert first["cached"] > 20 and first["hits"] == 0 and first["misses"] > 0
    assert any((tmp_path / "numba").rglob("*umap_*.nbi"))
    assert second["hits"] > 0 and second["misses"] == 0
    assert second["layout"] == first["layout"]


@pytest.mark.integration
def test_real_umap_hdbscan_on_part_of_the_sample_meets_the_outlier_and_word_targets():
    """120 sample articles, real segmentation (params.yaml), tfidf vectors (no model needed), real UMAP+HDBSCAN."""
    import yaml

    from pipeline.embedders import tfidf_embeddings
    from pipeline.topicmodel import from_params
    from pipeline.words import token_options, tokenize_texts, topic_stopwords

    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    rows = [json.loads(line) for line in (ROOT / "data/sample/vntc_sample.jsonl").read_text(encoding="utf-8").splitlines()]
    texts = [r["text"] for r in rows[::4]][:120]
    tokens = tokenize_texts(texts, params["segment"]["dictionary"], **token_options(params))
    units = pd.DataFrame({"unit_id": range(len(texts)), "tokens": tokens})
    r = from_params(params, units, tfidf_embeddings(tokens, 42), hierarchy=True)
    n_topics = len(set(r.topics) - {-1})
    assert n_topics >= 2
    assert r.outlier_share <= 0.10
    stop = set(topic_stopwords(params))
    top = [w for ws in r.info.loc[r.info["topic"] >= 0, "top_words"] for w in ws.split()]
    assert not set(top) & stop
    assert sum("_" in w for w in top) / len(top) > 0.5  # segmented words, not syllables
    assert not {"đh", "qh", "cđ", "ha", "m2", "tphcm", "ubnd"} & set(top)
    assert len(r.hierarchy) == 2 * (n_topics - 1)


def _params():
    import copy

    import yaml

    return copy.deepcopy(yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8")))


@pytest.mark.parametrize("key, value, message", [
    ("topics.nr_topics", 1, "topics.nr_topics"),
    ("topics.nr_topics", "some", "topics.nr_topics"),
    ("topics.hierarchy", "yes", "topics.hierarchy"),
    ("topics.outliers.strict_quantile", 1.5, "topics.outliers.strict_quantile"),
    ("topics.outliers.strategy", "nearest", "topics.outliers.strategy"),
    ("topics.vectorizer.max_df", 0, "topics.vectorizer.max_df"),
    ("segment.pos_filter", ["N", "noun"], "'noun' is not a VLSP tag"),
    ("segment.pos_filter", [], "segment.pos_filter"),
    ("segment.abbreviations", {"CNTT": ""}, "segment.abbreviations"),
    ("segment.dictionary", ["chuyển đổi số", 3], "segment.dictionary"),
    ("evaluate.stability_seeds", [1, 1], "evaluate.stability_seeds"),
    ("evaluate.npmi_top_n", 1, "evaluate.npmi_top_n"),
    ("theme_rule.min_score", 2, "theme_rule.min_score"),
    ("theme_labels.no_such_theme", {"vi": "x", "en": "y"}, "theme_labels.no_such_theme"),
    ("theme_labels.institutions", {"vi": "Thể chế"}, "theme_labels.institutions"),
])
def test_params_validation_names_the_bad_key(key, value, message):
    from pipeline.params import ParamsError, validate

    params = _params()
    node = params
    *path, last = key.split(".")
    for part in path:
        node = node[part]
    node[last] = value
    with pytest.raises(ParamsError, match=re.escape(message)):
        validate(params)


def test_shipped_params_are_valid_and_allow_auto_and_null_topic_counts():
    from pipeline.params import validate

    params = _params()
    assert validate(params)["topics"]["nr_topics"] == params["topics"]["nr_topics"]
    for value in (None, "auto", 8):
        params["topics"]["nr_topics"] = value
        assert validate(params)["topics"]["nr_topics"] == value  # accepted and kept as given
    params["segment"]["pos_filter"] = None
    assert validate(params)["segment"]["pos_filter"] is None


def test_documents_are_never_re_embedded_and_the_model_is_multilingual():
    """KeyBERTInspired asks the embedder for representative documents: they must come from the precomputed
    vectors; only words and seed lists may reach the encoder."""
    docs, vecs, _ = corpus()
    seen = []

    def encode(texts):
        seen.extend(texts)
        return fake_encode(texts)

    r, m = fit_topics(docs, vecs, stopwords=STOP, vectorizer={"min_df": 1}, representation="keybert", encode=encode,
                      seed_topic_list=[["khoa_học", "nghiên_cứu"]], **fast())
    # BERTopic keeps "multilingual" only without an embedder (it sets None with one); either way never "english",
    # whose preprocessing strips every letter outside A-Z
    assert m.model.language != "english"
    assert "nghiên_cứu" in r.vocabulary
    _, plain = fit_topics(docs, vecs, stopwords=STOP, vectorizer={"min_df": 1}, **fast())
    assert plain.model.language == "multilingual"
    assert seen, "words and seed lists were embedded"
    unsegmented_docs = {d.replace("_", " ") for d in docs}
    assert not unsegmented_docs & set(seen)
    words = {w.replace("_", " ") for ws in GROUPS.values() for w in ws + STOP}
    assert set(seen) - {""} <= words | {"khoa học nghiên cứu"}  # vocabulary words and the one seed list only
    assert (r.info["representation"].str.len() > 0).all()


def test_make_model_reads_the_topics_section_and_seeds_only_with_an_encoder():
    params = _params()
    t = params["topics"]
    c = make_model("bertopic", params).config
    assert (c.seed, c.umap, c.hdbscan, c.vectorizer, c.outliers) == (t["seed"], t["umap"], t["hdbscan"], t["vectorizer"], t["outliers"])
    assert (c.top_n_words, c.representation, c.nr_topics, c.fit_sample) == (t["top_n_words"], t["representation"], t["nr_topics"], t["fit_sample"])
    assert c.seed_topic_list is None and c.hierarchy is False  # no encoder: nothing to embed the seeds with
    params["topics"]["guided"] = True
    guided = make_model("bertopic", params, seed=7, encode=fake_encode, hierarchy=True).config
    assert guided.seed == 7 and guided.hierarchy is True
    assert len(guided.seed_topic_list) == len(params["themes"]) and all(guided.seed_topic_list)
    params["topics"]["guided"] = False
    assert make_model("bertopic", params, encode=fake_encode).config.seed_topic_list is None
    lda = make_model("lda", params, n_topics=4, top_n=5)
    assert (lda.n_topics, lda.seed, lda.top_n, lda.vectorizer) == (4, t["seed"], 5, t["vectorizer"])
    with pytest.raises(ValueError, match="topic model 'nmf' is not known; known: bertopic, lda"):
        make_model("nmf", params)


def test_consensus_finds_the_groups_the_same_way_for_every_seed_and_after_a_tiny_perturbation():
    from sklearn.metrics import adjusted_rand_score

    from pipeline.topicmodel.clustering import ConsensusClusters

    _, vecs, labels = corpus(n_per_group=15, seed=3)
    # reduce=False: k-means on the vectors themselves, so the test needs no UMAP fit
    runs = [ConsensusClusters(k="auto", k_range=(2, 5), runs=5, seed=s, reduce=False).fit(vecs) for s in (1, 2)]
    assert [r.k_ for r in runs] == [3, 3]  # the k the runs agree on, not the largest in the range
    assert adjusted_rand_score(labels, runs[0].labels_) == pytest.approx(1.0)
    nudged = vecs + np.random.default_rng(0).normal(scale=1e-5, size=vecs.shape)
    again = ConsensusClusters(k="auto", k_range=(2, 5), runs=5, seed=1, reduce=False).fit(nudged)
    assert np.array_equal(again.labels_, runs[0].labels_) and np.array_equal(runs[1].labels_, runs[0].labels_)
    assert np.array_equal(runs[0].predict(vecs[::7]), runs[0].labels_[::7])


def test_exact_neighbours_put_each_unit_first_even_among_duplicates_and_agree_with_a_brute_search():
    from pipeline.topicmodel.clustering import exact_neighbours

    _, vecs, _ = corpus(n_per_group=10, seed=5)
    vecs = np.vstack([vecs, vecs[:1], vecs[:1], vecs[:1]])  # four copies of unit 0: self must still come first
    idx, dist = exact_neighbours(vecs, 5, "cosine")
    n = len(vecs)
    assert idx.shape == dist.shape == (n, 5) and (idx[:, 0] == np.arange(n)).all() and (dist[:, 0] == 0).all()
    unit = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    cos = 1 - unit @ unit.T
    for i in (1, 7, 20):  # rows without duplicates: the distances of the five nearest, self included, by numpy
        assert np.allclose(dist[i], np.sort(cos[i])[:5], atol=1e-5)
    assert {n - 3, n - 2, n - 1} <= set(idx[0]) and np.allclose(dist[0][:4], 0, atol=1e-6)  # its copies come next


def test_consensus_with_exact_neighbours_shares_one_graph_and_is_repeatable():
    from sklearn.metrics import adjusted_rand_score

    from pipeline.topicmodel.clustering import ConsensusClusters

    _, vecs, labels = corpus(n_per_group=12, seed=6)
    umap = {"n_neighbors": 8, "n_components": 3}
    a = ConsensusClusters(k=3, runs=3, seed=1, umap=umap, neighbours="exact").fit(vecs)
    b = ConsensusClusters(k=3, runs=3, seed=1, umap=umap, neighbours="exact").fit(vecs)
    assert np.array_equal(a.labels_, b.labels_) and adjusted_rand_score(labels, a.labels_) > 0.9
    with pytest.raises(ValueError, match="topics.clustering.neighbours: 'nearest'; use one of umap, exact"):
        ConsensusClusters(neighbours="nearest")
    # a UMAP metric scikit-learn's exact search lacks: one line naming both keys, before any fit
    from pipeline.topicmodel.clustering import NeighboursError

    with pytest.raises(NeighboursError, match="has no metric 'hellinger' \\(topics.umap.metric\\); use neighbours: umap"):
        ConsensusClusters(neighbours="exact", umap={"metric": "hellinger"})
    assert ConsensusClusters(neighbours="umap", umap={"metric": "hellinger"}).neighbours == "umap"


def test_coassignment_ambiguity_and_cut_on_hand_made_labelings():
    from pipeline.topicmodel.clustering import ambiguous_share, coassignment, cut, run_seeds

    c = coassignment([np.array([0, 0, 1, 1]), np.array([1, 1, 0, 0]), np.array([0, 0, 0, 1])])
    assert c[0, 1] == 1.0 and c[2, 3] == pytest.approx(2 / 3) and c[1, 2] == pytest.approx(1 / 3)
    assert ambiguous_share(c) == pytest.approx(3 / 6)  # (0,2), (1,2) and (2,3) are neither always nor never together
    assert cut(c, 2).tolist() == [0, 0, 1, 1]
    assert run_seeds(7, 3) == run_seeds(7, 3) != run_seeds(8, 3)


def test_consensus_clustering_plugs_into_bertopic_through_the_params():
    from pipeline.topicmodel.clustering import ConsensusClusters

    docs, vecs, labels = corpus(n_per_group=12, seed=4)
    m = BERTopicModel(BERTopicConfig(stopwords=STOP, vectorizer={"min_df": 1}, umap={"n_neighbors": 10, "n_components": 3},
                                     clustering={"method": "consensus", "k": 3, "runs": 2}))
    fit = m.fit(docs, vecs)
    assert isinstance(m.model.hdbscan_model, ConsensusClusters)
    assert fit.n_topics == 3 and fit.outlier_share_before == 0.0


def test_unaccented_vietnamese_is_told_from_accented_news():
    from pipeline.diacritics import diacritic_share, unaccented

    accented = ("Bộ Khoa học và Công nghệ cho biết đang hoàn thiện dự thảo nghị định về đổi mới sáng tạo, "
                "nhằm tháo gỡ vướng mắc cho doanh nghiệp khởi nghiệp và các viện nghiên cứu trong cả nước. ") * 2
    forum = ("minh dang dinh mua may tinh moi nhung chua biet nen chon loai nao, ban nao biet thi chi giup "
             "minh voi nhe, cam on cac ban rat nhieu vi da doc bai nay ") * 2
    assert diacritic_share(accented)[0] > 0.4 and not unaccented(accented)
    assert diacritic_share(forum)[0] < 0.05 and unaccented(forum)
    assert not unaccented("dang dinh biet")  # too short to judge


def test_consensus_partition_cuts_the_same_runs_at_another_k_and_extend_assigns_the_rest():
    from sklearn.metrics import adjusted_rand_score

    from pipeline.topicmodel.clustering import ConsensusClusters, extend

    _, vecs, labels = corpus(n_per_group=15, seed=5)
    fitted = np.arange(0, len(vecs), 2)
    cc = ConsensusClusters(k=3, runs=4, seed=1, reduce=False).fit(vecs[fitted])
    assert np.array_equal(cc.partition(3), cc.labels_)
    assert len(set(cc.partition(2).tolist())) == 2 and len(set(cc.partition(4).tolist())) == 4
    full = extend(cc.labels_, fitted, vecs)
    assert np.array_equal(full[fitted], cc.labels_)
    assert adjusted_rand_score(labels, full) == pytest.approx(1.0)  # the units left out join their own group


def test_consensus_on_more_units_than_max_units_fits_a_sample_and_gives_sweep_partitions_for_every_unit():
    docs, vecs, labels = corpus(n_per_group=12, seed=4)
    m = BERTopicModel(BERTopicConfig(stopwords=STOP, vectorizer={"min_df": 1}, umap={"n_neighbors": 10, "n_components": 3},
                                     clustering={"method": "consensus", "k": 3, "runs": 2, "max_units": 24,
                                                 "sweep": [2, 3]}))
    fit = m.fit(docs, vecs)
    assert len(m.model.hdbscan_model.labels_) == 24  # the consensus saw the sample only
    assert len(fit.topics) == len(docs) and fit.n_topics == 3
    assert sorted(fit.partitions) == [2, 3] and all(len(p) == len(docs) for p in fit.partitions.values())
    assert len(set(fit.partitions[2])) == 2
    plain = BERTopicModel(BERTopicConfig(stopwords=STOP, vectorizer={"min_df": 1},
                                         umap={"n_neighbors": 10, "n_components": 3},
                                         clustering={"method": "consensus", "k": 3, "runs": 2})).fit(docs, vecs)
    assert plain.partitions == {}  # no sweep asked for


def test_evaluate_refits_in_parallel_processes_equal_the_serial_refits():
    """evaluate runs its refits one a process; each is seeded, so the result must not depend on the processes."""
    from pipeline.evaluate import refits

    docs, vecs, _ = corpus(n_per_group=15, seed=5)
    params = _params()
    params["embedding"]["backend"] = "tfidf"  # no encoder to load in the workers
    params["topics"].update({"guided": False, "vectorizer": {"min_df": 1, "max_df": 1.0, "ngram_max": 1},
                             "umap": {"n_neighbors": 10, "n_components": 3, "min_dist": 0.0, "metric": "cosine"},
                             "clustering": {"method": "consensus", "k": 3, "k_range": [2, 5], "runs": 2}})
    units = pd.DataFrame({"unit_id": range(len(docs)), "tokens": docs})
    serial = refits(params, units, vecs, [1, 2, 3], sweep=[2, 3], workers=1)
    parallel = refits(params, units, vecs, [1, 2, 3], sweep=[2, 3], workers=2)
    assert [t for t, _ in parallel] == [t for t, _ in serial] and len(serial) == 3
    assert [{k: list(v) for k, v in c.items()} for _, c in parallel] == [{k: list(v) for k, v in c.items()} for _, c in serial]
    assert sorted(serial[0][1]) == [2, 3] and len(set(serial[0][0])) == 3


def test_diacritic_share_equals_the_word_by_word_reading():
    """The per-word kinds are remembered; the share must be what reading every word afresh gives."""
    import unicodedata

    from pipeline import diacritics as DI

    def reference(text: str) -> tuple[float, int]:
        words = [w.lower() for w in DI._WORD.findall(unicodedata.normalize("NFC", text))]
        latin = [w for w in words if all(c in DI._PLAIN or DI._is_vietnamese_letter(c) for c in w)]
        marked = sum(any(c not in DI._PLAIN for c in w) for w in latin)
        return (marked / len(latin), len(latin)) if latin else (0.0, 0)

    sample = Path(__file__).resolve().parent.parent / "data" / "sample" / "vntc_sample.jsonl"
    texts = [json.loads(line)["text"] for line in sample.read_text(encoding="utf-8").splitlines()[:60]]
    texts += ["Đà Nẵng 2025: TP.HCM và Hà Nội", "dang dinh biet nhung", "ΑΒΓ café São Paulo", ""]
    for text in texts + texts:  # the second pass reads remembered kinds
        assert DI.diacritic_share(text) == reference(text)


def test_joint_space_mixes_the_two_cosines_by_the_weight():
    from pipeline.embedders import joint

    rng = np.random.default_rng(3)
    semantic, lexical = rng.normal(size=(6, 12)), rng.normal(size=(6, 5))
    lexical /= np.linalg.norm(lexical, axis=1, keepdims=True)
    s = semantic / np.linalg.norm(semantic, axis=1, keepdims=True)
    for w in (0.5, 1.0, 2.0):
        j = joint(semantic, lexical, w)
        assert np.allclose(np.linalg.norm(j, axis=1), 1.0, atol=1e-6)
        assert np.allclose(j @ j.T, (s @ s.T + w * w * (lexical @ lexical.T)) / (1 + w * w), atol=1e-5)


def test_lexical_features_place_new_texts_in_the_fitted_space():
    from pipeline.embedders import LexicalFeatures, tfidf_embeddings

    docs, _, _ = corpus()
    lex = LexicalFeatures(seed=0, dims=8)
    fitted = lex.fit_transform(docs)
    assert np.array_equal(fitted, tfidf_embeddings(docs, 0, 8))   # the tfidf backend is the same transform
    assert np.allclose(lex.transform(docs[:5]), fitted[:5], atol=1e-5)
    word = lex.transform(["nghiên_cứu"])[0]                       # a science word sits nearest the science units
    assert np.argmax(fitted @ word) < 20


def test_lexical_weight_clusters_in_the_joint_space_with_guided_seeds_and_mmr():
    """topics.lexical_weight > 0: units, guided seed lists and MMR words all in [embedding | w x TF-IDF]; with
    embeddings that carry no group signal, the lexical block alone recovers the groups."""
    docs, _, labels = corpus()
    noise = np.random.default_rng(5).normal(size=(len(docs), 32)).astype(np.float32)
    plain, _ = fit_topics(docs, noise, stopwords=STOP, vectorizer={"min_df": 1}, **fast())
    r, m = fit_topics(docs, noise, stopwords=STOP, vectorizer={"min_df": 1}, representation="mmr",
                      encode=fake_encode, seed_topic_list=[["khoa_học", "nghiên_cứu"]], lexical_weight=2.0, **fast())
    assert m.lexical is not None and m.model.seed_topic_list == [["khoa_học", "nghiên_cứu"]]
    assert (r.info["representation"] != "").all()

    def purity(topics):
        return sum(max(sum(1 for lab, t in zip(labels, topics) if t == k and lab == g) for g in GROUPS)
                   for k in set(topics)) / len(labels)
    assert purity(r.topics) == 1.0 and purity(plain.topics) < 0.8
