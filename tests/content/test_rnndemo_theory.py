"""The vanishing/exploding theory, checked numerically (rnn-demo.md section 3.5 E).

Setup as in the notes unless said otherwise: H = 64, B = 4, T = 200, loss at
the last step only, float64.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from rnndemo import (
    grad_norm_profile,
    gradient_norms_by_lag,
    gru_backward,
    gru_forward,
    jacobian,
    jacobian_product,
    lstm_backward,
    lstm_forward,
    lstm_gates,
    lstm_gradient_norms_by_lag,
    orthogonal,
    rel_error_norm,
    rnn_backward,
    rnn_forward,
    safe_norm,
    scale_to_norm,
    scale_to_radius,
    spectral_norm,
    spectral_radius,
)

H, B, T, D = 64, 4, 200, 8


def _rnn_params(w_hh: np.ndarray, rng: np.random.Generator, d: int = D) -> dict[str, np.ndarray]:
    h = w_hh.shape[0]
    return {
        "W_ih": rng.standard_normal((h, d)) / np.sqrt(d),
        "W_hh": w_hh,
        "b_ih": np.zeros(h),
        "b_hh": np.zeros(h),
    }


@pytest.mark.parametrize("rho", [0.9, 1.0, 1.1])
def test_linear_rnn_decays_exactly_like_rho_to_the_k(rho: float, rng: np.random.Generator) -> None:
    """E1: with phi = identity and W_hh = rho Q, ||dL/dh_t|| = rho^(T-t) ||dL/dh_T||."""
    params = _rnn_params(rho * orthogonal(H, rng), rng)
    x = rng.standard_normal((T, B, D))
    _, cache = rnn_forward(params, x, nonlinearity="linear")
    g_last = rng.standard_normal((B, H))
    _, _, dh0, info = rnn_backward(params, cache, None, g_last)
    norms = np.concatenate([[np.linalg.norm(dh0)], info["dh_norm"]])  # t = 0..T
    lags = T - np.arange(T + 1)
    np.testing.assert_allclose(norms / norms[-1], rho**lags, rtol=1e-10)
    # the same through the public helper, lag-indexed (index 0 = lag 0 = 1.0)
    ratios = gradient_norms_by_lag(rho, T, seed=3, hidden=H, nonlinearity="linear")
    assert ratios[0] == 1.0
    np.testing.assert_allclose(ratios, rho ** np.arange(T + 1), rtol=1e-10)


@pytest.mark.parametrize("s", [0.5, 0.9, 0.99])
def test_tanh_rnn_obeys_the_singular_value_bound(s: float, rng: np.random.Generator) -> None:
    """E2: if sigma_max(W_hh) = s < 1 then ||g_t|| <= s^(T-t) ||g_last|| for every t,
    and in practice tanh' < 1 makes the decay much faster than the bound."""
    w = scale_to_norm(rng.standard_normal((H, H)) / np.sqrt(H), s)
    params = _rnn_params(w, rng)
    _, cache = rnn_forward(params, rng.standard_normal((T, B, D)))
    prof = grad_norm_profile(params, cache, rng.standard_normal((B, H)))
    log_ratio = prof - prof[-1]
    lags = T - np.arange(T + 1)
    assert np.all(log_ratio <= lags * np.log10(s) + 1e-12)
    assert log_ratio[T - 50] < 50 * np.log10(s) - 5  # lag 50: >= 5 orders below the bound


def test_the_bound_needs_sigma_max_not_the_radius(rng: np.random.Generator) -> None:
    """Pascanu's sufficient condition uses the largest singular value: a Gaussian
    W_hh rescaled to rho = 0.9 has sigma_max ~ 1.8, and one linear step back can
    grow a gradient aligned with its top singular direction by sigma_max."""
    w = scale_to_radius(rng.standard_normal((H, H)) / np.sqrt(H), 0.9)
    smax = spectral_norm(w)
    assert smax > 1.4
    u, _, _ = np.linalg.svd(w)
    params = _rnn_params(w, rng)
    _, cache = rnn_forward(params, rng.standard_normal((1, 1, D)), nonlinearity="linear")
    _, _, dh0, _ = rnn_backward(params, cache, None, u[:, :1].T)
    assert np.linalg.norm(dh0) == pytest.approx(smax, rel=1e-12)


@pytest.mark.parametrize("rho", [0.8, 1.0, 1.2])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_spectral_radius_sets_the_asymptotic_rate(rho: float, seed: int) -> None:
    """E3: zero input and h0 = 0 keep tanh in its linear regime (jac = W_hh exactly);
    the fitted log-growth per step over lags 100..200 is log(rho) within 0.01,
    although sigma_max(W_hh) is far above 1."""
    logr = gradient_norms_by_lag(
        rho, T, seed, hidden=H, nonlinearity="tanh", input_scale=0.0, matrix="gaussian", log10=True
    )
    k = np.arange(100, T + 1)
    slope = np.polyfit(k, logr[100:] * np.log(10.0), 1)[0]
    assert abs(slope - np.log(rho)) < 0.01


def test_gaussian_matrices_have_rho_near_one_but_sigma_max_near_two(
    rng: np.random.Generator,
) -> None:
    w = rng.standard_normal((256, 256)) / 16.0
    assert 0.9 < spectral_radius(w) < 1.1
    assert 1.8 < spectral_norm(w) < 2.2


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rho_above_one_is_necessary_but_not_sufficient(seed: int) -> None:
    """E4: rho = 1.5 with unit inputs saturates tanh and the gradient vanishes;
    the same weights with inputs of scale 0.01 explode; rho = 3 explodes; and a
    radius (= sigma_max here) below 1 never explodes, whatever the inputs."""
    def ratio(rho: float, scale: float) -> float:
        r = gradient_norms_by_lag(rho, T, seed, hidden=H, nonlinearity="tanh", input_scale=scale)
        return float(r[-1])

    assert ratio(1.5, 1.0) < 1e-6
    assert ratio(1.5, 0.01) > 1e4
    assert ratio(3.0, 1.0) > 1e15
    for scale in (1.0, 0.01, 0.0):
        r = gradient_norms_by_lag(0.9, T, seed, hidden=H, nonlinearity="tanh", input_scale=scale)
        assert np.all(r <= 0.9 ** np.arange(T + 1) * (1 + 1e-12))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lstm_forget_bias_orders_the_gradient_flow(seed: int) -> None:
    """E5: H = 32, T = 200; ||dL/dh_0|| / ||dL/dh_T|| rises monotonically with b_f."""
    biases = [-2.0, 0.0, 1.0, 3.0, 5.0]
    ratios = [lstm_gradient_norms_by_lag(b, T, seed, hidden=32)[-1] for b in biases]
    assert all(a < b for a, b in itertools.pairwise(ratios))
    assert ratios[0] < 1e-60
    assert ratios[-1] > 1e-2


@pytest.mark.parametrize("kind", ["rnn", "gru", "lstm"])
def test_jacobian_product_equals_bptt(kind: str, rng: np.random.Generator) -> None:
    """E6: (ds_T/ds_t)^T g_last is the BPTT gradient at step t, to 1e-12.

    BPTT at step t is obtained by restarting the forward at h_t (and c_t) on the
    remaining inputs, so the full vector is compared, not only its norm."""
    h, d, t_len, b = 8, 3, 30, 2
    n_gates = {"rnn": 1, "gru": 3, "lstm": 4}[kind]
    params = {
        "W_ih": rng.standard_normal((n_gates * h, d)) / np.sqrt(d),
        "W_hh": 1.2 * rng.standard_normal((n_gates * h, h)) / np.sqrt(h),
        "b_ih": 0.1 * rng.standard_normal(n_gates * h),
        "b_hh": 0.1 * rng.standard_normal(n_gates * h),
    }
    x = rng.standard_normal((t_len, b, d))
    g_last = rng.standard_normal((b, h))
    fwd = {"rnn": rnn_forward, "gru": gru_forward, "lstm": lstm_forward}[kind]
    _, cache = fwd(params, x)
    for t in (0, 1, 13, t_len - 1, t_len):
        prod = jacobian_product(params, cache, t, t_len)
        sub = x[t:]
        h_t = cache["H"][t]
        if kind == "lstm":
            g_full = np.concatenate([g_last, np.zeros_like(g_last)], axis=1)
            expected = np.einsum("bij,bi->bj", prod, g_full)
            if t == t_len:
                np.testing.assert_array_equal(expected, g_full)
                continue
            _, c2 = lstm_forward(params, sub, h_t, cache["C"][t])
            _, _, dh, dc, _ = lstm_backward(params, c2, None, g_last)
            got = np.concatenate([dh, dc], axis=1)
        else:
            expected = np.einsum("bij,bi->bj", prod, g_last)
            if t == t_len:
                np.testing.assert_array_equal(expected, g_last)
                continue
            back = rnn_backward if kind == "rnn" else gru_backward
            _, c2 = fwd(params, sub, h_t)
            _, _, got, _ = back(params, c2, None, g_last)
        assert rel_error_norm(got, expected) < 1e-12, t
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12 * np.abs(expected).max())
    # one step of the product is the one-step Jacobian, diag(phi'(a_t)) W_hh for the RNN
    jac = jacobian(params, cache, 5)
    np.testing.assert_array_equal(jacobian_product(params, cache, 4, 5), jac)
    if kind == "rnn":
        d5 = 1 - cache["H"][5] ** 2
        np.testing.assert_allclose(jac[0], d5[0][:, None] * params["W_hh"], rtol=1e-15)


def test_norms_do_not_underflow_at_long_lags(rng: np.random.Generator) -> None:
    """Section 3.3: a tanh RNN over T = 1000 has true gradient norms down to ~1e-200;
    sqrt(sum(x*x)) would report exact zeros below ~1e-154. Ours agree with the
    renormalised profile, and the profile keeps going below 1e-308."""
    h, t_len = 64, 1000
    params = _rnn_params(rng.standard_normal((h, h)) / np.sqrt(h), rng)
    _, cache = rnn_forward(params, rng.standard_normal((t_len, B, D)))
    g_last = rng.standard_normal((B, h))
    _, _, dh0, info = rnn_backward(params, cache, None, g_last)
    prof = grad_norm_profile(params, cache, g_last)
    assert prof.min() < -160  # the regime where naive norms fail
    direct = np.log10(np.concatenate([[safe_norm(dh0)], info["dh_norm"]]))
    ok = prof > -300  # below ~1e-308 the backward vector itself underflows
    assert ok.sum() > 0.9 * len(ok)
    np.testing.assert_allclose(direct[ok], prof[ok], atol=1e-10)
    tiny = direct[ok] < -160
    assert tiny.sum() > 50  # many steps where sqrt(sum(x*x)) would have returned 0
    # linear, rho = 0.5, 2000 steps: exact down to 1e-602
    logr = gradient_norms_by_lag(0.5, 2000, seed=0, hidden=16, nonlinearity="linear", log10=True)
    np.testing.assert_allclose(logr, np.arange(2001) * np.log10(0.5), atol=1e-9)
    assert logr[-1] < -600


@pytest.mark.parametrize("kind", ["rnn", "gru", "lstm"])
def test_reported_norms_match_the_vectors_and_the_profile(
    kind: str, rng: np.random.Generator
) -> None:
    """info["dh_norm"] (and LSTM's dc_norm) are the norms of the actual gradient
    vectors, per sequence and over the batch, and agree with the renormalised
    profile computed by a different code path."""
    h, d, t_len, b = 8, 3, 40, 3
    n_gates = {"rnn": 1, "gru": 3, "lstm": 4}[kind]
    params = {
        "W_ih": rng.standard_normal((n_gates * h, d)) / np.sqrt(d),
        "W_hh": rng.standard_normal((n_gates * h, h)) / np.sqrt(h),
        "b_ih": 0.1 * rng.standard_normal(n_gates * h),
        "b_hh": 0.1 * rng.standard_normal(n_gates * h),
    }
    x = rng.standard_normal((t_len, b, d))
    g_last = rng.standard_normal((b, h))
    fwd = {"rnn": rnn_forward, "gru": gru_forward, "lstm": lstm_forward}[kind]
    _, cache = fwd(params, x)
    if kind == "lstm":
        _, _, dh0, _, info = lstm_backward(params, cache, None, g_last)
    else:
        back = rnn_backward if kind == "rnn" else gru_backward
        _, _, dh0, info = back(params, cache, None, g_last)
    assert info["dh_norm"].shape == (t_len,) and info["dh_norm_seq"].shape == (t_len, b)
    np.testing.assert_allclose(info["dh_norm_seq"][-1], np.linalg.norm(g_last, axis=1), rtol=1e-15)
    direct = np.log10(np.concatenate([[np.linalg.norm(dh0)], info["dh_norm"]]))
    np.testing.assert_allclose(grad_norm_profile(params, cache, g_last), direct, atol=1e-12)
    per_seq = grad_norm_profile(params, cache, g_last, per_sequence=True)
    np.testing.assert_allclose(per_seq[1:], np.log10(info["dh_norm_seq"]), atol=1e-12)
    for t in (5, 21):  # the full vectors at step t, by restarting the forward at h_t
        h_t = cache["H"][t]
        if kind == "lstm":
            _, c2 = lstm_forward(params, x[t:], h_t, cache["C"][t])
            _, _, g_t, dc_t, _ = lstm_backward(params, c2, None, g_last)
            # the restart holds h_t fixed; the total dL/dc_t adds the path through
            # h_t = o_t tanh(c_t)
            o_t, tc_t = lstm_gates(cache, t)[3], cache["TC"][t - 1]
            total_dc = dc_t + g_t * o_t * (1 - tc_t**2)
            np.testing.assert_allclose(info["dc_norm"][t - 1], np.linalg.norm(total_dc), rtol=1e-12)
        else:
            _, c2 = fwd(params, x[t:], h_t)
            _, _, g_t, _ = back(params, c2, None, g_last)
        np.testing.assert_allclose(info["dh_norm"][t - 1], np.linalg.norm(g_t), rtol=1e-12)
        np.testing.assert_allclose(info["dh_norm_seq"][t - 1], np.linalg.norm(g_t, axis=1),
                                   rtol=1e-12)
