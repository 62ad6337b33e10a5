"""The validated course is cached: an unchanged course is never validated twice."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import engine.loading.loader
from engine.diagnostics import CourseError
from learner.course_cache import fingerprint, load_course_cached
from tests.learner.helpers import COMPLETE


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    target = tmp_path / "course"
    shutil.copytree(COMPLETE, target)
    return target


def _count_loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []
    real = engine.loading.loader.load_course

    def counting(path: str | Path) -> object:
        calls.append(Path(path))
        return real(path)

    monkeypatch.setattr(engine.loading.loader, "load_course", counting)
    return calls


def test_second_load_comes_from_the_cache(course_copy: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_loads(monkeypatch)
    first = load_course_cached(course_copy)
    second = load_course_cached(course_copy)
    assert len(calls) == 1
    assert second.model_dump() == first.model_dump()
    assert second.root == first.root  # private attributes survive the pickle
    assert second.chapters[0].path == first.chapters[0].path


def test_any_edit_validates_again(course_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_loads(monkeypatch)
    load_course_cached(course_copy)
    chapter = course_copy / "01-basics" / "02-values.yaml"
    chapter.write_text(chapter.read_text().replace("Half of 0.5", "One half of 0.5"))
    edited = load_course_cached(course_copy)
    assert len(calls) == 2
    assert any(q.explanation == "One half of 0.5 is 0.25." for q in edited.questions)


def test_same_size_same_time_edit_is_still_seen(course_copy: Path) -> None:
    # Content is hashed too: an edit that keeps size and mtime must not serve stale data.
    chapter = course_copy / "01-basics" / "02-values.yaml"
    before = fingerprint(course_copy)
    stat = chapter.stat()
    chapter.write_text(chapter.read_text().replace("24 times", "24 tim3s"))
    import os

    os.utime(chapter, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert chapter.stat().st_size == stat.st_size
    assert fingerprint(course_copy) != before


def test_errors_are_not_cached(course_copy: Path) -> None:
    chapter = course_copy / "01-basics" / "02-values.yaml"
    good = chapter.read_text()
    chapter.write_text(good.replace("type: numeric", "type: numerik", 1))
    with pytest.raises(CourseError):
        load_course_cached(course_copy)
    chapter.write_text(good)
    assert load_course_cached(course_copy).id == "complete"


def test_a_broken_cache_entry_is_ignored(course_copy: Path, tmp_path: Path) -> None:
    load_course_cached(course_copy)
    for entry in (tmp_path / "cache" / "courses").iterdir():
        entry.write_bytes(entry.read_bytes()[:200])  # truncated pickle
    assert load_course_cached(course_copy).id == "complete"
