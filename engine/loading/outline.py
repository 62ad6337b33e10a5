"""course.yaml read and validated, the first step of loading a course (engine/loading/
loader.py); `lessonkit serve` reads it again only when it changed."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine.diagnostics import Diagnostic
from engine.loading.node_sources import attach_spans
from engine.loading.salvage import attach_kept, salvage
from engine.loading.source import Loaded, load_yaml_file
from engine.loading.validate import errors_to_diagnostics
from engine.model import CourseFile
from engine.span import display_path


@dataclass(frozen=True)
class Outline:
    """course.yaml read and validated (`course_file` None when nothing can be checked)."""

    loaded: Loaded
    course_file: CourseFile | None
    kept: list[int]
    """The index in the file of each section kept (all, unless some were salvaged away)."""
    named: frozenset[str]
    """The chapter paths that sections left out of a salvaged list name."""
    diagnostics: list[Diagnostic]
    stamp: tuple[int, int] | None
    """course.yaml's (mtime_ns, size) when it was read."""

    spans: dict[tuple[int, int], Any] = field(default_factory=dict, compare=False)
    """Where each listed chapter path is, by (section in the file, place in its list),
    looked up once (`listing_span`)."""

    def listing_span(self, section: int, index: int) -> Any:
        """The span of chapter `index` of section `section` (its index in the file)."""
        span = self.spans.get((section, index), self)
        if span is self:
            span = self.spans[section, index] = self.loaded.source_map.value(
                ("sections", section, "chapters", index))
        return span

    @property
    def stamped(self) -> tuple[tuple[int, int], Outline] | None:
        """What to hand `outline` next time, to skip reading an unchanged file."""
        return None if self.stamp is None else (self.stamp, self)


def outline(course_path: Path, known: tuple[tuple[int, int], Outline] | None) -> Outline:
    """course.yaml read and validated; `known`, what an earlier call gave (its `stamped`),
    when the file's size and modification time are still the same."""
    try:
        stat = os.stat(course_path)
        stamp = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        return _read_outline(course_path, None)
    if known is not None and known[0] == stamp:
        return known[1]
    return _read_outline(course_path, stamp)


def _read_outline(course_path: Path, stamp: tuple[int, int] | None) -> Outline:
    loaded = load_yaml_file(course_path, display_path(course_path))
    diags = list(loaded.diagnostics)
    if loaded.data is None:
        return Outline(loaded, None, [], frozenset(), diags, stamp)
    try:
        course_file = CourseFile.model_validate(loaded.data)
    except ValidationError as err:
        diags.extend(errors_to_diagnostics(CourseFile, loaded.data, err, loaded.source_map))
        # Check the chapters of the sections that are fine, in this same round.
        saved = salvage(
            CourseFile,
            loaded.data,
            err,
            "sections",
            {"id": "course", "title": ""},
            item_stand_ins={"id": "section-{n}", "title": ""},
        )
        if saved is None:
            return Outline(loaded, None, [], frozenset(), diags, stamp)
        attach_kept(saved.model, loaded.source_map, "sections", saved.kept)
        # The chapters of a section left out are not orphans: the section is the mistake.
        return Outline(loaded, saved.model, saved.kept, frozenset(_listed_in(saved.dropped)),
                       diags, stamp)
    attach_spans(course_file, loaded.source_map, ())
    return Outline(loaded, course_file, list(range(len(course_file.sections))), frozenset(),
                   diags, stamp)


@functools.lru_cache(maxsize=1 << 16)
def normalised(rel: str) -> str:
    """A listed chapter path as written, normalised (`a/./b.yaml` -> `a/b.yaml`)."""
    return os.path.normpath(rel.replace("\\", "/")).replace(os.sep, "/")


def _listed_in(sections: list[Any]) -> set[str]:
    """The chapter paths that sections left out of a salvaged course.yaml list."""
    found: set[str] = set()
    for section in sections:
        values = section.values() if isinstance(section, dict) else ()
        for value in values:
            if isinstance(value, list):
                found.update(normalised(v) for v in value if isinstance(v, str) and v)
    return found
