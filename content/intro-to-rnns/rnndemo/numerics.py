"""Small numerical helpers shared by every module.

Why a module of its own: the cells, the clipping code and the plots all need the
same delicate operations (a sigmoid that never overflows, norms that never
underflow, the renormalisation step of the gradient profile) and the same
performance plumbing (reused buffers, blocks of time steps, one BLAS thread).
Writing them once keeps the behaviour identical everywhere.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, TypeVar

import numpy as np

Array = np.ndarray
Params = dict[str, np.ndarray]


F = TypeVar("F", bound=Callable[..., Any])


def single_blas_thread(fn: F) -> F:
    """Run ``fn`` with BLAS limited to one thread (if threadpoolctl is installed).

    Why: the lesson models are small, and on a shared 2-core machine a 2-thread
    BLAS spin-waits for the busy core, which made a 1600x128x32 GEMM 100x slower
    in our measurements. One thread is also what makes results bitwise
    reproducible. The previous limits are restored afterwards.
    """

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:  # optional: without it the call runs unchanged
            ctx: contextlib.AbstractContextManager[Any] = contextlib.nullcontext()
        else:
            ctx = threadpool_limits(limits=1)
        with ctx:
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def float_dtype(X: object) -> np.dtype:
    """The dtype to compute in: X's own if it is floating, else float64.

    The rule "keep the input dtype" is applied to the data (``X``), not to the
    parameters, so a float32 batch gives float32 states and gradients even when
    the parameters were created in float64. Integer or boolean input (e.g. one-hot
    ints) is computed in float64.
    """
    dt = np.asarray(X).dtype
    return dt if np.issubdtype(dt, np.floating) else np.dtype(np.float64)


Workspace = dict[str, np.ndarray]


def buffer(ws: Workspace | None, name: str, shape: tuple[int, ...], dtype: np.dtype) -> Array:
    """An uninitialised array, reused from ``ws`` when the shape and dtype match.

    Why: a training step allocates a few MB of state buffers and frees them again;
    glibc then returns that memory to the OS and the next step pays ~1000 page
    faults to get it back (measured: 40% of an LSTM step at H = 32). Keeping the
    buffers in a workspace dict across steps avoids that. Only callers that
    consume the results before the next call may pass a workspace.
    """
    if ws is None:
        return np.empty(shape, dtype=dtype)
    a = ws.get(name)
    if a is None or a.shape != shape or a.dtype != dtype:
        a = ws[name] = np.empty(shape, dtype=dtype)
    return a


#: values per block in :func:`time_chunks` (1 MB in float64); a module constant
#: so that tests can force many small blocks.
CHUNK_VALUES = 1 << 17


def time_chunks(T: int, per_step: int, target: int | None = None) -> list[tuple[int, int]]:
    """Blocks ``(t0, t1)`` of time steps, last block first, of about ``target`` values.

    Why: the backward loops compute the parts that do not depend on the backward
    vector (gate derivatives) a block of steps at a time. Whole-sequence passes
    would make few NumPy calls but stream arrays of hundreds of MB through memory;
    one step at a time would keep them in cache but pay the call overhead each
    step. Blocks of ~1 MB get both.
    """
    target = CHUNK_VALUES if target is None else target
    k = max(1, min(T, target // max(1, per_step)))
    return [(max(0, t1 - k), t1) for t1 in range(T, 0, -k)]


def cast(a: Array, dtype: np.dtype) -> Array:
    """Cast without copying when the dtype already matches."""
    return np.asarray(a).astype(dtype, copy=False)


def sigmoid(x: Array) -> Array:
    """Logistic sigmoid as ``0.5 * (1 + tanh(x / 2))``.

    This form is exact algebra, never overflows (``exp(-x)`` does for x < -709),
    so lessons that push gates into saturation do not print warnings.
    """
    x = np.asarray(x)
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def safe_norm(x: Array, axis: int | tuple[int, ...] | None = None) -> Array | float:
    """Euclidean / Frobenius norm that neither underflows nor overflows.

    ``sqrt(sum(x*x))`` returns 0 once the norm drops below about 1e-154 because
    the squares underflow; gradients in a vanishing RNN go far below that. We scale
    by ``m = max|x|`` first: ``m * sqrt(sum((x/m)**2))``. Non-finite entries give
    ``inf`` (any inf) or ``nan`` (any nan), like ``np.linalg.norm``.
    """
    x = np.asarray(x)
    if x.size == 0:
        return 0.0 if axis is None else np.zeros(np.sum(x, axis=axis).shape)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        m = np.max(np.abs(x), axis=axis, keepdims=True)
        scale = np.where((m > 0) & np.isfinite(m), m, 1.0)
        y = x / scale
        out = np.sqrt(np.sum(y * y, axis=axis, keepdims=True)) * scale
        # an all-inf / nan input has m = inf or nan: let it propagate as inf / nan
        out = np.where(np.isfinite(m), out, m)
    if axis is None:
        return float(out.reshape(()))
    return np.squeeze(out, axis=axis)


def safe_norms(x: Array, axis: int) -> Array:
    """:func:`safe_norm` along one axis, always an array (for typed callers)."""
    return np.asarray(safe_norm(x, axis=axis))


def row_norms(g: Array, out: Array) -> None:
    """Write the norm of each row of the 2-D array ``g`` into ``out`` (float64).

    Fast path: one dot product per row. Only when a squared norm is so small that
    single squares may have underflowed (or is non-finite) do we fall back to the
    scaled :func:`safe_norm`. Rows with squared norm above ``tiny/eps`` lose at
    most a relative ``H*eps`` from flushed squares, i.e. nothing visible.
    """
    ss = _vecdot(g, g)
    finfo = np.finfo(g.dtype)
    lo = finfo.tiny / finfo.eps
    smallest = ss.min()
    if smallest >= lo and np.isfinite(ss.max()):
        np.sqrt(ss, out=out)
    else:
        out[...] = safe_norm(g.astype(np.float64, copy=False), axis=1)


def _vecdot_fallback(a: Array, b: Array, out: Array | None = None) -> Array:
    return np.einsum("ij,ij->i", a, b, out=out)


_vecdot = getattr(np, "vecdot", _vecdot_fallback)


class NormRecorder:
    """Per-step norms of the backward vectors, (T,B), cheap and underflow-safe.

    Fast path: one dot product per row, kept as a squared norm. Only when a
    squared norm leaves the range where every single square is exact (below
    ``tiny/eps``, or non-finite) is that step recomputed with the scaled
    :func:`row_norms`. With ``exact=True`` every step takes the scaled path and
    :meth:`record` returns the norms at once (the renormalised profile needs them).
    """

    def __init__(self, T: int, B: int, dtype: np.dtype, exact: bool = False) -> None:
        self.values = np.empty((T, B), dtype=np.float64)
        self.is_norm = np.full(T, exact)
        self.exact = exact
        finfo = np.finfo(dtype)
        self.lo, self.hi = float(finfo.tiny / finfo.eps), float(finfo.max)

    def record(self, t: int, g: Array) -> Array:
        row = self.values[t]
        if not self.exact:
            _vecdot(g, g, out=row)
            if row.min() >= self.lo and row.max() <= self.hi:
                return row
            self.is_norm[t] = True
        row_norms(g, row)
        return row

    def finish(self) -> Array:
        """The norms (T,B); squared entries are square-rooted in one pass."""
        if not self.is_norm.all():
            sq = ~self.is_norm
            self.values[sq] = np.sqrt(self.values[sq])
        return self.values


def rescale_rows(norms: Array, logscale: Array, *vectors: Array) -> None:
    """Divide row b of every vector by ``norms[b]`` (rows of norm 0 are left alone)
    and add log10 of the factor to ``logscale``: the renormalisation step of the
    underflow-proof gradient profile."""
    scale = np.where(norms > 0, norms, 1.0)
    logscale += np.log10(scale)
    inv = (1.0 / scale)[:, None]
    for v in vectors:
        v *= inv.astype(v.dtype)


def global_norm(arrays: Mapping[str, Array] | list[Array]) -> float:
    """Norm of the concatenation of all arrays, computed without under/overflow.

    Same definition as ``torch.nn.utils.clip_grad_norm_``: the norm of the vector
    of per-tensor norms.
    """
    vals = list(arrays.values()) if isinstance(arrays, Mapping) else list(arrays)
    if not vals:
        return 0.0
    per = np.array([safe_norm(v) for v in vals], dtype=np.float64)
    return float(safe_norm(per))


def log10_norm_combine(log_norms: Array, axis: int = -1) -> Array:
    """Combine per-sequence ``log10`` norms into the ``log10`` of the joint norm.

    ``log10 sqrt(sum_b 10**(2 l_b))``, computed with the log-sum-exp trick so
    that norms of 1e-400 (not representable) still combine exactly.
    """
    lmax = np.max(log_norms, axis=axis, keepdims=True)
    finite_max = np.where(np.isfinite(lmax), lmax, 0.0)
    with np.errstate(under="ignore"):
        s = np.sum(10.0 ** (2.0 * (log_norms - finite_max)), axis=axis, keepdims=True)
    out = finite_max + 0.5 * np.log10(s)
    out = np.where(np.isfinite(lmax), out, lmax)
    return np.squeeze(out, axis=axis)
