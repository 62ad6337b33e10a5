"""Editing one chapter while `lessonkit serve` runs: the time from the save to the new site.

Runs what `serve` runs on every save (cli.commands.serve.serving_rebuild: build_html
with the rebuild state it keeps between builds) in this process: one build to start
from, then, several times, an edit of one chapter's YAML file and a rebuild (check,
render, write). The chapter file is restored at the end.

    python -m benchmarks.incremental_site COURSE OUT [RUNS]   -> JSON on stdout

`in_new_process` runs it that way and returns the median (bench_site, bench_real).
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from cli.commands.serve import serving_rebuild


def main(root: Path, out: Path, runs: int = 5) -> dict[str, object]:
    rebuild = serving_rebuild(root, out)
    started = time.perf_counter()
    errors = rebuild()
    first = time.perf_counter() - started
    chapters = sorted(root.rglob("c*.yaml"))
    chapter = chapters[len(chapters) // 2]
    original = chapter.read_text(encoding="utf-8")
    # The chapter's page is named after its id (the first line of both generators' files).
    page = out / "site" / "chapters" / f"{original.split(chr(10), 1)[0].removeprefix('id: ')}.html"
    samples = []
    try:
        for run in range(runs):
            chapter.write_text(original.replace("## ", f"## Edit {run} of ", 1),
                               encoding="utf-8")
            started = time.perf_counter()
            errors += rebuild()
            samples.append(time.perf_counter() - started)
            if f"Edit {run} of " not in page.read_text(encoding="utf-8"):
                raise RuntimeError(f"the edit of {chapter} did not reach the site")
    finally:
        chapter.write_text(original, encoding="utf-8")
    if any(d.severity.name == "ERROR" for d in errors):
        raise RuntimeError(f"the course has errors: {errors[:3]}")
    return {"first": first, "median": statistics.median(samples), "samples": samples}


def in_new_process(root: Path, out: Path, runs: int = 5) -> float:
    """Median seconds from saving an edited chapter to the new site, as `serve` rebuilds,
    measured in a process of its own (starting from no output folder)."""
    shutil.rmtree(out, ignore_errors=True)
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.incremental_site", str(root), str(out), str(runs)],
        cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True,
        check=False)
    if done.returncode != 0:
        raise RuntimeError(f"incremental build failed: {done.stderr[-2000:]}")
    return float(json.loads(done.stdout)["median"])


if __name__ == "__main__":
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    json.dump(main(Path(sys.argv[1]), Path(sys.argv[2]), runs), sys.stdout)
