"""Numbers as the exports write them, and the accepted intervals of numeric answers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from engine.grading.score import tolerance_of


def decimal_text(value: float) -> str:
    """`value` in plain decimal notation, never with an exponent.

    GIFT's number grammar (and Moodle's `is_numeric` checks on some paths) has no
    exponent, so `5.2e-3` must be written `0.0052`. `repr` first keeps the shortest
    round-tripping digits, after rounding to 15 significant digits so that float noise
    from arithmetic (`(0.26 - 0.24) / 2` is 0.010000000000000009) does not show.
    """
    value = float(f"{value:.15g}")
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    text = format(Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Accepted:
    """One accepted interval: `center` plus or minus `margin` (both ends included)."""

    center: float
    margin: float

    @property
    def low(self) -> float:
        return self.center - self.margin

    @property
    def high(self) -> float:
        return self.center + self.margin


def accepted_intervals(
    answer: float | None, tolerance: float | str | None, bounds: tuple[float, float] | None
) -> list[Accepted]:
    """The intervals a numeric answer accepts, in the grader's terms.

    `engine.grading.score.number_is_right` accepts a value inside `bounds` or within the
    tolerance of `answer`; a relative tolerance (`2%`) becomes the absolute margin it
    stands for, which is what every LMS format can express.
    """
    intervals: list[Accepted] = []
    if answer is not None:
        intervals.append(Accepted(answer, tolerance_of(answer, tolerance)))
    if bounds is not None:
        low, high = bounds
        intervals.append(Accepted((low + high) / 2, (high - low) / 2))
    return intervals
