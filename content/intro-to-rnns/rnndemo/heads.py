"""Linear readouts with their losses and gradients.

Each head maps hidden states ``h`` (..., H) through ``W_out`` (O,H), ``b_out`` (O,)
and returns everything the training loop needs in one call: the loss, the output,
dL/dh to start BPTT from, and the readout's own gradients. Losses are means over
all leading positions (PyTorch's ``reduction="mean"``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .numerics import Array, Params, cast


class HeadResult(NamedTuple):
    """``(loss, output, dh, grads)``: output is the prediction (MSE) or class
    probabilities (softmax); ``grads`` has ``W_out`` and ``b_out``."""

    loss: float
    output: Array
    dh: Array
    grads: Params


def _linear(params: Params, h: Array) -> tuple[Array, Array, Array]:
    W, b = cast(params["W_out"], h.dtype), cast(params["b_out"], h.dtype)
    return h @ W.T + b, W, b


def _readout_grads(h: Array, dout: Array, W: Array) -> tuple[Array, Params]:
    n_hidden, n_out = h.shape[-1], dout.shape[-1]
    h2, d2 = h.reshape(-1, n_hidden), dout.reshape(-1, n_out)
    return dout @ W, {"W_out": d2.T @ h2, "b_out": d2.sum(axis=0)}


def mse_head(params: Params, h: Array, y: Array) -> HeadResult:
    """Linear prediction with mean squared error: ``mean((h W^T + b - y)^2)``.

    ``y`` must have the prediction's shape (..., O).
    """
    pred, W, _ = _linear(params, h)
    y = np.asarray(y).reshape(pred.shape)
    diff = pred - y
    loss = float(np.mean(diff * diff))
    dh, grads = _readout_grads(h, (2.0 / diff.size) * diff, W)
    return HeadResult(loss, pred, dh, grads)


def log_softmax(logits: Array) -> Array:
    """Numerically stable log-softmax over the last axis."""
    m = np.max(logits, axis=-1, keepdims=True)
    z = logits - m
    return z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))


def softmax_xent_head(params: Params, h: Array, y: Array) -> HeadResult:
    """Linear logits with softmax cross-entropy, averaged over positions.

    ``y`` holds integer class labels with the leading shape of ``h`` (without H).
    The gradient of the mean cross-entropy w.r.t. the logits is (p - onehot(y))/N.
    """
    logits, W, _ = _linear(params, h)
    logp = log_softmax(logits)
    y = np.asarray(y, dtype=np.int64)
    if y.shape != logits.shape[:-1]:
        raise ValueError(f"labels have shape {y.shape}, expected {logits.shape[:-1]}")
    n = y.size
    picked = np.take_along_axis(logp, y[..., None], axis=-1)
    loss = float(-np.sum(picked) / n)
    p = np.exp(logp)
    dlogits = p.copy()
    idx = y[..., None]
    np.put_along_axis(dlogits, idx, np.take_along_axis(p, idx, axis=-1) - 1.0, axis=-1)
    dlogits /= n
    dh, grads = _readout_grads(h, dlogits, W)
    return HeadResult(loss, p, dh, grads)
