"""Plotting helpers for the lessons (the only module that imports matplotlib).

Every function takes data computed elsewhere (the experiments return arrays or a
:class:`~rnndemo.train.History`) and returns the matplotlib ``Figure``. Figures
are created through ``pyplot`` so a runner that collects the open figures (as the
course's cell runner does) sees them; close them with ``plt.close(fig)`` when
plotting in a loop.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .numerics import Array
from .tasks import ADDING_BASELINES
from .train import History

FLOAT32_TINY = float(np.finfo(np.float32).tiny)  # about 1.2e-38
DISPLAY_MAX = 1e100  # larger values are drawn at this height (the tick code overflows near 1e300)


def _positive(y: Array) -> Array:
    """Mask zeros, negatives and non-finite values so a log axis skips them."""
    y = np.asarray(y, dtype=np.float64)
    return np.where(np.isfinite(y) & (y > 0), y, np.nan)


def _log_limits(ax: Axes, *arrays: Array) -> None:
    """Set y-limits of a log axis from the data, with a fixed factor-of-3 margin.

    Matplotlib's own margins are a fraction of the *decades* shown; a diverging
    run spans 300 of them and the margin then overflows float64.
    """
    vals = np.concatenate([np.ravel(_positive(a)) for a in arrays])
    vals = vals[np.isfinite(vals)]
    if vals.size:
        ax.set_ylim(max(vals.min() / 3.0, 1e-300), min(vals.max() * 3.0, 3 * DISPLAY_MAX))


GRADIENT_RATIO_LABEL = (
    r"$\Vert\partial L/\partial h_{T-k}\Vert\;/\;\Vert\partial L/\partial h_T\Vert$")
"""The y-axis label of `plot_gradient_norms_by_lag`, in matplotlib's mathtext."""


def plot_gradient_norms_by_lag(
    curves: Mapping[float, Array],
    extra: Mapping[str, Array] | None = None,
    theory: bool = True,
    float32_zone: bool = True,
    title: str = "Gradient norm against lag",
) -> Figure:
    """||dL/dh_{T-k}|| / ||dL/dh_T|| against the lag k, log y-axis.

    Args:
        curves: spectral radius rho -> ratios for k = 0..K (from
            ``gradient_norms_by_lag``); each gets a dashed rho^k theory line.
        extra: label -> ratios drawn without theory (e.g. LSTM or GRU curves).
        float32_zone: shade below 1.2e-38, where float32 would have underflowed.
    """
    fig, ax = plt.subplots(figsize=(7, 4.5))
    lowest = np.inf
    for rho, ratios in curves.items():
        k = np.arange(len(ratios))
        (line,) = ax.semilogy(k, _positive(ratios), label=f"rho = {rho:g}", linewidth=3, alpha=0.55)
        if theory:
            with np.errstate(over="ignore", under="ignore"):
                th = _positive(float(rho) ** k.astype(np.float64))
            ax.semilogy(k, th, linestyle="--", color=line.get_color(), linewidth=1.2, zorder=3)
        lowest = min(lowest, np.nanmin(_positive(ratios)))
    for label, ratios in (extra or {}).items():
        ax.semilogy(np.arange(len(ratios)), _positive(ratios), label=label, linewidth=2)
        lowest = min(lowest, np.nanmin(_positive(ratios)))
    if float32_zone and lowest < FLOAT32_TINY:
        ax.axhspan(min(lowest, FLOAT32_TINY) * 1e-3, FLOAT32_TINY, color="0.85", zorder=0)
        ax.text(0.99, FLOAT32_TINY, "float32 underflows below here ", va="top", ha="right",
                fontsize=8, transform=ax.get_yaxis_transform())
    if theory and curves:
        ax.plot([], [], "k--", linewidth=1, label="theory rho^k")
    ax.set_xlabel("lag k = T - t (steps back in time)")
    ax.set_ylim(bottom=min(lowest, FLOAT32_TINY) * 1e-3 if float32_zone and lowest < FLOAT32_TINY
                else None)
    # mathtext, not the TeX source: a reader sees the norms and the subscripts.
    ax.set_ylabel(GRADIENT_RATIO_LABEL)
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_clipping(unclipped: History, clipped: History, threshold: float) -> Figure:
    """Two panels sharing the step axis: loss (log), and the pre-clip gradient norm
    (log) with the threshold line and the steps where clipping fired.

    The first non-finite step of the unclipped run is marked; values above 1e100
    run along the top edge (a diverging run reaches 1e306 before it overflows).
    """
    fig, (ax_loss, ax_norm) = plt.subplots(2, 1, sharex=True, figsize=(7, 6))
    for ax in (ax_loss, ax_norm):  # limits are set from the data below, see _log_limits
        ax.set_yscale("log")
        ax.set_autoscaley_on(False)
    for hist, label in ((unclipped, "no clipping"), (clipped, f"clip at {threshold:g}")):
        steps = np.arange(hist.steps)
        ax_loss.plot(steps, np.minimum(_positive(hist.loss), DISPLAY_MAX), label=label)
        ax_norm.plot(steps, np.minimum(_positive(hist.grad_norm), DISPLAY_MAX), label=label)
    if unclipped.nonfinite_step is not None:
        s = unclipped.nonfinite_step
        for ax in (ax_loss, ax_norm):
            ax.axvline(s, color="C3", linestyle=":", linewidth=1.5)
        ax_loss.annotate(f"non-finite at step {s}", xy=(s, 0.5), xycoords=("data", "axes fraction"),
                         xytext=(-5, 0), textcoords="offset points", ha="right", color="C3")
    ax_norm.axhline(threshold, color="k", linestyle="--", linewidth=1, label="threshold")
    fired = np.flatnonzero(clipped.clipped)
    if fired.size:
        ax_norm.plot(fired, _positive(clipped.grad_norm[fired]), "|", color="C1", markersize=6,
                     label="clipping fired")
    _log_limits(ax_loss, unclipped.loss, clipped.loss)
    _log_limits(ax_norm, unclipped.grad_norm, clipped.grad_norm, np.array([threshold]))
    ax_loss.set_ylabel("training loss")
    ax_loss.legend(fontsize=8)
    ax_norm.set_ylabel("gradient norm (before clipping)")
    ax_norm.set_xlabel("step")
    ax_norm.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_adding_comparison(histories: Mapping[str, History], use_eval: bool = True) -> Figure:
    """Loss against step for several models on the adding problem, with the
    trivial baselines 1/6 (constant prediction) and 1/12 (remember one value)."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for label, hist in histories.items():
        if use_eval and hist.eval_loss.size:
            ax.semilogy(hist.eval_steps, _positive(hist.eval_loss), marker="o", markersize=3,
                        label=label)
        else:
            ax.semilogy(np.arange(hist.steps), _positive(hist.loss), label=label)
    ax.axhline(ADDING_BASELINES["constant"], color="0.3", linestyle="--", linewidth=1,
               label="baseline 1/6: always predict 1")
    ax.axhline(ADDING_BASELINES["last_only"], color="0.6", linestyle=":", linewidth=1,
               label="baseline 1/12: remember one value")
    ax.set_xlabel("step")
    ax.set_ylabel("MSE" + (" (held out)" if use_eval else ""))
    ax.set_title("Adding problem")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_forecast(
    truth: Array,
    predictions: Mapping[str, Array] | Array,
    x: Array | None = None,
    title: str = "Forecast",
) -> Figure:
    """Truth against one or more forecasts (e.g. the model and the naive baseline)."""
    truth = np.asarray(truth).reshape(-1)
    xs = np.arange(truth.size) if x is None else np.asarray(x)
    preds = predictions if isinstance(predictions, Mapping) else {"forecast": predictions}
    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.plot(xs, truth, color="k", linewidth=1.5, label="truth")
    for label, p in preds.items():
        ax.plot(xs, np.asarray(p).reshape(-1), linewidth=1.2, label=label)
    ax.set_xlabel("time step")
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_training_curves(
    histories: Mapping[str, History] | History, smooth: int = 1, logy: bool = True
) -> Figure:
    """Training loss per step for one or several runs (optionally a moving average)."""
    runs: Mapping[str, History] = (
        {"training loss": histories} if isinstance(histories, History) else histories
    )
    fig, ax = plt.subplots(figsize=(7, 4))
    for label, hist in runs.items():
        y = np.asarray(hist.loss, dtype=np.float64)
        if smooth > 1 and y.size >= smooth:
            y = np.convolve(y, np.ones(smooth) / smooth, mode="valid")
        steps = np.arange(y.size) + (smooth - 1 if smooth > 1 else 0)
        ax.plot(steps, _positive(y) if logy else y, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss" + (f" (moving average of {smooth})" if smooth > 1 else ""))
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_spectra(names: Sequence[str], radii: Sequence[float], norms: Sequence[float]) -> Figure:
    """Bar chart of spectral radius and sigma_max for several init schemes."""
    fig, ax = plt.subplots(figsize=(7, 3.5))
    x = np.arange(len(names))
    ax.bar(x - 0.2, radii, width=0.4, label="spectral radius rho")
    ax.bar(x + 0.2, norms, width=0.4, label="largest singular value")
    ax.axhline(1.0, color="k", linewidth=1, linestyle="--")
    ax.set_xticks(x, list(names))
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
