"""Clipping (rnn-demo.md section 3.5 D) and the norm helpers it relies on."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rnndemo import (
    NonFiniteGradientError,
    clip_grad_norm,
    clip_grad_value,
    global_norm,
    safe_norm,
)


def _grads(seed: int, log_scale: float) -> dict[str, np.ndarray]:
    r = np.random.default_rng(seed)
    s = 10.0**log_scale
    return {
        "W_hh": s * r.standard_normal((6, 6)),
        "b_hh": s * r.standard_normal(6),
        "W_out": s * r.standard_normal((1, 6)),
    }


def _flat(g: dict[str, np.ndarray]) -> np.ndarray:
    return np.concatenate([v.ravel() for v in g.values()])


def test_pytorch_formula_exactly() -> None:
    grads = _grads(0, 3)  # norm in the thousands, like the spec's 2842
    total = np.sqrt(np.sum(_flat(grads) ** 2))
    clipped, reported, fired = clip_grad_norm(grads, 1.0)
    assert fired
    assert reported == pytest.approx(total, rel=1e-14)
    coef = 1.0 / (reported + 1e-6)
    for k in grads:
        np.testing.assert_array_equal(clipped[k], grads[k] * coef)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), log_scale=st.floats(-3, 6), max_norm=st.floats(0.01, 100))
def test_norm_bound_direction_and_idempotence(seed: int, log_scale: float, max_norm: float) -> None:
    grads = _grads(seed, log_scale)
    before = {k: v.copy() for k, v in grads.items()}
    res = clip_grad_norm(grads, max_norm)
    for k in grads:  # input untouched
        np.testing.assert_array_equal(grads[k], before[k])
    a, b = _flat(grads), _flat(res.clipped)
    assert global_norm(res.clipped) <= max_norm * (1 + 1e-12)
    cos = a @ b / (np.linalg.norm(a) * np.linalg.norm(b))
    assert cos == pytest.approx(1.0, abs=1e-12)
    if res.total_norm < max_norm - 1e-6:
        assert not res.was_clipped
        np.testing.assert_array_equal(a, b)
    if res.was_clipped:
        assert res.total_norm > max_norm - 1e-6
    # clipping twice changes the result by at most eps / max_norm (PyTorch's eps)
    again = _flat(clip_grad_norm(res.clipped, max_norm).clipped)
    np.testing.assert_allclose(again, b, rtol=1e-6 / max_norm * 1.01 + 1e-15, atol=0)


def test_no_change_below_threshold() -> None:
    grads = _grads(1, -1)
    res = clip_grad_norm(grads, 10.0)
    assert not res.was_clipped
    assert not res.nonfinite
    for k in grads:
        np.testing.assert_array_equal(res.clipped[k], grads[k])
        assert res.clipped[k] is not grads[k]


@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
def test_nonfinite_is_flagged_or_raised_never_silently_spread(bad: float) -> None:
    grads = _grads(2, 0)
    grads["b_hh"][3] = bad
    res = clip_grad_norm(grads, 1.0)
    assert res.nonfinite
    assert not res.was_clipped
    assert not np.isfinite(res.total_norm)
    for k in grads:  # returned unchanged (no NaN created from 0 * inf)
        np.testing.assert_array_equal(res.clipped[k], grads[k])
    assert np.isfinite(res.clipped["W_hh"]).all()
    with pytest.raises(NonFiniteGradientError):
        clip_grad_norm(grads, 1.0, error_if_nonfinite=True)
    with pytest.raises(FloatingPointError):
        clip_grad_norm(grads, 1.0, error_if_nonfinite=True)


def test_huge_and_tiny_gradients_use_an_overflow_safe_norm() -> None:
    unit = global_norm(_grads(3, 0))
    huge = _grads(3, 200)
    with np.errstate(over="ignore"):
        assert not np.isfinite(np.sqrt(np.sum(_flat(huge) ** 2)))  # the naive way fails
    clipped, total, fired = clip_grad_norm(huge, 1.0)
    assert fired
    np.testing.assert_allclose(total, unit * 1e200, rtol=1e-12)
    assert global_norm(clipped) == pytest.approx(1.0, rel=1e-5)
    tiny = _grads(3, -200)
    _, t_total, t_fired = clip_grad_norm(tiny, 1.0)
    assert not t_fired
    np.testing.assert_allclose(t_total, unit * 1e-200, rtol=1e-12)  # atol = 0


def test_safe_norm_where_the_naive_norm_underflows() -> None:
    x = np.full(64, 1e-201)
    with np.errstate(under="ignore"):
        assert np.sqrt(np.sum(x * x)) == 0.0
    np.testing.assert_allclose(safe_norm(x), 8e-201, rtol=1e-14)
    m = np.array([[1e-300, 0.0], [3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(safe_norm(m, axis=1), [1e-300, 5.0, 0.0], rtol=1e-15)
    assert np.isnan(safe_norm(np.array([1.0, np.nan])))
    assert safe_norm(np.array([1.0, -np.inf])) == np.inf


def test_clip_keeps_float32() -> None:
    grads = {k: v.astype(np.float32) for k, v in _grads(4, 2).items()}
    res = clip_grad_norm(grads, 1.0)
    assert all(v.dtype == np.float32 for v in res.clipped.values())


def test_clip_by_value_bounds_entries_and_bends_the_direction() -> None:
    grads = {"a": np.array([10.0, 0.5, -7.0]), "b": np.array([[0.1, -0.2]])}
    out = clip_grad_value(grads, 1.0)
    np.testing.assert_array_equal(out["a"], [1.0, 0.5, -1.0])
    np.testing.assert_array_equal(out["b"], grads["b"])
    a, b = _flat(grads), _flat(out)
    assert a @ b / (np.linalg.norm(a) * np.linalg.norm(b)) < 0.99  # unlike norm clipping
    with pytest.raises(ValueError, match="positive"):
        clip_grad_value(grads, 0.0)
    with pytest.raises(ValueError, match="positive"):
        clip_grad_norm(grads, -1.0)
