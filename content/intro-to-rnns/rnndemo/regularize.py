"""Dropout and weight decay for a recurrent network, and a small overfitting experiment.

Why a separate, plainly written tanh RNN: dropout changes the forward pass (a
random mask multiplies some activations), so the backward pass changes too, and
the point of the lesson is *where* the mask goes. Three places are possible:

* the input ``x_t`` of every step and the output that feeds the readout (the
  non-recurrent connections; Zaremba et al. 2014 drop only these);
* the recurrent connection ``h_{t-1} -> h_t`` with a **fresh** mask at every
  step ("naive"), which erases part of the memory again at every step;
* the recurrent connection with the **same** mask at every step of a sequence
  ("variational", Gal & Ghahramani 2016), which removes whole units for the
  sequence instead of punching new holes in the state at every step.

Masks use inverted dropout: a kept unit is scaled by 1 / (1 - p), so the
expected activation is unchanged and evaluation simply uses no mask. The
recurrence is ``a_t = W_ih (m^x_t * x_t) + W_hh (m^h_t * h_{t-1}) + b``,
``h_t = tanh(a_t)``, and the readout sees ``m^o * h_T``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .numerics import Array, Params, single_blas_thread
from .optim import Adam
from .spectral import init
from .tasks import adding_problem

__all__ = [
    "RECURRENT",
    "AdamW",
    "RegularizedRun",
    "dropout_masks",
    "dropout_rnn_backward",
    "dropout_rnn_forward",
    "dropout_rnn_loss",
    "surviving_fraction",
    "train_regularized",
]

#: the recurrent schemes: no mask on h_{t-1}, a fresh mask per step, the same mask at every step
RECURRENT = ("none", "naive", "variational")


def _mask(rng: np.random.Generator, shape: tuple[int, ...], p: float) -> Array:
    """Inverted-dropout mask: 0 with probability p, else 1 / (1 - p)."""
    if not 0.0 <= p < 1.0:
        raise ValueError("the dropout probability must be in [0, 1)")
    return (rng.random(shape) >= p) / (1.0 - p)


def dropout_masks(
    rng: np.random.Generator,
    T: int,
    B: int,
    D: int,
    H: int,
    *,
    p_input: float = 0.0,
    p_output: float = 0.0,
    p_recurrent: float = 0.0,
    recurrent: str = "variational",
) -> dict[str, Array]:
    """Masks ``x`` (T,B,D), ``h`` (T,B,H) and ``o`` (B,H) for one batch.

    ``recurrent`` decides how the mask on h_{t-1} is drawn: ``"naive"`` a fresh
    one at every step, ``"variational"`` one per sequence repeated over time. In
    the variational scheme the input mask is also repeated over time, as Gal &
    Ghahramani prescribe; otherwise it is drawn per step. A probability of 0
    gives a mask of ones.
    """
    if recurrent not in RECURRENT:
        raise ValueError(f"recurrent must be one of {RECURRENT}, got {recurrent!r}")
    same_mask = recurrent == "variational"

    def over_time(width: int, p: float) -> Array:
        if same_mask:
            return np.broadcast_to(_mask(rng, (1, B, width), p), (T, B, width))
        return _mask(rng, (T, B, width), p)

    h_mask = (over_time(H, p_recurrent) if recurrent != "none"
              else np.broadcast_to(np.ones((1, 1, H)), (T, B, H)))
    return {"x": over_time(D, p_input), "h": h_mask, "o": _mask(rng, (B, H), p_output)}


def dropout_rnn_forward(
    params: Params, X: Array, masks: Mapping[str, Array] | None = None
) -> tuple[Array, dict[str, Array]]:
    """Run the masked tanh RNN over X (T,B,D) from a zero state.

    Returns the prediction (B,O) of the linear readout on the masked last state,
    and the cache for :func:`dropout_rnn_backward`. ``masks=None`` is evaluation
    (no dropout).
    """
    X = np.asarray(X, dtype=np.float64)
    T, B, D = X.shape
    H = params["W_hh"].shape[0]
    if masks is None:
        masks = {"x": np.ones((T, B, D)), "h": np.ones((T, B, H)), "o": np.ones((B, H))}
    Xm = X * masks["x"]
    bias = params["b_ih"] + params["b_hh"]
    Hs = np.zeros((T + 1, B, H))
    A_in = Xm @ params["W_ih"].T + bias  # the input side of all steps in one product
    W_hhT = np.ascontiguousarray(params["W_hh"].T)
    for t in range(T):
        Hs[t + 1] = np.tanh(A_in[t] + (Hs[t] * masks["h"][t]) @ W_hhT)
    feat = Hs[T] * masks["o"]
    pred = feat @ params["W_out"].T + params["b_out"]
    return pred, {"Xm": Xm, "H": Hs, "feat": feat, "mh": masks["h"], "mo": masks["o"]}


def dropout_rnn_backward(params: Params, cache: Mapping[str, Array], dpred: Array) -> Params:
    """Gradients of every parameter given dL/dprediction (B,O), masks held fixed.

    The mask multiplies the recurrent input, so it appears twice on the way back:
    in dW_hh (which sees m^h_t * h_{t-1}) and in the gradient carried to h_{t-1}.
    """
    Xm, Hs, feat, mh, mo = cache["Xm"], cache["H"], cache["feat"], cache["mh"], cache["mo"]
    T, B, D = Xm.shape
    H = Hs.shape[2]
    W_hh = params["W_hh"]
    dA = np.empty((T, B, H))  # dL/da_t, kept so the weight gradients are three big products
    dh = (dpred @ params["W_out"]) * mo
    for t in range(T - 1, -1, -1):
        np.multiply(dh, 1.0 - Hs[t + 1] ** 2, out=dA[t])
        dh = (dA[t] @ W_hh) * mh[t]
    dA2 = dA.reshape(T * B, H)
    db = dA2.sum(axis=0)
    return {
        "W_ih": dA2.T @ Xm.reshape(T * B, D),
        "W_hh": dA2.T @ (Hs[:-1] * mh).reshape(T * B, H),
        "b_ih": db,
        "b_hh": db.copy(),
        "W_out": dpred.T @ feat,
        "b_out": dpred.sum(axis=0),
    }


def dropout_rnn_loss(
    params: Params, X: Array, y: Array, masks: Mapping[str, Array] | None = None
) -> tuple[float, Params]:
    """Mean squared error and its gradients for one batch."""
    pred, cache = dropout_rnn_forward(params, X, masks)
    diff = pred - np.asarray(y).reshape(pred.shape)
    loss = float(np.mean(diff * diff))
    return loss, dropout_rnn_backward(params, cache, (2.0 / diff.size) * diff)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter 2019), as ``torch.optim.AdamW``.

    Why not an L2 term in the loss: Adam divides every gradient by a running
    estimate of its size, so an L2 gradient ``lambda * w`` would be shrunk most for
    the weights with the largest gradients. Decoupling applies the decay
    ``w <- w - lr * lambda * w`` directly, the same for every weight, before the
    Adam step. ``decay`` names the parameters to decay (weights, not biases).
    """

    def __init__(self, lr: float = 1e-3, weight_decay: float = 1e-2,
                 decay: tuple[str, ...] = ("W_ih", "W_hh", "W_out")) -> None:
        super().__init__(lr=lr)
        self.weight_decay = weight_decay
        self.decay = decay

    def step(self, params: Params, grads: Mapping[str, Array]) -> None:
        for k in self.decay:
            if k in grads:
                params[k] *= 1.0 - self.lr * self.weight_decay
        super().step(params, grads)


def surviving_fraction(recurrent: str, T: int, p: float, units: int = 100_000,
                       seed: int = 0) -> float:
    """Fraction of hidden units whose recurrent path is never dropped over T steps.

    A unit carries information from step 1 to step T along the recurrent
    connection only if its mask is on at every step. With a fresh mask per step
    that happens with probability (1 - p)^T; with the same mask it is 1 - p.
    Measured by drawing the masks, not by the formula, so the lesson can check one
    against the other.
    """
    if recurrent not in ("naive", "variational"):
        raise ValueError("recurrent must be 'naive' or 'variational'")
    rng = np.random.default_rng(seed)
    masks = dropout_masks(rng, T, units, 1, 1, p_recurrent=p, recurrent=recurrent)["h"][:, :, 0]
    return float(np.mean(np.all(masks > 0, axis=0)))


@dataclass(frozen=True)
class RegularizedRun:
    """Final losses of one training run, both measured without dropout."""

    train_loss: float
    valid_loss: float

    @property
    def gap(self) -> float:
        """Validation minus training loss: how much of the fit does not generalise."""
        return self.valid_loss - self.train_loss


@single_blas_thread
def train_regularized(
    *,
    p_input: float = 0.0,
    p_output: float = 0.0,
    p_recurrent: float = 0.0,
    recurrent: str = "variational",
    weight_decay: float = 0.0,
    seed: int = 0,
    n_train: int = 128,
    n_valid: int = 1000,
    T: int = 8,
    hidden: int = 32,
    steps: int = 300,
    lr: float = 1e-2,
) -> RegularizedRun:
    """Train on a *fixed*, small set of adding-problem sequences (full batch).

    A small training set and a network with more units than it needs make the
    training loss fall far below the validation loss; a regulariser is judged by
    how much of that gap it closes and what it does to the validation loss. The
    training set, the initial weights and the masks come from separate streams of
    one seed, so runs with the same seed see the same data and start from the
    same weights, whatever the regulariser.
    """
    data_rng, valid_rng, w_rng, mask_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4)
    )
    X, y = adding_problem(data_rng, n_train, T)
    Xv, yv = adding_problem(valid_rng, n_valid, T)
    params = init("rnn", 2, hidden, w_rng, scheme="orthogonal", O=1)
    opt = AdamW(lr=lr, weight_decay=weight_decay) if weight_decay else Adam(lr=lr)
    dropout = p_input > 0 or p_output > 0 or (p_recurrent > 0 and recurrent != "none")
    for _ in range(steps):
        masks = (dropout_masks(mask_rng, T, n_train, 2, hidden, p_input=p_input,
                               p_output=p_output, p_recurrent=p_recurrent, recurrent=recurrent)
                 if dropout else None)
        _, grads = dropout_rnn_loss(params, X, y, masks)
        opt.step(params, grads)
    train_loss, _ = dropout_rnn_loss(params, X, y)
    valid_loss, _ = dropout_rnn_loss(params, Xv, yv)
    return RegularizedRun(train_loss, valid_loss)
