"""The quiz loop: question, answer, verdict, next; every answer saved as it is given.

One loop serves `quiz` (a section, a chapter or the course, resumable) and `review` (the
questions FSRS says are due). It talks to the learner only through a `Screen`, to the
database only through a `ProgressStore`, and grades only with `engine.grading.score.grade`, so
the terminal gives the same score as every other front end for the same answers.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text

from engine.grading.score import Grade, Response, grade
from engine.i18n import Catalog
from engine.model import Chapter, Cloze, Course
from learner import review as fsrs_review
from learner.items import Item
from learner.prompts import AnswerError, parse_answer, parse_blank
from learner.screen import Screen
from learner.store import (
    Attempt,
    Feedback,
    ProgressStore,
    Session,
    content_hash,
    utc_iso,
)
from renderers.terminal.cells import CellRunner
from renderers.terminal.layout import Layout, layout_for
from renderers.terminal.lesson import Lesson, Reading, blocks_after_questions, blocks_before
from renderers.terminal.render import render_inline, render_markdown
from renderers.terminal.view import (
    as_shown,
    blank_prompt,
    instructions,
    of_points,
    question_lines,
    verdict_lines,
)

if TYPE_CHECKING:
    from fsrs import Scheduler


KEYS = ("h", "s", "q", "r", "?")
"""Single-key commands typed at any answer prompt (then Enter); `term.key.*` explains each."""
BACK = "<"
"""Typed at a cloze blank's prompt: go back to the previous blank and answer it again."""


READING_ORDER = "quiz"
"""The session mode of a quiz in course order: lesson text between questions, and the
"Was everything clear?" prompt at the end of each chapter."""
SHUFFLED, RETRY, REVIEW = "shuffled", "retry", "review"
"""The other session modes: a shuffled quiz, a round of mistakes, a spaced review."""


class QuitRequested(Exception):  # noqa: N818 - a request to leave, not an error
    """The learner typed q."""


class _Skip:
    """The learner typed s."""


SKIP = _Skip()


class _Back:
    """The learner typed `BACK` at a cloze blank."""


BACK_TO_PREVIOUS = _Back()

KEY_NAMES = {"h": "hint", "s": "skip", "q": "quit", "r": "run", "?": "help"}


@dataclass
class QuizApp:
    """Takes a learner through the questions of one session."""

    course: Course
    store: ProgressStore
    screen: Screen
    cells: CellRunner
    scheduler: Scheduler
    now: Callable[[], datetime]
    monotonic: Callable[[], float]
    lesson: Lesson = field(init=False)
    """The explanations and code cells shown between questions."""

    def __post_init__(self) -> None:
        self.lesson = Lesson(self.course, self.cells)

    @property
    def t(self) -> Catalog:
        """The interface strings, in the course's `ui_language` (the screen holds them)."""
        return self.screen.words

    @property
    def yes_words(self) -> frozenset[str]:
        """What counts as "yes" at a y/n question: English and the interface language's."""
        return frozenset({"y", "yes", *self.t.text("term.yes_words").split()})

    @property
    def no_words(self) -> frozenset[str]:
        return frozenset({"n", "no", *self.t.text("term.no_words").split()})

    # --- a session ------------------------------------------------------------------------

    def run(self, session: Session, items: Sequence[Item], *, lesson: bool) -> None:
        """Ask every question of `session` not yet answered in it, in order.

        `lesson`: show the explanations and code cells between questions (reading order).
        Raises QuitRequested, EOFError or KeyboardInterrupt when the learner leaves; every
        answer given so far is committed by then.
        """
        done = {a.question_id for a in self.store.session_attempts(session.id)}
        pending = [i for i in items if i.question.id not in done]
        if done and pending:
            self.screen.say(self.t.text("term.resuming", done=len(done), total=len(items)),
                            style="dim")
        previous: Chapter | None = None
        for index, item in enumerate(pending):
            if item.chapter is not previous:
                self.chapter_header(item, lesson)
                previous = item.chapter
            if lesson:
                self.read_blocks(item.chapter, blocks_before(item.chapter, item.question.id))
            self.ask(session, item, len(done) + index + 1, len(items))
            following = pending[index + 1] if index + 1 < len(pending) else None
            if following is None or following.chapter is not item.chapter:
                self.chapter_end(session, item.chapter, lesson)
        self.store.finish_session(session.id, self.now())

    def chapter_header(self, item: Item, lesson: bool) -> None:
        self.screen.say()
        self.screen.say(Text(f"{item.section.title} > {item.chapter.title}", style="bold"))
        if item.chapter.objectives:
            self.screen.say(self.t.text("term.objectives"))
            for objective in item.chapter.objectives:
                self.screen.say(Text("  - ") + render_inline(objective))
        cells = item.chapter.code_cells
        if cells and not lesson:
            self.screen.say(self.t.text("term.has_cells", n=len(cells)), style="dim")

    def read_blocks(self, chapter: Chapter, blocks: Sequence[Reading]) -> None:
        """Lesson text and code, one block at a time, each paged, Enter between them.

        Printed at once, 150 lines of lesson scrolled past before the first question.
        """
        for block in blocks:
            self.screen.page(self.lesson.lines(chapter, [block], self.screen.width, self.t))
            self.screen.pause()

    def chapter_end(self, session: Session, chapter: Chapter, lesson: bool) -> None:
        if lesson:
            self.read_blocks(chapter, blocks_after_questions(chapter))
        # Only at the end of a chapter read in order: after a shuffled question, a retry
        # round or a review, "was the chapter clear?" would not be about the chapter.
        if session.mode == READING_ORDER and self.course.feedback.enabled:
            self.ask_feedback(session, chapter)

    # --- one question -----------------------------------------------------------------------

    def where(self, item: Item, position: int, total: int) -> str:
        """The chapter's title, and the question's place in it when the session's count
        says something else (a section or the course, a retry round, a review)."""
        in_chapter = item.chapter.questions
        number = next(n for n, q in enumerate(in_chapter, 1) if q.id == item.question.id)
        if (number, len(in_chapter)) == (position, total):
            return item.chapter.title
        return self.t.text("term.chapter_position", n=len(in_chapter), number=number,
                           title=item.chapter.title)

    def ask(self, session: Session, item: Item, position: int, total: int) -> None:
        question = item.question
        layout = layout_for(question, session.seed)
        # What the learner reads: references name the options where this session shows
        # them. Grading, hashes and the store keep the question as written.
        shown = replace(item, question=as_shown(question, layout, self.t))
        self.screen.say()
        self.screen.progress(position, total, self.where(item, position, total))
        before = self.store.latest_attempt(self.course.id, question.id)
        if before is not None and before.content_hash != content_hash(question):
            self.screen.say(self.t.text("term.edited"), style="dim")
        self.screen.say_all(
            question_lines(shown.question, layout, self.screen.width, self.t))
        self.screen.say(instructions(question, self.t), style="dim")
        self.screen.say(self.legend(item), style="dim")
        revealed = self.store.hints_revealed(session.id, question.id)
        for n in range(revealed):
            self.show_hint(shown, n)
        started = self.monotonic()
        response = self.read_response(session, shown, layout)
        seconds = self.monotonic() - started
        hints = self.store.hints_revealed(session.id, question.id)
        when = self.now()
        if isinstance(response, _Skip):
            self.store.record(self._attempt(session, item, None, None, hints, seconds, when))
            self.screen.say(self.t.text("term.skipped"), style="yellow")
            return
        result = grade(question, response, hints)
        # engine.grading.standing: the question keeps its best score; a worse retry says so.
        kept = self.store.kept_points(self.course.id).get(question.id)
        rating = fsrs_review.rating_for(result, hints)
        cards = self.store.cards(self.course.id)
        card = fsrs_review.review(
            self.scheduler, cards.get(question.id, (None, ""))[0], rating, when,
            fsrs_review.card_id(self.course.id, question.id),
        )
        attempt = self._attempt(session, item, response, result, hints, seconds, when)
        self.store.record(attempt, (card[0], utc_iso(card[1])))
        lines = verdict_lines(shown.question, layout, response, result, hints, self.t)
        if kept is not None and kept > result.points:
            lines.append(Text(self.t.text(
                "term.best_kept", points=of_points(kept, result.max_points, self.t)), style="bold"))
        explanation = shown.question.explanation
        if explanation:
            lines.append(Text(self.t.text("term.explanation"), style="bold"))
            lines.extend(render_markdown(explanation, self.screen.width))
        self.screen.page(lines)
        # The verdict stays on screen until the learner has read it: the next question
        # would otherwise scroll it away on a small terminal.
        self.screen.pause()

    def _attempt(self, session: Session, item: Item, response: Response, graded: Grade | None,
                 hints: int, seconds: float, when: datetime) -> Attempt:
        return Attempt(
            course_id=self.course.id, question_id=item.question.id, chapter_id=item.chapter.id,
            content_hash=content_hash(item.question),
            response=None if graded is None else json.dumps(_jsonable(response)),
            answered=graded is not None and graded.answered,
            fraction=graded.fraction if graded else 0.0, score=graded.score if graded else 0.0,
            points=graded.points if graded else 0.0, max_points=item.question.points,
            hints_used=hints, duration=round(seconds, 3), answered_at=utc_iso(when),
            session_id=session.id,
        )

    def legend(self, item: Item) -> str:
        hints = item.question.hints
        keys = []
        if hints:
            cost = item.question.hint_penalty
            keys.append(self.t.text("term.legend.hint_cost" if cost else "term.legend.hint",
                                    count=len(hints), percent=round(cost * 100)))
        keys += [self.t.text("term.legend.skip"), self.t.text("term.legend.quit")]
        if item.chapter.code_cells:
            keys.append(self.t.text("term.legend.run"))
        if isinstance(item.question, Cloze) and len(item.question.blanks) > 1:
            keys.append(self.t.text("term.legend.back", back=BACK))
        keys.append(self.t.text("term.legend.help"))
        return self.t.text("term.legend", keys=" · ".join(keys))

    def read_response(self, session: Session, item: Item, layout: Layout) -> Response | _Skip:
        question = item.question
        if isinstance(question, Cloze):
            names = list(question.blanks)
            filled: dict[str, str] = {}
            index = 0
            while index < len(names):
                name = names[index]
                answer = self.read(session, item, blank_prompt(question, name, layout, self.t),
                                   functools.partial(parse_blank, question.blanks[name],
                                                     layout.blank_order(name)),
                                   back=index > 0)
                if isinstance(answer, _Skip):
                    return SKIP
                if isinstance(answer, _Back):
                    index -= 1
                    self.screen.say(self.t.text("term.back", number=index + 1,
                                                answer=filled.pop(names[index])), style="dim")
                    continue
                filled[name] = str(answer)
                index += 1
            return filled
        answer = self.read(session, item, "> ", lambda text: parse_answer(question, layout, text))
        assert not isinstance(answer, _Back)  # only a cloze's later blanks go back
        return answer

    def read(self, session: Session, item: Item, prompt: str,
             parse: Callable[[str], Response], back: bool = False) -> Response | _Skip | _Back:
        """Read until the input parses; run the single-key commands on the way.

        `back`: the learner may type `BACK` to return to the previous cloze blank.
        """
        while True:
            line = self.screen.ask(prompt)
            key = line.strip().lower()
            if back and key == BACK:
                return BACK_TO_PREVIOUS
            if key in KEYS:
                if key == "s":
                    return SKIP
                self.command(session, item, key)
                continue
            if line.strip().startswith("\\"):
                # A backslash lets a learner answer with a letter that is also a key: \h
                line = line.strip()[1:]
            try:
                return parse(line)
            except AnswerError as error:
                self.screen.say(error.message(self.t), style="yellow")

    def command(self, session: Session, item: Item, key: str) -> None:
        if key == "q":
            raise QuitRequested
        if key == "?":
            for name in KEYS:
                self.screen.say(f"  {name}  {self.t.text(f'term.key.{KEY_NAMES[name]}')}")
            if isinstance(item.question, Cloze) and len(item.question.blanks) > 1:
                self.screen.say(f"  {BACK}  {self.t.text('term.key.back')}")
            self.screen.say("  " + self.t.text("term.key.escape"))
            self.screen.say(instructions(item.question, self.t))
        elif key == "h":
            revealed = self.store.hints_revealed(session.id, item.question.id)
            if revealed >= len(item.question.hints):
                self.screen.say(self.t.text("term.no_more_hints" if revealed else "term.no_hints"))
                return
            self.store.reveal_hint(session.id, item.question.id, revealed + 1)
            self.show_hint(item, revealed)
        elif key == "r":
            self.screen.say(self.t.text("term.running", title=item.chapter.title), style="dim")
            self.screen.say_all(self.lesson.run(item.chapter, self.t))

    def show_hint(self, item: Item, index: int) -> None:
        hints, cost = item.question.hints, item.question.hint_penalty
        head_key = "term.hint_costs" if cost else "term.hint"
        head = Text(self.t.text(head_key, number=index + 1, total=len(hints),
                                percent=round(cost * 100)) + ": ", style="bold magenta")
        self.screen.say(head + render_inline(hints[index]))

    # --- feedback -------------------------------------------------------------------------

    def ask_feedback(self, session: Session, chapter: Chapter) -> None:
        self.screen.say()
        try:
            answer = self.screen.ask(
                self.t.text("term.feedback.ask", title=chapter.title) + " ").strip().lower()
            if answer not in self.yes_words | self.no_words:
                return
            clear = answer in self.yes_words
            comment = "" if clear else self.screen.ask(
                self.t.text("term.feedback.unclear") + " ").strip()
        except EOFError:
            return
        self.store.add_feedback(
            Feedback(self.course.id, chapter.id, clear, comment, utc_iso(self.now())), session.id
        )
        self.screen.say(self.t.text("term.feedback.thanks"), style="dim")


def _jsonable(response: Response) -> object:
    if isinstance(response, bool | int | float | str) or response is None:
        return response
    if isinstance(response, Mapping):
        return {str(k): v for k, v in response.items()}
    return list(response)
