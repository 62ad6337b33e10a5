"""Editing one chapter while `lessonkit serve` runs: the time from the save to the new site.

Runs what `serve` runs on every save (cli.commands.serve.serving_rebuild: build_html
with the rebuild state it keeps between builds) in this process: one build to start
from, then, several times, an edit of one chapter's YAML file and a rebuild (check,
render, write). The chapter file is restored at the end.

    python -m benchmarks.incremental_site COURSE OUT [RUNS]   -> JSON on stdout
"""

from __future__ import annotations

import json
import statistics
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


if __name__ == "__main__":
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    json.dump(main(Path(sys.argv[1]), Path(sys.argv[2]), runs), sys.stdout)
