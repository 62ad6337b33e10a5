"""Moodle's fixed list of answer grades, shared by the Moodle XML and GIFT exports.

Moodle accepts an answer fraction only from this list (`question/engine/bank.php`,
`question_bank::fraction_options_full`); its importer fails the question, or with
"match grades" snaps to the nearest value, on anything else (its fixture
`error_invalid_grades.xml` rejects `33` next to a valid `33.33333`). We snap ourselves
and report the rounding, so nothing is decided silently on import.
"""

from __future__ import annotations

_POSITIVE = (
    100.0, 90.0, 83.33333, 80.0, 75.0, 70.0, 66.66667, 60.0, 50.0, 40.0, 33.33333, 30.0,
    25.0, 20.0, 16.66667, 14.28571, 12.5, 11.11111, 10.0, 5.0, 0.0,
)
MOODLE_GRADES: tuple[float, ...] = tuple(sorted({*_POSITIVE, *(-g for g in _POSITIVE)}))
"""Every percentage Moodle allows, from -100 to 100."""

_SAME = 1e-4
"""How far a computed percentage may sit from a listed one and still be that value."""


def nearest_grade(percent: float) -> float:
    """The allowed Moodle percentage closest to `percent` (ties go to the smaller magnitude)."""
    return min(MOODLE_GRADES, key=lambda g: (abs(g - percent), abs(g)))


def is_exact_grade(percent: float) -> bool:
    """Whether `percent` is an allowed value (up to Moodle's own five decimals)."""
    return abs(nearest_grade(percent) - percent) < _SAME


def grade_text(percent: float) -> str:
    """A grade as Moodle writes it: `100`, `33.33333`, `-50`."""
    text = f"{percent:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
