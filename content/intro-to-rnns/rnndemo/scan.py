"""A linear recurrence, computed step by step and by a parallel (associative) scan.

Why it is in the course: linear recurrent layers and state-space models (S4,
Mamba and relatives) train fast because a recurrence of the form

    h_t = a_t * h_{t-1} + b_t        (element-wise, t = 1..T)

can be evaluated in about log2(T) rounds of whole-sequence array operations
instead of T dependent steps (Martin & Cundy 2018). The trick is that one step
is the affine map h -> a h + b, and composing two such maps gives another one:

    (a1, b1) then (a2, b2)  =  (a2 a1, a2 b1 + b2),

an associative operation, so any prefix-sum algorithm applies. A tanh RNN has no
such shortcut: tanh(W h + ...) composed with itself is not of the same form.
"""

from __future__ import annotations

import math

import numpy as np

from .numerics import Array

__all__ = ["linear_recurrence_loop", "linear_recurrence_scan", "scan_rounds"]


def _check(a: Array, b: Array) -> tuple[Array, Array]:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or a.ndim == 0:
        raise ValueError(f"a and b need the same shape (T, ...), got {a.shape} and {b.shape}")
    return a, b


def linear_recurrence_loop(a: Array, b: Array, h0: Array | float = 0.0) -> Array:
    """h_1..h_T of h_t = a_t * h_{t-1} + b_t, one step after the other (the reference)."""
    a, b = _check(a, b)
    out = np.empty_like(b)
    h = np.broadcast_to(np.asarray(h0, dtype=np.float64), b.shape[1:])
    for t in range(a.shape[0]):
        h = a[t] * h + b[t]
        out[t] = h
    return out


def linear_recurrence_scan(a: Array, b: Array, h0: Array | float = 0.0) -> Array:
    """The same h_1..h_T by an inclusive scan (Hillis & Steele 1986).

    In round r every position t >= 2^r combines its running map with the map that
    ends 2^r steps earlier; after ceil(log2 T) rounds position t holds the
    composition of steps 1..t. Each round is one vectorised operation over the
    whole sequence, which is what a GPU runs in parallel. (This variant does
    O(T log T) work; Blelloch's 1990 scan does O(T) work in twice as many rounds.)
    """
    a, b = _check(a, b)
    A, Bc = a.copy(), b.copy()
    T = a.shape[0]
    shift = 1
    while shift < T:
        # earlier map (A[t-s], B[t-s]) first, then the later (A[t], B[t]):
        # composite = (A[t] A[t-s], A[t] B[t-s] + B[t]); right-hand sides are
        # evaluated from the old arrays before the assignment
        Bc[shift:] = A[shift:] * Bc[:-shift] + Bc[shift:]
        A[shift:] = A[shift:] * A[:-shift]
        shift *= 2
    # position t now maps h_0 to h_t
    return A * np.asarray(h0, dtype=np.float64) + Bc


def scan_rounds(T: int) -> int:
    """Number of rounds :func:`linear_recurrence_scan` needs for T steps."""
    if T < 1:
        raise ValueError("T must be at least 1")
    return math.ceil(math.log2(T)) if T > 1 else 0
