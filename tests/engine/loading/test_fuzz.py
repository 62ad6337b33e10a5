"""Nothing an author can type produces a traceback: random text and mangled chapters in, a
CheckResult (a course, or diagnostics that say where) out."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.diagnostic_format import format_text
from engine.diagnostics import Diagnostic, Severity
from engine.loading.loader import CheckResult, check_course
from engine.model import Course
from tests.helpers import COMPLETE_COURSE

CHAPTERS = sorted(p.relative_to(COMPLETE_COURSE).as_posix()
                  for p in COMPLETE_COURSE.rglob("*.yaml") if p.name != "course.yaml")
ORIGINALS = {rel: (COMPLETE_COURSE / rel).read_text(encoding="utf-8")
             for rel in [*CHAPTERS, "course.yaml"]}

FUZZ = settings(deadline=None, max_examples=150, database=None,
                suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def course_copy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One copy of the completeness course; each example rewrites one file and restores it."""
    root = tmp_path_factory.mktemp("fuzz") / "complete"
    shutil.copytree(COMPLETE_COURSE, root)
    yield root


# --- mutations -----------------------------------------------------------------------------

noise = st.text(alphabet=st.sampled_from([*":-[]{}&*!|>#'\"\t\n ,?%@`~\\", "\u00e9", "x"]),
                min_size=1, max_size=6)


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """`text` after one to four line-level or character-level edits."""
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "indent",
                                       "dedent", "tab", "truncate"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "insert":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(noise) + lines[i][at:]
        elif action == "indent":
            lines[i] = " " * draw(st.integers(1, 3)) + lines[i]
        elif action == "dedent":
            lines[i] = lines[i][draw(st.integers(1, 4)):]
        elif action == "tab":
            lines[i] = "\t" + lines[i].lstrip(" ")
        else:
            joined = "\n".join(lines)
            return joined[: draw(st.integers(0, len(joined)))]
    return "\n".join(lines)


@st.composite
def mangled_file(draw: st.DrawFn) -> tuple[str, bytes]:
    rel = draw(st.sampled_from(sorted(ORIGINALS)))
    return rel, draw(mutated(ORIGINALS[rel])).encode("utf-8")


random_files = st.tuples(
    st.sampled_from(sorted(ORIGINALS)),
    st.one_of(st.text(max_size=300).map(lambda t: t.encode("utf-8")), st.binary(max_size=200)),
)


# --- the property --------------------------------------------------------------------------


def check_with(root: Path, rel: str, content: bytes) -> CheckResult:
    target = root / rel
    target.write_bytes(content)
    try:
        return check_course(root)
    finally:
        target.write_text(ORIGINALS[rel], encoding="utf-8")


def assert_well_formed(result: CheckResult, root: Path) -> None:
    assert isinstance(result, CheckResult)
    assert result.course is None or isinstance(result.course, Course)
    assert all(isinstance(d, Diagnostic) for d in result.diagnostics)
    if result.course is None:
        assert any(d.severity is Severity.ERROR for d in result.diagnostics)
    for d in result.diagnostics:
        assert d.span is not None, f"{d.code.value} has no location: {d.message}"
        assert d.span.line >= 1 and d.span.column >= 1, d
    # The human format reads the files back for the source line and caret: it must not fail.
    assert isinstance(format_text(result.diagnostics), str)


@FUZZ
@given(mangled_file())
def test_mangled_course_files_give_a_model_or_diagnostics(
    course_copy: Path, case: tuple[str, bytes]
) -> None:
    rel, content = case
    result = check_with(course_copy, rel, content)
    assert_well_formed(result, course_copy)
    lines = content.decode("utf-8").count("\n") + 1
    mangled = (course_copy / rel).resolve()
    for d in result.diagnostics:
        assert d.span is not None
        if Path(d.span.file).resolve() == mangled:
            assert d.span.line <= lines + 1, f"{d.span} is past the end of a {lines}-line file"


@settings(FUZZ, max_examples=60)
@given(random_files)
def test_random_bytes_give_a_model_or_diagnostics(
    course_copy: Path, case: tuple[str, bytes]
) -> None:
    rel, content = case
    assert_well_formed(check_with(course_copy, rel, content), course_copy)


def test_the_unmangled_course_is_clean(course_copy: Path) -> None:
    # Guards the property above: a fuzz run on a course that never loads would prove nothing.
    result = check_course(course_copy)
    assert result.course is not None
    assert result.diagnostics == []
