"""bench/theme_share_correction.py: adjusted classify-and-count recovers known shares from a known confusion."""
from __future__ import annotations

import numpy as np

from bench.theme_share_correction import adjusted_shares, confusion_matrix


def test_adjusted_shares_invert_a_known_confusion():
    m = np.array([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.0, 0.3, 0.7]])
    true = np.array([0.5, 0.3, 0.2])
    observed = m.T @ true
    assert not np.allclose(observed, true)  # the errors move the counted shares
    assert np.allclose(adjusted_shares(m, observed), true, atol=1e-6)
    # an identity confusion leaves the shares as counted
    assert np.allclose(adjusted_shares(np.eye(3), true), true, atol=1e-6)


def test_shares_stay_on_the_simplex_when_no_exact_solution_exists():
    m = np.array([[0.9, 0.1], [0.1, 0.9]])
    p = adjusted_shares(m, np.array([0.95, 0.05]))  # more of class 0 than any true share could give
    assert (p >= 0).all() and np.isclose(p.sum(), 1.0) and np.isclose(p[0], 1.0)


def test_confusion_rows_are_conditional_on_the_coded_class():
    m = confusion_matrix(np.array(["a", "a", "a", "b"]), np.array(["a", "b", "b", "b"]), ["a", "b", "c"])
    assert np.allclose(m[0], [1 / 3, 2 / 3, 0]) and np.allclose(m[1], [0, 1, 0])
    assert np.allclose(m[2], [0, 0, 1])  # never coded: nothing known of its errors
