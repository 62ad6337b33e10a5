"""Training: optimisers, the loop's bookkeeping, and the two smoke tests of
rnn-demo.md section 3.5 G (loose criteria only: the divergence is chaotic)."""

from __future__ import annotations

import numpy as np
import pytest
from rnndemo import (
    ADDING_BASELINES,
    SGD,
    Adam,
    History,
    SeqModel,
    adding_problem,
    init,
    train,
    train_adding,
)

CLIP_DEMO = {
    "T": 50, "optimizer": "sgd", "lr": 0.1, "scheme": "gaussian", "rho": 1.5, "eval_size": 0,
}


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_unclipped_rnn_blows_up_while_clipped_stays_finite(seed: int) -> None:
    """tanh RNN, H = 32, adding T = 50, W_hh rescaled to rho = 1.5, SGD lr 0.1."""
    raw = train_adding("rnn", steps=100, clip=None, seed=seed, **CLIP_DEMO)
    exploded = raw.nonfinite_step is not None or np.nanmax(raw.grad_norm) > 1e6
    assert exploded
    clipped = train_adding("rnn", steps=600, clip=1.0, seed=seed, **CLIP_DEMO)
    assert clipped.nonfinite_step is None
    assert clipped.steps == 600
    assert np.isfinite(clipped.loss).all() and np.isfinite(clipped.grad_norm).all()
    assert clipped.clipped.any()  # the threshold was actually reached
    assert np.max(clipped.grad_norm[clipped.clipped]) > 1.0
    assert clipped.final_loss() > 0.1  # clipping does not create long memory


@pytest.mark.slow
def test_lstm_learns_adding_while_rnn_stays_at_the_baseline() -> None:
    """H = 32, Adam lr 1e-2, clip 1, forget bias 1, batch 32, T = 50, 1000 steps;
    MSE on 1000 held-out sequences."""
    lstm = train_adding("lstm", T=50, steps=1000, clip=1.0, seed=0, eval_every=0, eval_size=1000)
    assert lstm.eval_loss[-1] < 0.01
    rnn = train_adding("rnn", T=50, steps=1000, clip=1.0, seed=0, eval_every=0, eval_size=1000)
    assert abs(rnn.eval_loss[-1] - ADDING_BASELINES["constant"]) < 0.05


def test_train_stops_at_the_first_nonfinite_step_without_updating() -> None:
    class Exploding:
        def __init__(self) -> None:
            self.params = {"w": np.ones(2)}
            self.calls = 0

        def loss_and_grads(self, x: np.ndarray, y: np.ndarray) -> tuple[float, dict, dict]:
            self.calls += 1
            g = np.array([1.0, np.inf]) if self.calls == 4 else np.array([1.0, 1.0])
            return float(self.calls), {"w": g}, {}

    model = Exploding()
    hist = train(model, lambda r: (None, None), steps=10, opt=SGD(lr=1.0), clip=0.5)
    assert isinstance(hist, History)
    assert hist.nonfinite_step == 3 and hist.steps == 4
    assert not np.isfinite(hist.grad_norm[3])
    np.testing.assert_array_equal(hist.clipped, [True, True, True, False])
    # three clipped updates of norm 0.5 along (1, 1)/sqrt(2); none at the bad step
    np.testing.assert_allclose(model.params["w"], 1 - 3 * 0.5 / (np.sqrt(2) + 1e-6), rtol=1e-12)
    hist2 = train(
        Exploding(), lambda r: (None, None), steps=10, opt=SGD(lr=1.0), stop_on_nonfinite=False
    )
    assert hist2.steps == 10 and hist2.nonfinite_step == 3


def test_adam_and_sgd_follow_the_pytorch_update_rules() -> None:
    p = {"w": np.array([1.0, -2.0, 3.0])}
    g = {"w": np.array([0.5, -4.0, 0.0])}
    Adam(lr=0.1).step(p, g)  # first step: m_hat / sqrt(v_hat) = g / |g|
    np.testing.assert_allclose(p["w"], [0.9, -1.9, 3.0], rtol=1e-7)
    opt = SGD(lr=0.1, momentum=0.9)
    q = {"w": np.zeros(3)}
    opt.step(q, g)
    opt.step(q, g)  # v = 0.9 g + g
    np.testing.assert_allclose(q["w"], -0.1 * g["w"] - 0.1 * 1.9 * g["w"], rtol=1e-15)


def test_training_reduces_the_loss_and_evaluates_on_schedule() -> None:
    r = np.random.default_rng(3)
    model = SeqModel("gru", init("gru", 2, 16, r, scheme="orthogonal"))
    eval_data = adding_problem(np.random.default_rng(4), 200, 10)
    before = model.loss(*eval_data)
    hist = train(model, lambda rr: adding_problem(rr, 32, 10), 150, Adam(lr=1e-2), clip=1.0,
                 rng=np.random.default_rng(5), eval_data=eval_data, eval_every=50)
    np.testing.assert_array_equal(hist.eval_steps, [0, 50, 100, 150])
    assert hist.eval_loss[0] == pytest.approx(before, rel=1e-12)
    assert hist.eval_loss[-1] < 0.5 * before


def test_training_stops_at_the_first_evaluation_below_stop_below() -> None:
    config = {"T": 10, "hidden": 8, "steps": 600, "clip": 1.0, "eval_every": 25,
              "eval_size": 200}
    full = train_adding("gru", seed=1, **config)
    level = 0.05
    first = full.first_eval_below(level)
    assert first is not None and 0 < first < 600  # the task is solved within the budget
    stopped = train_adding("gru", seed=1, stop_below=level, **config)
    # The same run, cut at that evaluation: no update after it, no extra final evaluation.
    assert stopped.steps == first and stopped.eval_steps[-1] == first
    assert stopped.eval_loss[-1] < level <= stopped.eval_loss[:-1].min()
    np.testing.assert_array_equal(stopped.loss, full.loss[:first])
    assert stopped.first_eval_below(level) == first
    assert full.first_eval_below(0.0) is None
