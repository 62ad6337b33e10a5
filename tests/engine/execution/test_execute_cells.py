"""What running the cells of the fixture course captures and reports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.diagnostics import Code, Diagnostic, Severity
from engine.execution import cellreport
from engine.execution.execute import ExecutionResult, execute_course, run_chapter
from engine.execution.outputcache import default_cache_dir
from engine.model import Chapter, Course
from tests.engine.execution.execute_helpers import find_line


def only(result: ExecutionResult, code: Code, message_part: str) -> Diagnostic:
    found = [d for d in result.diagnostics if d.code is code and message_part in d.message]
    assert len(found) == 1, [d.headline() for d in result.diagnostics]
    return found[0]


def chapter_file(course: Course, chapter_id: str) -> Path:
    chapter = next(c for c in course.chapters if c.id == chapter_id)
    return Path(course.root) / chapter.path


def test_stdout_and_stderr_are_captured_per_cell(cells_run: ExecutionResult) -> None:
    greet = cells_run.outputs["greet"]
    assert (greet.stdout, greet.stderr, greet.error) == ("hello 6\n", "to stderr\n", None)
    assert cells_run.outputs["later"].stdout == "after\n"


def test_cells_run_in_the_course_folder_with_its_python_path(cells_run: ExecutionResult) -> None:
    # cwd, sys.path[0], BLAS threads, backend, and no lessonkit module visible to the cells.
    lines = cells_run.outputs["environment"].stdout.splitlines()
    assert lines == ["cells", "1 1 1", "Agg", "lib", "False False"]


def test_open_figures_become_svg_with_unique_ids(cells_run: ExecutionResult) -> None:
    plots = cells_run.outputs["plots"]
    assert len(plots.figures) == 2
    assert plots.stderr == ""  # plt.show() under Agg does not warn into the output
    ids = []
    for n, svg in enumerate(plots.figures, 1):
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "</svg>" in svg
        assert "<dc:date>" not in svg
        defined = set(re.findall(r'\sid="([^"]+)"', svg))
        used = set(re.findall(r'(?:href="#|url\(#)([^")]+)', svg))
        assert used and used <= defined  # every reference still resolves in its own figure
        assert all(name.startswith(f"lk-plots-{n}-") for name in defined)
        ids.append(defined)
    assert ids[0] and ids[1] and not ids[0] & ids[1]  # safe to inline both in one page
    assert "<!-- first -->" in plots.figures[0]  # the title, as a comment by its glyphs


def test_figures_are_byte_identical_when_run_again(
    cells_course: Course, cells_run: ExecutionResult, tmp_path: Path
) -> None:
    chapter = next(c for c in cells_course.chapters if c.id == "good")
    again = run_chapter(cells_course, chapter, cache_dir=tmp_path)
    assert again["plots"].figures == cells_run.outputs["plots"].figures
    assert again["greet"].stdout == cells_run.outputs["greet"].stdout


def test_cells_with_run_false_do_not_run(cells_run: ExecutionResult) -> None:
    assert "shown-only" not in cells_run.outputs


def test_verify_sees_the_value_right_after_its_cell(cells_run: ExecutionResult) -> None:
    # A later cell sets ratio = 99; the check still sees the value of cell 'value'.
    assert cells_run.verified["numeric-ok"] == 0.5
    assert cells_run.verified["text-ok"] == "Recurrent"
    assert not [d for d in cells_run.diagnostics if "good.yaml" in str(d.span)]
    assert "good" not in cells_run.failed


def test_an_exception_points_at_the_failing_source_line(
    cells_course: Course, cells_run: ExecutionResult
) -> None:
    diagnostic = only(cells_run, Code.CELL_ERROR, "'boom'")
    line, column = find_line(chapter_file(cells_course, "raises"), "x / y")
    assert diagnostic.span is not None
    assert (diagnostic.span.line, diagnostic.span.column) == (line, column)
    assert diagnostic.span.end_column == column + len("x / y")
    assert diagnostic.severity is Severity.ERROR
    assert "ZeroDivisionError: division by zero" in diagnostic.message
    assert "cells that did not run: after" in diagnostic.notes
    # Cells before the failure keep their output; later cells and their verify do not run.
    assert cells_run.outputs["before"].stdout == "before the failure\n"
    assert cells_run.outputs["boom"].error == "ZeroDivisionError: division by zero"
    assert "after" not in cells_run.outputs
    assert "after-value" not in cells_run.verified


def test_an_error_in_course_code_points_at_the_calling_line(
    cells_course: Course, cells_run: ExecutionResult
) -> None:
    diagnostic = only(cells_run, Code.CELL_ERROR, "'calls-library'")
    line, column = find_line(chapter_file(cells_course, "lib-error"), "tools.explode()")
    assert diagnostic.span is not None
    assert (diagnostic.span.line, diagnostic.span.column) == (line, column)
    assert "ValueError: boom from the course library" in diagnostic.message
    assert any("lib/tools.py:9 in explode" in note for note in diagnostic.notes)


def test_an_error_in_a_function_of_an_earlier_cell_points_into_it(
    cells_course: Course, cells_run: ExecutionResult
) -> None:
    diagnostic = only(cells_run, Code.CELL_ERROR, "'uses'")
    path = chapter_file(cells_course, "nested")
    assert diagnostic.span is not None
    assert diagnostic.span.line == find_line(path, "return a / b")[0]
    call_line = find_line(path, "print(ratio(1, 0))")[0]
    assert any(f"nested.yaml:{call_line} in <module>" in note for note in diagnostic.notes)
    assert cells_run.outputs["uses"].stdout == "0.5\n"


def test_a_dying_process_is_a_crash_at_the_running_cell(
    cells_course: Course, cells_run: ExecutionResult
) -> None:
    diagnostic = only(cells_run, Code.CELL_CRASH, "'crash'")
    dies = next(c for c in cells_course.chapters if c.id == "crash").code_cells[1]
    assert diagnostic.span == dies.span
    assert "exit code 1" in diagnostic.message and "'dies'" in diagnostic.message
    assert "cells that did not run: orphan" in diagnostic.notes
    assert cells_run.outputs["steady"].stdout == "still fine\n"
    assert (cells_run.outputs["dies"].error or "").startswith("Crash:")
    assert "orphan" not in cells_run.outputs


def test_output_over_the_limit_is_cut_and_reported(cells_run: ExecutionResult) -> None:
    diagnostic = only(cells_run, Code.CELL_OUTPUT_LIMIT, "'shouts'")
    assert "10,000,000 characters to stdout" in diagnostic.message
    shouts = cells_run.outputs["shouts"]
    assert shouts.stdout.startswith("y" * 99 + "\n")
    assert 1_000_000 < len(shouts.stdout) < 1_000_100
    assert shouts.stdout.endswith("[... 9,000,000 more characters not kept]\n")
    assert shouts.stderr == "small\n"
    assert cells_run.outputs["still-runs"].stdout == "the chapter goes on\n"


def test_a_numeric_answer_that_disagrees_is_reported_at_answer(
    cells_course: Course, cells_run: ExecutionResult
) -> None:
    diagnostic = only(cells_run, Code.VERIFY_MISMATCH, "0.75")
    question = next(q for q in cells_course.questions if q.id == "numeric-wrong")
    assert diagnostic.span == question.span_of("answer")
    assert diagnostic.span is not None and diagnostic.span != question.span
    assert "0.5 ± 0.1" in diagnostic.message and "`ratio` = 0.75" in diagnostic.message


def test_a_text_answer_that_disagrees_is_reported_at_accept(
    cells_course: Course, cells_run: ExecutionResult
) -> None:
    diagnostic = only(cells_run, Code.VERIFY_MISMATCH, "'gru'")
    question = next(q for q in cells_course.questions if q.id == "text-wrong")
    assert diagnostic.span == question.span_of("accept")
    assert "'lstm'" in diagnostic.message


def test_a_failing_verify_expression_is_reported(
    cells_course: Course, cells_run: ExecutionResult
) -> None:
    diagnostic = only(cells_run, Code.VERIFY_FAILED, "missing + 1")
    # At the expression inside `verify: {cell: compute, expr: missing + 1}`, not at `{`.
    line, column = find_line(chapter_file(cells_course, "mismatch"), "missing + 1}")
    assert diagnostic.span is not None
    assert (diagnostic.span.line, diagnostic.span.column) == (line, column)
    assert "NameError" in diagnostic.message
    assert cells_run.verified["range-right"] == 0.75  # inside its range: no diagnostic
    assert not [d for d in cells_run.diagnostics if "range-right" in d.message]


def test_the_result_lists_chapters_in_course_order(
    cells_course: Course, cells_run: ExecutionResult
) -> None:
    assert cells_run.executed == [c.id for c in cells_course.chapters]
    assert cells_run.failed == ["raises", "lib-error", "nested", "crash", "loud", "mismatch"]
    assert cells_run.cached == [] and cells_run.skipped == []
    assert re.fullmatch(r"7 chapters: 7 executed, 0 from cache, 6 failed \(\d+\.\d s\)",
                        cells_run.summary())
    files = [d.span.file for d in cells_run.diagnostics if d.span]
    order = [c.path for c in cells_course.chapters]
    positions = [next(i for i, p in enumerate(order) if f.endswith(p)) for f in files]
    assert positions == sorted(positions)


def test_only_clean_chapters_are_cached(cells_course: Course, cells_run: ExecutionResult) -> None:
    stored = sorted(p.name for p in default_cache_dir(cells_course).glob("*.json"))
    assert stored == ["good.json"]


def test_a_syntax_error_points_at_its_line_and_column(cells_course: Course, tmp_path: Path) -> None:
    # The loader rejects invalid cells (engine.checking.rules), so build the broken model in code.
    chapter = next(c for c in cells_course.chapters if c.id == "raises")
    boom = chapter.code_cells[1]
    broken = boom.model_copy(update={"source": "x = 1\ny = (x +\n"})
    blocks = [broken if block is boom else block for block in chapter.blocks]
    course = _replace_chapter(cells_course, chapter.model_copy(update={"blocks": blocks}))
    result = execute_course(course, cache_dir=tmp_path, chapters={"raises"})
    [diagnostic] = result.diagnostics
    base, span = boom.span_of("source"), diagnostic.span
    assert base is not None and span is not None and diagnostic.code is Code.CELL_SYNTAX
    # Source line 2, column 5 (the unclosed parenthesis).
    assert (span.file, span.line, span.column) == (base.file, base.line + 1, base.column + 4)
    assert "was never closed" in diagnostic.message
    assert result.outputs["before"].stdout == "before the failure\n"
    assert (result.outputs["boom"].error or "").startswith("SyntaxError")
    assert "after" not in result.outputs


def _replace_chapter(course: Course, chapter: Chapter) -> Course:
    sections = [
        section.model_copy(update={"chapters": [
            chapter if c.id == chapter.id else c for c in section.chapters
        ]})
        for section in course.sections
    ]
    return course.model_copy(update={"sections": sections})


def test_a_figure_over_the_limit_is_left_out(
    cells_course: Course, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cellreport, "FIGURE_LIMIT", 1000)  # both figures are ~15,000 characters
    result = execute_course(cells_course, cache_dir=tmp_path, chapters={"good"})
    assert [d.code for d in result.diagnostics] == [Code.CELL_OUTPUT_LIMIT] * 2
    assert "figure 2 of cell 'plots'" in result.diagnostics[1].message
    assert result.outputs["plots"].figures == ()
    assert result.failed == ["good"] and not any(tmp_path.glob("*.json"))
