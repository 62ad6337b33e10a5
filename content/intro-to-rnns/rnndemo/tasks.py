"""Synthetic long-memory tasks and their trivial baselines.

Why synthetic tasks: they have a known answer that depends on inputs far in the
past, and a trivial "no memory" score to compare against, so a learning curve that
sits on the baseline *means* the model could not carry information back in time.
"""

from __future__ import annotations

import numpy as np

from .numerics import Array

#: MSE of trivial predictors on :func:`adding_problem`: always predicting 1 (the
#: mean of the sum) gives Var(X1 + X2) = 2/12; remembering only the later value and
#: predicting it + 0.5 leaves Var(X1) = 1/12.
ADDING_BASELINES: dict[str, float] = {"constant": 1.0 / 6.0, "last_only": 1.0 / 12.0}


def adding_problem(
    rng: np.random.Generator, B: int, T: int, dtype: np.dtype | type = np.float64
) -> tuple[Array, Array]:
    """The adding problem in the Le et al. 2015 / Arjovsky et al. 2016 variant.

    Returns ``X`` (T,B,2) and ``y`` (B,1). Channel 0 holds values U[0,1], channel 1
    a marker that is 1 at exactly two steps: one in the first half and one in the
    second half of the sequence. The target is the sum of the two marked values.
    """
    if T < 2:
        raise ValueError("the adding problem needs T >= 2")
    values = rng.uniform(0.0, 1.0, size=(T, B))
    half = T // 2
    first = rng.integers(0, half, size=B)
    second = rng.integers(half, T, size=B)
    markers = np.zeros((T, B))
    cols = np.arange(B)
    markers[first, cols] = 1.0
    markers[second, cols] = 1.0
    X = np.stack([values, markers], axis=-1).astype(dtype)
    y = (values[first, cols] + values[second, cols])[:, None].astype(dtype)
    return X, y


def copy_task(
    rng: np.random.Generator,
    B: int,
    T: int,
    K: int = 10,
    n_symbols: int = 8,
    dtype: np.dtype | type = np.float64,
) -> tuple[Array, Array]:
    """The copy-memory task of Arjovsky et al. 2016.

    A sequence of length T + 2K: K symbols from {1..n_symbols}, then T-1 blanks (0),
    a delimiter (n_symbols + 1), and K more blanks. The target is blank everywhere
    except the last K steps, where the K symbols must be reproduced.

    Returns ``X`` (T+2K, B, n_symbols+2) one-hot and ``y`` (T+2K, B) integer classes.
    """
    if T < 1 or K < 1:
        raise ValueError("need T >= 1 and K >= 1")
    L = T + 2 * K
    symbols = rng.integers(1, n_symbols + 1, size=(K, B))
    seq = np.zeros((L, B), dtype=np.int64)
    seq[:K] = symbols
    seq[T + K - 1] = n_symbols + 1
    y = np.zeros((L, B), dtype=np.int64)
    y[L - K :] = symbols
    X = np.eye(n_symbols + 2, dtype=dtype)[seq]
    return X, y


def copy_baseline(T: int, K: int = 10, n_symbols: int = 8) -> float:
    """Cross-entropy per step of the best memoryless predictor on :func:`copy_task`.

    It predicts "blank" for the first T+K steps (loss 0) and a uniform guess over
    the symbols for the last K (loss ln n_symbols each): K ln(n) / (T + 2K).
    """
    return K * float(np.log(n_symbols)) / (T + 2 * K)
