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

from learner import review as fsrs_review
from learner.app import READING_ORDER, RETRY, REVIEW, SHUFFLED, QuizApp
from learner.items import Item, scope_items, scope_key
from learner.summary import summarize, summary_lines


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
        screen.say(screen.words.text("term.no_questions"))
        return
    session = None if options.restart or options.retry_mistakes else store.open_session(
        course.id, scope
    )
    if session is not None:
        screen.say(screen.words.text("term.continuing"), style="dim")
    else:
        chosen = _choose(app, options, in_scope)
        if not chosen:
            screen.say(screen.words.text("term.no_mistakes"))
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
        screen.say_all(summary_lines(summary, course.passing_score, screen.words))
        if not summary.missed or not _yes(
                app, screen.words.text("term.retry_missed", n=len(summary.missed)) + " "):
            say_next_step(app, scope_items(course, None, None))
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
            app.screen.say(app.screen.words.text("term.starting_with", n=len(chosen)),
                           style="dim")
    if options.shuffle:
        random.Random(_seed(options)).shuffle(chosen)
    return chosen[: options.count] if options.count else chosen


def _seed(options: QuizOptions) -> int:
    return options.seed if options.seed is not None else random.SystemRandom().randrange(2**31)


def _yes(app: QuizApp, prompt: str) -> bool:
    try:
        return app.screen.ask(prompt).strip().lower() in app.yes_words
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
        screen.say(screen.words.text("term.nothing_due"))
        _say_next_due(app, cards, now)
        return
    screen.say(screen.words.text("term.to_review", n=len(due)))
    chosen_seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
    session = store.start_session(course.id, REVIEW, REVIEW, chosen_seed, due, now)
    items = [known[q] for q in due]
    app.run(session, items, lesson=False)
    summary = summarize(items, store.session_attempts(session.id))
    screen.say()
    screen.say_all(summary_lines(summary, course.passing_score, screen.words))
    _say_next_due(app, store.cards(course.id), app.now())
    say_next_step(app, list(known.values()))


def _say_next_due(app: QuizApp, cards: dict[str, tuple[str, str]], now: datetime) -> None:
    upcoming = sorted(d for d in (datetime.fromisoformat(due) for _c, due in cards.values())
                      if d > now)
    if upcoming:
        first = upcoming[0].astimezone()
        app.screen.say(Text(app.screen.words.text(
            "term.next_review", when=f"{first:%Y-%m-%d %H:%M}", n=len(upcoming))))


def say_next_step(app: QuizApp, everything: Sequence[Item]) -> None:
    """What to do now: the reviews due, else the first chapter with questions never
    answered, else that the course is done (the end of a session should not be a wall)."""
    store, screen, course_id = app.store, app.screen, app.course.id
    due = fsrs_review.due_ids(store.cards(course_id), app.now())
    if due:
        screen.say(screen.words.text("term.next.review", n=len(due)), style="bold")
        return
    answered = store.answered_ids(course_id)
    waiting = next((item for item in everything if item.question.id not in answered), None)
    if waiting is not None:
        screen.say(screen.words.text("term.next.chapter", title=waiting.chapter.title,
                                     id=waiting.chapter.id), style="bold")
    else:
        screen.say(screen.words.text("term.next.done"), style="bold")
