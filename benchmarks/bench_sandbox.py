"""What confining code cells costs: one trivial cell per chapter process, 20 runs each.

Compared in the same run: a bare `python -P -c pass` (the floor: every chapter starts an
interpreter), a chapter with the partial sandbox (clean environment, limits, subreaper
supervisor) and one in bubblewrap (when it works here). Medians, in milliseconds.

Usage: `python benchmarks/bench_sandbox.py [RUNS]`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.timing import report
from engine.execution import sandbox as sandboxes
from engine.execution.execute import execute_course
from engine.execution.sandbox import Sandbox
from engine.loading.loader import load_course

COURSE = """id: trivial
title: One trivial cell
sections:
  - id: s
    title: S
    chapters: [c.yaml]
"""
CHAPTER = """id: c
title: C
blocks:
  - kind: code
    id: one
    source: |
      print(1)
"""


def median_ms(action: object, runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()  # type: ignore[operator]
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def main(runs: int = 20) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-sandbox-") as temp:
        folder = Path(temp, "trivial")
        folder.mkdir()
        (folder / "course.yaml").write_text(COURSE, encoding="utf-8")
        (folder / "c.yaml").write_text(CHAPTER, encoding="utf-8")
        course = load_course(folder)

        def chapter(sandbox: Sandbox) -> object:
            def go() -> None:
                result = execute_course(course, refresh=True, sandbox=sandbox,
                                        cache_dir=Path(temp, "cache"))
                assert result.outputs["one"].stdout == "1\n", result.diagnostics
            return go

        bare = median_ms(lambda: subprocess.run([sys.executable, "-P", "-c", "pass"],
                                                check=True), runs)
        partial = median_ms(chapter(Sandbox(None, processes_enforced=False)), runs)
        rows = [
            ("bare interpreter start", f"{bare:.0f} ms"),
            ("chapter, partial sandbox", f"{partial:.0f} ms ({partial - bare:+.0f} ms)"),
        ]
        found = sandboxes.detect()
        if found.bwrap is not None:
            full = median_ms(chapter(found), runs)
            rows.append(("chapter, bubblewrap", f"{full:.0f} ms ({full - partial:+.0f} ms "
                                                f"over the partial sandbox)"))
        else:
            rows.append(("chapter, bubblewrap", "not available here"))
    report(f"confining code cells (median of {runs} runs of one trivial cell)", rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("runs", nargs="?", type=int, default=20)
    main(parser.parse_args().runs)
