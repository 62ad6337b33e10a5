"""Values worked out from immutable objects, kept from one build to the next.

A long-running `lessonkit serve` gets the same Chapter object back for a chapter file
that did not change, so what the last build worked out from it (a hash, a list) can be
used again. An entry is keyed by the object's id and holds the object itself, so the id
cannot pass to another object while the entry lives; only what the last build used is
kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

Obj = TypeVar("Obj")
Value = TypeVar("Value")


class PerObject(Generic[Obj, Value]):
    """`compute(obj)`, reused while the very same object comes back."""

    def __init__(self, compute: Callable[[Obj], Value]) -> None:
        self.compute = compute
        self.last: dict[int, tuple[Obj, Value]] = {}
        self.current: dict[int, tuple[Obj, Value]] = {}

    def __call__(self, obj: Obj) -> Value:
        known = self.last.get(id(obj))
        value = known[1] if known is not None and known[0] is obj else self.compute(obj)
        self.current[id(obj)] = (obj, value)
        return value

    def end_build(self) -> None:
        """Keep what this build used, and only that, for the next one."""
        self.last, self.current = self.current, {}
