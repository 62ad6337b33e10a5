"""Determinism, seeded randomness only, and dtype preservation (section 3.4, 3.5 A)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import rnndemo
from rnndemo import (
    SGD,
    Adam,
    SeqModel,
    adding_problem,
    copy_task,
    gradient_norms_by_lag,
    gru_backward,
    gru_forward,
    init,
    lstm_backward,
    lstm_forward,
    lstm_gradient_norms_by_lag,
    noisy_sine,
    rel_error_norm,
    rnn_backward,
    rnn_forward,
    train_adding,
)

KINDS = ["rnn", "lstm", "gru"]


def _run(
    kind: str, params: dict[str, np.ndarray], xb: np.ndarray, gup: np.ndarray
) -> list[np.ndarray]:
    """Forward + backward; returns every output array (states, grads, dx, dh0 ...)."""
    if kind == "rnn":
        h_all, cache = rnn_forward(params, xb)
        grads, dx, dh0, _ = rnn_backward(params, cache, gup)
        extra = [dh0]
    elif kind == "lstm":
        h_all, cache = lstm_forward(params, xb)
        grads, dx, dh0, dc0, _ = lstm_backward(params, cache, gup)
        extra = [dh0, dc0, cache["C"]]
    else:
        h_all, cache = gru_forward(params, xb)
        grads, dx, dh0, _ = gru_backward(params, cache, gup)
        extra = [dh0]
    return [h_all, dx, *extra, *(grads[k] for k in sorted(grads))]


@pytest.mark.parametrize("kind", KINDS)
def test_same_seed_gives_bitwise_identical_results(kind: str) -> None:
    def once(seed: int) -> list[np.ndarray]:
        r = np.random.default_rng(seed)
        params = init(kind, 3, 8, r, scheme="torch")
        xb, gup = r.standard_normal((12, 4, 3)), r.standard_normal((12, 4, 8))
        return [*params.values(), *_run(kind, params, xb, gup)]

    a, b, c = once(5), once(5), once(6)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    assert any(not np.array_equal(x, y) for x, y in zip(a, c, strict=True))


def test_helpers_are_deterministic_per_seed() -> None:
    r1 = gradient_norms_by_lag(1.1, 60, seed=4, nonlinearity="tanh")
    np.testing.assert_array_equal(r1, gradient_norms_by_lag(1.1, 60, seed=4, nonlinearity="tanh"))
    assert not np.array_equal(r1, gradient_norms_by_lag(1.1, 60, seed=5, nonlinearity="tanh"))
    l1 = lstm_gradient_norms_by_lag(1.0, 40, seed=1)
    np.testing.assert_array_equal(l1, lstm_gradient_norms_by_lag(1.0, 40, seed=1))
    h1 = train_adding("gru", T=10, steps=15, seed=2, eval_every=5, eval_size=50)
    h2 = train_adding("gru", T=10, steps=15, seed=2, eval_every=5, eval_size=50)
    h3 = train_adding("gru", T=10, steps=15, seed=3, eval_every=5, eval_size=50)
    np.testing.assert_array_equal(h1.loss, h2.loss)
    np.testing.assert_array_equal(h1.eval_loss, h2.eval_loss)
    assert not np.array_equal(h1.loss, h3.loss)
    np.testing.assert_array_equal(noisy_sine(50, 0.2, seed=1), noisy_sine(50, 0.2, seed=1))
    assert not np.array_equal(noisy_sine(50, 0.2, seed=1), noisy_sine(50, 0.2, seed=2))
    for task in (adding_problem, copy_task):
        x1, y1 = task(np.random.default_rng(9), 4, 12)
        x2, y2 = task(np.random.default_rng(9), 4, 12)
        np.testing.assert_array_equal(x1, x2)
        np.testing.assert_array_equal(y1, y2)


def test_clipped_and_unclipped_runs_see_the_same_data() -> None:
    """Separate streams: the init and the data do not depend on the clip setting,
    so the first step (before any update differs) is identical."""
    kw = {"T": 20, "steps": 3, "optimizer": "sgd", "scheme": "gaussian", "rho": 1.5, "eval_size": 0}
    a = train_adding("rnn", clip=None, seed=1, **kw)
    b = train_adding("rnn", clip=1e-3, seed=1, **kw)
    assert a.loss[0] == b.loss[0]
    assert a.grad_norm[0] == b.grad_norm[0]
    assert b.clipped[0] and not a.clipped[0]


def test_library_never_touches_the_global_numpy_random_state() -> None:
    np.random.seed(123)
    state = np.random.get_state()[1].copy()
    gradient_norms_by_lag(0.9, 20, seed=0, nonlinearity="tanh")
    train_adding("lstm", T=8, steps=3, seed=0, eval_size=10)
    init("gru", 2, 4, np.random.default_rng(0), scheme="orthogonal")
    noisy_sine(10, 0.1, seed=0)
    np.testing.assert_array_equal(np.random.get_state()[1], state)
    # and no module calls the legacy global functions
    pkg = Path(rnndemo.__file__).parent
    legacy = re.compile(r"np\.random\.(?!default_rng|Generator|SeedSequence)\w+")
    offenders = [f"{p.name}: {m}" for p in pkg.glob("*.py") for m in legacy.findall(p.read_text())]
    assert offenders == []


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("param_dtype", [np.float32, np.float64])
def test_float32_input_gives_float32_everything(kind: str, param_dtype: type) -> None:
    r = np.random.default_rng(0)
    params = init(kind, 3, 6, r, scheme="torch", dtype=param_dtype)
    xb = r.standard_normal((9, 2, 3)).astype(np.float32)
    gup = r.standard_normal((9, 2, 6)).astype(np.float32)
    outs = _run(kind, params, xb, gup)
    assert all(o.dtype == np.float32 for o in outs), [o.dtype for o in outs]
    # and float64 input keeps float64, with float32 agreeing to ~1e-7 norm-wise
    p64 = {k: v.astype(np.float64) for k, v in params.items()}
    ref = _run(kind, p64, xb.astype(np.float64), gup.astype(np.float64))
    assert all(o.dtype == np.float64 for o in ref)
    for a, b in zip(outs, ref, strict=True):
        assert a.shape == b.shape
        assert rel_error_norm(a, b) < 1e-5


@pytest.mark.parametrize("kind", KINDS)
def test_model_training_step_keeps_float32(kind: str) -> None:
    r = np.random.default_rng(1)
    params = init(kind, 2, 5, r, dtype=np.float32)
    model = SeqModel(kind, params)
    xb, y = adding_problem(r, 4, 6, dtype=np.float32)
    loss, grads, _ = model.loss_and_grads(xb, y)
    assert np.isfinite(loss)
    assert all(g.dtype == np.float32 for g in grads.values())
    for opt in (SGD(lr=0.1, momentum=0.9), Adam(lr=1e-2)):
        opt.step(model.params, grads)
        assert all(p.dtype == np.float32 for p in model.params.values())


def test_integer_input_is_computed_in_float64() -> None:
    r = np.random.default_rng(2)
    params = init("rnn", 3, 4, r)
    h_all, _ = rnn_forward(params, np.ones((2, 1, 3), dtype=np.int64))
    assert h_all.dtype == np.float64
