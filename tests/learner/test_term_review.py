"""Spaced repetition: ratings from grades, and due dates exactly as `fsrs` schedules them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Card, Rating, Scheduler

from engine.grading.score import Grade
from learner.review import (
    card_id,
    due_ids,
    make_scheduler,
    rating_for,
    review,
)

START = datetime(2025, 1, 6, 9, 30, tzinfo=UTC)


def _grade(fraction: float) -> Grade:
    return Grade(fraction, fraction, fraction, 1.0, True)


@pytest.mark.parametrize(
    ("fraction", "hints", "rating"),
    [
        (1.0, 0, Rating.Good),
        (1.0, 1, Rating.Hard),
        (0.67, 0, Rating.Hard),
        (0.5, 2, Rating.Hard),
        (0.33, 0, Rating.Again),
        (0.0, 0, Rating.Again),
    ],
)
def test_rating_follows_correctness_and_hints(fraction: float, hints: int, rating: Rating) -> None:
    assert rating_for(_grade(fraction), hints) == rating


SEQUENCES = {
    "steady": [Rating.Good, Rating.Good, Rating.Good, Rating.Good],
    "lapse": [Rating.Good, Rating.Good, Rating.Again, Rating.Good, Rating.Hard],
    "struggle": [Rating.Again, Rating.Again, Rating.Hard, Rating.Good, Rating.Good],
}


@pytest.mark.parametrize("name", sorted(SEQUENCES))
def test_due_dates_match_the_fsrs_scheduler_with_fuzzing_off(name: str) -> None:
    ours = make_scheduler(fuzzing=False)
    reference = Scheduler(enable_fuzzing=False)
    reference_card = Card(card_id=card_id("c", "q"), due=START)
    stored: str | None = None
    when = START
    for rating in SEQUENCES[name]:
        stored, due = review(ours, stored, rating, when, card_id("c", "q"))
        reference_card, _ = reference.review_card(reference_card, rating, review_datetime=when)
        assert due == reference_card.due
        assert Card.from_json(stored).to_dict() == reference_card.to_dict()
        when = due  # review exactly when due, as a diligent learner would
    assert when > START + timedelta(days=1)  # the sequence reached day-scale intervals


def test_card_ids_are_stable_and_distinct() -> None:
    assert card_id("c", "q1") == card_id("c", "q1")
    assert card_id("c", "q1") != card_id("c", "q2") != card_id("d", "q2")


def test_due_means_due_now_as_fsrs_scheduled() -> None:
    now = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
    cards = {
        "overdue": ("{}", (now - timedelta(days=2)).isoformat()),
        "just-due": ("{}", now.isoformat()),
        "in-ten-minutes": ("{}", (now + timedelta(minutes=10)).isoformat()),
        "tomorrow": ("{}", (now + timedelta(days=1)).isoformat()),
    }
    assert due_ids(cards, now) == ["overdue", "just-due"]
