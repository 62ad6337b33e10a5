"""Two optimisers, small enough to read in a lesson (PyTorch's update rules).

Both update the parameter dict in place, so a model keeps pointing at the same
arrays. Keys missing from ``grads`` are left alone (frozen parameters).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .numerics import Array, Params


class SGD:
    """Plain SGD with optional momentum: ``v <- mu v + g``, ``p <- p - lr v``."""

    def __init__(self, lr: float = 0.1, momentum: float = 0.0) -> None:
        self.lr = lr
        self.momentum = momentum
        self.velocity: dict[str, Array] = {}

    def step(self, params: Params, grads: Mapping[str, Array]) -> None:
        for k, g in grads.items():
            if self.momentum:
                v = self.velocity.setdefault(k, np.zeros_like(params[k]))
                v *= self.momentum
                v += g
                g = v
            params[k] -= self.lr * g


class Adam:
    """Adam (Kingma & Ba 2015) with bias correction, as in ``torch.optim.Adam``.

    Why Adam for the LSTM demos: the gate parameters see gradients of very
    different sizes; per-parameter step sizes make the adding problem train in
    hundreds rather than tens of thousands of steps.
    """

    def __init__(
        self, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8
    ) -> None:
        self.lr = lr
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.t = 0
        self.m: dict[str, Array] = {}
        self.v: dict[str, Array] = {}

    def step(self, params: Params, grads: Mapping[str, Array]) -> None:
        self.t += 1
        c1 = 1.0 - self.beta1**self.t
        c2 = 1.0 - self.beta2**self.t
        for k, g in grads.items():
            m = self.m.setdefault(k, np.zeros_like(params[k]))
            v = self.v.setdefault(k, np.zeros_like(params[k]))
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            v *= self.beta2
            v += (1.0 - self.beta2) * (g * g)
            params[k] -= self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)
