"""GRU in PyTorch's form (gate order r, z, n; reset applied *after* the matmul).

::

    r = sig(W_ir x + b_ir + W_hr h + b_hr)
    z = sig(W_iz x + b_iz + W_hz h + b_hz)
    n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
    h' = (1 - z) * n + z * h  =  n + z * (h - n)

The direct path dh'/dh = diag(z) is what lets a GRU keep gradients alive.
Cho et al. and d2l put the reset *before* the matmul (``W_hn (r * h)``); that is
a different model and will not match PyTorch. Unlike RNN/LSTM, the two GRU
biases are not redundant, because ``b_hn`` sits inside ``r * (...)``.
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


def gru_gates(cache: dict[str, Any], t: int) -> tuple[Array, Array, Array]:
    """The gate activations (r, z, n), each (B,H), of step t = 1..T.

    (The cache stores them as ``cache["gates"]`` of shape (T, B, 3H).)"""
    g = cache["gates"][t - 1]
    H = g.shape[1] // 3
    return g[:, :H], g[:, H : 2 * H], g[:, 2 * H :]


def gru_step(params: Params, x: Array, h: Array) -> Array:
    """One GRU step in plain textbook form (reference for :func:`gru_forward`)."""
    gi = x @ params["W_ih"].T + params["b_ih"]
    gh = h @ params["W_hh"].T + params["b_hh"]
    i_r, i_z, i_n = np.split(gi, 3, axis=-1)
    h_r, h_z, h_n = np.split(gh, 3, axis=-1)
    r, z = sigmoid(i_r + h_r), sigmoid(i_z + h_z)
    n = np.tanh(i_n + r * h_n)
    return (1.0 - z) * n + z * h


def gru_forward(
    params: Params,
    X: Array,
    h0: Array | None = None,
    *,
    workspace: Workspace | None = None,
) -> tuple[Array, dict[str, Any]]:
    """Run the GRU over X (T,B,D); returns ``H_all`` (T,B,H) (a cache view) and the cache.

    ``workspace`` works as in :func:`rnndemo.rnn.rnn_forward`.
    """
    dtype = float_dtype(X)
    X = cast(X, dtype)
    T, B, D = X.shape
    W_ih, W_hh = cast(params["W_ih"], dtype), cast(params["W_hh"], dtype)
    H = W_hh.shape[1]
    s = np.full(3 * H, 0.5, dtype=dtype)  # fold the 1/2 of sigmoid = (1+tanh(x/2))/2
    s[2 * H :] = 1.0

    gates = buffer(workspace, "gates", (T, B, 3 * H), dtype)  # activations r, z, n
    np.matmul(X.reshape(T * B, D), W_ih.T * s, out=gates.reshape(T * B, 3 * H))
    b_ih, b_hh = cast(params["b_ih"], dtype), cast(params["b_hh"], dtype)
    bias = b_ih.copy()
    bias[: 2 * H] += b_hh[: 2 * H]  # for r and z only the sum of the biases matters
    gates += bias * s
    b_hn = b_hh[2 * H :]  # ... but b_hn sits inside r * (W_hn h + b_hn)
    W_hhT = np.ascontiguousarray(W_hh.T * s)
    Hs = buffer(workspace, "H", (T + 1, B, H), dtype)
    HN = buffer(workspace, "HN", (T, B, H), dtype)  # W_hn h_{t-1} + b_hn, needed for dr
    Hs[0] = 0 if h0 is None else cast(h0, dtype)
    gh = np.empty((B, 3 * H), dtype=dtype)
    tmp = np.empty((B, H), dtype=dtype)
    for t in range(T):
        gt, h = gates[t], Hs[t]
        np.matmul(h, W_hhT, out=gh)
        rz = gt[:, : 2 * H]
        rz += gh[:, : 2 * H]
        np.tanh(rz, out=rz)
        rz += 1.0
        rz *= 0.5
        r, z, n = gt[:, :H], gt[:, H : 2 * H], gt[:, 2 * H :]
        np.add(gh[:, 2 * H :], b_hn, out=HN[t])
        np.multiply(r, HN[t], out=tmp)
        n += tmp
        np.tanh(n, out=n)
        np.subtract(h, n, out=tmp)
        tmp *= z
        np.add(n, tmp, out=Hs[t + 1])
    cache = {"kind": "gru", "X": X, "H": Hs, "HN": HN, "gates": gates}
    return Hs[1:], cache


def _local_factors(gates: Array, HN: Array, H_prev: Array, dAi: Array, scratch: Array) -> None:
    """The parts of the gate gradients that do not depend on dL/dh_t, for a block
    of steps (the loop multiplies them by dL/dh_t):
    dL/dn_pre = gh (1-z)(1-n^2),  dL/dz_pre = gh (h_{t-1} - n) z(1-z),
    dL/dr_pre = dL/dn_pre * hn r(1-r).  ``scratch`` is overwritten."""
    H = HN.shape[-1]
    z, n = gates[..., H : 2 * H], gates[..., 2 * H :]
    rz_d, n_d = dAi[..., : 2 * H], dAi[..., 2 * H :]
    np.multiply(gates[..., : 2 * H], gates[..., : 2 * H], out=rz_d)
    np.subtract(gates[..., : 2 * H], rz_d, out=rz_d)  # r(1-r), z(1-z)
    dAi[..., :H] *= HN
    np.subtract(H_prev, n, out=n_d)  # used as scratch: h_{t-1} - n
    dAi[..., H : 2 * H] *= n_d
    np.multiply(n, n, out=n_d)
    np.subtract(1.0, n_d, out=n_d)
    one_minus_z = scratch[..., 2 * H :]
    np.subtract(1.0, z, out=one_minus_z)
    n_d *= one_minus_z


def _gru_bptt(
    params: Params,
    cache: dict[str, Any],
    dH_all: Array | None,
    dh_last: Array | None,
    renorm: bool,
    workspace: Workspace | None = None,
) -> tuple[Array, Array, Array, Array, Array]:
    """Backward loop; returns ``(dAi, dAh, dh0, norms, logscale)``.

    ``dAi`` (T,B,3H) is dL/d(W_ih x + b_ih) and ``dAh`` dL/d(W_hh h + b_hh); they
    differ only in the n block, where the hidden side is multiplied by r.
    """
    Hs, HN, gates = cache["H"], cache["HN"], cache["gates"]
    dtype = Hs.dtype
    T, B, H = Hs.shape[0] - 1, Hs.shape[1], Hs.shape[2]
    W_hh = np.ascontiguousarray(cast(params["W_hh"], dtype))

    r, z = gates[..., :H], gates[..., H : 2 * H]
    dAi = buffer(workspace, "dAi", (T, B, 3 * H), dtype)
    dAh = buffer(workspace, "dAh", (T, B, 3 * H), dtype)

    dh = np.zeros((B, H), dtype=dtype) if dh_last is None else cast(dh_last, dtype).copy()
    gh = np.empty((B, H), dtype=dtype) if dH_all is not None else dh
    tmp = np.empty((B, H), dtype=dtype)
    rec = NormRecorder(T, B, dtype, exact=renorm)
    logs = np.empty((T, B), dtype=np.float64)
    logscale = np.zeros(B, dtype=np.float64)
    for t0, t1 in time_chunks(T, B * 3 * H):
        _local_factors(gates[t0:t1], HN[t0:t1], Hs[t0:t1], dAi[t0:t1], dAh[t0:t1])
        for t in range(t1 - 1, t0 - 1, -1):
            dai, dah = dAi[t], dAh[t]
            if dH_all is not None:
                np.add(dH_all[t], dh, out=gh)
            nrm = rec.record(t, gh)
            if renorm:
                with np.errstate(divide="ignore"):
                    logs[t] = np.log10(nrm) + logscale
                rescale_rows(nrm, logscale, gh)
            dai.reshape(B, 3, H)[:, 1:] *= gh[:, None, :]  # z and n blocks
            dai[:, :H] *= dai[:, 2 * H :]  # r block: through n
            # hidden side: same r, z blocks; the n block is multiplied by r
            dah[:, : 2 * H] = dai[:, : 2 * H]
            np.multiply(dai[:, 2 * H :], r[t], out=dah[:, 2 * H :])
            # dL/dh_{t-1} = direct path z * gh + the path through all three gates
            np.multiply(gh, z[t], out=tmp)
            np.matmul(dah, W_hh, out=dh)
            dh += tmp
    return dAi, dAh, dh, (logs if renorm else rec.finish()), logscale


def gru_backward(
    params: Params,
    cache: dict[str, Any],
    dH_all: Array | None,
    dh_last: Array | None = None,
    *,
    workspace: Workspace | None = None,
) -> tuple[Params, Array, Array, dict[str, Array]]:
    """BPTT for :func:`gru_forward`; returns ``(grads, dX, dh0, info)``.

    ``info["dh_norm"]`` (T,) and ``info["dh_norm_seq"]`` (T,B) as for the RNN.
    """
    X, Hs = cache["X"], cache["H"]
    dtype = Hs.dtype
    T, B, D = X.shape
    H = Hs.shape[2]
    dAi, dAh, dh0, norms, _ = _gru_bptt(params, cache, dH_all, dh_last, False, workspace)
    dAi2, dAh2 = dAi.reshape(T * B, 3 * H), dAh.reshape(T * B, 3 * H)
    grads = {
        "W_ih": dAi2.T @ X.reshape(T * B, D),
        "W_hh": dAh2.T @ Hs[:-1].reshape(T * B, H),
        "b_ih": dAi2.sum(axis=0),
        "b_hh": dAh2.sum(axis=0),
    }
    dX = (dAi2 @ cast(params["W_ih"], dtype)).reshape(T, B, D)
    info = {"dh_norm": safe_norms(norms, axis=1), "dh_norm_seq": norms}
    return grads, dX, dh0, info
