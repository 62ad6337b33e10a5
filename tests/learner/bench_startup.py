"""Start-up of the terminal quiz: time from launch to the first answer prompt.

Compared, in the same run, with `python -c pass`, so the figure is the quiz's own cost
on this machine. The target (issue "terminal learner"): under 0.4 s extra with a warm
course cache. Usage:

    .venv/bin/python tests/learner/bench_startup.py [COURSE] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET_EXTRA = 0.4


def lessonkit_command() -> list[str]:
    """The real `lessonkit` when installed, else `python -m cli`."""
    binary = Path(sys.executable).with_name("lessonkit")
    if binary.exists():
        return [str(binary)]
    return [sys.executable, "-m", "cli"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_to_prompt(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds from starting `command` to its first answer prompt.

    CPU time is reported too because it hardly depends on what else the machine runs,
    while wall-clock time on a shared 2-core machine does.
    """
    cpu_before = _children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
    assert process.stdout is not None
    seen = b""
    while b"\n> " not in seen:
        chunk = os.read(process.stdout.fileno(), 65536)
        if not chunk:
            raise RuntimeError(f"no prompt from {command}: {seen[-500:]!r}")
        seen += chunk
    elapsed = time.perf_counter() - started
    process.kill()
    process.wait()
    return elapsed, _children_cpu() - cpu_before


def time_python_pass(env: dict[str, str]) -> tuple[float, float]:
    cpu_before = _children_cpu()
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True, env=env)
    return time.perf_counter() - started, _children_cpu() - cpu_before


def _medians(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return (statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples))


@dataclass(frozen=True)
class StartUp:
    """One measurement, in seconds."""

    course: Path
    baseline: float
    """`python -c pass`, median wall-clock."""
    cold: float
    """First start: validates the course and fills the caches."""
    warm: float
    """Later starts, median wall-clock."""
    baseline_cpu: float
    warm_cpu: float
    """The same two medians in CPU seconds (user + system)."""

    @property
    def extra(self) -> float:
        return self.warm - self.baseline

    @property
    def extra_cpu(self) -> float:
        return self.warm_cpu - self.baseline_cpu

    def lines(self, runs: int) -> list[str]:
        return [
            f"course:                       {self.course}",
            f"python -c pass:               {self.baseline:.3f} s (median of {runs})",
            f"quiz to first prompt, cold:   {self.cold:.3f} s (validates, fills the caches)",
            f"quiz to first prompt, warm:   {self.warm:.3f} s (median of {runs})",
            f"extra start-up (warm - pass): {self.extra:.3f} s (target < {TARGET_EXTRA} s)",
            f"same in CPU time:             {self.extra_cpu:.3f} s ({self.warm_cpu:.3f} - "
            f"{self.baseline_cpu:.3f}; hardly affected by other load on the machine)",
        ]


def default_course() -> Path:
    """The sample course when it exists, else the completeness course."""
    sample = ROOT / "content" / "intro-to-rnns"
    if (sample / "course.yaml").exists():
        return sample
    return ROOT / "tests" / "fixtures" / "courses" / "complete"


def measure(course: Path, runs: int = 10) -> StartUp:
    """Time `lessonkit quiz --plain` to its first prompt against `python -c pass`."""
    workdir = Path(tempfile.mkdtemp(prefix="lk-bench-"))
    try:
        env = {**os.environ, "LESSONKIT_CACHE_DIR": str(workdir / "cache"),
               "LESSONKIT_PROGRESS_DB": str(workdir / "progress.sqlite3"),
               # Byte-code caching on, as in any installed Python, but kept out of the
               # source tree: without it every start recompiles every module.
               "PYTHONPYCACHEPREFIX": str(workdir / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        command = [*lessonkit_command(), "quiz", str(course), "--plain", "--restart"]
        cold, _cpu = time_to_prompt(command, env)
        warm, warm_cpu = _medians([time_to_prompt(command, env) for _ in range(runs)])
        baseline, baseline_cpu = _medians([time_python_pass(env) for _ in range(runs)])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return StartUp(course, baseline, cold, warm, baseline_cpu, warm_cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("course", nargs="?", type=Path, default=default_course())
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    result = measure(args.course, args.runs)
    sys.stdout.write("\n".join(result.lines(args.runs)) + "\n")
    return 0 if result.extra < TARGET_EXTRA else 1


if __name__ == "__main__":
    raise SystemExit(main())
