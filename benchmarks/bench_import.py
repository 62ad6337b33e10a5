"""`lessonkit import` of 1,000 GIFT and 1,000 Moodle XML questions against each format's
reference reader on the same file in the same run: gift-pegjs (an independent GIFT
parser, run in node) and lxml (parsing the Moodle XML, nothing more).

The banks are our own exports of a generated 200-chapter course (five questions of
five types per chapter). Each side is timed in-process (median of 5 after a warm-up),
so neither pays for starting its interpreter; the whole `lessonkit import --dry-run`
command is timed too. The references only parse; the importer also converts every
HTML field to Markdown and validates every question against the model, which is where
its time goes.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.generate import generate
from benchmarks.timing import ROOT, report, time_command

WORK = ROOT / "benchmarks" / ".work"
NODE_MODULES = ROOT / ".tools" / "npm" / "node_modules"


def _median(fn: Callable[[], object], runs: int = 5) -> float:
    fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def banks() -> dict[str, Path]:
    """The GIFT and Moodle XML exports of the generated 1,000-question course."""
    from engine.loading.loader import load_course
    from renderers import get
    from renderers.base import RenderContext

    course_dir = WORK / "import-course-200"
    if not (course_dir / "course.yaml").exists():
        generate(200, course_dir)
    out = WORK / "import-banks"
    out.mkdir(parents=True, exist_ok=True)
    course = load_course(course_dir)
    found = {}
    for fmt, suffix in (("gift", "-gift.txt"), ("moodle", "-moodle.xml")):
        renderer = get(fmt)
        bundle = renderer.render(course, RenderContext(options=renderer.Options()))
        for path, data in bundle.items():
            if str(path).endswith(suffix):
                (out / str(path)).write_bytes(data)
                found[fmt] = out / str(path)
    return found


def main() -> None:
    from lxml import etree

    from importers import read_bytes
    from importers.bank import Bank

    files = banks()
    rows = []
    gift = files["gift"]
    gift_text = gift.read_bytes()
    ours = _median(lambda: read_bytes(gift_text, gift.name, "gift", Bank(str(gift))))
    count = sum(b["kind"] == "question" for c in read_bytes(
        gift_text, gift.name, "gift", Bank(str(gift))).chapters for b in c.blocks)
    node = subprocess.run(
        ["node", str(ROOT / "benchmarks" / "gift_pegjs_time.js"), str(NODE_MODULES), str(gift),
         "5"], capture_output=True, text=True, check=True)
    pegjs = json.loads(node.stdout)
    rows.append(("GIFT", f"import {ours * 1000:.0f} ms ({count} questions)  gift-pegjs "
                 f"{pegjs['ms']:.0f} ms ({pegjs['questions']} questions)  ratio "
                 f"{ours * 1000 / pegjs['ms']:.1f}x"))
    moodle = files["moodle"]
    xml = moodle.read_bytes()
    ours = _median(lambda: read_bytes(xml, moodle.name, "moodle", Bank(str(moodle))))
    count = sum(b["kind"] == "question" for c in read_bytes(
        xml, moodle.name, "moodle", Bank(str(moodle))).chapters for b in c.blocks)
    parse = _median(lambda: etree.fromstring(xml, etree.XMLParser(resolve_entities=False)))
    rows.append(("Moodle XML", f"import {ours * 1000:.0f} ms ({count} questions)  lxml parse "
                 f"{parse * 1000:.1f} ms  ratio {ours / parse:.0f}x"))
    target = WORK / "import-target"
    target.mkdir(parents=True, exist_ok=True)
    (target / "course.yaml").write_text("id: t\ntitle: T\nsections: []\n", encoding="utf-8")
    lessonkit = str(Path(sys.executable).with_name("lessonkit"))
    for fmt, path in files.items():
        whole = time_command([lessonkit, "import", str(path), "--into", str(target),
                              "--dry-run"], runs=3)
        rows.append((f"{fmt} command", f"lessonkit import --dry-run {whole:.2f}s "
                     "(whole process: read, convert, plan the files)"))
    report("lessonkit import vs the formats' reference readers (median, same run)", rows)


if __name__ == "__main__":
    main()
