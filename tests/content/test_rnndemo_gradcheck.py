"""Finite-difference checks of every gradient (rnn-demo.md section 3.5 B).

Central differences with eps = 1e-6 in float64; the spec's thresholds are a
norm-wise relative error below 1e-7 and an elementwise one below 1e-5.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from rnndemo import (
    SeqModel,
    copy_task,
    gru_backward,
    gru_forward,
    gru_gates,
    gru_step,
    init,
    lstm_backward,
    lstm_forward,
    lstm_gates,
    lstm_step,
    mse_head,
    numerical_grad,
    numerics,
    rel_error_max,
    rel_error_norm,
    rnn_backward,
    rnn_forward,
    rnn_step,
    sigmoid,
    softmax_xent_head,
)

NORM_TOL, ELEM_TOL = 1e-7, 1e-5
T, B, D, H = 7, 3, 4, 5
CELLS = ["rnn-tanh", "rnn-relu", "rnn-linear", "lstm", "gru"]
GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def _params(kind: str, rng: np.random.Generator, d: int = D, h: int = H) -> dict[str, np.ndarray]:
    n_gates = GATES[kind]
    return {
        "W_ih": 0.5 * rng.standard_normal((n_gates * h, d)),
        "W_hh": 0.5 * rng.standard_normal((n_gates * h, h)),
        "b_ih": 0.3 * rng.standard_normal(n_gates * h),
        "b_hh": 0.3 * rng.standard_normal(n_gates * h),
    }


class Case:
    """A cell, its inputs, and the loss L = sum(G * H_all) + sum(g * h_T) [+ sum(gc * c_T)]."""

    def __init__(
        self, name: str, rng: np.random.Generator, loss: str, t: int = T, b: int = B
    ) -> None:
        self.kind, _, nl = name.partition("-")
        self.nonlinearity = nl or "tanh"
        self.params = _params(self.kind, rng)
        self.X = rng.standard_normal((t, b, D))
        self.h0 = rng.standard_normal((b, H))
        self.c0 = rng.standard_normal((b, H))
        self.G = rng.standard_normal((t, b, H)) if loss == "all" else None
        self.g_last = rng.standard_normal((b, H))
        self.g_c = rng.standard_normal((b, H)) if self.kind == "lstm" else None

    def forward(self) -> tuple[np.ndarray, dict[str, Any]]:
        if self.kind == "rnn":
            return rnn_forward(self.params, self.X, self.h0, self.nonlinearity)
        if self.kind == "lstm":
            return lstm_forward(self.params, self.X, self.h0, self.c0)
        return gru_forward(self.params, self.X, self.h0)

    def loss(self) -> float:
        h_all, cache = self.forward()
        total = float(np.sum(self.g_last * h_all[-1]))
        if self.G is not None:
            total += float(np.sum(self.G * h_all))
        if self.g_c is not None:
            total += float(np.sum(self.g_c * cache["C"][-1]))
        return total

    def analytic(self) -> dict[str, np.ndarray]:
        _, cache = self.forward()
        if self.kind == "rnn":
            grads, dx, dh0, _ = rnn_backward(self.params, cache, self.G, self.g_last)
        elif self.kind == "lstm":
            grads, dx, dh0, dc0, _ = lstm_backward(
                self.params, cache, self.G, self.g_last, self.g_c
            )
            grads["c0"] = dc0
        else:
            grads, dx, dh0, _ = gru_backward(self.params, cache, self.G, self.g_last)
        grads["X"], grads["h0"] = dx, dh0
        return grads

    def array(self, name: str) -> np.ndarray:
        return self.params[name] if name in self.params else getattr(self, name)

    def names(self) -> list[str]:
        return [*self.params, "X", "h0"] + (["c0"] if self.kind == "lstm" else [])


@pytest.mark.parametrize("loss", ["all", "last"])
@pytest.mark.parametrize("name", CELLS)
def test_every_gradient_matches_finite_differences(
    name: str, loss: str, rng: np.random.Generator
) -> None:
    case = Case(name, rng, loss)
    grads = case.analytic()
    for p in case.names():
        num = numerical_grad(case.loss, case.array(p), eps=1e-6)
        assert grads[p].shape == case.array(p).shape
        assert rel_error_norm(grads[p], num) < NORM_TOL, (name, p)
        assert rel_error_max(grads[p], num) < ELEM_TOL, (name, p)


@pytest.mark.parametrize("name", ["rnn-tanh", "lstm", "gru"])
def test_gradcheck_detects_a_wrong_gradient(name: str, rng: np.random.Generator) -> None:
    """Negative control: a transposed recurrent gradient must fail the same check."""
    case = Case(name, rng, "all", t=5, b=2)
    grads = case.analytic()
    num = numerical_grad(case.loss, case.params["W_hh"])
    wrong = grads["W_hh"] * 1.001
    assert rel_error_norm(wrong, num) > NORM_TOL
    swapped = np.roll(grads["W_hh"], 1, axis=0)
    assert rel_error_norm(swapped, num) > 1e-2


@pytest.mark.parametrize("name", CELLS)
@pytest.mark.parametrize(("t", "b"), [(1, 1), (1, 4), (6, 1)])
def test_edge_cases_short_and_single_sequence(
    name: str, t: int, b: int, rng: np.random.Generator
) -> None:
    case = Case(name, rng, "all", t=t, b=b)
    grads = case.analytic()
    for p in ("W_hh", "X", "h0"):
        num = numerical_grad(case.loss, case.array(p))
        assert rel_error_norm(grads[p], num) < NORM_TOL, (name, p)


@pytest.mark.parametrize("name", CELLS)
def test_fast_forward_equals_textbook_step(name: str, rng: np.random.Generator) -> None:
    """The optimised forward (hoisted GEMM, folded sigmoid) equals the plain formula."""
    case = Case(name, rng, "all")
    h_all, cache = case.forward()
    h, c = case.h0, case.c0
    for t in range(T):
        if case.kind == "rnn":
            h = rnn_step(case.params, case.X[t], h, case.nonlinearity)
        elif case.kind == "lstm":
            h, c = lstm_step(case.params, case.X[t], h, c)
            np.testing.assert_allclose(cache["C"][t + 1], c, rtol=0, atol=1e-14)
        else:
            h = gru_step(case.params, case.X[t], h)
        np.testing.assert_allclose(h_all[t], h, rtol=0, atol=1e-14)


@pytest.mark.parametrize("name", CELLS)
def test_blocked_backward_equals_whole_sequence(
    name: str, rng: np.random.Generator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The backward loops precompute gate factors in blocks of steps; blocks of
    2-3 steps (forced here) must give the same gradients as one block."""
    case = Case(name, rng, "all", t=11)
    whole = case.analytic()
    monkeypatch.setattr(numerics, "CHUNK_VALUES", 2 * B * H * GATES[case.kind] + 1)
    assert len(numerics.time_chunks(11, B * H * GATES[case.kind])) == 6
    blocked = case.analytic()
    for k in whole:
        np.testing.assert_allclose(blocked[k], whole[k], rtol=1e-14, atol=1e-15)
    num = numerical_grad(case.loss, case.params["W_hh"])
    assert rel_error_norm(blocked["W_hh"], num) < NORM_TOL


def test_lstm_gate_order_is_i_f_g_o(rng: np.random.Generator) -> None:
    """A hand-made LSTM whose forget gate is shut (f = 0) and input gate open
    forgets c_{t-1}; moving that bias to another block changes the result."""
    params = _params("lstm", rng)
    params["W_hh"][:] = 0.0
    params["b_ih"][:] = 0.0
    params["b_hh"][:] = 0.0
    params["b_ih"][H : 2 * H] = -50.0  # f = sigmoid(-50 + ...) ~ 0 only if block 2 is f
    x = np.zeros((1, 1, D))
    c0 = np.full((1, H), 3.0)
    _, cache = lstm_forward(params, x, c0=c0)
    np.testing.assert_allclose(cache["C"][1], 0.0, atol=1e-15)  # f*c0 + i*g, g = tanh(0) = 0


def test_gru_reset_is_applied_after_the_matmul(rng: np.random.Generator) -> None:
    """b_hn sits inside r * (W_hn h + b_hn): with r = 0 the hidden bias has no effect."""
    params = _params("gru", rng)
    params["b_ih"][:H] = -60.0  # r ~ 0
    params["b_hh"][:H] = 0.0
    x, h0 = rng.standard_normal((1, 2, D)), rng.standard_normal((2, H))
    h1, _ = gru_forward(params, x, h0)
    params["b_hh"][2 * H :] += 5.0
    h2, _ = gru_forward(params, x, h0)
    np.testing.assert_allclose(h1, h2, atol=1e-12)
    params["b_ih"][2 * H :] += 5.0  # the input-side bias of n does matter
    h3, _ = gru_forward(params, x, h0)
    assert np.max(np.abs(h3 - h1)) > 1e-3


@pytest.mark.parametrize("head", [mse_head, softmax_xent_head])
def test_heads_gradients(head: Any, rng: np.random.Generator) -> None:
    params = {"W_out": rng.standard_normal((3, H)), "b_out": rng.standard_normal(3)}
    h = rng.standard_normal((4, 2, H))
    y = rng.standard_normal((4, 2, 3)) if head is mse_head else rng.integers(0, 3, size=(4, 2))
    res = head(params, h, y)

    def f() -> float:
        return head(params, h, y).loss

    for name, arr, g in (("W_out", params["W_out"], res.grads["W_out"]),
                         ("b_out", params["b_out"], res.grads["b_out"]), ("h", h, res.dh)):
        num = numerical_grad(f, arr)
        assert rel_error_norm(g, num) < NORM_TOL, name


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_seqmodel_with_embedding_and_lengths(kind: str, rng: np.random.Generator) -> None:
    """End-to-end plumbing: embedding, per-sequence last-step readout, softmax head."""
    params = init(kind, D, H, rng, scheme="gaussian", O=2)
    params["E"] = rng.standard_normal((9, D))
    model = SeqModel(kind, params, head="xent", readout="last")
    ids = rng.integers(0, 9, size=(6, 4))
    lengths = np.array([6, 2, 4, 1])
    y = np.array([0, 1, 1, 0])
    _, grads, _ = model.loss_and_grads(ids, y, lengths)

    def f() -> float:
        return model.loss(ids, y, lengths)

    for p in params:
        num = numerical_grad(f, params[p])
        assert rel_error_norm(grads[p], num) < NORM_TOL, p
    # padding after a sequence's end cannot change its prediction
    ids2 = ids.copy()
    ids2[2:, 1] = 0
    np.testing.assert_array_equal(model.predict(ids, lengths)[1], model.predict(ids2, lengths)[1])


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_seqmodel_with_an_output_at_every_step(kind: str, rng: np.random.Generator) -> None:
    """readout="all": the head's gradient enters BPTT at every step (copy task)."""
    x, y = copy_task(rng, 2, 4, K=2, n_symbols=3)  # length 8, 5 classes
    params = init(kind, 5, H, rng, scheme="gaussian", O=5)
    model = SeqModel(kind, params, head="xent", readout="all")
    loss, grads, info = model.loss_and_grads(x, y)
    assert loss == pytest.approx(model.loss(x, y), rel=1e-14)
    assert info["dh_norm"].shape == (8,)
    assert model.predict(x).shape == (8, 2, 5)
    for p in params:
        num = numerical_grad(lambda: model.loss(x, y), params[p])
        assert rel_error_norm(grads[p], num) < NORM_TOL, p


def test_gate_accessors_return_the_textbook_gates(rng: np.random.Generator) -> None:
    """lstm_gates / gru_gates hide the internal storage layout (LSTM: gate-major,
    order o, i, f, g) and give the activations in the usual order."""
    x = rng.standard_normal((3, 2, D))
    h0, c0 = rng.standard_normal((2, H)), rng.standard_normal((2, H))
    p = _params("lstm", rng)
    _, cache = lstm_forward(p, x, h0, c0)
    z = x[1] @ p["W_ih"].T + p["b_ih"] + cache["H"][1] @ p["W_hh"].T + p["b_hh"]
    expected = [sigmoid(z[:, :H]), sigmoid(z[:, H : 2 * H]), np.tanh(z[:, 2 * H : 3 * H]),
                sigmoid(z[:, 3 * H :])]
    for got, want in zip(lstm_gates(cache, 2), expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-15)
    q = _params("gru", rng)
    _, gcache = gru_forward(q, x, h0)
    gi = x[0] @ q["W_ih"].T + q["b_ih"]
    gh = h0 @ q["W_hh"].T + q["b_hh"]
    r = sigmoid(gi[:, :H] + gh[:, :H])
    zz = sigmoid(gi[:, H : 2 * H] + gh[:, H : 2 * H])
    n = np.tanh(gi[:, 2 * H :] + r * gh[:, 2 * H :])
    for got, want in zip(gru_gates(gcache, 1), (r, zz, n), strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-15)
