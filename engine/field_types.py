"""The constrained values the course model's fields are made of: ids, Markdown text,
numbers within safe bounds, relative tolerances, and the cloze marker syntax.

Each is an annotated type, so pydantic checks it and the JSON Schema states it.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

Markdown = Annotated[str, Field(json_schema_extra={"contentMediaType": "text/markdown"})]
"""A string rendered as Markdown (CommonMark, tables, footnotes, math, admonitions)."""

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=128),
]
"""A stable identifier: letters, digits, '-', '_' and '.', starting with a letter or digit."""

RelativeTolerance = Annotated[
    str, StringConstraints(pattern=r"^\s*[0-9]{1,15}(\.[0-9]{1,15})?\s*%\s*$")
]
"""A tolerance written as a percentage of the answer, such as `2%`."""

LARGEST = 1e100
"""Largest magnitude of an answer, a tolerance or a range bound (see `Quantity`)."""


def _within_bounds(value: float) -> float:
    if abs(value) > LARGEST:
        raise ValueError("use a number between -1e100 and 1e100")
    return value


Quantity = Annotated[float, AfterValidator(_within_bounds)]
"""A number in an answer, a tolerance or a range: finite and within ±1e100, so that every
sum and product the graders and exporters form from two of them stays finite."""

MAX_POINTS = 1_000_000
"""Most points one question may be worth: a course's total stays an exact, finite sum."""

MARKER = re.compile(r"\[\[([A-Za-z0-9_-]+)\]\]")
"""A cloze blank marker in a prompt: `[[name]]`."""
