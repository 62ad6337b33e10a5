"""What the site renderer keeps from one build to the next in `lessonkit serve`.

A long-running `lessonkit serve` gets the same Chapter object back for a chapter file
that did not change, so what the last build worked out from it (a hash, a list) can be
used again (`PerObject`), and the pages and search shards the last build used are still
in memory (`RecentEntries`). All of it lives in one `SiteMemory`, kept in
the `RebuildState` that `serve` owns; a one-shot build starts with an empty one.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from engine.model import Chapter, Course
from engine.text.choice_refs import chapter_with_labels, course_with_labels
from renderers.site.cache import RecentEntries
from renderers.site.pageinput import PageKeys
from renderers.site.pages import Outline
from renderers.site.search import SearchMemory

Obj = TypeVar("Obj")
Value = TypeVar("Value")


class PerObject(Generic[Obj, Value]):
    """Values worked out from immutable objects, reused while the very same object comes
    back.

    An entry is keyed by the object's id and holds the object itself, so the id cannot
    pass to another object while the entry lives; only what the last build used is kept.
    """

    def __init__(self) -> None:
        self.last: dict[int, tuple[Obj, Value]] = {}
        self.current: dict[int, tuple[Obj, Value]] = {}

    def get(self, obj: Obj, compute: Callable[[Obj], Value]) -> Value:
        """`compute(obj)`, or its value from the last build for this very object."""
        known = self.last.get(id(obj))
        value = known[1] if known is not None and known[0] is obj else compute(obj)
        self.current[id(obj)] = (obj, value)
        return value

    def put(self, obj: Obj, value: Value) -> Value:
        """Keep `value` for `obj` instead of what `get` gave (worked out again)."""
        self.current[id(obj)] = (obj, value)
        return value

    def end_build(self) -> None:
        """Keep what this build used, and only that, for the next one."""
        self.last, self.current = self.current, {}


_OUTLINE_CODE = frozenset({"macros"})
"""Attributes of an `Outline` that hold code, not data (the compiled template's macros,
a new module object each time, the same code in the whole process): not compared."""


@dataclass
class SiteMemory:
    """Everything the site renderer reuses from the last build of the same course."""

    recent: RecentEntries = field(default_factory=RecentEntries)
    """The pages and search shards the last build used."""
    chapter_digests: PerObject[Chapter, str] = field(default_factory=PerObject)
    """A hash of each chapter's model, part of its page key."""
    page_keys: PageKeys = field(default_factory=PageKeys)
    """Each page's key, with the input it was taken of."""
    chapter_entries: PerObject[Chapter, tuple[tuple[str, int, int], str]] = field(
        default_factory=PerObject)
    """Each chapter's entry in `course.js` (JSON), with the place it was made for."""
    labelled: PerObject[Chapter, Chapter] = field(default_factory=PerObject)
    """Each chapter with its `{{choice: ...}}` references resolved (the same object when it
    has none): an unchanged chapter keeps its labelled copy, and with it its digest."""

    search_records: SearchMemory = field(default_factory=SearchMemory)
    """Each page's search record, by page key."""

    outline: tuple[dict[str, Any], Outline] | None = None
    """The sidebar outline of the last build, with what it held when it was made."""

    def same_outline(self, made: Outline) -> Outline:
        """The last build's outline when `made` holds the same as it did when it was made
        (every attribute, compared by value), else `made`. Its entries and slices are then
        the very objects the kept page inputs hold, which makes them quick to compare."""
        made_of = {name: copy.copy(value) for name, value in vars(made).items()
                   if name not in _OUTLINE_CODE}
        if self.outline is not None and self.outline[0] == made_of:
            return self.outline[1]
        self.outline = (made_of, made)
        return made

    def labelled_course(self, course: Course) -> Course:
        """`course_with_labels(course)`, with the labelled chapters of the last build
        reused."""
        return course_with_labels(
            course, chapter_labels=lambda chapter: self.labelled.get(chapter, chapter_with_labels))

    def end_build(self) -> None:
        """Keep what this build used of the per-chapter values, and only that."""
        self.chapter_digests.end_build()
        self.chapter_entries.end_build()
        self.labelled.end_build()
        self.page_keys.end_build()
        self.search_records.end_build()
