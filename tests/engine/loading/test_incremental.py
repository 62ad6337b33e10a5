"""Re-checking with a LoadCache re-reads only what changed, and sees every change."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from engine.loading import outline as outline_module
from engine.loading.loader import LoadCache, check_course

COMPLETE_COURSE = Path(__file__).resolve().parents[2] / "fixtures" / "courses" / "complete"


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "course"
    shutil.copytree(COMPLETE_COURSE, target, ignore=shutil.ignore_patterns(".lessonkit-cache"))
    return target


def _touch_later(path: Path, text: str) -> None:
    stat = path.stat()
    path.write_text(text, encoding="utf-8")
    # Same-second saves must still count as changes: move the mtime on explicitly.
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))


def test_unchanged_chapters_are_reused_and_a_changed_one_is_reread(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    cache = LoadCache()
    first = check_course(root, cache)
    assert first.course is not None and first.diagnostics == []
    values = root / "01-basics" / "02-values.yaml"
    _touch_later(
        values, values.read_text(encoding="utf-8").replace("title: Values", "title: Numbers")
    )
    second = check_course(root, cache)
    assert second.course is not None
    before = {c.id: c for c in first.course.chapters}
    after = {c.id: c for c in second.course.chapters}
    assert after["values"].title == "Numbers"
    assert after["values"] is not before["values"]
    assert after["choices"] is before["choices"]
    assert after["structures"] is before["structures"]


def test_a_save_that_breaks_a_chapter_is_reported_and_a_fix_clears_it(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    cache = LoadCache()
    assert check_course(root, cache).diagnostics == []
    chapter = root / "02-more" / "01-structures.yaml"
    good = chapter.read_text(encoding="utf-8")
    _touch_later(chapter, good.replace("    pairs:", "    pairz:", 1))
    broken = check_course(root, cache)
    assert broken.course is None
    # The misspelled required key is one mistake: unknown-key with "did you mean 'pairs'?".
    assert [
        (Path(d.span.file).name, d.code.value, d.hint) for d in broken.diagnostics if d.span
    ] == [("01-structures.yaml", "unknown-key", "did you mean 'pairs'?")]
    _touch_later(chapter, good)
    assert check_course(root, cache).diagnostics == []


def test_course_yaml_is_read_again_only_when_it_changed(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    root = _copy(tmp_path)
    reads: list[Path] = []
    real = outline_module._read_outline

    def counting(path: Path, stamp: tuple[int, int] | None) -> outline_module.Outline:
        reads.append(path)
        return real(path, stamp)

    monkeypatch.setattr(outline_module, "_read_outline", counting)
    cache = LoadCache()
    first = check_course(root, cache)
    assert check_course(root, cache).diagnostics == first.diagnostics == []
    assert len(reads) == 1
    course_yaml = root / "course.yaml"
    _touch_later(course_yaml, course_yaml.read_text(encoding="utf-8").replace(
        'title: "', 'title: "Renamed ', 1))
    second = check_course(root, cache)
    assert len(reads) == 2 and second.course is not None
    assert second.course.title.startswith("Renamed")
