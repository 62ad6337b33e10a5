"""Launchable units: one for the whole course, or one per chapter (SCOs in SCORM, AUs in cmi5).

Each unit gets its own launcher page and scores only its own questions. The choice
between the two layouts is the packager option `sco` (SCORM) or `au` (cmi5); when each
suits which LMS is documented in renderers/packages/scorm.py and renderers/packages/cmi5.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from engine.model import Chapter, Course, QuestionType, Section

Layout = Literal["course", "chapter"]

COURSE_KEY = "course"
COURSE_LAUNCHER = "lessonkit-launch.html"


@dataclass(frozen=True)
class Unit:
    """One SCO or AU."""

    key: str
    """`course`, or the chapter id: the scope key in the bridge settings."""
    title: str
    """What the LMS lists."""
    section: Section | None
    """The chapter's section (None for the whole course)."""
    questions: tuple[QuestionType, ...]
    """The questions this unit scores."""
    launcher: str
    """Path of its launcher page inside the package."""
    start: str
    """The site page its launcher opens first."""

    @property
    def graded(self) -> bool:
        """Whether a mastery score applies (the unit has questions worth points)."""
        return any(q.points > 0 for q in self.questions)


def units(course: Course, layout: Layout, chapter_page: Callable[[Chapter], str]) -> list[Unit]:
    """The units of `course` in course order; `chapter_page` gives a chapter's site page."""
    if layout == "course":
        return [Unit(COURSE_KEY, course.title, None, tuple(course.questions), COURSE_LAUNCHER,
                     "index.html")]
    return [
        Unit(
            chapter.id,
            chapter.title,
            section,
            tuple(chapter.questions),
            f"lessonkit-launch-{chapter.id}.html",
            chapter_page(chapter),
        )
        for section in course.sections
        for chapter in section.chapters
    ]
