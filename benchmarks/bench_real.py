"""Building real lessons: lessonkit against mkdocs and against the bare-work floors.

The courses are the sample course's chapters copied to 1000 and 5000 chapters
(benchmarks/real_content.py: explanations, tables, math, admonitions, highlighted code
that does not run, every question type), and the mkdocs project holds the same prose.
Each round times, one after the other, whole processes and cold (output and build cache
deleted first):

- `lessonkit build --format html` with the search index, and the same without it;
- `lessonkit check`, and its floor (libyaml + pydantic, benchmarks/floor_check.py);
- `mkdocs build` (default theme and search) on the same prose;
- the bare-work floor of the site (libyaml + pydantic + Markdown + one template + write,
  on 2 processes, benchmarks/floor_site.py) with markdown-it-py and with markdown-it-pyrs;
- that floor with the features it lacks that cost most, each done the plainest way with
  the stock library (`floor_site --features`: Pygments, latex2mathml, a search index of
  page text), to tell the work of those features from the overhead of lessonkit's code.

Ratios are taken within a round, so a machine that speeds up or slows down during the
run moves them all together; medians of the rounds are reported, with the peak resident
set of the largest process. A last row times the light synthetic course
(benchmarks/generate.py) against mkdocs, as the earlier benchmark did.

The 5000-chapter course takes minutes more (mkdocs alone needs several), so `make bench`
builds it only when asked: `make bench BENCH_5000=1`, or `--sizes 1000 5000` here.

    python -m benchmarks.bench_real [--sizes 1000 5000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
from pathlib import Path

from benchmarks import generate, incremental_site, real_content
from benchmarks.bench_check import WORK
from benchmarks.timing import PYTHON, ROOT, report, run_measured

LESSONKIT = str(Path(sys.executable).with_name("lessonkit"))
MKDOCS = str(Path(sys.executable).with_name("mkdocs"))


def real_course(n: int, search: bool = True) -> Path:
    """The real-content course of n chapters with its mkdocs twin (made once, reused)."""
    out = WORK / (f"real-{n}" if search else f"real-{n}-nosearch")
    if not (out / "course.yaml").exists():
        real_content.generate(n, out, mkdocs=search, search=search)
    return out


def _commands(root: Path, plain: Path, tag: str) -> dict[str, tuple[list[str], list[Path]]]:
    """What each row runs, and the folders to delete first so that it starts cold."""
    site, plain_site = WORK / f"out-{tag}", WORK / f"out-{tag}-nosearch"
    floor_py, floor_rs, floor_features, mk_site = (
        WORK / f"{name}-{tag}" for name in ("floor", "floor-rs", "floor-features", "mk"))
    build = [LESSONKIT, "build", "--quiet", "--format", "html", "--no-execute"]
    return {
        "build": ([*build, str(root), "--out", str(site)],
                  [site, root / ".lessonkit-cache"]),
        "no search": ([*build, str(plain), "--out", str(plain_site)],
                      [plain_site, plain / ".lessonkit-cache"]),
        "check": ([LESSONKIT, "check", "--quiet", str(root)], []),
        "check floor": ([PYTHON, "-m", "benchmarks.floor_check", str(root)], []),
        "floor": ([PYTHON, "-m", "benchmarks.floor_site", str(root), str(floor_py)], [floor_py]),
        "floor pyrs": ([PYTHON, "-m", "benchmarks.floor_site", str(root), str(floor_rs),
                        "--markdown", "pyrs"], [floor_rs]),
        "floor features": ([PYTHON, "-m", "benchmarks.floor_site", str(root), str(floor_features),
                            "--markdown", "pyrs", "--features"], [floor_features]),
        "mkdocs": ([MKDOCS, "build", "-q", "-f", str(root / "mkdocs" / "mkdocs.yml"),
                    "-d", str(mk_site)], [mk_site]),
    }


def _rounds(commands: dict[str, tuple[list[str], list[Path]]], rounds: int
            ) -> dict[str, list[tuple[float, int]]]:
    samples: dict[str, list[tuple[float, int]]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, (argv, cold) in commands.items():
            for folder in cold:
                shutil.rmtree(folder, ignore_errors=True)
            samples[name].append(run_measured(argv, cwd=ROOT))
    return samples


def _median_ratio(samples: dict[str, list[tuple[float, int]]], top: str, bottom: str) -> float:
    return statistics.median(
        a[0] / b[0] for a, b in zip(samples[top], samples[bottom], strict=True))


def _real_rows(n: int, rounds: int) -> list[tuple[str, str]]:
    root, plain = real_course(n), real_course(n, search=False)
    samples = _rounds(_commands(root, plain, f"real-{n}"), rounds)

    def cell(name: str) -> str:
        seconds = statistics.median(s for s, _ in samples[name])
        peak = max(rss for _, rss in samples[name])
        return f"{seconds:6.2f} s  {peak / 1e6:5.0f} MB"

    edit = incremental_site.in_new_process(root, WORK / f"serve-real-{n}")
    site = WORK / f"out-real-{n}" / "site"
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    ratio = lambda top, bottom: f"{_median_ratio(samples, top, bottom):.2f}x"  # noqa: E731
    return [
        (f"{n} real: build, search", f"{cell('build')}  "
         f"(mkdocs / this {ratio('mkdocs', 'build')}; this / pyrs floor "
         f"{ratio('build', 'floor pyrs')}; targets >= 6x at 1000, >= 25x at 5000; <= 1.5x)"),
        (f"{n} real: build, no search", f"{cell('no search')}  "
         f"(/ pyrs floor {ratio('no search', 'floor pyrs')}, / py floor "
         f"{ratio('no search', 'floor')})"),
        (f"{n} real: check", f"{cell('check')}  (/ its floor {ratio('check', 'check floor')}; "
         "target <= 1.2x)"),
        (f"{n} real: check floor", f"{cell('check floor')}  (libyaml + pydantic)"),
        (f"{n} real: mkdocs", f"{cell('mkdocs')}  (default theme and search, same prose)"),
        (f"{n} real: floor", f"{cell('floor')}  (libyaml + pydantic + markdown-it-py + "
         "template + write, 2 processes)"),
        (f"{n} real: floor pyrs", f"{cell('floor pyrs')}  (the same with markdown-it-pyrs; "
         f"py floor / this {ratio('floor', 'floor pyrs')})"),
        (f"{n} real: floor features", f"{cell('floor features')}  (the same, with code "
         "highlighted by stock Pygments, formulas by latex2mathml and a search index of "
         f"page text; build / this {ratio('build', 'floor features')})"),
        (f"{n} real: edit while serving", f"{edit:.3f} s  (one chapter edited and the site "
         "rebuilt as `serve` does, median of 5; target < 0.15 s at 1000)"),
        (f"{n} real: site size", f"{size / 1e6:.1f} MB, {size / n / 1e3:.1f} kB per chapter"),
    ]


def _synthetic_rows(n: int, rounds: int) -> list[tuple[str, str]]:
    root = WORK / f"course-{n}"
    if not (root / "mkdocs").exists():
        generate.generate(n, root, mkdocs=True)
    commands = _commands(root, root, f"synthetic-{n}")
    samples = _rounds({k: commands[k] for k in ("build", "mkdocs")}, rounds)
    build = statistics.median(s for s, _ in samples["build"])
    peer = statistics.median(s for s, _ in samples["mkdocs"])
    return [(f"{n} synthetic", f"build {build:.2f} s, mkdocs {peer:.2f} s, "
             f"{_median_ratio(samples, 'mkdocs', 'build'):.2f}x faster (light generated chapters)")]


def main(sizes: tuple[int, ...] = (), rounds: int = 3) -> None:
    sizes = sizes or ((1000, 5000) if os.environ.get("BENCH_5000") == "1" else (1000,))
    rows: list[tuple[str, str]] = []
    for n in sizes:
        rows += _real_rows(n, rounds)
    rows += _synthetic_rows(1000, rounds)
    report(f"real lessons: lessonkit vs mkdocs vs bare-work floors "
           f"(whole process, cold, median of {rounds})", rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    main(tuple(args.sizes), args.rounds)
