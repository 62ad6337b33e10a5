"""Which questions a `quiz` or `review` asks, and what happens after the last one.

A quiz resumes the unfinished session of the same scope (same questions, same order,
same option order); otherwise it starts a new one with the questions of the scope not
answered yet, or all of them once everything was answered. After the summary it offers
to retry only the mistakes, round after round, until none are left or the learner
declines (the "retry wrong answers" expectation in ux.md 1.3).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text

from renderers.terminal import review as fsrs_review
from renderers.terminal.app import READING_ORDER, RETRY, REVIEW, SHUFFLED, QuizApp
from renderers.terminal.items import Item, scope_items, scope_key
from renderers.terminal.summary import summarize, summary_lines
from renderers.terminal.view import counted


@dataclass(frozen=True)
class QuizOptions:
    """What `lessonkit quiz` was asked to do."""

    section: str | None = None
    chapter: str | None = None
    shuffle: bool = False
    count: int | None = None
    retry_mistakes: bool = False
    restart: bool = False
    questions_only: bool = False
    seed: int | None = None


def run_quiz(app: QuizApp, options: QuizOptions) -> None:
    """Plan the session, run it, summarise it, and offer retry rounds."""
    course, store, screen = app.course, app.store, app.screen
    scope = scope_key(options.section, options.chapter)
    in_scope = scope_items(course, options.section, options.chapter)
    by_id = {item.question.id: item for item in in_scope}
    if not in_scope:
        screen.say("There are no questions here.")
        return
    session = None if options.restart or options.retry_mistakes else store.open_session(
        course.id, scope
    )
    if session is not None:
        screen.say("Continuing where you left off (use --restart to start again).", style="dim")
    else:
        chosen = _choose(app, options, in_scope)
        if not chosen:
            screen.say("No mistakes to retry here: every question's last answer was right.")
            return
        mode = RETRY if options.retry_mistakes else SHUFFLED if options.shuffle else READING_ORDER
        session = store.start_session(course.id, scope, mode, _seed(options),
                                      [i.question.id for i in chosen], app.now())
    while True:
        items = [by_id[q] for q in session.question_ids if q in by_id]
        lesson = session.mode == READING_ORDER and not options.questions_only
        app.run(session, items, lesson=lesson)
        summary = summarize(items, store.session_attempts(session.id))
        screen.say()
        screen.say_all(summary_lines(summary, course.passing_score))
        missed_count = counted(len(summary.missed), "question")
        if not summary.missed or not _yes(app, f"Retry the missed {missed_count}? (y/N) "):
            return
        missed = [item.question.id for item, _ in summary.missed]
        session = store.start_session(course.id, scope, RETRY, _seed(options), missed, app.now())


def _choose(app: QuizApp, options: QuizOptions, in_scope: Sequence[Item]) -> list[Item]:
    store, course_id = app.store, app.course.id
    if options.retry_mistakes:
        latest = store.latest_attempts(course_id)
        chosen = [
            i for i in in_scope
            if i.question.id in latest and (
                not latest[i.question.id].answered or latest[i.question.id].fraction < 1.0
            )
        ]
    else:
        answered = set() if options.restart else store.answered_ids(course_id)
        chosen = [i for i in in_scope if i.question.id not in answered]
        if not chosen:
            chosen = list(in_scope)  # everything was answered: a new round from the top
        elif len(chosen) < len(in_scope):
            app.screen.say(f"Starting with the {counted(len(chosen), 'question')} not answered yet "
                           "(use --restart for all).", style="dim")
    if options.shuffle:
        random.Random(_seed(options)).shuffle(chosen)
    return chosen[: options.count] if options.count else chosen


def _seed(options: QuizOptions) -> int:
    return options.seed if options.seed is not None else random.SystemRandom().randrange(2**31)


def _yes(app: QuizApp, prompt: str) -> bool:
    try:
        return app.screen.ask(prompt).strip().lower() in {"y", "yes"}
    except EOFError:
        return False


def run_review(app: QuizApp, limit: int | None, seed: int | None = None) -> None:
    """Ask the questions due now, most overdue first, and say when the next ones are due."""
    course, store, screen = app.course, app.store, app.screen
    known = {item.question.id: item for item in scope_items(course, None, None)}
    now = app.now()
    cards = {qid: card for qid, card in store.cards(course.id).items() if qid in known}
    due = fsrs_review.due_ids(cards, now)[: limit or None]
    if not due:
        screen.say("Nothing is due for review yet.")
        _say_next_due(app, cards, now)
        return
    screen.say(f"{counted(len(due), 'question')} to review.")
    chosen_seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
    session = store.start_session(course.id, REVIEW, REVIEW, chosen_seed, due, now)
    items = [known[q] for q in due]
    app.run(session, items, lesson=False)
    summary = summarize(items, store.session_attempts(session.id))
    screen.say()
    screen.say_all(summary_lines(summary, course.passing_score))
    _say_next_due(app, store.cards(course.id), app.now())


def _say_next_due(app: QuizApp, cards: dict[str, tuple[str, str]], now: datetime) -> None:
    upcoming = sorted(d for d in (datetime.fromisoformat(due) for _c, due in cards.values())
                      if d > now)
    if upcoming:
        first = upcoming[0].astimezone()
        app.screen.say(Text(f"Next review: {first:%Y-%m-%d %H:%M} "
                            f"({counted(len(upcoming), 'question')} scheduled)."))
