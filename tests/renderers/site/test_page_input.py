"""A chapter page's cache key is a digest of the very object the page is rendered from,
so no field of that object can be left out of the key by forgetting it."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pytest
from markupsafe import Markup
from pydantic import BaseModel

from engine.model import Chapter
from engine.outputs import CellOutput
from renderers.base import RenderContext
from renderers.site import HtmlOptions
from renderers.site.pageinput import ChapterPageInput, InputDigests, PageKeys
from renderers.site.pages import Link, OutlineSlice, SidebarChapter, SidebarSection
from renderers.site.site import SiteBuilder, render_chapter_page
from tests.renderers.site.html_helpers import make_course

Changed = tuple[str, object]
"""Where a value was changed (a dotted path of fields) and the changed whole."""


def _changed(value: object, where: str) -> Iterator[Changed]:
    """`value` with one leaf changed, once for every leaf inside it."""
    if isinstance(value, Chapter):
        yield where, value.model_copy(update={"title": value.title + " (edited)"})
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            for _, other in _changed(getattr(value, name), f"{where}.{name}"):
                yield f"{where}.{name}", value.model_copy(update={name: other})
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            for path, other in _changed(getattr(value, item.name), f"{where}.{item.name}"):
                yield path, dataclasses.replace(value, **{item.name: other})
    elif isinstance(value, tuple):
        yield f"{where}[-]", value[:-1] if value else ("added",)
        for i, element in enumerate(value):
            for path, other in _changed(element, f"{where}[{i}]"):
                yield path, (*value[:i], other, *value[i + 1:])
    elif isinstance(value, bool):
        yield where, not value
    elif isinstance(value, int | float):
        yield where, value + 1
    elif isinstance(value, Markup):
        yield where, Markup(f"{value}<i>x</i>")
    elif isinstance(value, str):
        yield where, value + "x"
    elif isinstance(value, PurePosixPath):
        yield where, value / "x"
    elif value is None:
        yield where, "now set"
    else:
        raise AssertionError(f"{where}: no way to change a {type(value).__name__}")


def _leaf_paths(value: object, where: str = "page") -> set[str]:
    return {path for path, _ in _changed(value, where)}


@pytest.fixture
def page() -> ChapterPageInput:
    """The input of a page in the middle of a course, with something in every field:
    sections and chapters hidden on both sides of its sidebar, both neighbours, a
    feedback endpoint, and a cell output."""
    course = make_course(5, 5, feedback={"enabled": True, "endpoint": "https://x.test/f"})
    chapter = course.sections[2].chapters[2]
    output = CellOutput("cell", stdout="42\n", figures=("f.png",), duration=1.5)
    ctx = RenderContext(options=HtmlOptions(sidebar_window=1, search=False))
    builder = SiteBuilder(course, ctx)
    plan = builder._plan(chapter, (3, 3), (Link("b.html", "Before"), Link("a.html", "After")))
    return dataclasses.replace(plan.input, outputs=(output,),
                               site=dataclasses.replace(plan.input.site, chapter_pages=(
                                   ("s/c.yaml", PurePosixPath("chapters/c.html")),)))


def test_changing_any_field_of_the_page_input_changes_the_key(page: ChapterPageInput) -> None:
    key = InputDigests(lambda c: c.model_dump_json()).key(page, "v1")
    unchanged = []
    for path, changed in _changed(page, "page"):
        assert isinstance(changed, ChapterPageInput)
        if InputDigests(lambda c: c.model_dump_json()).key(changed, "v1") == key:
            unchanged.append(path)
    assert unchanged == []
    assert InputDigests(lambda c: c.model_dump_json()).key(page, "v2") != key


def test_a_key_kept_from_the_last_build_is_the_key_of_the_same_input_only(
        page: ChapterPageInput) -> None:
    """`serve` reuses last build's key for an input equal to last build's; any change to
    any field gives the key a fresh digest gives."""
    digested: list[Chapter] = []

    def chapter_digest(chapter: Chapter) -> str:
        digested.append(chapter)
        return chapter.model_dump_json()

    keys = PageKeys()
    key = InputDigests(chapter_digest, keys).key(page, "v1")
    keys.end_build()
    copy = dataclasses.replace(page, site=dataclasses.replace(page.site),
                               neighbours=tuple(page.neighbours))
    digested.clear()
    assert InputDigests(chapter_digest, keys).key(copy, "v1") == key
    assert digested == []  # not walked: the same input
    for path, changed in _changed(page, "page"):
        assert isinstance(changed, ChapterPageInput)
        fresh = InputDigests(lambda c: c.model_dump_json()).key(changed, "v1")
        keys.last = {page.source: (page, "v1", key)}
        assert InputDigests(chapter_digest, keys).key(changed, "v1") == fresh, path
    keys.last = {page.source: (page, "v1", key)}
    assert InputDigests(chapter_digest, keys).key(page, "v2") != key


def test_the_walk_reaches_every_field(page: ChapterPageInput) -> None:
    """The test above changes every field of every object in the input (so a field added
    to any of them is tried too)."""
    paths = _leaf_paths(page)
    kinds = [page, page.site, page.site.view, page.sidebar, page.sidebar.sections[0],
             page.sidebar.chapters[0], page.neighbours[0], page.outputs[0]]
    for kind in kinds:
        for item in dataclasses.fields(kind):  # type: ignore[arg-type]
            assert any(re.search(rf"\.{item.name}(\.|\[|$)", p) for p in paths), (
                type(kind).__name__, item.name)
    assert all(field_name in {p.split(".")[-1] for p in paths}
               for field_name in HtmlOptions.model_fields)


def test_a_value_the_digest_does_not_know_is_an_error() -> None:
    with pytest.raises(TypeError, match="cannot hash"):
        InputDigests(lambda c: "").of({"a": 1})


def test_the_page_comes_from_its_input(page: ChapterPageInput, tmp_path: Path) -> None:
    """Two builders of different courses render the same input to the same page: nothing
    of the builder's own course reaches it."""
    other = make_course(2, 2, title="Another course")
    builders = [SiteBuilder(other, RenderContext(options=HtmlOptions(sidebar_window=1))),
                SiteBuilder(make_course(5, 5), RenderContext(
                    options=HtmlOptions(sidebar_window=1, search=False)))]
    pages = {render_chapter_page(page, tmp_path, b.catalog, b.outline).html for b in builders}
    assert len(pages) == 1
    html = pages.pop().decode()
    assert "In memory" in html and "Another course" not in html
    assert page.chapter.title in html


def test_a_build_digests_each_sidebar_entry_once() -> None:
    """In a long section every page lists a slice of chapters of its own: the digest of
    each slice is made from the entries' digests, made once per build, not by walking
    the slice page after page (a 5000-chapter rebuild plans every page)."""
    course = make_course(2, 60)
    builder = SiteBuilder(course, RenderContext(options=HtmlOptions(search=False)))
    entries: list[object] = []

    class Counting(InputDigests):
        def of(self, value: object) -> bytes:
            if isinstance(value, SidebarChapter | SidebarSection):
                entries.append(value)
            return super().of(value)

    builder.digests = Counting(builder.digests.chapter_digest)
    plans = [builder._plan(chapter, (si, ci), (None, None))
             for si, section in enumerate(course.sections, 1)
             for ci, chapter in enumerate(section.chapters, 1)]
    assert len({p.input.sidebar.chapters for p in plans}) > 2 * 3  # slices of their own
    assert len(entries) == 2 + 2 * 60  # every section and chapter entry, once


def test_a_slice_of_the_outline_has_the_digest_of_its_entries() -> None:
    builder = SiteBuilder(make_course(1, 60), RenderContext(options=HtmlOptions(search=False)))
    listed = builder.outline.window_of(1, 30).chapters
    assert isinstance(listed, OutlineSlice) and 0 < len(listed) < 60
    digests = InputDigests(lambda c: "")
    digests.of(listed.whole)  # the whole list's entries known first, as in a build
    assert digests.of(listed) == InputDigests(lambda c: "").of(tuple(listed))
