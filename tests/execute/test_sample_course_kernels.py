"""The whole sample course, run from scratch under every OpenBLAS kernel this CPU offers.

A learner's first `make demo` runs every code cell of content/intro-to-rnns under whatever
kernel OpenBLAS picks for their CPU, and every `verify:` answer must hold there. So the
course is copied without its cache and checked with `lessonkit check --strict --execute`
once per kernel (Haswell, SkylakeX, Sandybridge, those the CPU can run; at least two), and
not a single diagnostic may appear. Each kernel is its own xdist group, so two kernels run
side by side on a 2-core machine; the cells are kept cheap for this (a few seconds per
chapter), not the test skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from blas_kernels import KERNEL_NEEDS, supported_kernels

from engine.blasprobe import blas_identity

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_COURSE = ROOT / "content" / "intro-to-rnns"
KERNELS = supported_kernels()

TIME_LIMIT = 240.0
"""Seconds one kernel's run may take with another kernel's run beside it on 2 cores. The
cells take about a minute of CPU per kernel; a run over this limit means a cell got
expensive, which would make `make test` slow for everybody."""


def test_the_cpu_offers_at_least_two_of_the_kernels() -> None:
    assert len(KERNELS) >= 2, (
        f"the course must be checked under two kernels at least; this CPU offers {KERNELS} "
        f"of {list(KERNEL_NEEDS)}"
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "kernel",
    [pytest.param(k, marks=pytest.mark.xdist_group(f"sample-course-{k}")) for k in KERNELS],
)
def test_the_whole_sample_course_runs_clean(kernel: str, tmp_path: Path) -> None:
    course = tmp_path / "intro-to-rnns"
    shutil.copytree(SAMPLE_COURSE, course, ignore=shutil.ignore_patterns(
        ".lessonkit-cache", "__pycache__", "_build"))
    env = {**os.environ, "OPENBLAS_CORETYPE": kernel, "NO_COLOR": "1"}
    assert f" {kernel} " in blas_identity(env)  # OpenBLAS honours the choice on this CPU
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "engine", "check", str(course), "--strict", "--execute"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=2 * TIME_LIMIT, check=False,
    )
    seconds = time.perf_counter() - started
    assert done.returncode == 0 and "no problems" in done.stderr, done.stderr[-5000:]
    assert seconds < TIME_LIMIT, f"the sample course took {seconds:.0f} s under {kernel}"
