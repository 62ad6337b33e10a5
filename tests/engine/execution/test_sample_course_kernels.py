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
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine.execution.blasprobe import blas_identity
from tests.engine.execution.blas_kernels import KERNEL_NEEDS, supported_kernels

ROOT = Path(__file__).resolve().parents[3]
SAMPLE_COURSE = ROOT / "content" / "intro-to-rnns"
KERNELS = supported_kernels()

CPU_LIMIT = 120.0
"""CPU seconds one kernel's run may use, its cell processes included. The whole course
takes about a minute of CPU per kernel; more than this means a cell got expensive, which
makes `make test` slow for everybody. CPU time, unlike wall time, does not grow when the
machine is shared, so the limit holds on a busy machine too."""

WALL_LIMIT = 1200.0
"""Seconds before the run is killed as hung (wall time, generous for a loaded machine)."""


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
    before = _children_cpu_seconds()
    done = subprocess.run(
        [sys.executable, "-m", "cli", "check", str(course), "--strict", "--execute"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=WALL_LIMIT, check=False,
    )
    cpu = _children_cpu_seconds() - before
    assert done.returncode == 0 and "no problems" in done.stderr, done.stderr[-5000:]
    assert cpu < CPU_LIMIT, f"the sample course used {cpu:.0f} s of CPU under {kernel}"


def _children_cpu_seconds() -> float:
    """User + system time of every finished child process of this one, and of theirs
    (the check process waits for its cell runners, so their time is counted too)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
