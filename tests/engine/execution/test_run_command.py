"""`lessonkit run`: outputs in the terminal, figures on disk, a summary, the exit status."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli.main import main


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["run", *args], env=env or {"NO_COLOR": "1"})


@pytest.fixture(scope="module")
def course(fixture_copy: Callable[[str], Path]) -> Path:
    return fixture_copy("cells")


@pytest.fixture(scope="module")
def first(course: Path) -> Result:
    """The first run of two chapters: one clean, one that raises."""
    return run(str(course), "--chapter", "good", "--chapter", "raises")


def test_prints_outputs_and_saves_figures(course: Path, first: Result) -> None:
    out = first.stdout
    assert "1.1 Cells that work  [executed]" in out
    assert "  hello 6\n  to stderr\n" in out
    assert "1.2 A cell that raises  [failed]" in out
    assert "  error: ZeroDivisionError: division by zero" in out
    assert "▸ after" in out and "(not run)" in out
    figures = course / ".lessonkit-cache" / "figures"
    for n in (1, 2):
        svg = figures / f"plots-{n}.svg"
        assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")
        assert f"  figure: {svg}\n" in out  # outside the working directory: absolute
    assert "lib-error" not in out  # only the chapters asked for


def test_reports_problems_and_a_summary_on_stderr(first: Result) -> None:
    assert first.exit_code == 1
    assert "raises.yaml:18:11: error[cell-error]: cell 'boom' raised" in first.stderr
    assert re.search(r"^2 chapters: 2 executed, 0 from cache, 1 failed \(\d+\.\d s\)$",
                     first.stderr, re.M)
    assert "error[" not in first.stdout


def test_a_second_run_takes_clean_chapters_from_the_cache(course: Path, first: Result) -> None:
    again = run(str(course), "--chapter", "good", "--chapter", "raises")
    assert "1.1 Cells that work  [from cache]" in again.stdout
    assert "  hello 6\n" in again.stdout
    assert re.search(r"2 chapters: 1 executed, 1 from cache, 1 failed", again.stderr)


def test_quiet_prints_only_problems_and_the_summary(course: Path, first: Result) -> None:
    quiet = run(str(course), "--chapter", "good", "--quiet")
    assert (quiet.exit_code, quiet.stdout) == (0, "")
    assert quiet.stderr.startswith("1 chapter: 0 executed, 1 from cache, 0 failed")


def test_verbose_adds_sources_timings_and_verified_values(course: Path, first: Result) -> None:
    verbose = run(str(course), "--chapter", "good", "--verbose")
    assert re.search(r"^\s+\d+ │ print\(\"hello\", triple\(2\)\)$", verbose.stdout, re.M)
    assert re.search(r"▸ greet  \S*good\.yaml:7  \d+\.\d\d s", verbose.stdout)
    assert "verify numeric-ok: ratio = 0.5" in verbose.stdout


def test_figures_dir_and_stale_figures(course: Path, first: Result, tmp_path: Path) -> None:
    (tmp_path / "plots-3.svg").write_text("stale", encoding="utf-8")
    result = run(str(course), "--chapter", "good", "--figures-dir", str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plots-1.svg", "plots-2.svg"]
    assert result.stdout.count("figure: ") == 2


def test_no_execute_without_a_cache(fixture_copy: Callable[[str], Path]) -> None:
    result = run(str(fixture_copy("cells")), "--no-execute", "--chapter", "good")
    assert result.exit_code == 0
    assert "[not executed (no cache; run without --no-execute)]" in result.stdout
    assert "1 chapter: 0 executed, 0 from cache, 0 failed, 1 not executed" in result.stderr


def test_colour_only_when_asked_and_never_with_no_color(course: Path, first: Result) -> None:
    coloured = run(str(course), "--chapter", "good", env={"FORCE_COLOR": "1"})
    assert "\x1b[" in coloured.stdout
    plain = run(str(course), "--chapter", "good", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in plain.stdout + plain.stderr


def test_an_unknown_chapter_is_a_usage_error(course: Path) -> None:
    result = run(str(course), "--chapter", "goood")
    assert result.exit_code == 2
    assert "no chapter 'goood'; did you mean 'good'?" in result.stderr


def test_a_course_with_errors_is_reported_like_check(tmp_path: Path) -> None:
    (tmp_path / "course.yaml").write_text("id: broken\ntitle: [unclosed\n", encoding="utf-8")
    result = run(str(tmp_path))
    assert result.exit_code == 1
    assert "course.yaml:" in result.stderr and "error[yaml-syntax]" in result.stderr
    assert result.stdout == ""
