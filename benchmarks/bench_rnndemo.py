"""Benchmark: rnndemo BPTT against the bare matrix products it cannot avoid.

Run as ``python benchmarks/bench_rnndemo.py``. For each (B, H, T) it times the
RNN and LSTM forward + backward (loss sum(G * H_all), float64, one BLAS thread)
and, in the same process, the same GEMMs with the same shapes and count:

* forward: (T*B, D) x (D, G*H) once, then T times (B, H) x (H, G*H);
* backward: T times (B, G*H) x (G*H, H), then dW_hh (G*H, T*B) x (T*B, H),
  dW_ih (G*H, T*B) x (T*B, D) and dX (T*B, G*H) x (G*H, D).

The ratio "ours / bare GEMMs" (CPU time) is how much the elementwise gate math and the
Python loop add on top of the arithmetic floor; the target is < 2.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "content" / "intro-to-rnns"))

from rnndemo import init, lstm_backward, lstm_forward, rnn_backward, rnn_forward

CONFIGS = [(32, 128, 200), (64, 256, 500)]
D = 32


def interleaved_medians(
    fns: list[Callable[[], object]], repeats: int
) -> list[tuple[float, float]]:
    """Median (wall, CPU) seconds of each function, timed in alternation.

    Alternating the runs makes a busy neighbour slow both sides alike, so the
    ratio stays meaningful on a shared machine; CPU time (one BLAS thread) is
    the steadier of the two numbers.
    """
    for fn in fns:  # warm-up: first-touch page faults, BLAS buffers
        fn()
    samples: list[list[tuple[float, float]]] = [[] for _ in fns]
    for _ in range(repeats):
        for k, fn in enumerate(fns):
            w0, c0 = time.perf_counter(), time.process_time()
            fn()
            samples[k].append((time.perf_counter() - w0, time.process_time() - c0))
    return [
        (statistics.median(w for w, _ in s), statistics.median(c for _, c in s)) for s in samples
    ]


def bare_gemms(
    b: int, h: int, t_len: int, gates: int, rng: np.random.Generator
) -> Callable[[], None]:
    """The GEMMs of one forward + backward pass, with preallocated outputs."""
    gh, rows = gates * h, t_len * b
    x2 = rng.standard_normal((rows, D))
    w_ih_t = np.ascontiguousarray(rng.standard_normal((gh, D)).T)
    w_hh_t = np.ascontiguousarray(rng.standard_normal((gh, h)).T)
    w_hh = np.ascontiguousarray(w_hh_t.T)
    w_ih = np.ascontiguousarray(w_ih_t.T)
    h_step = rng.standard_normal((b, h)) * 0.1
    dz_step = rng.standard_normal((b, gh)) * 0.1
    a_in = np.empty((rows, gh))
    h_prev = rng.standard_normal((rows, h))
    d_a = rng.standard_normal((rows, gh))
    z = np.empty((b, gh))
    dh = np.empty((b, h))
    dw_hh, dw_ih, dx = np.empty((gh, h)), np.empty((gh, D)), np.empty((rows, D))

    def run() -> None:
        np.matmul(x2, w_ih_t, out=a_in)
        for _ in range(t_len):
            np.matmul(h_step, w_hh_t, out=z)
        for _ in range(t_len):
            np.matmul(dz_step, w_hh, out=dh)
        np.matmul(d_a.T, h_prev, out=dw_hh)
        np.matmul(d_a.T, x2, out=dw_ih)
        np.matmul(d_a, w_ih, out=dx)

    return run


def ours(
    kind: str, b: int, h: int, t_len: int, rng: np.random.Generator, reuse: bool
) -> Callable[[], None]:
    """rnndemo's forward + full BPTT for a loss sum(G * H_all).

    ``reuse``: pass a workspace, as the training loop does, so the state buffers
    are reused between calls; without it every call allocates them afresh and
    pays the page faults of first touch (the bare GEMMs never do).
    """
    params = init(kind, D, h, rng, scheme="orthogonal")
    x = rng.standard_normal((t_len, b, D))
    upstream = rng.standard_normal((t_len, b, h))
    fwd, bwd = (rnn_forward, rnn_backward) if kind == "rnn" else (lstm_forward, lstm_backward)
    ws: dict[str, np.ndarray] | None = {} if reuse else None

    def run() -> None:
        _, cache = fwd(params, x, workspace=ws)
        bwd(params, cache, upstream, workspace=ws)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per case (median)")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    rows = []
    with threadpool_limits(limits=1):
        for b, h, t_len in CONFIGS:
            for kind, gates in (("rnn", 1), ("lstm", 4)):
                reps = args.repeats if b * h * t_len * gates < 5e6 else max(3, args.repeats // 2)
                fns = [
                    ours(kind, b, h, t_len, rng, reuse=True),
                    ours(kind, b, h, t_len, rng, reuse=False),
                    bare_gemms(b, h, t_len, gates, rng),
                ]
                (w_ours, c_ours), (_, c_fresh), (w_bare, c_bare) = interleaved_medians(fns, reps)
                rows.append((kind, b, h, t_len, w_ours, w_bare, c_ours, c_bare, c_fresh))
    out = sys.stdout
    out.write(
        f"numpy {np.__version__}, float64, 1 BLAS thread, D={D}; medians of {args.repeats} "
        "interleaved runs (fewer for the largest); ms\n"
    )
    header = ("cell", "B", "H", "T", "ours wall", "bare wall", "ours CPU", "bare CPU", "ratio",
              "fresh CPU", "ratio")
    out.write("{:<5} {:>4} {:>4} {:>4} {:>10} {:>10} {:>10} {:>10} {:>6} {:>10} {:>6}\n"
              .format(*header))
    for kind, b, h, t_len, w_ours, w_bare, c_ours, c_bare, c_fresh in rows:
        ratio = c_ours / c_bare
        flag = "" if ratio <= 2.0 else "  (above the 2x target)"
        out.write(
            f"{kind:<5} {b:>4} {h:>4} {t_len:>4} {1e3 * w_ours:>10.1f} {1e3 * w_bare:>10.1f} "
            f"{1e3 * c_ours:>10.1f} {1e3 * c_bare:>10.1f} {ratio:>6.2f} "
            f"{1e3 * c_fresh:>10.1f} {c_fresh / c_bare:>6.2f}{flag}\n"
        )
    out.write(
        "ratio = ours / bare GEMMs in CPU time (target < 2), with the state buffers reused\n"
        "across calls (workspace=, as in training); 'fresh' allocates them on every call\n"
    )


if __name__ == "__main__":
    main()
