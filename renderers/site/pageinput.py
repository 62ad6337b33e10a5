"""What a chapter page is rendered from, as one frozen object, and the page's cache key.

The page cache must never serve a page that would come out differently, and a key kept
beside the rendering by hand (a list of the parts that matter) goes stale the day
someone adds a part and forgets the list. So the key is not listed: the builder puts
everything the page shows into a `ChapterPageInput`, the page is rendered from that
object alone (renderers/site/site.py, `render_chapter_page`), and the key is a digest of
every field of it, found by walking its fields (`InputDigests`). A field added to the
input is in the key without anyone remembering it; a field of a type the digest does not
know is an error, not a silent omission.

`serve` takes the key of most pages without walking their inputs: a page whose input is
the same as last build's (`PageKeys`: the same chapter object, every other field of the
same type and equal) has the same key.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import PurePosixPath

from pydantic import BaseModel

from engine.model import Chapter
from engine.outputs import CellOutput
from renderers.site.options import HtmlOptions
from renderers.site.pages import Link, OutlineSlice, SidebarWindow, SiteView


@dataclass(frozen=True)
class SiteInput:
    """What every page of one build is rendered from besides its own chapter."""

    view: SiteView
    course_title: str
    ui_language: str
    """The interface language (of the catalog the pages are rendered with)."""
    allow_html: bool
    feedback_enabled: bool
    options: HtmlOptions
    chapter_pages: tuple[tuple[str, PurePosixPath], ...]
    """Chapter file -> its page, for links between chapters."""

    @cached_property
    def page_of(self) -> dict[str, PurePosixPath]:
        """`chapter_pages` as a mapping, made once (not a field: it is the same data)."""
        return dict(self.chapter_pages)


@dataclass(frozen=True)
class ChapterPageInput:
    """Everything a chapter page shows: the page is rendered from this object alone (and
    the course files on disk it links to, which the cache checks apart: `_still_valid`)."""

    site: SiteInput
    chapter: Chapter
    source: str
    """The chapter's file, relative to the course (its links are relative to it)."""
    page: PurePosixPath
    position: tuple[int, int]
    neighbours: tuple[Link | None, Link | None]
    sidebar: SidebarWindow
    outputs: tuple[CellOutput, ...]
    """The outputs of the chapter's cells that ran, without their duration (not shown,
    and different on every run)."""

    @staticmethod
    def outputs_of(chapter: Chapter, outputs: Mapping[str, CellOutput]
                   ) -> tuple[CellOutput, ...]:
        """The outputs shown on the page of `chapter`, out of a build's outputs."""
        if not outputs:
            return ()  # no cell ran in this build (most chapters of most courses)
        return tuple(dataclasses.replace(output, duration=0.0) for cell in chapter.code_cells
                     if (output := outputs.get(cell.id)) is not None)


class PageKeys:
    """The page keys of the last build, by chapter file, with the inputs they were taken
    of; kept by `serve` (renderers/site/reuse.py)."""

    def __init__(self) -> None:
        self.last: dict[str, tuple[ChapterPageInput, str, str]] = {}
        self.current: dict[str, tuple[ChapterPageInput, str, str]] = {}
        self.site: tuple[SiteInput, bytes] | None = None
        """The site input of the last build and its digest (the index page's key too)."""

    def end_build(self) -> None:
        """Keep the keys this build used, and only those."""
        self.last, self.current = self.current, {}


class InputDigests:
    """Digests of page inputs, from every field they have.

    Objects shared by many pages (the site input, sidebar entries and lists, links) are hashed once
    per build: each digest is remembered with the object itself, which is frozen, so its
    id cannot pass to another object while the memo lives (one build). A chapter's digest
    comes from `chapter_digest`, which `serve` keeps across builds for unchanged chapters.
    """

    def __init__(self, chapter_digest: Callable[[Chapter], str],
                 previous: PageKeys | None = None) -> None:
        self.chapter_digest = chapter_digest
        self.previous = previous if previous is not None else PageKeys()
        self._same_sites: dict[tuple[int, int], tuple[SiteInput, SiteInput, bool]] = {}
        self._known: dict[int, tuple[object, bytes]] = {}
        self._fields: dict[type, tuple[str, ...]] = {}
        self._wholes: dict[int, tuple[tuple[object, ...], list[bytes]]] = {}

    def key(self, page: ChapterPageInput, version: str) -> str:
        """The cache key of the page rendered from `page` by renderer code `version`."""
        last = self.previous.last.get(page.source)
        if last is not None and last[1] == version and self._same(last[0], page):
            key = last[2]
        else:
            key = hashlib.sha256(version.encode() + self.of(page)).hexdigest()[:40]
        self.previous.current[page.source] = (page, version, key)
        return key

    def of(self, value: object) -> bytes:
        """A digest of `value` and everything in it."""
        # Shared objects first: a build plans every page, and most of what a page input
        # holds (sidebar entries and lists, links, URLs, the site input) is shared.
        known = self._known.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        if isinstance(value, SiteInput):
            return self._site(value)
        kind = type(value)
        if value is None or kind is int or kind is bool or kind is float:
            return f"{kind.__name__}:{value!r}".encode()
        if isinstance(value, str):  # Markup too: its text is what the page shows
            digest = hashlib.sha256(b"s:" + value.encode()).digest()
        elif isinstance(value, PurePosixPath):
            digest = hashlib.sha256(b"p:" + str(value).encode()).digest()
        elif isinstance(value, list):
            return self._sequence(value)  # mutable: never remembered
        elif isinstance(value, OutlineSlice):
            digest = self._slice(value)
        elif isinstance(value, tuple):
            digest = self._sequence(value)
        elif isinstance(value, bool | int | float):
            return f"{kind.__name__}:{value!r}".encode()
        else:
            digest = self._compound(value)
        # Kept with the object itself, so its id cannot pass to another one meanwhile.
        self._known[id(value)] = (value, digest)
        return digest

    def _site(self, value: SiteInput) -> bytes:
        """The digest of the site input, the last build's when it is the same."""
        last = self.previous.site
        if last is not None and self._same_site(last[0], value):
            digest = last[1]
        else:
            digest = self._compound(value)
        self.previous.site = (value, digest)
        self._known[id(value)] = (value, digest)
        return digest

    def _same(self, old: ChapterPageInput, new: ChapterPageInput) -> bool:
        """Whether `new` has the digest `old` had: field by field, the same chapter object,
        the same site input (compared once per build), and for every other field a value
        of the same type, equal (a digest walks what equality compares)."""
        for name in self._field_names(new):
            a, b = getattr(old, name), getattr(new, name)
            if a is b:
                continue
            if type(a) is not type(b) or isinstance(a, Chapter):
                return False
            if isinstance(a, SiteInput):
                if not self._same_site(a, b):
                    return False
            elif a != b:
                return False
        return True

    def _same_site(self, old: SiteInput, new: SiteInput) -> bool:
        """`old == new`, worked out once per build (every page shares the site input)."""
        known = self._same_sites.get((id(old), id(new)))
        if known is None or known[0] is not old or known[1] is not new:
            known = self._same_sites[id(old), id(new)] = (old, new, old == new)
        return known[2]

    def _field_names(self, value: object) -> tuple[str, ...]:
        names = self._fields.get(type(value))
        if names is None:
            names = self._fields[type(value)] = tuple(
                f.name for f in dataclasses.fields(value))  # type: ignore[arg-type]
        return names

    def _sequence(self, value: tuple[object, ...] | list[object]) -> bytes:
        return hashlib.sha256(b"t:" + b"".join([self.of(v) for v in value])).digest()

    def _slice(self, value: OutlineSlice) -> bytes:
        """What `_sequence` gives for the slice, from the digests of the whole list's
        entries, made once per build."""
        whole = self._wholes.get(id(value.whole))
        if whole is None or whole[0] is not value.whole:
            whole = self._wholes[id(value.whole)] = (value.whole, [self.of(v) for v in value.whole])
        entries = whole[1][value.start:value.start + len(value)]
        return hashlib.sha256(b"t:" + b"".join(entries)).digest()

    def _compound(self, value: object) -> bytes:
        kind = type(value)
        names = self._fields.get(kind)
        if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
            names = self._fields[kind] = tuple(f.name for f in dataclasses.fields(value))
        if names is not None:
            parts = [kind.__name__.encode()]
            for name in names:
                parts += [name.encode(), self.of(getattr(value, name))]
            return hashlib.sha256(b"\0".join(parts)).digest()
        if isinstance(value, Chapter):
            return hashlib.sha256(b"chapter:" + self.chapter_digest(value).encode()).digest()
        if isinstance(value, BaseModel):
            return hashlib.sha256(type(value).__name__.encode() + b":"
                                  + value.model_dump_json().encode()).digest()
        raise TypeError(f"a page input holds a {type(value).__name__}, which "
                        "InputDigests cannot hash: teach it, or the key would miss it")
