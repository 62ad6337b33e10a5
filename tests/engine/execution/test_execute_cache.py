"""The output cache: what re-runs a chapter, what does not, and how entries are stored."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from engine.diagnostics import Code
from engine.execution import blasprobe
from engine.execution.blasprobe import blas_identity
from engine.execution.execute import (
    _longest_first,
    _plan,
    cached_outputs,
    execute_course,
    run_chapter,
)
from engine.execution.outputcache import OutputCache, course_fingerprint, default_cache_dir
from engine.loading.loader import load_course
from engine.model import Course
from tests.engine.execution.blas_kernels import KERNEL_NEEDS, supported_kernels


@pytest.fixture
def course_dir(fixture_copy: Callable[[str], Path]) -> Path:
    """A fresh copy of the cached-cells course whose cells already ran once."""
    folder = fixture_copy("cached")
    first = execute_course(load_course(folder))
    assert first.executed == ["reads", "plain"] and not first.diagnostics
    return folder


def rerun(folder: Path, **options: object) -> tuple[Course, list[str], list[str]]:
    course = load_course(folder)
    result = execute_course(course, **options)  # type: ignore[arg-type]
    return course, result.executed, result.cached


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_an_unchanged_course_executes_nothing(course_dir: Path) -> None:
    course = load_course(course_dir)
    result = execute_course(course)
    assert (result.executed, result.cached) == ([], ["reads", "plain"])
    assert result.outputs["count"].stdout == "3 words\n"
    assert result.verified == {"how-many": 3.0}
    assert result.summary().startswith("2 chapters: 0 executed, 2 from cache, 0 failed")


def test_editing_a_cell_reruns_only_its_chapter(course_dir: Path) -> None:
    edit(course_dir / "plain.yaml", 'print("hello")', 'print("hello again")')
    _, executed, cached = rerun(course_dir)
    assert (executed, cached) == (["plain"], ["reads"])


def test_editing_course_code_reruns_every_chapter(course_dir: Path) -> None:
    edit(course_dir / "pkg" / "__init__.py", "def words", "# a comment\n\n\ndef words")
    assert rerun(course_dir)[1] == ["reads", "plain"]


def test_editing_a_data_file_inside_a_course_package_reruns(course_dir: Path) -> None:
    (course_dir / "pkg" / "data" / "words.txt").write_text("alpha\nbeta\n", encoding="utf-8")
    course = load_course(course_dir)
    result = execute_course(course)
    assert result.executed == ["reads", "plain"]
    [diagnostic] = result.diagnostics  # the stated answer 3 no longer matches 2 words
    assert diagnostic.code is Code.VERIFY_MISMATCH


def test_editing_a_data_file_a_cell_names_reruns_its_chapter(course_dir: Path) -> None:
    (course_dir / "table.csv").write_text("x,y\n1,2\n3,4\n", encoding="utf-8")
    course = load_course(course_dir)
    result = execute_course(course)
    assert (result.executed, result.cached) == (["plain"], ["reads"])
    assert result.outputs["table"].stdout == "3 rows\n"


def test_editing_a_file_no_cell_can_import_reruns_nothing(course_dir: Path) -> None:
    (course_dir / "notes.md").write_text("changed", encoding="utf-8")
    (course_dir / "data.csv").write_text("1,2\n", encoding="utf-8")
    assert rerun(course_dir)[1] == []


def test_editing_an_answer_is_checked_without_running_again(course_dir: Path) -> None:
    edit(course_dir / "reads.yaml", "answer: 3", "answer: 4")
    course = load_course(course_dir)
    result = execute_course(course)
    assert result.executed == []
    [diagnostic] = result.diagnostics
    assert diagnostic.code is Code.VERIFY_MISMATCH
    assert diagnostic.span == course.questions[0].span_of("answer")
    assert "4" in diagnostic.message and "`n_words` = 3.0" in diagnostic.message


def test_editing_a_verify_expression_reruns_its_chapter(course_dir: Path) -> None:
    edit(course_dir / "reads.yaml", "expr: n_words", "expr: n_words + 0")
    assert rerun(course_dir)[1:] == (["reads"], ["plain"])


def test_refresh_runs_cached_chapters(course_dir: Path) -> None:
    assert rerun(course_dir, refresh=True)[1:] == (["reads", "plain"], [])


def test_no_execute_uses_the_cache_and_runs_nothing(
    course_dir: Path, fixture_copy: Callable[[str], Path]
) -> None:
    edit(course_dir / "plain.yaml", 'print("hello")', 'print("changed")')
    result = execute_course(load_course(course_dir), execute=False)
    assert (result.executed, result.cached, result.skipped) == ([], ["reads"], ["plain"])
    assert "hello" not in result.outputs and result.outputs["count"].stdout == "3 words\n"
    assert result.summary().startswith("2 chapters: 0 executed, 1 from cache, 0 failed, "
                                       "1 not executed (no cache)")
    fresh = execute_course(load_course(fixture_copy("cached")), execute=False)
    assert (fresh.outputs, fresh.skipped) == ({}, ["reads", "plain"])


def test_a_damaged_cache_file_is_a_miss(course_dir: Path) -> None:
    course = load_course(course_dir)
    (default_cache_dir(course) / "plain.json").write_text("{not json", encoding="utf-8")
    (default_cache_dir(course) / "reads.json").write_text('{"format": 1, "key": 3}')
    assert rerun(course_dir)[1] == ["reads", "plain"]


def test_cache_files_are_complete_json_with_no_leftovers(course_dir: Path) -> None:
    folder = default_cache_dir(load_course(course_dir))
    assert sorted(p.name for p in folder.iterdir()) == ["plain.json", "reads.json"]
    entry = json.loads((folder / "reads.json").read_text(encoding="utf-8"))
    assert entry["chapter"] == "reads" and len(entry["key"]) == 64
    assert entry["outputs"][0]["stdout"] == "3 words\n"
    assert entry["verified"] == {"how-many": 3.0}


def test_chapter_api_for_the_terminal_quiz(fixture_copy: Callable[[str], Path]) -> None:
    course = load_course(fixture_copy("cached"))
    chapter = course.chapters[1]
    assert cached_outputs(course, chapter) is None
    outputs = run_chapter(course, chapter)
    assert outputs["hello"].stdout == "hello\n"
    assert cached_outputs(course, chapter) == outputs


def test_the_fingerprint_follows_requires_and_python_path(course_dir: Path) -> None:
    course = load_course(course_dir)
    base = course_fingerprint(course)
    assert course_fingerprint(course) == base
    for change in ({"requires": ["pytest>=8"]}, {"python_path": [".", "pkg"]}):
        code = course.code.model_copy(update=change)
        changed = course.model_copy(update={"code": code})
        assert course_fingerprint(changed) != base


def test_the_fingerprint_names_the_blas_kernel_the_cells_use(
    course_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Outputs made under one OpenBLAS kernel are not reused under another: kernels round
    # differently, and a trained number moves by percents after a few hundred steps.
    kernels = supported_kernels()
    assert len(kernels) >= 2, f"this CPU offers only {kernels} of {list(KERNEL_NEEDS)}"
    course = load_course(course_dir)
    fingerprints = {}
    for kernel in kernels:
        monkeypatch.setenv("OPENBLAS_CORETYPE", kernel)
        identity = blas_identity()
        assert identity.startswith("openblas ") and f" {kernel} " in identity, identity
        fingerprints[kernel] = course_fingerprint(course)
        assert course_fingerprint(course) == fingerprints[kernel]  # stable for one kernel
    assert len(set(fingerprints.values())) == len(kernels)
    # A chapter run under the last kernel is not taken from the cache under the first one.
    execute_course(course)
    monkeypatch.setenv("OPENBLAS_CORETYPE", kernels[0])
    assert execute_course(course).executed == ["reads", "plain"]


def test_a_failed_blas_probe_keys_apart_from_every_known_kernel(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blasprobe.sys, "executable", "/nonexistent/python")
    assert blasprobe.blas_identity().startswith("unknown (")


def test_parallel_and_sequential_runs_give_the_same_outputs(course_dir: Path) -> None:
    course = load_course(course_dir)
    one = execute_course(course, refresh=True, jobs=1)
    two = execute_course(course, refresh=True, jobs=2)
    strip = {k: (o.stdout, o.stderr, o.error, o.figures) for k, o in one.outputs.items()}
    assert strip == {k: (o.stdout, o.stderr, o.error, o.figures) for k, o in two.outputs.items()}
    assert one.executed == two.executed == ["reads", "plain"]


def test_parallel_runs_start_the_slowest_known_chapter_first(course_dir: Path) -> None:
    course = load_course(course_dir)
    cache = OutputCache(default_cache_dir(course))
    assert all(cache.last_seconds(c.id) or 0 > 0 for c in course.chapters)
    # Pretend 'plain' took long last time; a chapter that never ran comes before both.
    entry = json.loads((cache.folder / "plain.json").read_text(encoding="utf-8"))
    (cache.folder / "plain.json").write_text(json.dumps({**entry, "seconds": 99.0}))
    (cache.folder / "reads.json").unlink()
    plans = [p for c in course.chapters if (p := _plan(c, "", Path(course.root)))]
    assert [p.chapter.id for p in _longest_first(plans, cache)] == ["reads", "plain"]
    (cache.folder / "reads.json").write_text(json.dumps({**entry, "seconds": 1.0}))
    assert [p.chapter.id for p in _longest_first(plans, cache)] == ["plain", "reads"]
    assert cache.last_seconds("missing") is None


def test_cells_compute_with_the_kernel_openblas_coretype_names(
    course_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The sandbox builds the cells' environment from nothing; the variables that pick the
    # kernel must still reach them, or every kernel-specific check would test one kernel.
    edit(course_dir / "plain.yaml", 'print("hello")', (
        "import numpy, threadpoolctl\n"
        "      print([p['architecture'] for p in threadpoolctl.threadpool_info()"
        " if p['internal_api'] == 'openblas'])"))
    for kernel in supported_kernels():
        monkeypatch.setenv("OPENBLAS_CORETYPE", kernel)
        result = execute_course(load_course(course_dir), chapters={"plain"})
        assert not result.diagnostics
        assert result.outputs["hello"].stdout.strip() == repr([kernel])
