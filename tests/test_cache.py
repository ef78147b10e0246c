"""The content cache shared by segment (texts) and embed (vectors): lookups, shards, damage, buffered writes."""
from __future__ import annotations

import numpy as np
import pytest

from pipeline import cache as C
from pipeline.io import sha256_text as key


@pytest.mark.parametrize("kind,value", [("text", lambda i: f"tok_{i} x"), ("vector", lambda i: np.full(4, i, np.float32))])
def test_lookup_returns_only_what_is_asked_and_namespaces_are_apart(tmp_path, kind, value):
    cache = C.ContentCache(tmp_path, "ns", kind, shard_rows=2)
    cache.put({key(t): value(i) for i, t in enumerate("abc")})
    assert len(list(cache.dir.iterdir())) == 2  # three rows, two to a shard
    got = C.ContentCache(tmp_path, "ns", kind, 2).get([key("b"), key("zz")])
    assert list(got) == [key("b")]
    assert np.array_equal(np.asarray(got[key("b")]), np.asarray(value(1)))
    assert C.ContentCache(tmp_path, "other", kind, 2).get([key("b")]) == {}


def test_writer_flushes_full_shards_and_the_rest_on_exit(tmp_path):
    cache = C.ContentCache(tmp_path, "ns", "text", shard_rows=3)
    with cache.writer() as w:
        w.add({key(t): t for t in "ab"})
        assert not cache.dir.exists()  # two pending, below a shard
        w.add({key(t): t for t in "cd"})
        assert not w.pending and list(cache.dir.glob("*.parquet"))  # four pending reached a shard: written
        w.add({key("e"): "e"})
    assert set(cache.get([key(t) for t in "abcde"]).values()) == set("abcde")


def test_writer_keeps_what_was_computed_when_the_block_fails(tmp_path):
    cache = C.ContentCache(tmp_path, "ns", "vector", shard_rows=100)
    with pytest.raises(RuntimeError):
        with cache.writer() as w:
            w.add({key("a"): np.ones(2, np.float32)})
            raise RuntimeError("killed half-way")
    assert list(cache.get([key("a")])) == [key("a")]


def test_a_damaged_text_shard_is_a_miss(tmp_path, capsys):
    cache = C.ContentCache(tmp_path, "ns", "text", 10)
    cache.put({key("a"): "a"})
    shards = list(cache.dir.glob("*.parquet"))
    assert shards
    shards[0].write_bytes(b"PAR1 truncated")
    assert cache.get([key("a")]) == {}
    assert "ignoring unreadable shard" in capsys.readouterr().err
