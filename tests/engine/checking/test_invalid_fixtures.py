"""One broken YAML file per diagnostic code, each stating in its header what must be reported.

Header lines (leading comments of the fixture):

    # role: chapter | course          (default chapter)
    # expect: LINE:COL CODE            a diagnostic in the fixture itself
    # expect: REL/PATH:LINE:COL CODE   a diagnostic in another file of the temporary course

Exactly the expected diagnostics, warnings included, must be reported: a missing one is a
mistake the author never hears of, an extra one is noise or a wrong location.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.diagnostics import WARNING_CODES, Code
from engine.loading.loader import check_course
from tests.helpers import INVALID, Located, located, make_course

FIXTURES = sorted(INVALID.glob("*.yaml"))

RUNS_CODE = "needs code execution (engine.execution.execute, tested by its own suite)"
NOT_STATIC: dict[Code, str] = {
    Code.FILE_TOO_LARGE: "needs a generated 10 MB file: test_source.py",
    Code.VERIFY_MISMATCH: RUNS_CODE,
    Code.VERIFY_FAILED: RUNS_CODE,
    Code.CELL_ERROR: RUNS_CODE,
    Code.CELL_TIMEOUT: RUNS_CODE,
    Code.CELL_CRASH: RUNS_CODE,
    Code.CELL_OUTPUT_LIMIT: RUNS_CODE,
    Code.UNKNOWN_UI_LANGUAGE: "reported by the HTML renderer, which owns the interface strings",
    Code.UNSUPPORTED: "reported by renderers (fidelity warnings), tested with each renderer",
    Code.IMPORT_SYNTAX: "reported by `lessonkit import`, tested in tests/importers",
    Code.IMPORT_UNSUPPORTED: "reported by `lessonkit import`, tested in tests/importers",
    Code.IMPORT_REFUSED: "reported by `lessonkit import`, tested in tests/importers",
    Code.IMPORT_CONFLICT: "reported by `lessonkit import`, tested in tests/importers",
    Code.UNSAFE_SVG: "needs an SVG file beside the chapter: tests/safety/test_math_and_files.py",
}
"""Codes no static fixture can trigger, with the reason and where they are tested instead."""

_EXPECT = re.compile(r"^#\s*expect:\s*(?:(?P<file>[^\s:]+\.ya?ml):)?(?P<line>\d+):(?P<col>\d+)"
                     r"\s+(?P<code>[a-z-]+)\s*$")
_ROLE = re.compile(r"^#\s*role:\s*(?P<role>\w+)\s*$")


def read_header(raw: bytes) -> tuple[str, list[Located]]:
    """The role and the expected diagnostics stated in a fixture's leading comments."""
    text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
    role = "chapter"
    expected: list[tuple[str | None, int, int, str]] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if match := _ROLE.match(line):
            role = match["role"]
        elif match := _EXPECT.match(line):
            expected.append((match["file"], int(match["line"]), int(match["col"]), match["code"]))
        elif re.match(r"^#\s*(expect|role)\b", line):
            raise AssertionError(f"malformed header line: {line!r}")
    own = "chapter.yaml" if role == "chapter" else "course.yaml"
    return role, sorted((file or own, line, col, code) for file, line, col, code in expected)


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_reports_exactly_what_its_header_expects(
    fixture: Path, tmp_path: Path, loader: str
) -> None:
    raw = fixture.read_bytes()
    role, expected = read_header(raw)
    root = make_course(tmp_path / "course", role=role, fixture=raw)
    result = check_course(root)
    assert located(result.diagnostics, root) == expected
    warnings = {c.value for c in WARNING_CODES}
    has_errors = any(code not in warnings for *_, code in expected)
    assert (result.course is None) == has_errors


def test_there_are_enough_fixtures() -> None:
    assert len(FIXTURES) >= 45


def test_every_code_has_a_fixture_or_a_reason() -> None:
    covered = {code for fixture in FIXTURES for *_, code in read_header(fixture.read_bytes())[1]}
    unknown = covered - {c.value for c in Code}
    assert not unknown, f"fixtures expect codes that do not exist: {sorted(unknown)}"
    missing = {c.value for c in Code} - covered - {c.value for c in NOT_STATIC}
    assert not missing, f"codes with neither a fixture nor a NOT_STATIC reason: {sorted(missing)}"
    needless = covered & {c.value for c in NOT_STATIC}
    assert not needless, f"codes in NOT_STATIC that a fixture covers: {sorted(needless)}"


def test_every_fixture_header_points_inside_its_file() -> None:
    # Guards the fixtures themselves: an expectation past the end of a line is a typo.
    for fixture in FIXTURES:
        raw = fixture.read_bytes()
        role, expected = read_header(raw)
        assert role in ("chapter", "course"), fixture.name
        own = "chapter.yaml" if role == "chapter" else "course.yaml"
        lines = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace").splitlines()
        for file, line, col, _ in expected:
            if file != own:
                continue
            assert 1 <= line <= len(lines), f"{fixture.name}: no line {line}"
            assert 1 <= col <= len(lines[line - 1]) + 1, f"{fixture.name}: no column {line}:{col}"
