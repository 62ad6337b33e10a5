"""Dropout on a recurrent network, decoupled weight decay, and the overfitting experiment."""

from __future__ import annotations

import numpy as np
import pytest
from rnndemo import Adam, init, numerical_grad, rel_error_max, rnn_forward
from rnndemo.regularize import (
    AdamW,
    dropout_masks,
    dropout_rnn_forward,
    dropout_rnn_loss,
    surviving_fraction,
    train_regularized,
)


@pytest.mark.parametrize("recurrent", ["none", "naive", "variational"])
def test_backward_matches_finite_differences_with_masks_held_fixed(
    rng: np.random.Generator, recurrent: str
) -> None:
    T, B, D, H = 5, 3, 2, 4
    params = init("rnn", D, H, rng, scheme="gaussian", O=1)
    params["b_ih"] = rng.standard_normal(H) * 0.1  # nonzero biases so their gradients are tested
    X, y = rng.standard_normal((T, B, D)), rng.standard_normal((B, 1))
    masks = dropout_masks(rng, T, B, D, H, p_input=0.3, p_output=0.3, p_recurrent=0.3,
                          recurrent=recurrent)
    _, grads = dropout_rnn_loss(params, X, y, masks)
    for name, P in params.items():
        num = numerical_grad(lambda: dropout_rnn_loss(params, X, y, masks)[0], P)
        assert rel_error_max(grads[name], num) < 1e-6, name


def test_without_masks_the_model_is_the_library_rnn(rng: np.random.Generator) -> None:
    params = init("rnn", 2, 6, rng, scheme="torch", O=1)
    X = rng.standard_normal((7, 4, 2))
    pred, _ = dropout_rnn_forward(params, X)
    H_all, _ = rnn_forward(params, X)
    np.testing.assert_allclose(pred, H_all[-1] @ params["W_out"].T + params["b_out"], rtol=1e-12)


def test_mask_shapes_scaling_and_sharing_over_time(rng: np.random.Generator) -> None:
    T, B, D, H, p = 6, 500, 3, 40, 0.25
    var = dropout_masks(rng, T, B, D, H, p_input=p, p_output=p, p_recurrent=p)
    naive = dropout_masks(rng, T, B, D, H, p_input=p, p_output=p, p_recurrent=p, recurrent="naive")
    for m in (var, naive):
        assert m["x"].shape == (T, B, D) and m["h"].shape == (T, B, H) and m["o"].shape == (B, H)
        # inverted dropout: kept entries are 1/(1-p), so the mean stays near 1
        assert set(np.unique(m["h"])) == {0.0, 1.0 / (1.0 - p)}
        assert abs(float(np.mean(m["h"])) - 1.0) < 0.03
    assert all(np.array_equal(var["h"][t], var["h"][0]) for t in range(T))
    assert all(np.array_equal(var["x"][t], var["x"][0]) for t in range(T))
    assert not np.array_equal(naive["h"][1], naive["h"][0])
    off = dropout_masks(rng, T, B, D, H, p_recurrent=p, recurrent="none")
    assert np.all(off["h"] == 1.0) and np.all(off["x"] == 1.0) and np.all(off["o"] == 1.0)
    with pytest.raises(ValueError, match="recurrent"):
        dropout_masks(rng, T, B, D, H, recurrent="zoneout")
    with pytest.raises(ValueError, match="probability"):
        dropout_masks(rng, T, B, D, H, p_output=1.0)


def test_surviving_fraction_follows_the_two_formulas() -> None:
    p, T = 0.25, 10
    assert surviving_fraction("naive", T, p) == pytest.approx((1 - p) ** T, abs=0.003)
    assert surviving_fraction("variational", T, p) == pytest.approx(1 - p, abs=0.005)


def test_adamw_decays_the_named_weights_before_the_adam_step() -> None:
    params = {"W_hh": np.array([2.0, -4.0]), "b_hh": np.array([1.0])}
    grads = {"W_hh": np.array([0.5, 0.5]), "b_hh": np.array([0.5])}
    ref = {k: v.copy() for k, v in params.items()}
    AdamW(lr=0.1, weight_decay=0.5).step(params, grads)
    Adam(lr=0.1).step(ref, grads)  # the first Adam step moves every entry by lr * sign(g)
    np.testing.assert_allclose(params["W_hh"], np.array([2.0, -4.0]) * (1 - 0.05) - 0.1)
    np.testing.assert_allclose(params["b_hh"], ref["b_hh"])  # biases are not decayed


def test_training_is_deterministic_and_regularisers_narrow_the_gap() -> None:
    small: dict[str, int] = {"n_train": 64, "n_valid": 300, "steps": 150, "hidden": 24, "seed": 1}
    plain = train_regularized(**small)
    assert plain == train_regularized(**small)
    # 64 sequences and 24 units: the training loss ends far below the validation loss
    assert plain.train_loss < 0.2 * plain.valid_loss
    dropped = train_regularized(p_recurrent=0.1, p_output=0.1, **small)
    decayed = train_regularized(weight_decay=0.5, **small)
    assert dropped.gap < plain.gap and decayed.gap < plain.gap
