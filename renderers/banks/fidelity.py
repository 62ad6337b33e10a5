"""The fidelity report: exactly what an export could not carry, question by question.

Each loss is reported twice: as a `Code.UNSUPPORTED` warning with the question's span
(the CLI prints it, and `--strict` fails the build on it), and as an entry of a JSON
file written next to the export, so an author can see what an LMS import will lack.

`feature` is a short, stable name (tests and tools match on it); `message` is the
sentence a person reads ("hints dropped: GIFT has no hints").
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import PurePosixPath
from typing import Any

from engine.diagnostics import Code, Diagnostic
from engine.model import Course, QuestionType
from renderers.base import RenderContext


@dataclass(frozen=True)
class Loss:
    """One feature of one question that the format could not carry as written."""

    question: str
    """The question's id."""
    chapter: str
    """The id of the chapter that holds it."""
    feature: str
    """What was lost: `hints`, `points`, `pattern`, `question-type`, ..."""
    message: str
    """What happened to it, and why."""


class FidelityReport:
    """Collects the losses of one export of one course."""

    def __init__(
        self, format_name: str, label: str, course: Course, ctx: RenderContext[Any]
    ) -> None:
        self.format_name = format_name
        self.label = label
        """How messages name the format ("GIFT", "Moodle XML")."""
        self.course = course
        self.ctx = ctx
        self.losses: list[Loss] = []
        self.skipped: list[str] = []
        self._chapter_of = {q.id: c.id for c in course.chapters for q in c.questions}

    def lose(self, question: QuestionType, feature: str, message: str) -> None:
        """Record that `feature` of `question` was not carried; `message` says what happened."""
        loss = Loss(question.id, self._chapter_of.get(question.id, ""), feature, message)
        if loss in self.losses:
            return
        self.losses.append(loss)
        text = f"{self.format_name}: question '{question.id}': {message}"
        self.ctx.report(Diagnostic.of(Code.UNSUPPORTED, text, question.span))

    def skip(self, question: QuestionType, message: str) -> None:
        """Record that the whole question was left out of the export."""
        self.skipped.append(question.id)
        self.lose(question, "question", message)

    def features(self) -> set[tuple[str, str]]:
        """(question id, feature) of every loss: what tests compare with expectations."""
        return {(loss.question, loss.feature) for loss in self.losses}

    @property
    def path(self) -> PurePosixPath:
        """Where the report goes in the bundle: `<course-id>-<format>-fidelity.json`."""
        return PurePosixPath(f"{self.course.id}-{self.format_name}-fidelity.json")

    def to_json(self) -> bytes:
        """The report as deterministic, human-readable JSON."""
        questions = self.course.questions
        affected = {loss.question for loss in self.losses}
        data = {
            "format": self.format_name,
            "format_title": self.label,
            "course": self.course.id,
            "summary": {
                "questions": len(questions),
                "exported": len(questions) - len(self.skipped),
                "skipped": len(self.skipped),
                "exported_with_losses": len(affected - set(self.skipped)),
                "losses": len(self.losses),
            },
            "losses": [asdict(loss) for loss in self.losses],
        }
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
