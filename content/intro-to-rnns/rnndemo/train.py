"""The training loop, with the bookkeeping the clipping lesson plots.

Why record the *pre-clip* gradient norm: it is the quantity that explodes; the
post-clip norm is capped by construction and would hide the problem. Why stop at
the first non-finite loss: after that every number is NaN, and the step where it
happened is the fact the lesson wants to show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from .clipping import clip_grad_norm
from .numerics import Array, Params, global_norm


class Optimizer(Protocol):
    def step(self, params: Params, grads: Params) -> None: ...


#: a task draws one training batch from the given generator: (X, y) or (X, y, lengths)
Task = Callable[[np.random.Generator], tuple[Any, ...]]


@dataclass
class History:
    """Per-step training record.

    Attributes:
        loss, grad_norm, clipped: one entry per step taken (``grad_norm`` is the
            global norm *before* clipping; ``clipped`` whether clipping fired).
        nonfinite_step: index of the first step whose loss or gradient was not
            finite (None if there was none). No update is applied at that step.
        eval_steps, eval_loss: periodic loss on a fixed held-out batch, if any.
        model: the trained model, when the helper that trained it attaches it.
    """

    loss: Array
    grad_norm: Array
    clipped: Array
    nonfinite_step: int | None = None
    eval_steps: Array = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    eval_loss: Array = field(default_factory=lambda: np.zeros(0))
    model: Any = None

    @property
    def steps(self) -> int:
        return len(self.loss)

    def final_loss(self, window: int = 50) -> float:
        """Mean training loss over the last ``window`` finite steps."""
        finite = self.loss[np.isfinite(self.loss)]
        return float(np.mean(finite[-window:])) if finite.size else float("nan")


def train(
    model: Any,
    task: Task,
    steps: int,
    opt: Optimizer,
    clip: float | None = None,
    rng: np.random.Generator | None = None,
    *,
    stop_on_nonfinite: bool = True,
    eval_data: tuple[Any, ...] | None = None,
    eval_every: int = 0,
) -> History:
    """Train ``model`` (anything with ``loss_and_grads(X, y[, lengths])``).

    Args:
        task: draws a batch from ``rng`` each step.
        opt: has ``step(params, grads)``.
        clip: global-norm threshold (PyTorch formula) or None for no clipping.
        rng: the data stream; a default_rng(0) if None.
        eval_data: a fixed ``(X, y[, lengths])`` batch, evaluated every
            ``eval_every`` steps and after the last step.
    """
    rng = np.random.default_rng(0) if rng is None else rng
    losses, norms, clipped = [], [], []
    eval_steps, eval_losses = [], []
    nonfinite_step = None

    def _evaluate(step: int) -> None:
        if eval_data is not None:
            eval_steps.append(step)
            with np.errstate(all="ignore"):
                eval_losses.append(model.loss(*eval_data))

    # non-finite values are detected and reported explicitly below, so the
    # floating-point warnings they would trigger carry no extra information
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for step in range(steps):
            if eval_every and step % eval_every == 0:
                _evaluate(step)
            batch = task(rng)
            loss, grads, _ = model.loss_and_grads(*batch)
            if clip is not None:
                res = clip_grad_norm(grads, clip)
                norm, fired, grads = res.total_norm, res.was_clipped, res.clipped
            else:
                norm, fired = global_norm(grads), False
            losses.append(loss)
            norms.append(norm)
            clipped.append(fired)
            if not (np.isfinite(loss) and np.isfinite(norm)):
                if nonfinite_step is None:
                    nonfinite_step = step
                if stop_on_nonfinite:
                    break
                continue
            opt.step(model.params, grads)
    if eval_data is not None and nonfinite_step is None:
        _evaluate(len(losses))
    return History(
        loss=np.asarray(losses, dtype=np.float64),
        grad_norm=np.asarray(norms, dtype=np.float64),
        clipped=np.asarray(clipped, dtype=bool),
        nonfinite_step=nonfinite_step,
        eval_steps=np.asarray(eval_steps, dtype=np.int64),
        eval_loss=np.asarray(eval_losses, dtype=np.float64),
    )
