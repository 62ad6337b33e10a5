"""What `lessonkit check` prints around the diagnostics: counts, excerpts of long lines."""

from __future__ import annotations

from engine.diagnostic_format import EXCERPT_WIDTH, format_text
from engine.diagnostics import Code, Diagnostic
from engine.span import Span
from tests.cli.test_cli import run
from tests.course_files import WriteCourse

COURSE = "id: c\ntitle: C\nsections:\n  - id: s\n    title: S\n    chapters: [a.yaml]\n"


def test_one_of_each_is_singular(write_course: WriteCourse) -> None:
    chapter = (
        "id: a\ntitle: A\nblocks:\n  - kind: question\n    id: q\n    type: true_false\n"
        "    prompt: P\n    answer: true\n    explanation: E\n"
    )
    root = write_course({"course.yaml": COURSE, "a.yaml": chapter})
    result = run("check", str(root))
    assert result.exit_code == 0, result.output
    assert "c: 1 section, 1 chapter, 1 question: no problems" in result.output


def test_a_long_line_is_cut_around_the_column(write_course: WriteCourse) -> None:
    padding = "word " * 20_000
    chapter = (
        "id: a\ntitle: A\nblocks:\n  - kind: explanation\n"
        f"    body: {padding}![x](nowhere.png) {padding}\n"
    )
    root = write_course({"course.yaml": COURSE, "a.yaml": chapter})
    result = run("check", str(root))
    lines = result.output.splitlines()
    excerpt = next(i for i, line in enumerate(lines) if "nowhere.png)" in line and "|" in line)
    shown, caret = lines[excerpt], lines[excerpt + 1]
    assert len(shown) < EXCERPT_WIDTH + 20 and shown.count("…") == 2
    # The caret still sits under the target.
    column = caret.index("^")
    assert shown[column : column + len("nowhere.png")] == "nowhere.png"


def test_a_short_line_is_shown_whole(tmp_path: object) -> None:
    from pathlib import Path

    file = Path(str(tmp_path)) / "x.yaml"
    file.write_text("title: " + "x" * 100 + "\n", encoding="utf-8")
    d = Diagnostic.of(Code.WRONG_TYPE, "m", Span(str(file), 1, 8))
    assert "x" * 100 in format_text([d])
