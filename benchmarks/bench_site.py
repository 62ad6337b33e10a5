"""Building the site: lessonkit against mkdocs and against the bare-work floor, same run.

Generated courses of 1000 and 5000 chapters (no code cells). mkdocs builds the same prose
as Markdown (benchmarks/generate.py writes both). Also: the incremental rebuild after one
chapter changes, through the same code path `lessonkit serve` uses.

    python -m benchmarks.bench_site [SIZES...]   (default 1000 5000; mkdocs at 5000 takes minutes)
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from benchmarks.bench_check import WORK, course
from benchmarks.timing import PYTHON, ROOT, report, time_command


def _mkdocs(root: Path) -> list[str]:
    return [
        str(Path(sys.executable).with_name("mkdocs")),
        "build",
        "-q",
        "-f",
        str(root / "mkdocs" / "mkdocs.yml"),
        "-d",
        str(WORK / "mkdocs-site"),
    ]


def main(sizes: tuple[int, ...] = (1000, 5000)) -> None:
    lessonkit = str(Path(sys.executable).with_name("lessonkit"))
    rows = []
    for n in sizes:
        root = course(n, mkdocs=True)
        out = WORK / f"site-{n}"
        shutil.rmtree(out, ignore_errors=True)
        runs = 3 if n <= 1000 else 1
        cold_argv = [lessonkit, "build", "--quiet", str(root), "--out", str(out), "--no-execute"]
        # Cold: no incremental cache; warm: the cache from the previous run is used.
        started = time.perf_counter()
        time_command(cold_argv, runs=1, warmup=0)
        cold = time.perf_counter() - started
        ours = time_command(cold_argv, runs=runs, warmup=0)
        floor = time_command(
            [PYTHON, "-m", "benchmarks.floor_site", str(root), str(WORK / "floor-site")],
            runs=runs,
            warmup=0,
            cwd=ROOT,
        )
        peer = time_command(_mkdocs(root), runs=1 if n > 1000 else 2, warmup=0)
        rows.append(
            (
                f"{n} chapters",
                f"lessonkit {cold:.1f}s cold / {ours:.1f}s warm, floor {floor:.1f}s, "
                f"mkdocs {peer:.1f}s -> {peer / cold:.1f}x faster than mkdocs (cold), "
                f"{cold / floor:.2f}x the floor",
            )
        )
        rows.append(
            (
                f"{n} site size",
                f"{_size(out / 'site') / 1e6:.1f} MB, "
                f"{_size(out / 'site') / n / 1e3:.1f} kB per chapter",
            )
        )
    report("site build: lessonkit vs mkdocs vs bare-work floor (whole process)", rows)


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or (1000, 5000))
