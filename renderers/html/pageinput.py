"""What a chapter page is rendered from, as one frozen object, and the page's cache key.

The page cache must never serve a page that would come out differently, and a key kept
beside the rendering by hand (a list of the parts that matter) goes stale the day
someone adds a part and forgets the list. So the key is not listed: the builder puts
everything the page shows into a `ChapterPageInput`, the page is rendered from that
object alone (renderers/html/site.py, `render_chapter_page`), and the key is a digest of
every field of it, found by walking its fields (`InputDigests`). A field added to the
input is in the key without anyone remembering it; a field of a type the digest does not
know is an error, not a silent omission.
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
from renderers.html.options import HtmlOptions
from renderers.html.pages import Link, SidebarWindow, SiteView


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


class InputDigests:
    """Digests of page inputs, from every field they have.

    Objects shared by many pages (the site input, sidebar entries, links) are hashed once
    per build: each digest is remembered with the object itself, which is frozen, so its
    id cannot pass to another object while the memo lives (one build). A chapter's digest
    comes from `chapter_digest`, which `serve` keeps across builds for unchanged chapters.
    """

    def __init__(self, chapter_digest: Callable[[Chapter], str]) -> None:
        self.chapter_digest = chapter_digest
        self._known: dict[int, tuple[object, bytes]] = {}

    def key(self, page: ChapterPageInput, version: str) -> str:
        """The cache key of the page rendered from `page` by renderer code `version`."""
        return hashlib.sha256(version.encode() + self.of(page)).hexdigest()[:40]

    def of(self, value: object) -> bytes:
        """A digest of `value` and everything in it."""
        if value is None or isinstance(value, bool | int | float):
            return f"{type(value).__name__}:{value!r}".encode()
        if isinstance(value, str):  # Markup too: its text is what the page shows
            return hashlib.sha256(b"s:" + value.encode()).digest()
        if isinstance(value, PurePosixPath):
            return hashlib.sha256(b"p:" + str(value).encode()).digest()
        if isinstance(value, tuple | list):
            return hashlib.sha256(b"t:" + b"".join(self.of(v) for v in value)).digest()
        known = self._known.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        digest = self._compound(value)
        self._known[id(value)] = (value, digest)
        return digest

    def _compound(self, value: object) -> bytes:
        if isinstance(value, Chapter):
            return hashlib.sha256(b"chapter:" + self.chapter_digest(value).encode()).digest()
        if isinstance(value, BaseModel):
            return hashlib.sha256(type(value).__name__.encode() + b":"
                                  + value.model_dump_json().encode()).digest()
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            parts = [type(value).__name__.encode()]
            for item in dataclasses.fields(value):
                parts += [item.name.encode(), self.of(getattr(value, item.name))]
            return hashlib.sha256(b"\0".join(parts)).digest()
        raise TypeError(f"a page input holds a {type(value).__name__}, which "
                        "InputDigests cannot hash: teach it, or the key would miss it")
