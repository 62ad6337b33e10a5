"""Gradient clipping: global-norm (Pascanu et al. 2013, Alg. 1) and by value.

Norm clipping keeps the gradient's direction and caps the step length; it is the
standard cure for *exploding* gradients (it does nothing for vanishing ones).
The formula is PyTorch's ``clip_grad_norm_``::

    total = || (||g_1||, ||g_2||, ...) ||      (global norm over all parameters)
    coef  = min(1, max_norm / (total + eps))    eps = 1e-6
    g    <- coef * g

Unlike PyTorch (which multiplies by 0 * inf = NaN), a non-finite gradient is never
silently turned into NaNs here: it is reported (``nonfinite``) or raised.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from .numerics import Array, Params, global_norm


class NonFiniteGradientError(FloatingPointError):
    """Raised by :func:`clip_grad_norm` with ``error_if_nonfinite=True``."""


class ClipResult(NamedTuple):
    """``(clipped, total_norm, was_clipped)``; unpacks like a 3-tuple.

    ``total_norm`` is the pre-clip global norm. When it is not finite the
    gradients are returned unchanged (copied) and ``was_clipped`` is False, so the
    caller must check :attr:`nonfinite` before using them.
    """

    clipped: Params
    total_norm: float
    was_clipped: bool

    @property
    def nonfinite(self) -> bool:
        """True when the gradient contained inf or NaN."""
        return not np.isfinite(self.total_norm)


def clip_grad_norm(
    grads: Mapping[str, Array],
    max_norm: float,
    eps: float = 1e-6,
    error_if_nonfinite: bool = False,
) -> ClipResult:
    """Rescale all gradients together so that their global norm is <= max_norm.

    Returns new arrays (the input is not modified). The norm is computed without
    under/overflow (a gradient of norm 1e200 is clipped correctly); a norm beyond
    the float64 range (or any inf/NaN entry) counts as non-finite.
    """
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    total = global_norm(grads)
    if not np.isfinite(total):
        if error_if_nonfinite:
            raise NonFiniteGradientError(
                f"the total norm of the gradients is {total}; "
                "set error_if_nonfinite=False to get a flag instead"
            )
        return ClipResult({k: np.array(g, copy=True) for k, g in grads.items()}, total, False)
    coef = max_norm / (total + eps)
    if coef < 1.0:
        return ClipResult({k: np.asarray(g) * coef for k, g in grads.items()}, total, True)
    return ClipResult({k: np.array(g, copy=True) for k, g in grads.items()}, total, False)


def clip_grad_value(grads: Mapping[str, Array], clip_value: float) -> Params:
    """Clip every entry to [-c, c] (Karpathy's min-char-rnn uses c = 5).

    Shown for contrast: unlike norm clipping it changes the gradient's direction.
    NaNs stay NaN (use :func:`clip_grad_norm` to detect them).
    """
    if clip_value <= 0:
        raise ValueError("clip_value must be positive")
    return {k: np.clip(g, -clip_value, clip_value) for k, g in grads.items()}


def grad_norm(grads: Mapping[str, Array]) -> float:
    """Global norm of a gradient dict (same definition as clip_grad_norm)."""
    return global_norm(grads)

