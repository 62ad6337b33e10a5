"""rnndemo: a small pure-NumPy RNN / LSTM / GRU library for the course.

Why it exists: the "Vanishing and Exploding Gradients" lessons need to *show*
gradients shrinking like rho^k, clipping taming an explosion, and an LSTM solving
a task an RNN cannot, with code a learner can read. Everything is NumPy, float64
by default (a float32 input stays float32), time-major (T, B, D), in PyTorch's
parameter layout and gate order (LSTM i, f, g, o; GRU r, z, n with the reset
after the matmul), and every random draw comes from an explicit seeded Generator.

Where to start (one line each):

* cells: ``rnn_forward/rnn_backward``, ``lstm_forward/lstm_backward``,
  ``gru_forward/gru_backward``, one-step ``rnn_step``, ``lstm_step``, ``gru_step``;
* the theory: ``jacobian``, ``jacobian_product``, ``grad_norm_profile``,
  ``gradient_norms_by_lag``, ``lstm_gradient_norms_by_lag``, ``gru_gradient_norms_by_lag``;
* spectra and init: ``spectral_radius``, ``spectral_norm``, ``scale_to_radius``,
  ``scale_to_norm``, ``orthogonal``, ``identity``, ``init``;
* training: ``clip_grad_norm``, ``clip_grad_value``, ``SGD``, ``Adam``, ``SeqModel``,
  ``train``, ``train_adding``, tasks ``adding_problem``, ``copy_task``;
* applications: ``noisy_sine``, ``make_windows``, ``train_forecaster``, ``forecast``;
  ``load_sentiment``, ``train_sentiment``, ``accuracy``; the word-order-blind
  baseline ``bag_of_words``, ``train_bag_of_words``;
* reporting: ``over_seeds`` and ``summarize`` (mean ± sd over seeds);
* modules imported on their own: :mod:`rnndemo.regularize` (dropout masks on a
  tanh RNN, AdamW, the overfitting experiment), :mod:`rnndemo.charlm` (a
  character language model, n-gram baselines, sampling) and :mod:`rnndemo.scan`
  (a linear recurrence by parallel scan);
* checking: ``numerical_grad``, ``rel_error_max``, ``rel_error_norm``.

Plotting lives in :mod:`rnndemo.plots` (import it separately; it needs matplotlib).
"""

from __future__ import annotations

from .bow import BagOfWordsClassifier, bag_of_words, train_bag_of_words
from .clipping import ClipResult, NonFiniteGradientError, clip_grad_norm, clip_grad_value, grad_norm
from .experiments import (
    gradient_norms_by_lag,
    gru_gradient_norms_by_lag,
    lstm_gradient_norms_by_lag,
    streams,
    train_adding,
)
from .gradcheck import numerical_grad, rel_error_max, rel_error_norm
from .gru import gru_backward, gru_forward, gru_gates, gru_step
from .heads import HeadResult, mse_head, softmax_xent_head
from .jacobian import grad_norm_profile, jacobian, jacobian_product
from .lstm import lstm_backward, lstm_forward, lstm_gates, lstm_step
from .model import SeqModel, cell_backward, cell_forward
from .numerics import global_norm, safe_norm, sigmoid
from .optim import SGD, Adam
from .rnn import rnn_backward, rnn_forward, rnn_step
from .sentiment import (
    SentimentClassifier,
    Vocab,
    accuracy,
    build_vocab,
    encode_batch,
    load_sentiment,
    one_hot,
    tokenize,
    train_sentiment,
)
from .spectral import (
    identity,
    init,
    orthogonal,
    scale_to_norm,
    scale_to_radius,
    spectral_norm,
    spectral_radius,
)
from .stats import SeedSummary, over_seeds, summarize
from .tasks import ADDING_BASELINES, adding_problem, copy_baseline, copy_task
from .timeseries import (
    Forecaster,
    forecast,
    forecast_autoregressive,
    make_windows,
    naive_forecast,
    noisy_sine,
    train_forecaster,
)
from .train import History, train

__all__ = [
    "ADDING_BASELINES",
    "SGD",
    "Adam",
    "BagOfWordsClassifier",
    "ClipResult",
    "Forecaster",
    "HeadResult",
    "History",
    "NonFiniteGradientError",
    "SeedSummary",
    "SentimentClassifier",
    "SeqModel",
    "Vocab",
    "accuracy",
    "adding_problem",
    "bag_of_words",
    "build_vocab",
    "cell_backward",
    "cell_forward",
    "clip_grad_norm",
    "clip_grad_value",
    "copy_baseline",
    "copy_task",
    "encode_batch",
    "forecast",
    "forecast_autoregressive",
    "global_norm",
    "grad_norm",
    "grad_norm_profile",
    "gradient_norms_by_lag",
    "gru_backward",
    "gru_forward",
    "gru_gates",
    "gru_gradient_norms_by_lag",
    "gru_step",
    "identity",
    "init",
    "jacobian",
    "jacobian_product",
    "load_sentiment",
    "lstm_backward",
    "lstm_forward",
    "lstm_gates",
    "lstm_gradient_norms_by_lag",
    "lstm_step",
    "make_windows",
    "mse_head",
    "naive_forecast",
    "noisy_sine",
    "numerical_grad",
    "one_hot",
    "orthogonal",
    "over_seeds",
    "rel_error_max",
    "rel_error_norm",
    "rnn_backward",
    "rnn_forward",
    "rnn_step",
    "safe_norm",
    "scale_to_norm",
    "scale_to_radius",
    "sigmoid",
    "softmax_xent_head",
    "spectral_norm",
    "spectral_radius",
    "streams",
    "summarize",
    "tokenize",
    "train",
    "train_adding",
    "train_bag_of_words",
    "train_forecaster",
    "train_sentiment",
]
