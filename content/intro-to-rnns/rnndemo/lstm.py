"""LSTM in PyTorch's layout and gate order (i, f, g, o): forward and full BPTT.

::

    [i, f, g, o] = [sig, sig, tanh, sig](W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)
    c_t = f * c_{t-1} + i * g          (the "constant error carousel" when f = 1)
    h_t = o * tanh(c_t)

Parameters and gradients are in PyTorch's layout. Inside, the code works in a
layout chosen for speed, which is why it looks less like the formula than
:func:`lstm_step` does:

* the gate activations are stored gate-major, ``gates`` of shape (4, T, B, H), so
  every per-step operation runs on contiguous (B, H) blocks (NumPy is ~3x slower
  on the strided column blocks of a (B, 4H) array at small H) and the weight
  gradients are batched GEMMs over contiguous (T*B, H) blocks, without copies;
* the internal gate order is (o, i, f, g): the three sigmoid gates are adjacent
  for the forward pass and the three gates multiplied by dL/dc are adjacent for
  the backward pass. :func:`lstm_gates` returns them in the usual order;
* sigmoid is ``0.5*(1 + tanh(z/2))`` with the 1/2 folded into the weight rows, so
  one ``tanh`` call per step serves all four gates (multiplying by 0.5 is exact
  in binary floating point, so the folding itself changes no bits).
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
    sigmoid,
    time_chunks,
)

#: positions of the gates in the internal order (o, i, f, g)
O_, I_, F_, G_ = 0, 1, 2, 3


def _to_internal(a: Array, H: int) -> Array:
    """Reorder the 4H gate rows from PyTorch's (i, f, g, o) to (o, i, f, g)."""
    return np.roll(a, H, axis=0)


def _to_torch(a: Array, H: int) -> Array:
    """Inverse of :func:`_to_internal`."""
    return np.roll(a, -H, axis=0)


def lstm_gates(cache: dict[str, Any], t: int) -> tuple[Array, Array, Array, Array]:
    """The gate activations (i, f, g, o), each (B,H), of step t = 1..T."""
    g = cache["gates"][:, t - 1]
    return g[I_], g[F_], g[G_], g[O_]


def lstm_step(
    params: Params, x: Array, h: Array, c: Array
) -> tuple[Array, Array]:
    """One LSTM step in plain textbook form (reference for :func:`lstm_forward`)."""
    z = x @ params["W_ih"].T + params["b_ih"] + h @ params["W_hh"].T + params["b_hh"]
    i, f, g, o = np.split(z, 4, axis=-1)
    i, f, g, o = sigmoid(i), sigmoid(f), np.tanh(g), sigmoid(o)
    c_new = f * c + i * g
    return o * np.tanh(c_new), c_new


def _gate_scale(H: int, dtype: np.dtype) -> Array:
    """0.5 on the sigmoid rows (o, i, f), 1.0 on the tanh rows (g); internal order."""
    s = np.full(4 * H, 0.5, dtype=dtype)
    s[3 * H :] = 1.0
    return s


def lstm_forward(
    params: Params,
    X: Array,
    h0: Array | None = None,
    c0: Array | None = None,
    *,
    workspace: Workspace | None = None,
) -> tuple[Array, dict[str, Any]]:
    """Run the LSTM over a time-major batch X (T,B,D).

    Returns ``H_all`` (T,B,H) (a view into the cache) and the cache. The cache
    holds ``C`` (T+1,B,H), the cell states c_0..c_T, so ``cache["C"][-1]`` is c_T;
    read the gate activations with :func:`lstm_gates`. ``workspace`` works as in
    :func:`rnndemo.rnn.rnn_forward`.
    """
    dtype = float_dtype(X)
    X = cast(X, dtype)
    T, B, D = X.shape
    W_ih, W_hh = cast(params["W_ih"], dtype), cast(params["W_hh"], dtype)
    H = W_hh.shape[1]
    s = _gate_scale(H, dtype)[:, None]
    W_ih_s = _to_internal(W_ih, H) * s  # (4H, D), internal order, sigmoid rows halved
    W_hh_s = _to_internal(W_hh, H) * s
    bias = _to_internal(cast(params["b_ih"], dtype) + cast(params["b_hh"], dtype), H) * s[:, 0]

    # hoisted input projection for all steps, one GEMM per gate, gate-major (4,T,B,H)
    gates = buffer(workspace, "gates", (4, T, B, H), dtype)  # activations o, i, f, g
    np.matmul(X.reshape(T * B, D), W_ih_s.reshape(4, H, D).transpose(0, 2, 1),
              out=gates.reshape(4, T * B, H))
    gates += bias.reshape(4, 1, 1, H)
    W4T = np.ascontiguousarray(W_hh_s.reshape(4, H, H).transpose(0, 2, 1))  # z[k] = h W_k^T
    Hs = buffer(workspace, "H", (T + 1, B, H), dtype)
    C = buffer(workspace, "C", (T + 1, B, H), dtype)
    TC = buffer(workspace, "TC", (T, B, H), dtype)  # tanh(c_t)
    Hs[0] = 0 if h0 is None else cast(h0, dtype)
    C[0] = 0 if c0 is None else cast(c0, dtype)
    z = np.empty((4, B, H), dtype=dtype)
    tmp = np.empty((B, H), dtype=dtype)
    for t in range(T):
        gt = gates[:, t]
        np.matmul(Hs[t], W4T, out=z)
        gt += z
        np.tanh(gt, out=gt)
        sg = gt[:3]  # o, i, f: sigmoid = (1 + tanh(z/2)) / 2
        sg += 1.0
        sg *= 0.5
        o, i, f, g = gt[O_], gt[I_], gt[F_], gt[G_]
        np.multiply(f, C[t], out=C[t + 1])
        np.multiply(i, g, out=tmp)
        C[t + 1] += tmp
        np.tanh(C[t + 1], out=TC[t])
        np.multiply(o, TC[t], out=Hs[t + 1])
    cache = {"kind": "lstm", "X": X, "H": Hs, "C": C, "TC": TC, "gates": gates}
    return Hs[1:], cache


def _local_factors(gates: Array, C: Array, TC: Array, dZ: Array, Q: Array) -> None:
    """The parts of the gate gradients that do not depend on the backward vectors,
    for a block of steps (gate-major, internal order o, i, f, g): dZ gets e.g.
    dL/dz_i = dL/dc_t * [g * i(1-i)] without the dL/dc_t factor (the loop multiplies
    it in), and Q = dh_t/dc_t = o (1 - tanh^2 c_t). ``C`` holds c_{t-1}."""
    np.multiply(gates, gates, out=dZ)
    np.subtract(gates[:3], dZ[:3], out=dZ[:3])  # a(1-a) = a - a^2 (o, i, f)
    np.subtract(1.0, dZ[G_], out=dZ[G_])  # 1 - g^2
    dZ[O_] *= TC  # dh_t/do = tanh(c_t)
    dZ[I_] *= gates[G_]  # dc_t/di = g
    dZ[F_] *= C  # dc_t/df = c_{t-1}
    dZ[G_] *= gates[I_]  # dc_t/dg = i
    np.multiply(TC, TC, out=Q)
    np.subtract(1.0, Q, out=Q)
    Q *= gates[O_]


def _lstm_bptt(
    params: Params,
    cache: dict[str, Any],
    dH_all: Array | None,
    dh_last: Array | None,
    dc_last: Array | None,
    renorm: bool,
    workspace: Workspace | None = None,
) -> tuple[Array, Array, Array, Array, Array, Array]:
    """Backward loop; returns ``(dZ, dh0, dc0, h_norms, c_norms, logscale)``.

    dZ (4,T,B,H) is dL/d(pre-activation), gate-major in the internal order. ``h_norms``/``c_norms``
    (T,B) are the norms of the total dL/dh_t and dL/dc_t, or, with ``renorm``,
    their log10 with the joint (h, c) backward state rescaled each step.
    """
    Hs, C, TC, gates = cache["H"], cache["C"], cache["TC"], cache["gates"]
    dtype = Hs.dtype
    T, B, H = Hs.shape[0] - 1, Hs.shape[1], Hs.shape[2]
    W4 = np.ascontiguousarray(_to_internal(cast(params["W_hh"], dtype), H).reshape(4, H, H))

    dZ = buffer(workspace, "dZ", (4, T, B, H), dtype)
    Q = buffer(workspace, "Q", (T, B, H), dtype)
    dh = np.zeros((B, H), dtype=dtype) if dh_last is None else cast(dh_last, dtype).copy()
    dc = np.zeros((B, H), dtype=dtype) if dc_last is None else cast(dc_last, dtype).copy()
    gh = np.empty((B, H), dtype=dtype) if dH_all is not None else dh
    tmp = np.empty((B, H), dtype=dtype)
    back4 = np.empty((4, B, H), dtype=dtype)
    h_rec = NormRecorder(T, B, dtype, exact=renorm)
    c_rec = NormRecorder(T, B, dtype, exact=renorm)
    h_logs = np.empty((T, B), dtype=np.float64)
    c_logs = np.empty((T, B), dtype=np.float64)
    logscale = np.zeros(B, dtype=np.float64)
    for t0, t1 in time_chunks(T, B * 4 * H):
        _local_factors(gates[:, t0:t1], C[t0:t1], TC[t0:t1], dZ[:, t0:t1], Q[t0:t1])
        for t in range(t1 - 1, t0 - 1, -1):
            dz = dZ[:, t]
            if dH_all is not None:
                np.add(dH_all[t], dh, out=gh)
            # dL/dc_t = carried part (already times f_{t+1}) + the part through h_t
            np.multiply(gh, Q[t], out=tmp)
            dc += tmp
            hn = h_rec.record(t, gh)
            cn = c_rec.record(t, dc)
            if renorm:
                with np.errstate(divide="ignore"):
                    h_logs[t] = np.log10(hn) + logscale
                    c_logs[t] = np.log10(cn) + logscale
                rescale_rows(np.hypot(hn, cn), logscale, gh, dc)
            dz[1:] *= dc  # i, f, g
            dz[O_] *= gh
            dc *= gates[F_, t]  # the carousel: dL/dc_{t-1} = f_t dL/dc_t + ...
            np.matmul(dz, W4, out=back4)  # dL/dh_{t-1} = sum over gates of dz_k W_k
            np.sum(back4, axis=0, out=dh)
    if renorm:
        return dZ, dh, dc, h_logs, c_logs, logscale
    return dZ, dh, dc, h_rec.finish(), c_rec.finish(), logscale


def lstm_backward(
    params: Params,
    cache: dict[str, Any],
    dH_all: Array | None,
    dh_last: Array | None = None,
    dc_last: Array | None = None,
    *,
    workspace: Workspace | None = None,
) -> tuple[Params, Array, Array, Array, dict[str, Array]]:
    """BPTT for :func:`lstm_forward`.

    Returns ``(grads, dX, dh0, dc0, info)``. ``info`` has ``dh_norm`` and
    ``dc_norm`` (T,) for t = 1..T (aligned with ``H_all``) and the per-sequence
    versions ``dh_norm_seq``, ``dc_norm_seq`` (T,B). ``dc_norm`` is the norm of
    the total dL/dc_t (through c_{t+1} and through h_t): the cell path, the one
    that carries the gradient over long lags.
    """
    X, Hs = cache["X"], cache["H"]
    dtype = Hs.dtype
    T, B, D = X.shape
    H = Hs.shape[2]
    dZ, dh0, dc0, hn, cn, _ = _lstm_bptt(
        params, cache, dH_all, dh_last, dc_last, False, workspace
    )
    # per gate, dZ[k] is a contiguous (T*B, H) block: batched GEMMs, no copies
    dZ3 = dZ.reshape(4, T * B, H)
    dZ3T = dZ3.transpose(0, 2, 1)
    db = _to_torch(dZ3.sum(axis=1).reshape(4 * H), H)
    grads = {
        "W_ih": _to_torch((dZ3T @ X.reshape(T * B, D)).reshape(4 * H, D), H),
        "W_hh": _to_torch((dZ3T @ Hs[:-1].reshape(T * B, H)).reshape(4 * H, H), H),
        "b_ih": db,
        "b_hh": db.copy(),
    }
    W_ih4 = _to_internal(cast(params["W_ih"], dtype), H).reshape(4, H, D)
    dX = np.matmul(dZ3, W_ih4).sum(axis=0).reshape(T, B, D)
    info = {
        "dh_norm": safe_norms(hn, axis=1),
        "dc_norm": safe_norms(cn, axis=1),
        "dh_norm_seq": hn,
        "dc_norm_seq": cn,
    }
    return grads, dX, dh0, dc0, info
