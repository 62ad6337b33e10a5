"""Tiny time-series forecasting: noisy sine, sliding windows, an RNN forecaster.

Why the naive baseline matters: on a smooth series "tomorrow = today" is already
good; a forecaster is only worth its training if it beats that last-value guess.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import SeqModel
from .numerics import Array, Params, single_blas_thread
from .optim import Adam
from .spectral import init
from .train import History, train


def noisy_sine(n: int, noise: float = 0.1, seed: int = 0, period: float = 25.0) -> Array:
    """``sin(2 pi t / period) + noise * N(0, 1)`` for t = 0..n-1, shape (n,)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return np.sin(2.0 * np.pi * t / period) + noise * rng.standard_normal(n)


def make_windows(series: Array, window: int, horizon: int = 1) -> tuple[Array, Array]:
    """Cut a 1-D series into (input window, target) pairs, time-major.

    Returns ``X`` (window, N, 1) with ``X[:, i, 0] = series[i : i + window]`` and
    ``y`` (N, 1) with ``y[i] = series[i + window + horizon - 1]``, where
    N = len(series) - window - horizon + 1.
    """
    s = np.asarray(series)
    if s.ndim != 1:
        raise ValueError("series must be 1-D")
    n = s.size - window - horizon + 1
    if window < 1 or horizon < 1 or n < 1:
        raise ValueError("series too short for this window and horizon")
    wins = np.lib.stride_tricks.sliding_window_view(s, window)[:n]  # (N, window)
    X = np.ascontiguousarray(wins.T)[:, :, None]
    y = s[window + horizon - 1 : window + horizon - 1 + n, None].copy()
    return X, y


def naive_forecast(X: Array) -> Array:
    """The last-value baseline: predict the last observed value, shape (N, 1)."""
    return np.asarray(X)[-1].copy()


@dataclass
class Forecaster:
    """A :class:`SeqModel` plus the standardisation learned from the training data."""

    model: SeqModel
    mean: float
    std: float


@single_blas_thread
def train_forecaster(
    X: Array,
    y: Array,
    cell: str = "gru",
    hidden: int = 16,
    steps: int = 400,
    lr: float = 1e-2,
    batch: int = 32,
    clip: float | None = 1.0,
    seed: int = 0,
    val: tuple[Array, Array] | None = None,
    eval_every: int = 20,
    patience: int | None = None,
) -> tuple[Forecaster, History]:
    """Fit a one-layer recurrent forecaster to windows from :func:`make_windows`.

    Inputs and targets are standardised with the training mean and std (so any
    series works), minibatches are drawn with a seeded generator, Adam + clipping.
    With ``val`` (validation windows and targets, from a later period) the
    validation MSE is measured every ``eval_every`` steps and the weights with
    the lowest one are kept (early stopping); ``patience`` evaluations without
    improvement end training early. Returns ``(forecaster, history)``.
    """
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    mean, std = float(X.mean()), float(X.std()) or 1.0
    Xs, ys = (X - mean) / std, (y - mean) / std
    w_rng, data_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    params = init(cell, X.shape[2], hidden, w_rng, scheme="orthogonal", O=y.shape[1])
    model = SeqModel(cell, params, head="mse", readout="last")
    N = Xs.shape[1]

    def task(rng: np.random.Generator) -> tuple[Array, Array]:
        idx = rng.integers(0, N, size=min(batch, N))
        return Xs[:, idx], ys[idx]

    eval_data = None
    if val is not None:
        # scaled with the *training* statistics, like everything the model sees
        Xv, yv = (np.asarray(a, dtype=np.float64) for a in val)
        eval_data = ((Xv - mean) / std, (yv - mean) / std)
    hist = train(model, task, steps, Adam(lr=lr), clip=clip, rng=data_rng,
                 eval_data=eval_data, eval_every=eval_every if val is not None else 0,
                 keep_best=val is not None, patience=patience)
    hist.model = model
    return Forecaster(model, mean, std), hist


def forecast(forecaster: Forecaster, X: Array) -> Array:
    """One-step-ahead predictions (N, 1) for windows X (window, N, 1)."""
    Xs = (np.asarray(X, dtype=np.float64) - forecaster.mean) / forecaster.std
    return forecaster.model.predict(Xs) * forecaster.std + forecaster.mean


def with_weights(forecaster: Forecaster, params: Params) -> Forecaster:
    """The same forecaster (cell, scaling) with other weights, e.g.
    ``History.last_params`` to compare the last step's weights with the ones
    early stopping kept."""
    model = SeqModel(forecaster.model.kind, dict(params), forecaster.model.head,
                     forecaster.model.readout, forecaster.model.nonlinearity)
    return Forecaster(model, forecaster.mean, forecaster.std)


def forecast_autoregressive(forecaster: Forecaster, context: Array, n_steps: int) -> Array:
    """Roll the model forward ``n_steps``, feeding each prediction back as input.

    ``context`` holds the last ``L`` observed values: shape (L,) for one
    forecast origin, giving (n_steps,), or (M, L) for M origins at once, giving
    (M, n_steps). Errors compound, which is the point of showing it next to the
    one-step forecast. Several origins are rolled forward together because one
    batched forward pass per step costs about as much as a single origin.
    """
    ctx = np.asarray(context, dtype=np.float64)
    single = ctx.ndim == 1
    buf = np.atleast_2d(ctx)  # (M, L)
    length = buf.shape[1]
    out = np.empty((buf.shape[0], n_steps))
    for step in range(n_steps):
        x = np.ascontiguousarray(buf[:, -length:].T)[:, :, None]  # (L, M, 1), time-major
        out[:, step] = forecast(forecaster, x)[:, 0]
        buf = np.concatenate([buf, out[:, step : step + 1]], axis=1)
    return out[0] if single else out
