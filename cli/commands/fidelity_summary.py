"""One line per export format saying what it could not carry, counted by kind.

The renderers write every loss, question by question, to `<id>-<format>-fidelity.json`
(and `build --verbose` prints each one). On a normal build a list of hundreds of lines
("tags dropped" once per question per format) buries everything else, so the build
prints this summary instead: for each format, the questions left out (by question
type) and, for each kind of loss, how many questions have it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from engine.model import Course

LABELS = {
    "hints": "hints dropped",
    "penalty": "penalty not kept",
    "points": "points not kept",
    "tags": "tags dropped",
    "question-type": "type changed",
    "scoring": "scoring changed",
    "partial-credit": "partial credit rounded",
    "formatting": "formatting dropped",
    "math": "math as plain text",
    "pattern": "regular expressions dropped",
    "case-sensitive": "case not kept",
    "wrong-answer-feedback": "wrong-answer feedback dropped",
    "blank-kind": "blank kind changed",
    "unit": "unit moved into the text",
    "shuffle": "shuffle setting not kept",
    "fixed": "fixed positions dropped",
    "image": "images dropped",
}
"""How a feature name of the fidelity report reads in the summary (others read as is)."""


def summary_line(course: Course, report: dict[str, Any]) -> str | None:
    """`gift: 12 of 120 questions left out (cloze 12); hints dropped in 42, ...`,
    or None when the format carried everything."""
    losses = report.get("losses", [])
    if not losses:
        return None
    types = {q.id: q.type for q in course.questions}
    skipped = {loss["question"] for loss in losses if loss["feature"] == "question"}
    kinds = Counter(feature for feature, _ in {(loss["feature"], loss["question"])
                                               for loss in losses
                                               if loss["question"] not in skipped})
    parts = []
    if skipped:
        by_type = Counter(types.get(q, "?") for q in skipped)
        detail = ", ".join(f"{t} {n}" for t, n in sorted(by_type.items()))
        parts.append(f"{len(skipped)} of {len(types)} questions left out ({detail})")
    for feature, count in sorted(kinds.items(), key=lambda item: (-item[1], item[0])):
        parts.append(f"{LABELS.get(feature, feature)} in {count}")
    return f"{report.get('format', '?')}: " + "; ".join(parts)
