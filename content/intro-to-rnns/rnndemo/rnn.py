"""Vanilla (Elman) RNN: forward pass and full backpropagation through time.

PyTorch layout and names, time-major arrays::

    a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh,      h_t = phi(a_t),   t = 1..T

with ``phi`` one of ``tanh``, ``relu`` or ``linear``. The linear case is there
because it makes the vanishing/exploding theory exact (the Jacobian is W_hh).

Why the code looks the way it does: in NumPy the cost of an RNN is mostly Python
overhead per time step, so the loop holds as few array operations as possible and
everything that does not depend on the previous state is done outside it:

* the input projection of all T steps is one GEMM before the loop;
* the loop over time holds one (B,H)x(H,H) GEMM plus in-place elementwise work;
* backward stores dA_t = dL/da_t in a (T,B,H) buffer and forms dW_hh, dW_ih and
  dX after the loop as three big GEMMs over all T*B rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .numerics import (
    Array,
    NormRecorder,
    Params,
    Workspace,
    buffer,
    cast,
    float_dtype,
    rescale_rows,
    safe_norms,
    time_chunks,
)

NONLINEARITIES = ("tanh", "relu", "linear")


def _check_nonlinearity(nonlinearity: str) -> None:
    if nonlinearity not in NONLINEARITIES:
        raise ValueError(f"nonlinearity must be one of {NONLINEARITIES}, got {nonlinearity!r}")


def phi(a: Array, nonlinearity: str) -> Array:
    """The elementwise nonlinearity (not in place)."""
    if nonlinearity == "tanh":
        return np.tanh(a)
    if nonlinearity == "relu":
        return np.maximum(a, 0)
    _check_nonlinearity(nonlinearity)
    return np.array(a, copy=True)


def phi_prime_from_output(h: Array, nonlinearity: str) -> Array:
    """phi'(a) written in terms of h = phi(a), so the cache need not keep ``a``.

    tanh' = 1 - h^2; relu' = [h > 0] (we use 0 at a = 0, like PyTorch); linear' = 1.
    """
    if nonlinearity == "tanh":
        return 1.0 - h * h
    if nonlinearity == "relu":
        return (h > 0).astype(h.dtype)
    _check_nonlinearity(nonlinearity)
    return np.ones_like(h)


def rnn_step(params: Params, x: Array, h: Array, nonlinearity: str = "tanh") -> Array:
    """One step, written exactly like the textbook formula (for teaching and as a
    reference the fast :func:`rnn_forward` is tested against)."""
    a = x @ params["W_ih"].T + params["b_ih"] + h @ params["W_hh"].T + params["b_hh"]
    return phi(a, nonlinearity)


def rnn_forward(
    params: Params,
    X: Array,
    h0: Array | None = None,
    nonlinearity: str = "tanh",
    *,
    workspace: Workspace | None = None,
) -> tuple[Array, dict[str, Any]]:
    """Run the RNN over a time-major batch.

    Args:
        params: ``W_ih`` (H,D), ``W_hh`` (H,H), ``b_ih`` (H,), ``b_hh`` (H,).
        X: inputs (T,B,D). Its dtype (if floating) is the compute dtype.
        h0: initial state (B,H); zeros if None.
        nonlinearity: ``"tanh"``, ``"relu"`` or ``"linear"``.
        workspace: optional dict for reusing the big buffers across calls of the
            same shape (see :func:`rnndemo.numerics.buffer`); the results are then
            overwritten by the next call with that workspace.

    Returns:
        ``H_all`` (T,B,H) = h_1..h_T (a view into the cache: copy before editing it)
        and the cache for :func:`rnn_backward`.
    """
    _check_nonlinearity(nonlinearity)
    dtype = float_dtype(X)
    X = cast(X, dtype)
    T, B, D = X.shape
    W_ih, W_hh = cast(params["W_ih"], dtype), cast(params["W_hh"], dtype)
    H = W_hh.shape[0]
    bias = cast(params["b_ih"], dtype) + cast(params["b_hh"], dtype)

    Hs = buffer(workspace, "H", (T + 1, B, H), dtype)
    Hs[0] = 0 if h0 is None else cast(h0, dtype)
    # 1) hoisted input projection for all steps at once, written into h_1..h_T
    np.matmul(X.reshape(T * B, D), W_ih.T, out=Hs[1:].reshape(T * B, H))
    Hs[1:] += bias
    W_hhT = np.ascontiguousarray(W_hh.T)
    tmp = np.empty((B, H), dtype=dtype)
    for t in range(T):
        out = Hs[t + 1]
        np.matmul(Hs[t], W_hhT, out=tmp)
        out += tmp
        if nonlinearity == "tanh":
            np.tanh(out, out=out)
        elif nonlinearity == "relu":
            np.maximum(out, 0, out=out)
    cache = {"kind": "rnn", "nonlinearity": nonlinearity, "X": X, "H": Hs}
    return Hs[1:], cache


def _rnn_bptt(
    params: Params,
    cache: dict[str, Any],
    dH_all: Array | None,
    dh_last: Array | None,
    renorm: bool,
    workspace: Workspace | None = None,
) -> tuple[Array, Array, Array, Array]:
    """The backward loop over time.

    Returns ``(dA, dh0, norms, logscale)``: dA (T,B,H) = dL/da_t; the per-sequence
    norms (T,B) of the *total* dL/dh_t (direct term plus everything from later
    steps). With ``renorm`` the backward vector is rescaled to unit norm per
    sequence at each step and ``norms`` holds log10 norms instead (exact and
    underflow-proof; only valid for a loss at the last step).
    """
    nonlinearity = cache["nonlinearity"]
    Hs = cache["H"]
    dtype = Hs.dtype
    T, B, H = Hs.shape[0] - 1, Hs.shape[1], Hs.shape[2]
    W_hh = np.ascontiguousarray(cast(params["W_hh"], dtype))

    dA = buffer(workspace, "dA", (T, B, H), dtype)
    carry = np.zeros((B, H), dtype=dtype) if dh_last is None else cast(dh_last, dtype).copy()
    g = np.empty((B, H), dtype=dtype) if dH_all is not None else carry
    rec = NormRecorder(T, B, dtype, exact=renorm)
    logs = np.empty((T, B), dtype=np.float64)
    logscale = np.zeros(B, dtype=np.float64)
    for t0, t1 in time_chunks(T, B * H):
        # phi'(a_t) for a block of steps (in terms of h_t); the loop multiplies it
        # by dL/dh_t in place, so dA ends up holding dL/da_t
        blk, h_blk = dA[t0:t1], Hs[t0 + 1 : t1 + 1]
        if nonlinearity == "tanh":
            np.multiply(h_blk, h_blk, out=blk)
            np.subtract(1.0, blk, out=blk)
        elif nonlinearity == "relu":
            np.greater(h_blk, 0, out=blk)
        for t in range(t1 - 1, t0 - 1, -1):
            if dH_all is not None:  # total dL/dh_t = direct term + carried from t+1
                np.add(dH_all[t], carry, out=g)
            n = rec.record(t, g)
            if renorm:
                with np.errstate(divide="ignore"):
                    logs[t] = np.log10(n) + logscale
                rescale_rows(n, logscale, g)
            if nonlinearity == "linear":
                dA[t] = g
            else:
                dA[t] *= g
            np.matmul(dA[t], W_hh, out=carry)
    return dA, carry, (logs if renorm else rec.finish()), logscale


def rnn_backward(
    params: Params,
    cache: dict[str, Any],
    dH_all: Array | None,
    dh_last: Array | None = None,
    *,
    workspace: Workspace | None = None,
) -> tuple[Params, Array, Array, dict[str, Array]]:
    """Backpropagation through time for :func:`rnn_forward`.

    Args:
        dH_all: dL/dh_t for t = 1..T coming from a loss on every output (T,B,H),
            or None when the loss only looks at the final state.
        dh_last: extra gradient on h_T (B,H), e.g. from a head on the last state.

    Returns:
        ``(grads, dX, dh0, info)`` with grads for ``W_ih, W_hh, b_ih, b_hh`` and
        ``info["dh_norm"]`` (T,) the norm over the batch of the total dL/dh_t for
        t = 1..T (aligned with ``H_all``), ``info["dh_norm_seq"]`` (T,B) per sequence.
    """
    X, Hs = cache["X"], cache["H"]
    dtype = Hs.dtype
    T, B, D = X.shape
    H = Hs.shape[2]
    dA, dh0, norms, _ = _rnn_bptt(params, cache, dH_all, dh_last, False, workspace)
    dA2 = dA.reshape(T * B, H)
    db = dA2.sum(axis=0)
    grads = {
        "W_ih": dA2.T @ X.reshape(T * B, D),
        "W_hh": dA2.T @ Hs[:-1].reshape(T * B, H),
        "b_ih": db,
        "b_hh": db.copy(),
    }
    dX = (dA2 @ cast(params["W_ih"], dtype)).reshape(T, B, D)
    info = {"dh_norm": safe_norms(norms, axis=1), "dh_norm_seq": norms}
    return grads, dX, dh0, info
