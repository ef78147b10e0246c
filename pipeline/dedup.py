"""Exact and near duplicates: MinHash signatures of word 5-grams, LSH candidates, exact Jaccard decides.

The signatures are datasketch's MinHash (2.x, scheme "affine32": SHA-1's first 4 bytes, the MurmurHash3
finaliser, then a*h + b mod 2^32 with the permutations numpy.random.RandomState(seed) draws), and the LSH bands
are those datasketch's MinHashLSH chooses for the threshold; both are computed here with numpy, a whole article
at a time, because datasketch hashes one shingle per Python call and its package import pulls in
scipy.integrate (seconds). tests/test_clean.py checks signatures and bands against datasketch itself.
"""
from __future__ import annotations

import hashlib
import operator
import re
from functools import lru_cache

import numpy as np

NUM_PERM = 128
_U32 = np.uint32


def fingerprint(text: str) -> str:
    return hashlib.sha1(re.sub(r"\W+", " ", text.lower()).strip().encode("utf-8")).hexdigest()


def shingles(text: str, k: int = 5) -> set[str]:
    """Word k-grams; a text of fewer than k words is one shingle (all of it)."""
    return set(_shingle_list(text, k))


def _shingle_list(text: str, k: int = 5) -> list[str]:
    words = re.findall(r"\w+", text.lower())
    if len(words) < k:
        return [" ".join(words)]
    return list(map(" ".join, zip(*(words[i:] for i in range(k)))))


@lru_cache(maxsize=8)
def permutations(seed: int = 1, num_perm: int = NUM_PERM) -> tuple[np.ndarray, np.ndarray]:
    """(a, b) as datasketch.MinHash(num_perm, seed, scheme="affine32") draws them: a odd, b any 32-bit value."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=_U32) * _U32(2) + _U32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=_U32)
    return a, b


_digest = operator.methodcaller("digest")


def _fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> _U32(16))
    h = h * _U32(0x85EBCA6B)
    h = h ^ (h >> _U32(13))
    h = h * _U32(0xC2B2AE35)
    return h ^ (h >> _U32(16))


def text_signature(text: str, seed: int = 1, num_perm: int = NUM_PERM) -> np.ndarray:
    """signature(shingles(text)), without building the set (a repeated shingle changes no minimum)."""
    return signature(_shingle_list(text), seed, num_perm)


def signature(items: set[str] | list[str], seed: int = 1, num_perm: int = NUM_PERM) -> np.ndarray:
    """MinHash hash values (uint32, num_perm) of a set of strings, equal to datasketch's after update()s."""
    a, b = permutations(seed, num_perm)
    # one C-level pass each (no Python frame a shingle): shingles hold no line break
    encoded = "\n".join(items).encode("utf-8").split(b"\n") if items else []
    digests = b"".join(map(_digest, map(hashlib.sha1, encoded)))
    h = _fmix32(np.frombuffer(digests, dtype="<u4").reshape(-1, 5)[:, 0].astype(_U32))
    out = np.full(num_perm, np.iinfo(_U32).max, dtype=_U32)
    for start in range(0, len(h), 4096):  # bounded memory for very long articles
        out = np.minimum(out, (h[start:start + 4096, None] * a + b).min(axis=0))
    return out


@lru_cache(maxsize=32)
def lsh_bands(threshold: float, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows) minimising the equally weighted false positive and false negative probabilities, in the
    order datasketch's _optimal_param searches; its integrals (of polynomials of degree <= num_perm) by
    Gauss-Legendre quadrature with enough nodes to be exact, so that scipy.integrate need not be imported."""
    nodes, weights = np.polynomial.legendre.leggauss(num_perm // 2 + 2)

    def integral(f, lo: float, hi: float) -> float:
        x = (hi - lo) / 2 * nodes + (hi + lo) / 2
        return float((hi - lo) / 2 * np.dot(weights, f(x)))

    best, opt = float("inf"), (0, 0)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            fp = integral(lambda s: 1 - (1 - s ** float(r)) ** float(b), 0.0, threshold)
            fn = integral(lambda s: (1 - s ** float(r)) ** float(b), threshold, 1.0)
            error = fp * 0.5 + fn * 0.5
            if error < best:
                best, opt = error, (b, r)
    return opt


class LSH:
    """Banded index: two signatures are candidates when every value of at least one band agrees."""

    def __init__(self, threshold: float, num_perm: int = NUM_PERM):
        b, r = lsh_bands(threshold, num_perm)
        self.ranges = [(i * r, (i + 1) * r) for i in range(b)]
        self.tables: list[dict[bytes, list]] = [{} for _ in self.ranges]

    def query(self, sig: np.ndarray) -> set:
        out: set = set()
        for (lo, hi), table in zip(self.ranges, self.tables):
            out.update(table.get(sig[lo:hi].tobytes(), ()))
        return out

    def insert(self, key, sig: np.ndarray) -> None:
        for (lo, hi), table in zip(self.ranges, self.tables):
            table.setdefault(sig[lo:hi].tobytes(), []).append(key)
