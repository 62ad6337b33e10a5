"""`lessonkit feedback --export`: the "Was everything clear?" answers, for the author.

CSV for a spreadsheet, JSON for scripts; the same columns in both. The JSON keeps the
comments exactly as typed; the CSV defuses the ones a spreadsheet would run as formulas.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from engine.model import Course
from learner.store import Feedback

COLUMNS = ("course_id", "chapter_id", "chapter_title", "clear", "comment", "given_at")


def feedback_rows(course: Course, feedback: Sequence[Feedback]) -> list[dict[str, object]]:
    """One row per answer, in the order they were given."""
    titles = {chapter.id: chapter.title for chapter in course.chapters}
    return [
        {
            "course_id": f.course_id,
            "chapter_id": f.chapter_id,
            "chapter_title": titles.get(f.chapter_id, ""),
            "clear": f.clear,
            "comment": f.comment,
            "given_at": f.given_at,
        }
        for f in feedback
    ]


def to_json(rows: Sequence[dict[str, object]]) -> str:
    return json.dumps(list(rows), indent=2, ensure_ascii=False) + "\n"


def to_csv(rows: Sequence[dict[str, object]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        clear = row["clear"]
        writer.writerow({
            **row,
            "clear": "" if clear is None else "yes" if clear else "no",
            "comment": _inert(str(row["comment"])),
        })
    return buffer.getvalue()


def _inert(text: str) -> str:
    # A learner's comment starting with = + - @ would run as a formula when the author
    # opens the CSV in a spreadsheet (OWASP "CSV injection"); a leading ' keeps it text.
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text
