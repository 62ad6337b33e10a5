"""A large course's chapter files are read, and its chapters checked, by forked workers,
with the same result as one process: the same chapters, spans, diagnostics and order."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from engine import parallel
from engine.checking import rules
from engine.diagnostics import Code
from engine.loading import chapter_files
from engine.loading.loader import check_course

COMPLETE_COURSE = Path(__file__).resolve().parents[2] / "fixtures" / "courses" / "complete"


@pytest.fixture
def every_chapter_dealt_out(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Reading and checking are shared out from the first chapter on, a chapter per chunk,
    and each read leaves the reading process's pid in the returned file."""
    monkeypatch.setattr(chapter_files, "PARALLEL_LOAD_MIN", 1)
    monkeypatch.setattr(rules, "PARALLEL_RULES_MIN", 1)
    monkeypatch.setattr(parallel, "CHUNK", 1)
    pids = tmp_path / "pids"
    read = chapter_files.read_chapter

    def read_and_say_where(file: chapter_files.ChapterFile, root: Path) -> chapter_files.Read:
        with open(pids, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()}\n")
        return read(file, root)

    monkeypatch.setattr(chapter_files, "read_chapter", read_and_say_where)
    return pids


def _course(tmp_path: Path) -> Path:
    target = tmp_path / "course"
    shutil.copytree(COMPLETE_COURSE, target, ignore=shutil.ignore_patterns(".lessonkit-cache"))
    return target


def test_workers_read_the_same_course_as_one_process(
    tmp_path: Path, every_chapter_dealt_out: Path
) -> None:
    root = _course(tmp_path)
    alone = check_course(root, jobs=1)
    every_chapter_dealt_out.unlink()
    shared = check_course(root, jobs=2)

    assert len(set(every_chapter_dealt_out.read_text().split())) == 2  # a worker read some
    assert alone.course is not None and shared.course is not None
    assert shared.diagnostics == alone.diagnostics == []
    assert shared.course.model_dump() == alone.course.model_dump()
    for mine, theirs in zip(shared.course.chapters, alone.course.chapters, strict=True):
        assert mine.span_of("title") == theirs.span_of("title")
        for block, same in zip(mine.blocks, theirs.blocks, strict=True):
            assert block.span_of("id") == same.span_of("id")


def test_a_broken_file_a_worker_read_is_reported_at_its_line(
    tmp_path: Path, every_chapter_dealt_out: Path
) -> None:
    root = _course(tmp_path)
    # The second file listed is the first a worker reads (chunks are dealt out in turn).
    values = root / "01-basics" / "02-values.yaml"
    values.write_text(values.read_text(encoding="utf-8").replace("title:", "titel:", 1),
                      encoding="utf-8")
    structures = root / "02-more" / "01-structures.yaml"
    structures.write_text("blocks: [unclosed\n", encoding="utf-8")

    alone = check_course(root, jobs=1)
    every_chapter_dealt_out.unlink()
    shared = check_course(root, jobs=2)

    assert len(set(every_chapter_dealt_out.read_text().split())) == 2
    assert shared.course is None
    assert [str(d) for d in shared.diagnostics] == [str(d) for d in alone.diagnostics]
    files = {Path(d.span.file).name for d in shared.diagnostics if d.span is not None}
    assert {"02-values.yaml", "01-structures.yaml"} <= files


def test_a_mistake_a_worker_found_in_a_chapters_rules_is_reported_the_same(
    tmp_path: Path, every_chapter_dealt_out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _course(tmp_path)
    # The second chapter listed: a worker's (chunks are dealt out in turn).
    values = root / "01-basics" / "02-values.yaml"
    values.write_text(values.read_text(encoding="utf-8").replace("    accept: [h_t]\n", ""),
                      encoding="utf-8")
    checked = tmp_path / "checked"
    check = rules._chapter_rules

    def check_and_say_where(course, chapter, smap):  # type: ignore[no-untyped-def]
        with open(checked, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()}\n")
        yield from check(course, chapter, smap)

    monkeypatch.setattr(rules, "_chapter_rules", check_and_say_where)
    alone = check_course(root, jobs=1)
    checked.unlink()
    shared = check_course(root, jobs=2)

    assert len(set(checked.read_text().split())) == 2
    assert [str(d) for d in shared.diagnostics] == [str(d) for d in alone.diagnostics]
    [missing] = [d for d in shared.diagnostics if d.code is Code.NO_ANSWER]
    assert "'text-case'" in missing.message
    assert missing.span is not None and Path(missing.span.file).name == "02-values.yaml"
