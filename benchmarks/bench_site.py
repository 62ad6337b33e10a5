"""Building the site: lessonkit against mkdocs and against the bare-work floor, same run.

Generated courses of 1000 and 5000 chapters (no code cells); mkdocs builds the same prose
as Markdown (benchmarks/generate.py writes both). Each round times, one after the other,
a cold lessonkit build (output and cache deleted first), the floor (benchmarks/
floor_site.py) and mkdocs; ratios are taken within a round, so a machine that speeds up
or slows down during the run moves all three together, and the medians are reported.
Then the warm build (nothing changed) and the incremental rebuild after editing one
chapter, through the code path `lessonkit serve` runs on every save.

    python -m benchmarks.bench_site [SIZES...]   (default 1000 5000; mkdocs at 5000 takes minutes)
"""

from __future__ import annotations

import shutil
import statistics
import sys
from pathlib import Path

from benchmarks import incremental_site
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
        build = [lessonkit, "build", "--quiet", str(root), "--out", str(out), "--no-execute"]
        floor_argv = [PYTHON, "-m", "benchmarks.floor_site", str(root), str(WORK / "floor-site")]
        # The same course without the search index: the floor builds none either.
        plain = course(n, search=False)
        plain_out = WORK / f"site-{n}-nosearch"
        plain_build = [lessonkit, "build", "--quiet", str(plain), "--out", str(plain_out),
                       "--no-execute"]
        rounds = 3 if n <= 1000 else 1
        cold, floor, peer, unindexed = [], [], [], []
        for _ in range(rounds):
            # Cold: no output, cache or manifest from an earlier build.
            for folder in (out, plain_out, WORK / "floor-site", WORK / "mkdocs-site"):
                shutil.rmtree(folder, ignore_errors=True)
            cold.append(time_command(build, runs=1, warmup=0))
            floor.append(time_command(floor_argv, runs=1, warmup=0, cwd=ROOT))
            unindexed.append(time_command(plain_build, runs=1, warmup=0))
            peer.append(time_command(_mkdocs(root), runs=1, warmup=0))
        warm = time_command(build, runs=3, warmup=0)
        incremental = incremental_site.in_new_process(root, WORK / f"serve-{n}")
        vs_peer = statistics.median(p / c for p, c in zip(peer, cold, strict=True))
        vs_floor = statistics.median(c / f for c, f in zip(cold, floor, strict=True))
        plain_vs_floor = statistics.median(u / f for u, f in zip(unindexed, floor, strict=True))
        rows += [
            (f"{n} chapters",
             f"lessonkit {statistics.median(cold):.2f}s cold, floor "
             f"{statistics.median(floor):.2f}s, mkdocs {statistics.median(peer):.1f}s "
             f"(median of {rounds})"),
            (f"{n} ratios",
             f"{vs_peer:.1f}x faster than mkdocs, {vs_floor:.2f}x the floor "
             "(targets: 4x at 1000 and 12x at 5000; <= 1.5x the floor)"),
            (f"{n} no search",
             f"without the search index (as the floor) {statistics.median(unindexed):.2f}s "
             f"cold, {plain_vs_floor:.2f}x the floor"),
            (f"{n} warm / edit",
             f"nothing changed {warm:.2f}s (new process); one chapter edited while serving "
             f"{incremental:.2f}s (target < 1 s)"),
            (f"{n} site size",
             f"{_size(out / 'site') / 1e6:.1f} MB, "
             f"{_size(out / 'site') / n / 1e3:.1f} kB per chapter"),
        ]
    report("site build: lessonkit vs mkdocs vs bare-work floor (whole process)", rows)


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or (1000, 5000))
