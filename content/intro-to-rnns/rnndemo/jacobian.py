"""Explicit Jacobians and the underflow-proof gradient-norm profile.

Why: the lesson "the gradient is a product of Jacobians" wants to *see* the
product dh_T/dh_t = J_T ... J_{t+1} as matrices (small H only), and the lesson
"gradients vanish like rho^k" wants log-norms at lags of 1000+ steps, far below
the smallest float64. :func:`grad_norm_profile` rescales the backward vector to
unit norm at every step and sums the logs of the scale factors, which is exact.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .gru import _gru_bptt, gru_gates
from .lstm import _lstm_bptt, lstm_gates
from .numerics import Array, Params, cast, log10_norm_combine, row_norms
from .rnn import _rnn_bptt, phi_prime_from_output


def _rnn_jacobian(params: Params, cache: dict[str, Any], t: int) -> Array:
    Hs = cache["H"]
    W_hh = cast(params["W_hh"], Hs.dtype)
    d = phi_prime_from_output(Hs[t], cache["nonlinearity"])  # (B,H)
    return d[:, :, None] * W_hh[None, :, :]


def _gru_jacobian(params: Params, cache: dict[str, Any], t: int) -> Array:
    Hs, hn = cache["H"], cache["HN"][t - 1]
    H = Hs.shape[2]
    W = cast(params["W_hh"], Hs.dtype)
    W_r, W_z, W_n = W[:H], W[H : 2 * H], W[2 * H :]
    r, z, n = gru_gates(cache, t)
    h_prev = Hs[t - 1]
    dr = (r * (1 - r))[:, :, None] * W_r  # dr/dh (B,H,H)
    dz = (z * (1 - z))[:, :, None] * W_z
    da_n = hn[:, :, None] * dr + r[:, :, None] * W_n
    dn = (1 - n * n)[:, :, None] * da_n
    J = (1 - z)[:, :, None] * dn + (h_prev - n)[:, :, None] * dz
    idx = np.arange(H)
    J[:, idx, idx] += z
    return J


def _lstm_jacobian(params: Params, cache: dict[str, Any], t: int) -> Array:
    Hs, tc, c_prev = cache["H"], cache["TC"][t - 1], cache["C"][t - 1]
    B, H = Hs.shape[1], Hs.shape[2]
    W = cast(params["W_hh"], Hs.dtype)
    i, f, g, o = lstm_gates(cache, t)
    di = (i * (1 - i))[:, :, None] * W[:H]
    df = (f * (1 - f))[:, :, None] * W[H : 2 * H]
    dg = (1 - g * g)[:, :, None] * W[2 * H : 3 * H]
    do = (o * (1 - o))[:, :, None] * W[3 * H :]
    dc_dh = c_prev[:, :, None] * df + g[:, :, None] * di + i[:, :, None] * dg
    k = o * (1 - tc * tc)
    J = np.zeros((B, 2 * H, 2 * H), dtype=Hs.dtype)
    idx = np.arange(H)
    J[:, :H, :H] = tc[:, :, None] * do + k[:, :, None] * dc_dh
    J[:, idx, H + idx] = k * f
    J[:, H:, :H] = dc_dh
    J[:, H + idx, H + idx] = f
    return J


_JACOBIANS = {"rnn": _rnn_jacobian, "gru": _gru_jacobian, "lstm": _lstm_jacobian}


def jacobian(params: Params, cache: dict[str, Any], t: int) -> Array:
    """One-step Jacobian d s_t / d s_{t-1} for each sequence, shape (B,S,S).

    For the RNN it is ``diag(phi'(a_t)) W_hh`` (S = H). For the GRU, S = H too.
    For the LSTM the state is s = (h, c), S = 2H, blocks ordered [h; c]. ``t``
    runs over 1..T (h_0 is the initial state).
    """
    T = cache["H"].shape[0] - 1
    if not 1 <= t <= T:
        raise ValueError(f"t must be in 1..{T}, got {t}")
    return _JACOBIANS[cache["kind"]](params, cache, t)


def jacobian_product(params: Params, cache: dict[str, Any], t: int, T: int) -> Array:
    """d s_T / d s_t = J_T J_{T-1} ... J_{t+1}, shape (B,S,S); identity when t == T.

    Builds the matrices explicitly, so keep H small. By the chain rule the BPTT
    gradient is ``dL/ds_t = (d s_T/d s_t)^T dL/ds_T`` for a loss at step T only.
    """
    Tmax = cache["H"].shape[0] - 1
    if not 0 <= t <= T <= Tmax:
        raise ValueError(f"need 0 <= t <= T <= {Tmax}, got t={t}, T={T}")
    B, H = cache["H"].shape[1], cache["H"].shape[2]
    S = 2 * H if cache["kind"] == "lstm" else H
    P = np.broadcast_to(np.eye(S, dtype=cache["H"].dtype), (B, S, S)).copy()
    for k in range(t + 1, T + 1):
        P = jacobian(params, cache, k) @ P
    return P


def grad_norm_profile(
    params: Params,
    cache: dict[str, Any],
    g_T: Array,
    dc_T: Array | None = None,
    per_sequence: bool = False,
) -> Array:
    """log10 ||dL/dh_t|| for t = 0..T, for a loss at the last step only.

    Args:
        g_T: dL/dh_T (B,H). ``dc_T``: dL/dc_T for the LSTM (zeros if None).
        per_sequence: return (T+1,B) per-sequence values instead of the (T+1,)
            norm over the whole batch.

    The backward vector is renormalised to unit norm (jointly with dL/dc for the
    LSTM) at every step and the log10 of each scale factor is summed. Linear
    recursions commute with scaling, so this is exact, and it cannot underflow:
    it gives 1e-400 as -400, where plain float64 would give 0.
    """
    kind = cache["kind"]
    dtype = cache["H"].dtype
    g_T = cast(g_T, dtype)
    if kind == "rnn":
        _, dh0, norms, logscale = _rnn_bptt(params, cache, None, g_T, renorm=True)
    elif kind == "gru":
        _, _, dh0, norms, logscale = _gru_bptt(params, cache, None, g_T, renorm=True)
    elif kind == "lstm":
        _, dh0, _, norms, _, logscale = _lstm_bptt(params, cache, None, g_T, dc_T, renorm=True)
    else:
        raise ValueError(f"unknown cell kind {kind!r}")
    n0 = np.empty(dh0.shape[0], dtype=np.float64)
    row_norms(dh0, n0)
    with np.errstate(divide="ignore"):
        first = np.log10(n0) + logscale
    logs = np.concatenate([first[None, :], norms], axis=0)  # (T+1, B)
    if per_sequence:
        return logs
    return log10_norm_combine(logs, axis=1)
