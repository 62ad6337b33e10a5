"""Finite-difference gradient checking.

Why: a hand-written backward pass is only trustworthy once it agrees with central
differences. CS231n's rule of thumb for float64 and smooth functions: a relative
error around 1e-7 or below is right, above 1e-2 is almost surely a bug.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .numerics import Array, safe_norm


def numerical_grad(
    f: Callable[[], float],
    P: Array,
    eps: float = 1e-6,
    indices: Array | None = None,
) -> Array:
    """Central differences (f(P + eps e_i) - f(P - eps e_i)) / (2 eps).

    ``f`` takes no argument and reads ``P``, which is perturbed *in place* one
    entry at a time and restored afterwards. With ``indices`` (flat indices) only
    those entries are checked (Karpathy checks 10 random ones per parameter) and a
    1-D array of their derivatives is returned; otherwise an array shaped like P.
    """
    flat = P.reshape(-1)
    if not np.shares_memory(flat, P):
        raise ValueError("P must be contiguous so it can be perturbed in place")
    idx = np.arange(flat.size) if indices is None else np.asarray(indices).reshape(-1)
    out = np.empty(idx.size, dtype=np.float64)
    for n, i in enumerate(idx):
        old = flat[i]
        flat[i] = old + eps
        f_plus = f()
        flat[i] = old - eps
        f_minus = f()
        flat[i] = old
        out[n] = (f_plus - f_minus) / (2.0 * eps)
    return out.reshape(P.shape) if indices is None else out


def rel_error_max(a: Array, b: Array, floor: float = 1e-8) -> float:
    """max_i |a_i - b_i| / max(floor, |a_i| + |b_i|) (CS231n's elementwise measure)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(floor, np.abs(a) + np.abs(b))))


def rel_error_norm(a: Array, b: Array) -> float:
    """||a - b|| / (||a|| + ||b||): one number for the whole array, insensitive to
    the tiny entries that inflate the elementwise measure. 0 when both are 0."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    denom = safe_norm(a) + safe_norm(b)
    return 0.0 if denom == 0 else float(safe_norm(a - b) / denom)
