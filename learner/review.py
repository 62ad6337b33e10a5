"""Spaced repetition: when each question comes back, scheduled by FSRS.

Every graded answer (in a quiz or a review) is one FSRS review of that question's card.
The learner never rates themselves: the rating follows from the grade, as the research
notes propose (ux.md 1.4): wrong -> Again, right only with hints or only partly -> Hard,
right unaided -> Good. Cards are stored as the `fsrs` package's own JSON, so its
scheduler can be swapped or re-fitted later without a migration.

Times are passed in explicitly (never read from the clock here) so tests can freeze them,
and fuzzing can be turned off to make due dates reproducible.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fsrs import Rating, Scheduler

    from engine.grading.score import Grade

PARTLY_RIGHT = 0.5
"""From this fraction up, a partly right answer rates Hard rather than Again."""


def rating_for(grade: Grade, hints_used: int) -> Rating:
    """The FSRS rating a graded answer earns."""
    from fsrs import Rating

    if grade.correct:
        return Rating.Hard if hints_used else Rating.Good
    if grade.fraction >= PARTLY_RIGHT:
        return Rating.Hard
    return Rating.Again


def make_scheduler(fuzzing: bool = True) -> Scheduler:
    """The scheduler with the package defaults (desired retention 0.9)."""
    from fsrs import Scheduler

    return Scheduler(enable_fuzzing=fuzzing)


def card_id(course_id: str, question_id: str) -> int:
    """A stable card id from the keys (the package's default id is the creation time)."""
    digest = hashlib.sha256(f"{course_id}\0{question_id}".encode()).digest()
    return int.from_bytes(digest[:6], "big")


def review(
    scheduler: Scheduler,
    card_json: str | None,
    rating: Rating,
    when: datetime,
    new_card_id: int,
) -> tuple[str, datetime]:
    """The card after one review at `when` (a new card when `card_json` is None).

    Returns the card as JSON and its next due time (UTC).
    """
    from fsrs import Card

    when = when.astimezone(UTC)
    card = Card.from_json(card_json) if card_json else Card(card_id=new_card_id, due=when)
    updated, _log = scheduler.review_card(card, rating, review_datetime=when)
    return updated.to_json(), updated.due.astimezone(UTC)


def due_ids(cards: dict[str, tuple[str, str]], now: datetime) -> list[str]:
    """Question ids whose cards are due at `now`, the most overdue first.

    Due means what FSRS scheduled: a card due in ten minutes is not due yet. Counting
    everything due "today" replayed answers given a minute earlier, before the spacing
    that makes the review worth doing.
    """
    due = [(datetime.fromisoformat(d), qid) for qid, (_card, d) in cards.items()]
    return [qid for when, qid in sorted(due) if when <= now]
