"""The questions of a course, a section or a chapter, each with where it lives."""

from __future__ import annotations

from dataclasses import dataclass

from engine.model import Chapter, Course, QuestionType, Section


class ScopeError(ValueError):
    """A `--section` or `--chapter` that names nothing in the course."""


@dataclass(frozen=True)
class Item:
    """One question, with its chapter and section."""

    question: QuestionType
    chapter: Chapter
    section: Section


def course_items(course: Course) -> list[Item]:
    """Every question of the course, in course order."""
    return [
        Item(question, chapter, section)
        for section in course.sections
        for chapter in section.chapters
        for question in chapter.questions
    ]


def scope_key(section_id: str | None, chapter_id: str | None) -> str:
    """How a scope is named in the progress database: `course`, `section:ID`, `chapter:ID`."""
    if chapter_id:
        return f"chapter:{chapter_id}"
    if section_id:
        return f"section:{section_id}"
    return "course"


def scope_items(course: Course, section_id: str | None, chapter_id: str | None) -> list[Item]:
    """The questions of the whole course, of one section, or of one chapter."""
    items = course_items(course)
    if chapter_id:
        known = [c.id for c in course.chapters]
        if chapter_id not in known:
            raise ScopeError(_unknown("chapter", chapter_id, known))
        return [i for i in items if i.chapter.id == chapter_id]
    if section_id:
        known = [s.id for s in course.sections]
        if section_id not in known:
            raise ScopeError(_unknown("section", section_id, known))
        return [i for i in items if i.section.id == section_id]
    return items


def _unknown(kind: str, given: str, known: list[str]) -> str:
    from engine.diagnostics import did_you_mean

    suggestion = did_you_mean(given, known)
    hint = f" Did you mean {suggestion!r}?" if suggestion else ""
    return f"the course has no {kind} {given!r}.{hint} Known: {', '.join(known)}."
