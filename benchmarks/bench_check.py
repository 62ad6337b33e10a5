"""`lessonkit check` on generated 1000- and 5000-chapter courses against the floor."""

from __future__ import annotations

import sys
from pathlib import Path

from benchmarks.generate import generate
from benchmarks.timing import PYTHON, ROOT, report, time_command

WORK = ROOT / "benchmarks" / ".work"


def course(n: int, mkdocs: bool = False, search: bool = True) -> Path:
    """The generated course of n chapters (made once, reused); `search` False gives the
    same course with the site's search index turned off."""
    out = WORK / (f"course-{n}" if search else f"course-{n}-nosearch")
    if not (out / "course.yaml").exists() or (mkdocs and not (out / "mkdocs").exists()):
        generate(n, out, mkdocs=mkdocs, search=search)
    return out


def main(sizes: tuple[int, ...] = (1000, 5000)) -> None:
    rows = []
    lessonkit = str(Path(sys.executable).with_name("lessonkit"))
    for n in sizes:
        root = course(n)
        ours = time_command([lessonkit, "check", "--quiet", str(root)], runs=5)
        floor = time_command([PYTHON, "-m", "benchmarks.floor_check", str(root)], runs=5, cwd=ROOT)
        rows.append(
            (
                f"{n} chapters",
                f"check {ours:.2f}s  floor {floor:.2f}s  "
                f"ratio {ours / floor:.2f}x (target <= 1.5x, < 5 s)",
            )
        )
    report("lessonkit check vs libyaml+pydantic floor (median of 5, whole process)", rows)


if __name__ == "__main__":
    main()
