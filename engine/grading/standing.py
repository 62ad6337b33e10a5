"""Where a learner stands: which of several answers to a question counts, and when a
chapter (or any set of questions) is passed.

Both rules are shared by every interface: the terminal quiz uses this module, and the
static site mirrors it in renderers/site/static/grading.js (`lessonkitGrading.keptPoints`,
`lessonkitGrading.passes`; tests/renderers/site/test_grading_equivalence.py compares the two).

Retries (the kept score)
    A question keeps the best score of the answers given to it: a retry can raise its
    score, never lower it. A worse retry is still shown with its own verdict, and the
    interface says that the earlier, better score is kept. On the site, "Show answer"
    counts as an answer worth 0 points: the question keeps an earlier, better score, else
    scores 0 (its label says which before it is pressed); a later retry may still raise
    it, as a terminal retry round may after the terminal showed the right answer.

Passing
    A set of questions is passed when the points kept reach `passing_score` (a fraction,
    course.yaml) of the points available, with a slack of 1e-9 for binary rounding (the
    LMS bridges use the same slack). A chapter is *completed* when every question has an
    answer, and completed is not passed: at 60 % against an 80 % pass mark both interfaces
    say "not passed yet" and offer to retry the questions not fully right.
"""

from __future__ import annotations

PASS_SLACK = 1e-9
"""Binary rounding must not fail a learner who is exactly at the pass mark."""


def kept_points(previous: float | None, latest: float) -> float:
    """The points a question keeps (`previous`: so far, None if never answered) after a
    new answer worth `latest` points."""
    return latest if previous is None else max(previous, latest)


def score_fraction(points: float, max_points: float) -> float:
    """Points over points available; a set with nothing to score counts as fully done."""
    return points / max_points if max_points > 0 else 1.0


def passes(points: float, max_points: float, passing_score: float) -> bool:
    """Whether `points` of `max_points` reach the pass mark `passing_score` (0..1)."""
    return score_fraction(points, max_points) >= passing_score - PASS_SLACK
