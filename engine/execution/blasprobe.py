"""Which BLAS library, version and kernel the code cells will compute with.

The same NumPy program gives slightly different floating-point results with different BLAS
kernels: OpenBLAS picks one for the CPU it finds (Haswell, SkylakeX, ...), or the one named
by `OPENBLAS_CORETYPE`, and each kernel sums in its own order. A trained number can move by
several percent after a few hundred such steps, so a cell output made under one kernel is
not a valid cached output for another, and the cache key has to name the kernel.

The kernel is only known once OpenBLAS has been loaded, in the process that runs the cells.
So the probe asks a fresh interpreter started exactly like the cell runner (same executable,
same environment on top of the runner's settings) what threadpoolctl reports, once per
process and environment: importing NumPy into lessonkit itself would cost every command
0.1 s, and it would report the kernel of this process, which may have loaded OpenBLAS under
another environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping

from engine.execution import sandbox

PROBE_TIMEOUT = 60.0
"""Seconds the probe may take (a cold NumPy import on a slow disk takes a few)."""

_PROBE = """
import json
try:
    import numpy  # noqa: F401  (loads the BLAS library it was built against)
except ImportError:
    print(json.dumps(None))
else:
    from threadpoolctl import threadpool_info
    keep = ("internal_api", "prefix", "version", "architecture", "threading_layer")
    print(json.dumps(sorted(
        [{k: str(pool.get(k)) for k in keep} for pool in threadpool_info()
         if pool.get("user_api") == "blas"],
        key=lambda pool: json.dumps(pool, sort_keys=True))))
"""
"""Prints the BLAS libraries NumPy loaded, without file paths (a moved venv computes the
same numbers), or null without NumPy."""

_SELECTS_KERNEL = ("OPENBLAS_", "GOTO", "MKL_", "BLIS_", "NPY_")
"""Environment variables whose names start like this can change the kernel or library."""


def blas_identity(environ: Mapping[str, str] | None = None) -> str:
    """One line naming the BLAS library, version and kernel cells run with.

    `"openblas libscipy_openblas 0.3.31 SkylakeX pthreads"`, `"no numpy"`, or
    `"unknown (...)"` when the probe failed (then the key still differs from every
    successful probe, so no output made under a known kernel is reused).
    """
    env = dict(os.environ if environ is None else environ)
    # Remembered per interpreter and per value of the variables that select a kernel: the
    # answer cannot change otherwise, and a build asks once per chapter.
    memo_key = (sys.executable,
                tuple(sorted((k, v) for k, v in env.items() if k.startswith(_SELECTS_KERNEL))))
    if memo_key not in _answers:
        _answers[memo_key] = _probe(sys.executable, env)
    return _answers[memo_key]


_answers: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}


def _probe(executable: str, env: Mapping[str, str]) -> str:
    try:
        done = subprocess.run(
            [executable, "-P", "-c", _PROBE],
            env={**env, **sandbox.ONE_THREAD},
            capture_output=True, text=True, timeout=PROBE_TIMEOUT, check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unknown ({type(error).__name__})"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return f"unknown (exit {done.returncode}: {last[:200]})"
    try:
        pools = json.loads(done.stdout)
    except ValueError:
        return f"unknown (unreadable: {done.stdout[:200]!r})"
    if pools is None:
        return "no numpy"
    if not pools:
        return "no blas found"
    return "; ".join(
        " ".join(pool[k] for k in ("internal_api", "prefix", "version", "architecture",
                                   "threading_layer"))
        for pool in pools
    )
