"""A build that fails, or is stopped, leaves every previous output byte-identical, and
the temporary files of a killed build are deleted by the next one.

Real `lessonkit build` processes: the complete fixture course in every format, and a
generated course big enough to be caught half-way by a signal.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.generate import generate
from cli.output import TEMP_MARK

LESSONKIT = str(Path(sys.executable).with_name("lessonkit"))
COMPLETE = Path(__file__).resolve().parents[1] / "fixtures" / "courses" / "complete"
VALUES = Path("01-basics", "02-values.yaml")


def build(course: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([LESSONKIT, "build", str(course), "--out", str(out), *extra],
                          capture_output=True, text=True, timeout=300, check=False)


def hashes(out: Path) -> dict[str, str]:
    """Every file and folder under `out` but the renderers' cache, with its SHA-256."""
    found = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if rel.parts[0] == ".cache":
            continue
        found[str(rel)] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() \
            else "folder"
    return found


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if TEMP_MARK in p.name)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The complete course, built once in every format: (course copy, output folder)."""
    folder = tmp_path_factory.mktemp("complete")
    course = folder / "complete"
    shutil.copytree(COMPLETE, course, ignore=shutil.ignore_patterns(".lessonkit-cache"))
    out = folder / "out"
    done = build(course, out, "--format", "all")
    assert done.returncode == 0, done.stderr
    return course, out


@pytest.mark.parametrize("breakage", [
    ("value = halve(0.5)", "value = halve(0.5)\n      raise ValueError('broken')"),
    ("answer: 0.25", "answer: 0.3"),  # the verify: check disagrees now
], ids=["cell-raises", "verify-mismatch"])
def test_a_failed_build_leaves_every_output_untouched(
    built: tuple[Path, Path], tmp_path: Path, breakage: tuple[str, str]
) -> None:
    course, out = built
    work = tmp_path / "complete"
    shutil.copytree(course, work, ignore=shutil.ignore_patterns(".lessonkit-cache"))
    chapter = work / VALUES
    text = chapter.read_text(encoding="utf-8")
    assert breakage[0] in text
    chapter.write_text(text.replace(breakage[0], breakage[1]), encoding="utf-8")
    before = hashes(out)
    assert {"site/index.html", "complete-scorm12.zip", "complete-scorm2004.zip",
            "complete-cmi5.zip", "complete-qti12.zip", "complete-qti21.zip",
            "complete-moodle.xml", "complete-gift.txt", "complete.imscc"} <= set(before)

    done = build(work, out, "--format", "all")
    assert done.returncode == 1
    assert "the previous output is untouched" in done.stderr
    assert hashes(out) == before
    assert leftovers(out) == []


def big_course(tmp_path: Path) -> Path:
    course = tmp_path / "big"
    generate(120, course, search=False)
    return course


def start(course: Path, out: Path) -> subprocess.Popen[str]:
    # The staged site waits for three packages of it: a window no fast machine closes.
    return subprocess.Popen(
        [LESSONKIT, "build", str(course), "--out", str(out), "-j", "1",
         "-f", "html", "-f", "scorm12", "-f", "scorm2004", "-f", "cmi5"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_staging(process: subprocess.Popen[str], out: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if out.is_dir() and leftovers(out):
            return
        time.sleep(0.005)
    pytest.fail(f"never saw a staged output in {out} (exit {process.poll()})")


def test_sigterm_deletes_what_the_build_staged(tmp_path: Path) -> None:
    out = tmp_path / "out"
    process = start(big_course(tmp_path), out)
    wait_for_staging(process, out)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert "Traceback" not in stderr
    assert leftovers(out) == []
    assert not (out / "site").exists()  # never swapped in


def test_the_next_build_deletes_what_a_killed_one_left(tmp_path: Path) -> None:
    course, out = big_course(tmp_path), tmp_path / "out"
    process = start(course, out)
    wait_for_staging(process, out)
    process.kill()  # no handler runs: the staged folder stays behind
    process.communicate(timeout=60)
    left = leftovers(out)
    assert left and all(f".{TEMP_MARK}-{process.pid}-" in name for name in left)
    # What a process still running stages is not the next build's to delete, and neither
    # is a file of the user's that only looks alike.
    live = out / f".site.{TEMP_MARK}-{os.getpid()}-busy"
    live.mkdir()
    legacy = out / ".site.k3j_x9q2"  # a staging folder of lessonkit before this change
    legacy.mkdir()
    mine = out / ".site.notes"
    mine.write_text("keep")

    done = build(course, out, "--format", "gift")
    assert done.returncode == 0, done.stderr
    assert leftovers(out) == [live.name]
    assert not legacy.exists() and mine.read_text() == "keep"
