"""Code cells of the sample course: cold against warm cache, sequential against parallel.

Cold = every chapter runs in its own process; warm = the same call again, which must run
nothing. "Parallel, first run" starts chapters in course order (nothing is known about
them yet); "parallel, refresh" has the durations of the previous run and starts the
longest chapters first. The course is copied to a temporary folder first and every setting
uses its own cache there, so the course folder stays untouched.

Usage: `python benchmarks/bench_execute.py [COURSE]`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.timing import ROOT, report
from engine.execution.execute import ExecutionResult, execute_course
from engine.loading.loader import load_course

SAMPLE = ROOT / "content" / "intro-to-rnns"


def timed(run: dict[str, object], **options: object) -> tuple[float, ExecutionResult]:
    started = time.perf_counter()
    result = execute_course(**run, **options)  # type: ignore[arg-type]
    return time.perf_counter() - started, result


def main(course_path: Path = SAMPLE) -> None:
    cpus = os.cpu_count() or 1
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-execute-") as temp:
        # A snapshot: an edit to the course while this runs must not turn warm runs cold.
        snapshot = Path(temp, "course")
        shutil.copytree(course_path, snapshot, ignore=shutil.ignore_patterns(".*", "__pycache__"))
        started = time.perf_counter()
        course = load_course(snapshot)
        load_seconds = time.perf_counter() - started
        one = {"course": course, "cache_dir": Path(temp, "one"), "jobs": 1}
        many = {"course": course, "cache_dir": Path(temp, "many"), "jobs": cpus}
        sequential, cold = timed(one)
        warm_sequential, warm = timed(one)
        first_parallel, _ = timed(many)
        refresh_parallel, _ = timed(many, refresh=True)
        warm_parallel, _ = timed(many)
    cell_seconds = sum(o.duration for o in cold.outputs.values())
    slowest = max(cold.executed, key=lambda c: sum(
        o.duration for ch in course.chapters if ch.id == c
        for cell in ch.code_cells if (o := cold.outputs.get(cell.id)) is not None
    ))
    rows += [
        ("course", f"{course.id}: {len(cold.executed)} chapters with cells, "
                   f"{len(cold.outputs)} cells, "
                   f"{sum(len(o.figures) for o in cold.outputs.values())} figures, "
                   f"{len(cold.verified)} verified answers, "
                   f"failed: {', '.join(cold.failed) or 'none'}"),
        ("load_course", f"{load_seconds:.2f} s (not included below)"),
        ("time inside cells", f"{cell_seconds:.1f} s summed over cells; slowest chapter "
                              f"'{slowest}'"),
        ("cold, jobs=1", f"{sequential:.1f} s"),
        (f"cold, jobs={cpus}, first run", f"{first_parallel:.1f} s "
                                          f"({sequential / first_parallel:.2f}x)"),
        (f"cold, jobs={cpus}, refresh", f"{refresh_parallel:.1f} s "
                                        f"({sequential / refresh_parallel:.2f}x, longest first)"),
        ("warm, jobs=1", f"{warm_sequential * 1000:.0f} ms, executed {len(warm.executed)}"),
        (f"warm, jobs={cpus}", f"{warm_parallel * 1000:.0f} ms"),
    ]
    report(f"code cells of the sample course ({cpus} CPUs, BLAS on one thread)", rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("course", nargs="?", type=Path, default=SAMPLE)
    main(parser.parse_args().course)
