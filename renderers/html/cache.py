"""Memoised chapter pages, so an unchanged chapter is not rendered again.

An entry is keyed by a hash of everything the page shows: the chapter's model and cell
outputs, the frame around it (sidebar, neighbours, position, course settings) and the
renderer's own version (its code, templates, static files, catalogs and the versions of
the libraries that shape the HTML). Entries are content-addressed, so they never need
invalidating; entries a build did not use are deleted at its end.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "pygments", "latex2mathml", "jinja2")


def _walk(folder: Traversable) -> Iterable[Traversable]:
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.is_dir():
            if entry.name != "__pycache__":
                yield from _walk(entry)
        elif entry.name.endswith((".py", ".j2", ".js", ".css", ".json", ".svg")):
            yield entry


@cache
def renderer_version() -> str:
    """A hash of the renderer's files, the shared engine modules it renders with, and the
    versions of the libraries that shape its output."""
    digest = hashlib.sha256()
    for entry in _walk(files("renderers.html")):
        digest.update(entry.name.encode())
        digest.update(entry.read_bytes())
    for module in ("markdown.py", "grading.py", "model.py"):
        digest.update(files("engine").joinpath(module).read_bytes())
    for library in LIBRARIES:
        digest.update(f"{library}={version(library)}".encode())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class CachedPage:
    """A rendered chapter page and the course files it links to."""

    html: bytes
    media: tuple[str, ...]
    """Course files the page links to (copied into the site)."""
    missing: tuple[str, ...]
    """Relative targets that did not exist when the page was rendered."""


_RECENT: dict[Path, dict[str, bytes]] = {}
"""The pages of the last build, by cache folder, kept in memory: a long-running
`lessonkit serve` then reads nothing from disk for the chapters that did not change."""


class PageCache:
    """Chapter pages on disk under `<cache_dir>/html/pages/`; a no-op without a cache dir.

    Each page is `<key>.html`, its raw bytes (reading 5000 of them must stay cheap); the
    course files each page links to are in one `index.json`, written at the end of a
    build. A page missing from the index is treated as absent.
    """

    def __init__(self, cache_dir: Path | None) -> None:
        self.folder = cache_dir / "html" / "pages" if cache_dir is not None else None
        self.index: dict[str, list[list[str]]] = {}
        self.used: dict[str, list[list[str]]] = {}
        self.pages: dict[str, bytes] = {}
        self.recent = _RECENT.get(self.folder, {}) if self.folder is not None else {}
        if self.folder is not None:
            try:
                self.index = json.loads((self.folder / "index.json").read_text("utf-8"))
            except (OSError, ValueError):
                self.index = {}

    def get(self, key: str) -> CachedPage | None:
        """The entry for `key`, or None."""
        if self.folder is None or key not in self.index:
            return None
        html = self.recent.get(key)
        if html is None:
            try:
                html = (self.folder / f"{key}.html").read_bytes()
            except OSError:
                return None
        media, missing = self.index[key]
        self.used[key] = [media, missing]
        self.pages[key] = html
        return CachedPage(html, tuple(media), tuple(missing))

    def put(self, key: str, page: CachedPage) -> None:
        """Store an entry (atomically: a crash never leaves half a page behind)."""
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        _write_atomic(self.folder / f"{key}.html", page.html)
        self.used[key] = [list(page.media), list(page.missing)]
        self.pages[key] = page.html

    def close(self) -> None:
        """Write the index of the pages this build used and delete every other entry."""
        if self.folder is None or not self.folder.is_dir():
            return
        _write_atomic(self.folder / "index.json", json.dumps(self.used, sort_keys=True).encode())
        _RECENT.clear()  # one course at a time: memory stays proportional to one site
        _RECENT[self.folder] = self.pages
        for entry in self.folder.iterdir():
            if entry.suffix in (".html", ".tmp") and entry.stem not in self.used:
                entry.unlink(missing_ok=True)


def _write_atomic(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, target)


def page_key(*parts: str) -> str:
    """The cache key of a page from the texts it depends on."""
    digest = hashlib.sha256(renderer_version().encode())
    for part in parts:
        digest.update(b"\0")
        digest.update(part.encode())
    return digest.hexdigest()[:40]
