"""Spectral controls and initialisation schemes for the recurrent matrix.

Why these two numbers: the spectral radius rho(W) sets the *asymptotic* per-step
growth rate of a linear recursion (Gelfand: ||W^k||^(1/k) -> rho), while the
largest singular value sigma_max(W) bounds *every* step (||W v|| <= sigma_max ||v||).
Pascanu et al.'s sufficient condition for vanishing uses sigma_max; a Gaussian
matrix with variance 1/H has rho ~ 1 but sigma_max ~ 2, which is why the two must
not be confused.
"""

from __future__ import annotations

import numpy as np

from .numerics import Array, Params

SCHEMES = ("torch", "glorot", "orthogonal", "identity", "gaussian")
GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def spectral_radius(W: Array) -> float:
    """Largest absolute eigenvalue of the square matrix W."""
    return float(np.max(np.abs(np.linalg.eigvals(np.asarray(W, dtype=np.float64)))))


def spectral_norm(W: Array) -> float:
    """Largest singular value sigma_max(W) (the operator 2-norm)."""
    return float(np.linalg.norm(np.asarray(W, dtype=np.float64), 2))


def scale_to_radius(W: Array, rho: float) -> Array:
    """Return a copy of W rescaled so that its spectral radius is ``rho``."""
    r = spectral_radius(W)
    if r == 0:
        raise ValueError("W has spectral radius 0 (nilpotent); it cannot be rescaled")
    return np.asarray(W) * (rho / r)


def scale_to_norm(W: Array, sigma_max: float) -> Array:
    """Return a copy of W rescaled so that its largest singular value is ``sigma_max``."""
    s = spectral_norm(W)
    if s == 0:
        raise ValueError("W is zero; it cannot be rescaled")
    return np.asarray(W) * (sigma_max / s)


def orthogonal(H: int, rng: np.random.Generator) -> Array:
    """Haar-random orthogonal matrix: QR of a Gaussian matrix with the sign fix.

    Without multiplying by sign(diag R) the distribution is not uniform over the
    orthogonal group (Mezzadri 2007). Every orthogonal matrix, fixed or not, has all
    its eigenvalues on the unit circle; the fix changes only how they are spread.
    """
    A = rng.standard_normal((H, H))
    Q, R = np.linalg.qr(A)
    return Q * np.sign(np.diag(R))


def identity(H: int) -> Array:
    """The IRNN recurrent matrix (Le, Jaitly & Hinton 2015): W_hh = I."""
    return np.eye(H)


def _glorot(rng: np.random.Generator, n_out: int, n_in: int) -> Array:
    a = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-a, a, size=(n_out, n_in))


def _recurrent_block(scheme: str, H: int, rng: np.random.Generator) -> Array:
    if scheme == "torch":
        k = 1.0 / np.sqrt(H)
        return rng.uniform(-k, k, size=(H, H))
    if scheme == "glorot":
        return _glorot(rng, H, H)
    if scheme == "orthogonal":
        return orthogonal(H, rng)
    if scheme == "identity":
        return identity(H)
    return rng.standard_normal((H, H)) / np.sqrt(H)  # gaussian


def _input_block(scheme: str, H: int, D: int, rng: np.random.Generator) -> Array:
    if scheme == "torch":
        k = 1.0 / np.sqrt(H)
        return rng.uniform(-k, k, size=(H, D))
    if scheme == "gaussian":
        return rng.standard_normal((H, D)) / np.sqrt(D)
    return _glorot(rng, H, D)


def init(
    kind: str,
    D: int,
    H: int,
    rng: np.random.Generator,
    scheme: str = "torch",
    rho: float | None = None,
    sigma_max: float | None = None,
    forget_bias: float | None = 1.0,
    O: int = 1,  # noqa: E741 (PyTorch-style size name, as in the course text)
    dtype: np.dtype | type = np.float64,
) -> Params:
    """Create parameters for a cell plus a linear readout, in PyTorch layout.

    Args:
        kind: ``"rnn"``, ``"lstm"`` or ``"gru"`` (G = 1, 4, 3 gate blocks).
        scheme: for the recurrent matrix (each H x H gate block separately):
            ``"torch"``: every weight and bias U(-1/sqrt(H), 1/sqrt(H)) (nn.RNN default);
            ``"glorot"``: Glorot-uniform weights, zero biases;
            ``"orthogonal"``: orthogonal W_hh blocks, Glorot W_ih, zero biases;
            ``"identity"``: W_hh = I (IRNN, use with relu), Glorot W_ih, zero biases;
            ``"gaussian"``: W_hh ~ N(0, 1/H), W_ih ~ N(0, 1/D), zero biases.
        rho / sigma_max: rescale each W_hh block to this spectral radius / largest
            singular value (at most one of them).
        forget_bias: LSTM only: total forget-gate bias (b_ih + b_hh) set to this
            (Jozefowicz et al. 2015 recommend 1). None keeps the scheme's biases.
        O: readout size; ``W_out`` (O,H) ~ U(-1/sqrt(H), 1/sqrt(H)), ``b_out`` = 0.
    """
    if kind not in GATES:
        raise ValueError(f"kind must be one of {tuple(GATES)}, got {kind!r}")
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    if rho is not None and sigma_max is not None:
        raise ValueError("give rho or sigma_max, not both")
    G = GATES[kind]
    W_ih = np.concatenate([_input_block(scheme, H, D, rng) for _ in range(G)])
    blocks = []
    for _ in range(G):
        Wb = _recurrent_block(scheme, H, rng)
        if rho is not None:
            Wb = scale_to_radius(Wb, rho)
        elif sigma_max is not None:
            Wb = scale_to_norm(Wb, sigma_max)
        blocks.append(Wb)
    W_hh = np.concatenate(blocks)
    if scheme == "torch":
        k = 1.0 / np.sqrt(H)
        b_ih = rng.uniform(-k, k, size=G * H)
        b_hh = rng.uniform(-k, k, size=G * H)
    else:
        b_ih, b_hh = np.zeros(G * H), np.zeros(G * H)
    if kind == "lstm" and forget_bias is not None:
        b_ih[H : 2 * H] = forget_bias
        b_hh[H : 2 * H] = 0.0
    k = 1.0 / np.sqrt(H)
    params = {
        "W_ih": W_ih,
        "W_hh": W_hh,
        "b_ih": b_ih,
        "b_hh": b_hh,
        "W_out": rng.uniform(-k, k, size=(O, H)),
        "b_out": np.zeros(O),
    }
    return {name: v.astype(dtype) for name, v in params.items()}
