"""Synthetic tasks with their baselines (section 3.5 F) and the spectral controls."""

from __future__ import annotations

import numpy as np
import pytest
from rnndemo import (
    ADDING_BASELINES,
    adding_problem,
    copy_baseline,
    copy_task,
    identity,
    init,
    orthogonal,
    scale_to_norm,
    scale_to_radius,
    softmax_xent_head,
    spectral_norm,
    spectral_radius,
)


def test_adding_problem_shapes_markers_and_targets(rng: np.random.Generator) -> None:
    t_len, b = 30, 64
    x, y = adding_problem(rng, b, t_len)
    assert x.shape == (t_len, b, 2) and y.shape == (b, 1)
    values, markers = x[..., 0], x[..., 1]
    assert ((values >= 0) & (values <= 1)).all()
    assert set(np.unique(markers)) == {0.0, 1.0}
    np.testing.assert_array_equal(markers[: t_len // 2].sum(axis=0), 1)  # one in the first half
    np.testing.assert_array_equal(markers[t_len // 2 :].sum(axis=0), 1)  # one in the second
    np.testing.assert_allclose(y[:, 0], (values * markers).sum(axis=0), rtol=1e-15)


def test_adding_baselines_on_100k_samples(rng: np.random.Generator) -> None:
    x, y = adding_problem(rng, 100_000, 10)
    const_mse = np.mean((1.0 - y) ** 2)
    assert const_mse == pytest.approx(ADDING_BASELINES["constant"], rel=0.02)
    later = (x[5:, :, 0] * x[5:, :, 1]).sum(axis=0)  # the value marked in the second half
    last_mse = np.mean((later + 0.5 - y[:, 0]) ** 2)
    assert last_mse == pytest.approx(ADDING_BASELINES["last_only"], rel=0.02)


def test_copy_task_layout(rng: np.random.Generator) -> None:
    t_len, k, n, b = 12, 4, 8, 5
    x, y = copy_task(rng, b, t_len, K=k, n_symbols=n)
    total = t_len + 2 * k
    assert x.shape == (total, b, n + 2) and y.shape == (total, b)
    np.testing.assert_array_equal(x.sum(axis=-1), 1.0)  # one-hot
    ids = x.argmax(axis=-1)
    assert ((ids[:k] >= 1) & (ids[:k] <= n)).all()
    np.testing.assert_array_equal(ids[t_len + k - 1], n + 1)  # the delimiter
    np.testing.assert_array_equal(np.delete(ids, [*range(k), t_len + k - 1], axis=0), 0)
    np.testing.assert_array_equal(y[total - k :], ids[:k])  # reproduce the symbols at the end
    np.testing.assert_array_equal(y[: total - k], 0)


@pytest.mark.parametrize(("t_len", "k", "n"), [(100, 10, 8), (30, 5, 4)])
def test_copy_baseline_matches_an_explicit_memoryless_predictor(
    t_len: int, k: int, n: int, rng: np.random.Generator
) -> None:
    _, y = copy_task(rng, 7, t_len, K=k, n_symbols=n)
    total = t_len + 2 * k
    p = np.zeros((total, 7, n + 2))
    p[: total - k, :, 0] = 1.0  # blank, surely
    p[total - k :, :, 1 : n + 1] = 1.0 / n  # a uniform guess over the symbols
    with np.errstate(divide="ignore"):
        xent = -np.mean(np.log(np.take_along_axis(p, y[..., None], axis=-1)))
    assert copy_baseline(t_len, k, n) == pytest.approx(xent, rel=1e-12)
    assert copy_baseline(100) == pytest.approx(10 * np.log(8) / 120, rel=1e-15)
    # the same predictor as logits through the softmax head (identity readout)
    logits = np.where(p > 0, np.log(np.where(p > 0, p, 1.0)), -1e9)
    head = {"W_out": np.eye(n + 2), "b_out": np.zeros(n + 2)}
    assert softmax_xent_head(head, logits, y).loss == pytest.approx(xent, rel=1e-12)


def test_orthogonal_identity_and_rescaling(rng: np.random.Generator) -> None:
    q = orthogonal(32, rng)
    np.testing.assert_allclose(q.T @ q, np.eye(32), atol=1e-13)
    np.testing.assert_allclose(np.abs(np.linalg.eigvals(q)), 1.0, atol=1e-12)
    assert spectral_radius(identity(5)) == 1.0 and spectral_norm(identity(5)) == 1.0
    w = rng.standard_normal((40, 40))
    assert spectral_radius(scale_to_radius(w, 0.7)) == pytest.approx(0.7, rel=1e-12)
    assert spectral_norm(scale_to_norm(w, 0.7)) == pytest.approx(0.7, rel=1e-12)
    with pytest.raises(ValueError, match="radius 0"):
        scale_to_radius(np.triu(w, 1), 1.0)  # nilpotent


def test_init_schemes_have_the_documented_spectra(rng: np.random.Generator) -> None:
    """Section 1.7: PyTorch's default has rho ~ 1/sqrt(3), sigma_max ~ 2/sqrt(3);
    Glorot has rho ~ 1 but sigma_max ~ 2."""
    h = 256
    torch_w = init("rnn", 4, h, rng, scheme="torch")["W_hh"]
    glorot_w = init("rnn", 4, h, rng, scheme="glorot")["W_hh"]
    assert spectral_radius(torch_w) == pytest.approx(1 / np.sqrt(3), rel=0.1)
    assert spectral_norm(torch_w) == pytest.approx(2 / np.sqrt(3), rel=0.1)
    assert spectral_radius(glorot_w) == pytest.approx(1.0, rel=0.1)
    assert spectral_norm(glorot_w) == pytest.approx(2.0, rel=0.1)
    assert np.abs(torch_w).max() <= 1 / np.sqrt(h)


@pytest.mark.parametrize(("kind", "gates"), [("rnn", 1), ("lstm", 4), ("gru", 3)])
@pytest.mark.parametrize("scheme", ["torch", "glorot", "orthogonal", "identity", "gaussian"])
def test_init_shapes_and_options(
    kind: str, gates: int, scheme: str, rng: np.random.Generator
) -> None:
    d, h, o = 3, 6, 2
    p = init(kind, d, h, rng, scheme=scheme, O=o)
    shapes = {"W_ih": (gates * h, d), "W_hh": (gates * h, h), "b_ih": (gates * h,),
              "b_hh": (gates * h,), "W_out": (o, h), "b_out": (o,)}
    assert {k: v.shape for k, v in p.items()} == shapes
    if kind == "lstm":
        np.testing.assert_array_equal((p["b_ih"] + p["b_hh"])[h : 2 * h], 1.0)
    q = init(kind, d, h, rng, scheme=scheme, rho=0.5)
    for g in range(gates):
        assert spectral_radius(q["W_hh"][g * h : (g + 1) * h]) == pytest.approx(0.5, rel=1e-10)
    s = init(kind, d, h, rng, scheme=scheme, sigma_max=0.5)
    for g in range(gates):
        assert spectral_norm(s["W_hh"][g * h : (g + 1) * h]) == pytest.approx(0.5, rel=1e-10)


def test_init_rejects_bad_arguments(rng: np.random.Generator) -> None:
    with pytest.raises(ValueError, match="not both"):
        init("rnn", 2, 3, rng, rho=1.0, sigma_max=1.0)
    with pytest.raises(ValueError, match="scheme"):
        init("rnn", 2, 3, rng, scheme="xavier")
    with pytest.raises(ValueError, match="kind"):
        init("transformer", 2, 3, rng)
    p = init("lstm", 2, 3, rng, scheme="torch", forget_bias=None)
    assert not np.allclose((p["b_ih"] + p["b_hh"])[3:6], 1.0)
