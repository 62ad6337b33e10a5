"""Every mistake in one round: schema errors do not hide the semantic errors elsewhere.

The scenario is the one an author met: fixing the schema errors of a course uncovered a
second round (a missing correct choice, a duplicate id, a missing blank, a missing file).
"""

from __future__ import annotations

from engine.loading.loader import check_course
from tests.course_files import WriteCourse
from tests.helpers import located

COURSE = """\
id: demo
title: Demo
passing_score: 80
sections:
  - id: one
    title: One
    chapters:
      - a.yaml
      - b.yaml
      - missing.yaml
  - id: two
    titel: Two
    chapters:
      - c.yaml
"""

CHAPTER_A = """\
id: a
title: A
blocks:
  - kind: question
    id: q1
    type: single
    prompt: Pick
    choices:
      - {text: x, feedback: no}
      - {text: y, feedback: no}
    explanation: e
  - kind: question
    id: q2
    type: single
    promt: Pick
    choices:
      - {text: x, correct: true}
      - {text: y, feedback: no}
    explanation: e
  - kind: question
    id: q1
    type: true_false
    prompt: T?
    answer: true
    explanation: e
  - kind: code
    id: broken
    source: x = 1
    run: perhaps
  - kind: question
    id: v
    type: numeric
    prompt: n
    answer: 1
    verify: {cell: broken, expr: x}
    explanation: e
"""

CHAPTER_B = """\
title: B
blocks:
  - kind: question
    id: cz
    type: cloze
    prompt: A [[one]] and [[two]]
    blanks:
      one: {accept: [a]}
    explanation: e
"""

CHAPTER_C = """\
title: C
blocks:
  - kind: question
    id: t
    type: text
    prompt: P
    explanation: e
"""


def test_schema_and_semantic_errors_of_every_file_come_together(
    write_course: WriteCourse, loader: str
) -> None:
    root = write_course(
        {"course.yaml": COURSE, "a.yaml": CHAPTER_A, "b.yaml": CHAPTER_B, "c.yaml": CHAPTER_C}
    )
    result = check_course(root)
    assert result.course is None
    assert located(result.diagnostics, root) == [
        ("a.yaml", 9, 7, "no-correct-choice"),  # a block that validated
        ("a.yaml", 15, 5, "unknown-key"),  # `promt`, and no second error for `prompt`
        ("a.yaml", 21, 9, "duplicate-id"),  # q1 again, in a block after the broken one
        ("a.yaml", 29, 10, "wrong-type"),  # `run: perhaps`
        # No unknown-cell for `verify: {cell: broken}`: that cell is already reported.
        ("b.yaml", 6, 27, "marker-without-blank"),  # a chapter without schema errors
        ("c.yaml", 3, 5, "no-answer"),  # listed by a section with a misspelled key
        ("course.yaml", 3, 16, "invalid-value"),  # passing_score: 80
        ("course.yaml", 10, 9, "file-not-found"),  # found although course.yaml is invalid
        ("course.yaml", 12, 5, "unknown-key"),  # `titel`, once
    ]


def test_a_chapter_whose_every_block_is_invalid_is_not_also_called_empty(
    write_course: WriteCourse, loader: str
) -> None:
    chapter = "id: a\ntitle: A\nblocks:\n  - kind: explanation\n    markdown: Text.\n"
    course = "id: c\ntitle: C\nsections:\n  - id: s\n    title: S\n    chapters: [a.yaml]\n"
    root = write_course({"course.yaml": course, "a.yaml": chapter})
    assert located(check_course(root).diagnostics, root) == [("a.yaml", 5, 5, "unknown-key")]


def test_a_clean_course_is_unaffected(write_course: WriteCourse, loader: str) -> None:
    course = "id: c\ntitle: C\nsections:\n  - id: s\n    title: S\n    chapters: [a.yaml]\n"
    chapter = "id: a\ntitle: A\nblocks:\n  - kind: explanation\n    body: Text.\n"
    result = check_course(write_course({"course.yaml": course, "a.yaml": chapter}))
    assert result.diagnostics == []
    assert result.course is not None


def test_the_chapters_of_a_section_left_out_are_not_orphans(
    write_course: WriteCourse, loader: str
) -> None:
    # `chapters` itself is wrong here, so the section cannot be repaired; its files are
    # still not reported as listed nowhere.
    course = (
        "id: c\ntitle: C\nsections:\n  - id: s\n    title: S\n    chapters: [a.yaml, [b]]\n"
    )
    chapter = "id: a\ntitle: A\nblocks:\n  - kind: explanation\n    body: Text.\n"
    root = write_course({"course.yaml": course, "a.yaml": chapter})
    assert located(check_course(root).diagnostics, root) == [("course.yaml", 6, 24, "wrong-type")]
