"""A sequence model = optional embedding + one recurrent cell + a linear head.

Why one small class: every demo (adding problem, forecasting, sentiment) needs the
same "forward, loss, backward" plumbing; the cells stay plain functions and this
class only wires them together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .gru import gru_backward, gru_forward
from .heads import HeadResult, mse_head, softmax_xent_head
from .lstm import lstm_backward, lstm_forward
from .numerics import Array, Params, Workspace, float_dtype
from .rnn import rnn_backward, rnn_forward

HEADS = {"mse": mse_head, "xent": softmax_xent_head}
CELL_PARAMS = ("W_ih", "W_hh", "b_ih", "b_hh")


def cell_forward(
    kind: str,
    params: Params,
    X: Array,
    nonlinearity: str = "tanh",
    workspace: Workspace | None = None,
) -> tuple[Array, dict[str, Any]]:
    """Dispatch to ``rnn_forward`` / ``lstm_forward`` / ``gru_forward`` (zero initial state)."""
    if kind == "rnn":
        return rnn_forward(params, X, nonlinearity=nonlinearity, workspace=workspace)
    if kind == "lstm":
        return lstm_forward(params, X, workspace=workspace)
    if kind == "gru":
        return gru_forward(params, X, workspace=workspace)
    raise ValueError(f"unknown cell kind {kind!r}")


def cell_backward(
    kind: str,
    params: Params,
    cache: dict[str, Any],
    dH_all: Array | None,
    dh_last: Array | None,
    workspace: Workspace | None = None,
) -> tuple[Params, Array, dict[str, Array]]:
    """Dispatch to the matching backward; returns ``(grads, dX, info)``."""
    ws = workspace
    if kind == "rnn":
        grads, dX, _, info = rnn_backward(params, cache, dH_all, dh_last, workspace=ws)
    elif kind == "lstm":
        grads, dX, _, _, info = lstm_backward(params, cache, dH_all, dh_last, workspace=ws)
    elif kind == "gru":
        grads, dX, _, info = gru_backward(params, cache, dH_all, dh_last, workspace=ws)
    else:
        raise ValueError(f"unknown cell kind {kind!r}")
    return grads, dX, info


@dataclass
class SeqModel:
    """Recurrent model in PyTorch layout.

    Attributes:
        kind: ``"rnn"``, ``"lstm"`` or ``"gru"``.
        params: cell parameters, ``W_out``/``b_out``, and optionally ``E`` (V,D), an
            embedding table; then inputs are integer token ids (T,B).
        head: ``"mse"`` (regression) or ``"xent"`` (classification).
        readout: ``"last"`` (one output per sequence, from its last valid step) or
            ``"all"`` (an output at every step).
        nonlinearity: for ``kind="rnn"`` only.
    """

    kind: str
    params: Params
    head: str = "mse"
    readout: str = "last"
    nonlinearity: str = "tanh"
    _workspace: Workspace = field(default_factory=dict, repr=False, compare=False)
    _eval_workspace: Workspace = field(default_factory=dict, repr=False, compare=False)

    def _inputs(self, X: Array) -> Array:
        if "E" in self.params:
            return self.params["E"][np.asarray(X, dtype=np.int64)]
        return np.asarray(X)

    def _features(self, H_all: Array, lengths: Array | None) -> Array:
        if self.readout == "all":
            return H_all
        if lengths is None:
            return H_all[-1]
        return H_all[np.asarray(lengths) - 1, np.arange(H_all.shape[1])]

    def forward(
        self, X: Array, lengths: Array | None = None
    ) -> tuple[Array, dict[str, Any], Array]:
        """Returns ``(H_all, cache, features)``; features feed the head."""
        H_all, cache = cell_forward(self.kind, self.params, self._inputs(X), self.nonlinearity)
        return H_all, cache, self._features(H_all, lengths)

    def predict(self, X: Array, lengths: Array | None = None) -> Array:
        """Predictions (``mse``) or class probabilities (``xent``)."""
        _, _, feats = self.forward(X, lengths)
        W_out = self.params["W_out"].astype(feats.dtype, copy=False)
        logits = feats @ W_out.T + self.params["b_out"].astype(feats.dtype, copy=False)
        if self.head == "xent":
            e = np.exp(logits - logits.max(axis=-1, keepdims=True))
            return e / e.sum(axis=-1, keepdims=True)
        return logits

    def loss(self, X: Array, y: Array, lengths: Array | None = None) -> float:
        """The mean loss on a batch (no gradients). Reuses its own buffers, since
        the same held-out batch is usually evaluated many times."""
        inputs = self._inputs(X)
        H_all, _ = cell_forward(self.kind, self.params, inputs, self.nonlinearity,
                                self._eval_workspace)
        return HEADS[self.head](self.params, self._features(H_all, lengths), y).loss

    def loss_and_grads(
        self, X: Array, y: Array, lengths: Array | None = None
    ) -> tuple[float, Params, dict[str, Array]]:
        """Forward, loss and full BPTT. Returns ``(loss, grads, info)``."""
        inputs = self._inputs(X)
        # the cache is consumed within this call, so the big buffers can be reused
        ws = self._workspace
        H_all, cache = cell_forward(self.kind, self.params, inputs, self.nonlinearity, ws)
        feats = self._features(H_all, lengths)
        res: HeadResult = HEADS[self.head](self.params, feats, y)
        if self.readout == "all":
            dH_all, dh_last = res.dh, None
        elif lengths is None:
            dH_all, dh_last = None, res.dh
        else:
            dH_all = np.zeros_like(H_all)
            dH_all[np.asarray(lengths) - 1, np.arange(H_all.shape[1])] = res.dh
            dh_last = None
        grads, dX, info = cell_backward(self.kind, self.params, cache, dH_all, dh_last, ws)
        grads.update(res.grads)
        if "E" in self.params:
            dE = np.zeros_like(self.params["E"], dtype=float_dtype(dX))
            np.add.at(dE, np.asarray(X, dtype=np.int64), dX)
            grads["E"] = dE
        return res.loss, grads, info
