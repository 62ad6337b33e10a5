"""The end of a session: the score, a per-chapter breakdown, what was missed, the time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.text import Text

from engine.grading.standing import passes
from engine.i18n import Catalog
from learner.items import Item
from learner.store import Attempt
from renderers.terminal.render import render_inline
from renderers.terminal.view import of_points


@dataclass
class ChapterScore:
    """How one chapter went in a session."""

    chapter_id: str
    title: str
    points: float = 0.0
    max_points: float = 0.0
    questions: int = 0
    right: int = 0


@dataclass
class Summary:
    """How a session went."""

    points: float = 0.0
    max_points: float = 0.0
    questions: int = 0
    right: int = 0
    skipped: int = 0
    seconds: float = 0.0
    chapters: list[ChapterScore] = field(default_factory=list)
    missed: list[tuple[Item, Attempt | None]] = field(default_factory=list)
    """Questions not fully right (skipped ones with no attempt), in session order."""

    positions: dict[str, int] = field(default_factory=dict)
    """Each question's number in the session (1-based), as its header showed it."""

    def missed_positions(self) -> list[tuple[Item, Attempt | None, int]]:
        return [(item, attempt, self.positions[item.question.id])
                for item, attempt in self.missed]

    @property
    def fraction(self) -> float:
        return self.points / self.max_points if self.max_points else 0.0


def summarize(items: Sequence[Item], attempts: Sequence[Attempt]) -> Summary:
    """The summary of a session from its items and the attempts given in it."""
    latest = {a.question_id: a for a in attempts}
    summary = Summary()
    by_chapter: dict[str, ChapterScore] = {}
    for position, item in enumerate(items, 1):
        question, chapter = item.question, item.chapter
        summary.positions[question.id] = position
        score = by_chapter.get(chapter.id)
        if score is None:
            score = by_chapter[chapter.id] = ChapterScore(chapter.id, chapter.title)
            summary.chapters.append(score)
        attempt = latest.get(question.id)
        earned = attempt.points if attempt else 0.0
        right = attempt is not None and attempt.answered and attempt.fraction >= 1.0
        score.points += earned
        score.max_points += question.points
        score.questions += 1
        score.right += right
        summary.points += earned
        summary.max_points += question.points
        summary.questions += 1
        summary.right += right
        summary.seconds += attempt.duration if attempt else 0.0
        if attempt is None or not attempt.answered:
            summary.skipped += 1
        if not right:
            summary.missed.append((item, attempt))
    return summary


def duration(seconds: float) -> str:
    """`42 s`, `3 min 05 s`, `1 h 02 min` (the SI symbols read the same in every language)."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def short_prompt(item: Item, limit: int = 48) -> str:
    """The first words of a question's prompt, as plain text, to name it in a list."""
    plain = " ".join(render_inline(item.question.prompt.split("\n\n", 1)[0]).plain.split())
    if len(plain) <= limit:
        return plain
    return plain[: limit - 1].rsplit(" ", 1)[0] + "…"


def summary_lines(summary: Summary, passing_score: float, t: Catalog) -> list[Text]:
    """The summary as lines: score, pass mark, chapters, missed questions, time."""
    passed = passes(summary.points, summary.max_points, passing_score)
    lines = [
        Text(t.text("term.summary.done"), style="bold"),
        Text(t.text("term.summary.score", points=of_points(summary.points, summary.max_points, t),
                    percent=round(100 * summary.fraction), right=summary.right,
                    n=summary.questions) + " ")
        + Text(
            t.text("term.summary.passed" if passed else "term.summary.not_passed",
                   mark=round(100 * passing_score)),
            style="green" if passed else "yellow",
        ),
        Text(t.text("term.summary.by_chapter"), style="bold"),
    ]
    for chapter in summary.chapters:
        lines.append(Text("  " + t.text(
            "term.summary.chapter", title=chapter.title,
            points=of_points(chapter.points, chapter.max_points, t), right=chapter.right,
            n=chapter.questions)))
    if summary.missed:
        lines.append(Text(t.text("term.summary.missed"), style="bold"))
        for item, attempt, position in summary.missed_positions():
            how = t.text("term.summary.skipped") if attempt is None or not attempt.answered else (
                of_points(attempt.points, attempt.max_points, t)
            )
            lines.append(Text("  " + t.text("term.summary.missed_one", number=position,
                                            prompt=short_prompt(item), how=how)))
    lines.append(Text(t.text("term.summary.time", time=duration(summary.seconds))))
    return lines
