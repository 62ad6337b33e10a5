"""`lessonkit progress`: scores, completion and due reviews per section and chapter.

Computed from each question's latest answer, except the points: a question keeps the
best score of its answers (engine.grading.standing), so a worse retry never lowers it. A question
whose content changed since that answer (its hash differs) still counts, and is flagged
as changed, so an author's typo fix never wipes a learner's history.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from rich.text import Text

from engine.i18n import Catalog
from engine.model import Chapter, Course
from learner.review import due_ids
from learner.store import Attempt, ProgressStore, content_hash


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


BAR = 10
"""Characters in a score bar."""


def report_lines(report: Report, t: Catalog, width: int | None) -> list[Text]:
    """The report as a compact table: one row per chapter begun, with a score bar (rich
    mode), and the chapters not begun yet folded into one line per section.

    `width` None (plain mode) draws no bars: a screen reader would read every block.
    """
    rows = [(section, chapters) for section, chapters in report.sections]
    titles = [c.title for _, chapters in rows for c in chapters if c.answered or c.due]
    numbers = _numbers(report.course, t)
    room = (width or 10_000) - 4 - len(numbers) - (BAR + 1 if width else 0) - 12
    title_width = max(8, min(max((len(x) for x in titles), default=8), room))
    lines = [_row(report.course.title, report.course, t, width, title_width + 4, bold=True)]
    for section, chapters in rows:
        lines.append(Text(section.title, style="bold"))
        begun = [c for c in chapters if c.answered or c.due]
        lines.extend(_row("  " + c.title, c, t, width, title_width + 2) for c in begun)
        waiting = len(chapters) - len(begun)
        if waiting:
            lines.append(Text("  " + t.text("term.report.not_started", n=waiting), style="dim"))
    changed = len(report.course.changed)
    if changed:
        lines.append(Text(t.text("term.report.changed", n=changed), style="yellow"))
    return lines


def _numbers(tally: Tally, t: Catalog) -> str:
    return t.text("term.report.numbers", score=f"{round(100 * tally.score):>3}%",
                  answered=tally.answered, total=tally.questions, right=tally.right)


def _row(title: str, tally: Tally, t: Catalog, width: int | None, title_width: int,
         bold: bool = False) -> Text:
    if len(title) > title_width:
        title = title[: title_width - 1] + "…"
    text = Text(f"{title:<{title_width}} ", style="bold" if bold else "")
    if width:
        filled = round(BAR * tally.score)
        text += Text("█" * filled, style="green") + Text("░" * (BAR - filled), style="grey50")
        text.append(" ")
    text.append(_numbers(tally, t))
    if tally.due:
        text.append("  " + t.text("term.report.due", n=tally.due), style="magenta")
    return text
