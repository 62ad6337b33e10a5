"""What the site's worker pool (engine/parallel.py) gains on this machine.

The chapter pages were rendered by a hand-written fork pool until `make bench` measured
concurrent.futures' ProcessPoolExecutor (fork context) with the same contract on the
real-content course of 1000 chapters: 30.4 s against 31.0 s wall (0.979x) and 0.995x
the CPU time, so the standard pool replaced it. What is left to watch is that the pool
still pays: each round builds that course (benchmarks/bench_real.py) cold (output and
cache deleted first) in one process (`--jobs 1`) and then with a worker per core, and
the ratio is taken within the round, so a machine that speeds up or slows down during
the run moves both.

    python -m benchmarks.bench_pool [SIZE]   (default 1000)
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys

from benchmarks.bench_check import WORK
from benchmarks.bench_real import real_course
from benchmarks.timing import PYTHON, ROOT, report, time_command

ROUNDS = 5


def main(size: int = 1000) -> None:
    root = real_course(size)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this tree's lessonkit, not the installed one
    cores = os.cpu_count() or 1
    seconds: dict[int, list[float]] = {1: [], cores: []}
    for _ in range(ROUNDS):
        for jobs, samples in seconds.items():
            out = WORK / f"pool-{jobs}-{size}"
            shutil.rmtree(out, ignore_errors=True)
            argv = [PYTHON, "-m", "cli", "build", "--quiet", str(root), "--out", str(out),
                    "--no-execute", "--jobs", str(jobs)]
            samples.append(time_command(argv, runs=1, warmup=0, cwd=ROOT, env=env))
    ratio = statistics.median(
        one / pooled for one, pooled in zip(seconds[1], seconds[cores], strict=True))
    report(
        f"site chapter pages: ProcessPoolExecutor on {cores} cores vs one process "
        "(whole process, cold)",
        [
            (f"{size} chapters",
             f"one process {statistics.median(seconds[1]):.2f}s, {cores} processes "
             f"{statistics.median(seconds[cores]):.2f}s (median of {ROUNDS})"),
            ("ratio", f"one process / pool {ratio:.2f}x"),
        ],
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
