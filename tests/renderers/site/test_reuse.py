"""Values reused across builds only while the very same object comes back."""

from __future__ import annotations

from engine.i18n import Catalog
from engine.model import Course
from engine.text.choice_refs import course_with_labels
from renderers.site.pages import Outline
from renderers.site.reuse import PerObject, SiteMemory


def test_values_are_reused_for_the_same_object_only() -> None:
    calls: list[list[int]] = []

    def length(items: list[int]) -> int:
        calls.append(items)
        return len(items)

    lengths: PerObject[list[int], int] = PerObject()
    kept, other = [1, 2], [1, 2]
    assert lengths.get(kept, length) == 2 and lengths.get(other, length) == 2
    assert len(calls) == 2
    lengths.end_build()
    assert lengths.get(kept, length) == 2 and len(calls) == 2  # the same list: not again
    assert lengths.get(list(other), length) == 2 and len(calls) == 3  # equal, another object
    lengths.end_build()
    lengths.end_build()  # a build that did not use `kept` forgets it
    assert lengths.get(kept, length) == 2 and len(calls) == 4


def test_a_chapter_keeps_its_labelled_copy_while_it_is_the_same_object(
        complete_course: Course) -> None:
    memory = SiteMemory()
    first = memory.labelled_course(complete_course)
    assert first == course_with_labels(complete_course)
    referring = [i for i, (old, new) in enumerate(zip(complete_course.chapters, first.chapters,
                                                      strict=True)) if new is not old]
    assert referring  # the fixture has chapters with {{choice: ...}} references
    memory.end_build()
    again = memory.labelled_course(complete_course)
    assert all(again.chapters[i] is first.chapters[i] for i in referring)
    memory.end_build()
    edited = complete_course.model_copy(update={"sections": [
        s.model_copy(update={"chapters": [c.model_copy() for c in s.chapters]})
        for s in complete_course.sections]})
    fresh = memory.labelled_course(edited)
    assert fresh == again and all(fresh.chapters[i] is not again.chapters[i] for i in referring)


def test_the_outline_of_the_last_build_is_kept_while_it_would_come_out_the_same(
        complete_course: Course) -> None:
    catalog = Catalog.for_language("en")
    memory = SiteMemory()
    first = memory.same_outline(Outline(complete_course, catalog, 3))
    assert memory.same_outline(Outline(complete_course, catalog, 3)) is first
    retitled = complete_course.model_copy(update={"sections": [
        complete_course.sections[0].model_copy(update={"title": "Another title"}),
        *complete_course.sections[1:]]})
    for other in (Outline(retitled, catalog, 3), Outline(complete_course, catalog, 2),
                  Outline(complete_course, Catalog.for_language("pt"), 3)):
        assert memory.same_outline(other) is other
