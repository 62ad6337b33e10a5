"""One-call experiments for the lesson code cells (each runs in well under 5 s).

Why separate random streams: the seed is split with ``SeedSequence.spawn`` into
independent streams for the weights, the data and the backward seed vector, so
changing e.g. the input scale leaves the weights exactly as they were, and a
clipped and an unclipped run see exactly the same batches.
"""

from __future__ import annotations

import numpy as np

from .gru import gru_forward
from .jacobian import grad_norm_profile
from .lstm import lstm_forward
from .model import SeqModel
from .numerics import Array, Params, single_blas_thread
from .optim import SGD, Adam
from .rnn import rnn_forward
from .spectral import init, orthogonal, scale_to_radius
from .tasks import adding_problem
from .train import History, train


def streams(seed: int, n: int) -> list[np.random.Generator]:
    """``n`` independent generators derived from one integer seed."""
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(n)]


def _ratios(profile: Array, log10: bool) -> Array:
    """Turn a log10 profile over t = 0..T into ratios over lags k = 0..T."""
    logr = profile[::-1] - profile[-1]
    return logr if log10 else 10.0**logr


@single_blas_thread
def gradient_norms_by_lag(
    radius: float,
    steps: int,
    seed: int = 0,
    hidden: int = 64,
    nonlinearity: str = "linear",
    input_scale: float = 1.0,
    *,
    batch: int = 4,
    input_dim: int = 8,
    matrix: str = "orthogonal",
    log10: bool = False,
) -> Array:
    """||dL/dh_{T-k}|| / ||dL/dh_T|| for k = 0..steps, for a loss at the last step.

    Args:
        radius: spectral radius rho of W_hh.
        steps: sequence length T (the largest lag).
        nonlinearity: ``"linear"`` (exact theory: decays like rho^k when
            ``matrix="orthogonal"``), ``"tanh"`` or ``"relu"``.
        input_scale: inputs are N(0, input_scale^2); with tanh, large inputs
            saturate the units (tanh' << 1) and even rho > 1 can vanish.
        matrix: ``"orthogonal"`` (W_hh = rho Q, every singular value = rho) or
            ``"gaussian"`` (N(0,1/H) rescaled to rho; sigma_max is about 2 rho, so
            rho only fixes the *asymptotic* rate).
        log10: return log10 of the ratios (never underflows) instead of ratios.

    Index 0 is 1.0 (lag 0). Computed with the renormalised profile, so lags of
    thousands of steps are exact in log10; as plain ratios they may underflow to 0.
    """
    w_rng, x_rng, g_rng = streams(seed, 3)
    if matrix == "orthogonal":
        W = orthogonal(hidden, w_rng)
    elif matrix == "gaussian":
        W = w_rng.standard_normal((hidden, hidden)) / np.sqrt(hidden)
    else:
        raise ValueError("matrix must be 'orthogonal' or 'gaussian'")
    params = {
        "W_ih": w_rng.standard_normal((hidden, input_dim)) / np.sqrt(input_dim),
        "W_hh": scale_to_radius(W, radius),
        "b_ih": np.zeros(hidden),
        "b_hh": np.zeros(hidden),
    }
    X = input_scale * x_rng.standard_normal((steps, batch, input_dim))
    _, cache = rnn_forward(params, X, nonlinearity=nonlinearity)
    g_T = g_rng.standard_normal((batch, hidden))
    return _ratios(grad_norm_profile(params, cache, g_T), log10)


def _gated_params(kind: str, hidden: int, input_dim: int, rng: np.random.Generator) -> Params:
    G = 4 if kind == "lstm" else 3
    return {
        "W_ih": rng.standard_normal((G * hidden, input_dim)) / np.sqrt(input_dim),
        "W_hh": rng.standard_normal((G * hidden, hidden)) / np.sqrt(hidden),
        "b_ih": np.zeros(G * hidden),
        "b_hh": np.zeros(G * hidden),
    }


@single_blas_thread
def lstm_gradient_norms_by_lag(
    forget_bias: float,
    steps: int,
    seed: int = 0,
    hidden: int = 32,
    *,
    input_scale: float = 1.0,
    batch: int = 4,
    input_dim: int = 8,
    log10: bool = False,
) -> Array:
    """LSTM version of :func:`gradient_norms_by_lag`: ||dL/dh_{T-k}|| / ||dL/dh_T||.

    Weights N(0, 1/fan_in), zero biases except the forget gate (= ``forget_bias``),
    unit-variance inputs. A larger forget bias keeps f close to 1, so the cell path
    dc_{t-1} = f * dc_t carries the gradient further back.
    """
    return _gated_norms_by_lag("lstm", forget_bias, steps, seed, hidden, input_scale, batch,
                               input_dim, log10)


@single_blas_thread
def gru_gradient_norms_by_lag(
    update_bias: float,
    steps: int,
    seed: int = 0,
    hidden: int = 32,
    *,
    input_scale: float = 1.0,
    batch: int = 4,
    input_dim: int = 8,
    log10: bool = False,
) -> Array:
    """GRU version: the update-gate bias plays the forget bias' role (z near 1
    means h_t ~ h_{t-1}, a direct gradient path)."""
    return _gated_norms_by_lag("gru", update_bias, steps, seed, hidden, input_scale, batch,
                               input_dim, log10)


def _gated_norms_by_lag(kind: str, gate_bias: float, steps: int, seed: int, hidden: int,
                        input_scale: float, batch: int, input_dim: int, log10: bool) -> Array:
    w_rng, x_rng, g_rng = streams(seed, 3)
    params = _gated_params(kind, hidden, input_dim, w_rng)
    # The second block of gate rows is the forget gate in the LSTM's order (i, f, g, o)
    # and the update gate in the GRU's (r, z, n).
    params["b_ih"][hidden : 2 * hidden] = gate_bias
    X = input_scale * x_rng.standard_normal((steps, batch, input_dim))
    forward = lstm_forward if kind == "lstm" else gru_forward
    _, cache = forward(params, X)
    g_T = g_rng.standard_normal((batch, hidden))
    return _ratios(grad_norm_profile(params, cache, g_T), log10)


@single_blas_thread
def train_adding(
    cell: str = "rnn",
    T: int = 50,
    steps: int = 800,
    clip: float | None = None,
    seed: int = 0,
    *,
    hidden: int = 32,
    batch: int = 32,
    optimizer: str = "adam",
    lr: float | None = None,
    scheme: str = "orthogonal",
    rho: float | None = None,
    forget_bias: float = 1.0,
    nonlinearity: str = "tanh",
    eval_every: int = 100,
    eval_size: int = 1000,
    stop_below: float | None = None,
) -> History:
    """Train a cell on the adding problem; returns the :class:`History`.

    Defaults follow the course's LSTM-vs-RNN demo (Adam lr 1e-2, batch 32, H 32).
    The clipping demo is ``train_adding("rnn", optimizer="sgd", lr=0.1,
    scheme="gaussian", rho=1.5, clip=None or 1.0)``. The default
    ``scheme="orthogonal"`` serves every cell (measured: the LSTM then passes
    MSE 0.01 within 500-700 steps at T=50, against 600-1000 with the PyTorch
    default). ``history.model`` is the trained model; ``history.eval_loss`` the
    MSE on ``eval_size`` held-out sequences every ``eval_every`` steps (compare
    with ``ADDING_BASELINES``). ``stop_below`` ends the run at the first evaluation
    below that MSE (see :func:`train`).
    """
    w_rng, data_rng, eval_rng = streams(seed, 3)
    params = init(cell, 2, hidden, w_rng, scheme=scheme, rho=rho, forget_bias=forget_bias, O=1)
    model = SeqModel(cell, params, head="mse", readout="last", nonlinearity=nonlinearity)
    if optimizer == "adam":
        opt: SGD | Adam = Adam(lr=1e-2 if lr is None else lr)
    elif optimizer == "sgd":
        opt = SGD(lr=0.1 if lr is None else lr)
    else:
        raise ValueError("optimizer must be 'adam' or 'sgd'")
    eval_data = adding_problem(eval_rng, eval_size, T) if eval_size else None

    def task(rng: np.random.Generator) -> tuple[Array, Array]:
        return adding_problem(rng, batch, T)

    hist = train(
        model, task, steps, opt, clip=clip, rng=data_rng, eval_data=eval_data,
        eval_every=eval_every, stop_below=stop_below,
    )
    hist.model = model
    return hist
