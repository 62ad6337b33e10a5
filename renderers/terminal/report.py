"""`lessonkit progress`: scores, completion and due reviews per section and chapter.

Computed from each question's latest answer, except the points: a question keeps the
best score of its answers (engine.standing), so a worse retry never lowers it. A question
whose content changed since that answer (its hash differs) still counts, and is flagged
as changed, so an author's typo fix never wipes a learner's history.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from rich.text import Text

from engine.model import Chapter, Course
from renderers.terminal.review import due_ids
from renderers.terminal.store import Attempt, ProgressStore, content_hash
from renderers.terminal.view import points


@dataclass
class Tally:
    """Progress over a set of questions."""

    id: str
    title: str
    questions: int = 0
    answered: int = 0
    right: int = 0
    points: float = 0.0
    max_points: float = 0.0
    due: int = 0
    changed: list[str] = field(default_factory=list)
    """Questions edited since they were last answered."""

    @property
    def score(self) -> float:
        """Points earned over all points available (unanswered questions count as 0)."""
        return round(self.points / self.max_points, 4) if self.max_points else 0.0

    @property
    def completion(self) -> float:
        """Fraction of the questions answered at least once."""
        return round(self.answered / self.questions, 4) if self.questions else 0.0

    def add(self, other: Tally) -> None:
        self.questions += other.questions
        self.answered += other.answered
        self.right += other.right
        self.points += other.points
        self.max_points += other.max_points
        self.due += other.due
        self.changed += other.changed

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data.update(score=self.score, completion=self.completion, points=round(self.points, 4))
        return data


@dataclass
class Report:
    """Progress in one course: the totals, and each section with its chapters."""

    course: Tally
    sections: list[tuple[Tally, list[Tally]]]

    def to_json(self) -> dict[str, object]:
        return {
            **self.course.to_json(),
            "sections": [
                {**section.to_json(), "chapters": [c.to_json() for c in chapters]}
                for section, chapters in self.sections
            ],
        }


def build_report(course: Course, store: ProgressStore, now: datetime) -> Report:
    """The progress of the course as recorded in `store`."""
    latest = store.latest_attempts(course.id)
    kept = store.kept_points(course.id)
    due = set(due_ids(store.cards(course.id), now))
    total = Tally(course.id, course.title)
    sections = []
    for section in course.sections:
        section_tally = Tally(section.id, section.title)
        chapters = [_chapter(chapter, latest, kept, due) for chapter in section.chapters]
        for chapter_tally in chapters:
            section_tally.add(chapter_tally)
        total.add(section_tally)
        sections.append((section_tally, chapters))
    return Report(total, sections)


def _chapter(
    chapter: Chapter, latest: dict[str, Attempt], kept: dict[str, float], due: set[str]
) -> Tally:
    tally = Tally(chapter.id, chapter.title)
    for question in chapter.questions:
        tally.questions += 1
        tally.max_points += question.points
        tally.due += question.id in due
        attempt = latest.get(question.id)
        if attempt is None or not attempt.answered:
            continue
        tally.answered += 1
        tally.right += attempt.fraction >= 1.0
        tally.points += kept.get(question.id, attempt.points)
        if attempt.content_hash != content_hash(question):
            tally.changed.append(question.id)
    return tally


def report_lines(report: Report) -> list[Text]:
    """The report as lines: the course, then each section and its chapters, indented."""
    lines = [_line(report.course, "", bold=True)]
    for section, chapters in report.sections:
        lines.append(_line(section, "  ", bold=True))
        lines.extend(_line(chapter, "    ") for chapter in chapters)
    changed = report.course.changed
    if changed:
        lines.append(Text(f"Changed since last answered: {', '.join(changed)}", style="yellow"))
    return lines


def _line(tally: Tally, indent: str, bold: bool = False) -> Text:
    text = Text(indent) + Text(f"{tally.title} ({tally.id})", style="bold" if bold else "")
    text.append(
        f": {round(100 * tally.score)}% score ({points(tally.points)} of "
        f"{points(tally.max_points)} points), {tally.answered} of {tally.questions} answered "
        f"({round(100 * tally.completion)}%), {tally.right} right"
    )
    if tally.due:
        text.append(f", {tally.due} due for review", style="magenta")
    return text
