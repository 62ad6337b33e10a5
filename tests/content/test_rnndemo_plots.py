"""The plotting helpers draw what the lessons promise, and matplotlib stays optional."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
import rnndemo
from matplotlib.figure import Figure
from matplotlib.mathtext import MathTextParser
from rnndemo import (
    ADDING_BASELINES,
    History,
    gradient_norms_by_lag,
    lstm_gradient_norms_by_lag,
    train_adding,
)
from rnndemo import plots as rp


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def _renders(fig: Figure) -> None:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg")  # the course saves cell figures as SVG
    assert buf.getvalue().startswith(b"<?xml")


def _hist(losses: list[float], norms: list[float], clipped: list[bool], bad: int | None) -> History:
    return History(np.array(losses), np.array(norms), np.array(clipped), nonfinite_step=bad)


def test_gradient_norm_plot_has_theory_lines_and_the_float32_zone() -> None:
    radii = [0.5, 0.9, 1.0, 1.1, 1.5]
    curves = {r: gradient_norms_by_lag(r, 150, seed=0, hidden=16) for r in radii}
    extra = {"LSTM b_f = 1": lstm_gradient_norms_by_lag(1.0, 150, seed=0, hidden=16)}
    fig = rp.plot_gradient_norms_by_lag(curves, extra=extra)
    (ax,) = fig.axes
    assert ax.get_yscale() == "log"
    dashed = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--" and len(ln.get_xdata())]
    assert len(dashed) == len(radii)
    k = np.arange(151)
    np.testing.assert_allclose(dashed[1].get_ydata(), 0.9**k, rtol=1e-12)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "LSTM b_f = 1" in labels and "rho = 1.5" in labels
    assert len(ax.patches) == 1  # 0.5^150 ~ 7e-46 is below float32's range: shaded
    _renders(fig)
    ylabel = ax.yaxis.get_label().get_text()
    # It used to show the raw source ||dL/dh_{T-k}||; now it is mathtext, which parses.
    assert "||" not in ylabel and ylabel.startswith("$") and ylabel.endswith("$")
    MathTextParser("path").parse(ylabel)
    fig2 = rp.plot_gradient_norms_by_lag({0.9: curves[0.9]})
    assert len(fig2.axes[0].patches) == 0  # nothing below 1e-38: no shading


def test_clipping_plot_marks_the_blow_up_threshold_and_clip_events() -> None:
    raw = _hist([0.3, 0.5, 4.0, np.inf], [2.0, 1e3, 1e8, np.inf], [False] * 4, bad=3)
    clipped = _hist([0.3, 0.2, 0.18, 0.17], [2.0, 0.5, 3.0, 0.7], [True, False, True, False], None)
    fig = rp.plot_clipping(raw, clipped, threshold=1.0)
    ax_loss, ax_norm = fig.axes
    assert ax_loss.get_yscale() == "log" and ax_norm.get_yscale() == "log"
    assert ax_loss.get_shared_x_axes().joined(ax_loss, ax_norm)
    vlines = [ln for ln in ax_loss.get_lines() if list(ln.get_xdata()) == [3, 3]]
    assert len(vlines) == 1  # the first non-finite step
    hlines = [ln for ln in ax_norm.get_lines() if list(ln.get_ydata()) == [1.0, 1.0]]
    assert len(hlines) == 1  # the threshold
    events = [ln for ln in ax_norm.get_lines() if ln.get_label() == "clipping fired"]
    np.testing.assert_array_equal(events[0].get_xdata(), [0, 2])
    _renders(fig)


def test_adding_plot_has_both_baselines() -> None:
    h = train_adding("gru", T=10, steps=20, seed=0, eval_every=10, eval_size=100)
    fig = rp.plot_adding_comparison({"GRU": h})
    ax = fig.axes[0]
    ys = {round(float(ln.get_ydata()[0]), 12) for ln in ax.get_lines() if len(ln.get_ydata()) == 2}
    assert round(ADDING_BASELINES["constant"], 12) in ys
    assert round(ADDING_BASELINES["last_only"], 12) in ys
    np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), h.eval_steps)
    _renders(fig)


def test_forecast_and_training_curve_plots() -> None:
    truth = np.sin(np.arange(30) / 3)
    fig = rp.plot_forecast(truth, {"model": truth + 0.1, "naive": np.roll(truth, 1)})
    assert len(fig.axes[0].get_lines()) == 3
    _renders(fig)
    h = _hist(list(np.linspace(1, 0.1, 40)), [1.0] * 40, [False] * 40, None)
    fig2 = rp.plot_training_curves({"a": h, "b": h}, smooth=5)
    lines = fig2.axes[0].get_lines()
    assert len(lines) == 2 and len(lines[0].get_xdata()) == 36
    _renders(fig2)
    fig3 = rp.plot_spectra(["torch", "orthogonal"], [0.58, 1.0], [1.15, 1.0])
    assert len(fig3.axes[0].patches) == 4
    _renders(fig3)


def test_matplotlib_is_imported_only_by_the_plots_module() -> None:
    pkg = Path(rnndemo.__file__).parent
    imports = re.compile(r"^\s*(import|from)\s+matplotlib", re.MULTILINE)
    users = sorted(p.name for p in pkg.glob("*.py") if imports.search(p.read_text()))
    assert users == ["plots.py"]
    code = "import sys, rnndemo; rnndemo.train_adding('rnn', T=5, steps=2, eval_size=0); " \
           "print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=pkg.parent)
    assert out.stdout.strip() == "False"
