"""The training loop, with the bookkeeping the clipping lesson plots.

Why record the *pre-clip* gradient norm: it is the quantity that explodes; the
post-clip norm is capped by construction and would hide the problem. Why stop at
the first non-finite loss: after that every number is NaN, and the step where it
happened is the fact the lesson wants to show.

Why early stopping keeps the *best* weights rather than the last: with Adam and
small minibatches the held-out loss keeps jittering once training has converged,
so the last step's weights are one random draw from that jitter (and which draw
depends on the seed and even on the BLAS kernel). The weights at the lowest
held-out loss are a choice made on data, which is what makes a reported number
repeatable across seeds.
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
        best_step: with ``keep_best``, the step whose weights were kept (the one
            with the lowest held-out loss); None otherwise.
        stopped_step: with ``patience``, the step at which training stopped
            because the held-out loss had not improved; None if it ran to the end.
        last_params: with ``keep_best``, a copy of the weights as they were when
            training ended, before the best ones were put back (to compare the
            two); None otherwise.
        model: the trained model, when the helper that trained it attaches it.
    """

    loss: Array
    grad_norm: Array
    clipped: Array
    nonfinite_step: int | None = None
    eval_steps: Array = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    eval_loss: Array = field(default_factory=lambda: np.zeros(0))
    best_step: int | None = None
    stopped_step: int | None = None
    last_params: Params | None = None
    model: Any = None

    @property
    def steps(self) -> int:
        return len(self.loss)

    def first_eval_below(self, level: float) -> int | None:
        """The first evaluated step whose held-out loss is below ``level`` (None: never)."""
        below = np.flatnonzero(self.eval_loss < level)
        return int(self.eval_steps[below[0]]) if below.size else None

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
    keep_best: bool = False,
    patience: int | None = None,
    stop_below: float | None = None,
) -> History:
    """Train ``model`` (anything with ``loss_and_grads(X, y[, lengths])``).

    Args:
        task: draws a batch from ``rng`` each step.
        opt: has ``step(params, grads)``.
        clip: global-norm threshold (PyTorch formula) or None for no clipping.
        rng: the data stream; a default_rng(0) if None.
        eval_data: a fixed ``(X, y[, lengths])`` batch, evaluated every
            ``eval_every`` steps and after the last step.
        keep_best: early stopping's choice of weights: at the end, put back the
            parameters of the evaluation with the lowest held-out loss (the
            earliest one on a tie). Needs ``eval_data`` and ``eval_every``.
        patience: stop once this many evaluations in a row have not improved on
            the best held-out loss (implies ``keep_best``). None: run all steps.
        stop_below: end training at the first evaluation whose loss is below this
            level (a solved task needs no more steps; comparisons of "steps until
            solved" then cost only what they measure).
    """
    if patience is not None:
        keep_best = True
    if keep_best and (eval_data is None or eval_every < 1):
        raise ValueError("keep_best and patience need eval_data and eval_every >= 1")
    rng = np.random.default_rng(0) if rng is None else rng
    losses, norms, clipped = [], [], []
    eval_steps, eval_losses = [], []
    nonfinite_step = None
    best_loss, best_step = np.inf, None
    best_params: dict[str, Array] = {}
    stale = 0  # evaluations since the best one
    solved = False  # stopped at an evaluation below ``stop_below``

    def _evaluate(step: int) -> bool:
        """Evaluate; True when the loss reached ``stop_below``."""
        nonlocal best_loss, best_step, stale
        if eval_data is None:
            return False
        eval_steps.append(step)
        with np.errstate(all="ignore"):
            eval_losses.append(model.loss(*eval_data))
        if keep_best:
            if eval_losses[-1] < best_loss:
                best_loss, best_step, stale = eval_losses[-1], step, 0
                best_params.clear()
                best_params.update({k: v.copy() for k, v in model.params.items()})
            else:
                stale += 1
        return stop_below is not None and bool(eval_losses[-1] < stop_below)

    # non-finite values are detected and reported explicitly below, so the
    # floating-point warnings they would trigger carry no extra information
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        stopped_step = None
        for step in range(steps):
            if eval_every and step % eval_every == 0:
                if _evaluate(step):
                    solved = True
                    break
                if patience is not None and stale >= patience:
                    stopped_step = step
                    break
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
    if eval_data is not None and nonfinite_step is None and stopped_step is None \
            and not solved:
        _evaluate(len(losses))
    last_params = None
    if keep_best and best_params:
        last_params = {k: np.array(v, copy=True) for k, v in model.params.items()}
        # in place, so the caller's model (and any optimiser state keyed to the
        # same arrays) keeps pointing at the arrays it already holds
        for k, v in best_params.items():
            model.params[k][...] = v
    return History(
        loss=np.asarray(losses, dtype=np.float64),
        grad_norm=np.asarray(norms, dtype=np.float64),
        clipped=np.asarray(clipped, dtype=bool),
        nonfinite_step=nonfinite_step,
        eval_steps=np.asarray(eval_steps, dtype=np.int64),
        eval_loss=np.asarray(eval_losses, dtype=np.float64),
        best_step=best_step if keep_best else None,
        stopped_step=stopped_step,
        last_params=last_params,
    )
