"""Whole-process timing for the benchmarks: medians over repeated runs, in one place."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def time_command(
    argv: Sequence[str],
    runs: int = 5,
    warmup: int = 1,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> float:
    """Median wall-clock seconds of `argv` over `runs` runs, after `warmup` runs."""
    samples = []
    for i in range(warmup + runs):
        started = time.perf_counter()
        done = subprocess.run(
            argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(
                f"{' '.join(argv)} failed ({done.returncode}): {done.stderr[-2000:]}"
            )
        if i >= warmup:
            samples.append(elapsed)
    return statistics.median(samples)


def report(title: str, rows: list[tuple[str, str]]) -> None:
    """Print a small table."""
    width = max(len(name) for name, _ in rows)
    print(f"\n## {title}")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")


def run_measured(argv: Sequence[str], cwd: Path | None = None) -> tuple[float, int]:
    """(wall-clock seconds, peak resident bytes) of one run of `argv`.

    The peak is the largest resident set of the process or of any process it started and
    waited for (what the kernel reports for the child to wait4): the build's own worker
    processes included, one at a time, not their sum.
    """
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            errors.seek(0)
            tail = errors.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"{' '.join(argv)} failed ({child.returncode}): {tail}")
    return elapsed, usage.ru_maxrss * 1024
