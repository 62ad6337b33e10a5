"""Why the site renders chapter pages with a hand-written fork pool.

renderers/html/parallel.py could be concurrent.futures' ProcessPoolExecutor (fork
context) instead; benchmarks/stdlib_pool.py is that alternative, with the same contract.
Each round builds the real-content course of 1000 chapters (benchmarks/bench_real.py)
cold (output and cache deleted first) with one pool and then the other, through the same
wrapper (benchmarks/pool_build.py), and the ratio is taken within the round, so a
machine that speeds up or slows down during the run moves both. The hand-written pool
stays only while the standard one is more than 5 % slower.

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
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    seconds: dict[str, list[float]] = {"custom": [], "stdlib": []}
    for _ in range(ROUNDS):
        for pool, samples in seconds.items():
            out = WORK / f"pool-{pool}-{size}"
            shutil.rmtree(out, ignore_errors=True)
            argv = [PYTHON, "-m", "benchmarks.pool_build", pool, "build", "--quiet", str(root),
                    "--out", str(out), "--no-execute"]
            samples.append(time_command(argv, runs=1, warmup=0, cwd=ROOT, env=env))
    ratio = statistics.median(
        s / c for s, c in zip(seconds["stdlib"], seconds["custom"], strict=True))
    verdict = "keep the hand-written pool" if ratio > 1.05 else "switch to the standard one"
    report(
        f"site chapter pages on {os.cpu_count()} cores: hand-written fork pool vs "
        "ProcessPoolExecutor (whole process, cold)",
        [
            (f"{size} chapters",
             f"hand-written {statistics.median(seconds['custom']):.2f}s, ProcessPoolExecutor "
             f"{statistics.median(seconds['stdlib']):.2f}s (median of {ROUNDS})"),
            ("ratio", f"ProcessPoolExecutor / hand-written {ratio:.2f}x: {verdict} "
                      "(threshold 1.05x)"),
        ],
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
