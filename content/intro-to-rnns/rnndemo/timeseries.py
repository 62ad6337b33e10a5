"""Tiny time-series forecasting: noisy sine, sliding windows, an RNN forecaster.

Why the naive baseline matters: on a smooth series "tomorrow = today" is already
good; a forecaster is only worth its training if it beats that last-value guess.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import SeqModel
from .numerics import Array, single_blas_thread
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
) -> tuple[Forecaster, History]:
    """Fit a one-layer recurrent forecaster to windows from :func:`make_windows`.

    Inputs and targets are standardised with the training mean and std (so any
    series works), minibatches are drawn with a seeded generator, Adam + clipping.
    Returns ``(forecaster, history)``.
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

    hist = train(model, task, steps, Adam(lr=lr), clip=clip, rng=data_rng)
    hist.model = model
    return Forecaster(model, mean, std), hist


def forecast(forecaster: Forecaster, X: Array) -> Array:
    """One-step-ahead predictions (N, 1) for windows X (window, N, 1)."""
    Xs = (np.asarray(X, dtype=np.float64) - forecaster.mean) / forecaster.std
    return forecaster.model.predict(Xs) * forecaster.std + forecaster.mean


def forecast_autoregressive(forecaster: Forecaster, context: Array, n_steps: int) -> Array:
    """Roll the model forward ``n_steps``, feeding each prediction back as input.

    ``context`` is the last ``window`` observed values (1-D). Errors compound, which
    is the point of showing it next to the one-step forecast.
    """
    buf = list(np.asarray(context, dtype=np.float64).reshape(-1))
    window = len(buf)
    out = np.empty(n_steps)
    for k in range(n_steps):
        x = np.asarray(buf[-window:])[:, None, None]
        out[k] = forecast(forecaster, x)[0, 0]
        buf.append(out[k])
    return out
