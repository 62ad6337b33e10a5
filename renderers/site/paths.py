"""Where every file of the site lives, and relative links between them.

All links are relative, so the site works from `file://` and from any sub-path of a web
server. Course files that Markdown points at (`../assets/x.svg` from a chapter) are
copied to `media/<path inside the course folder>`; a link to another chapter's YAML file
becomes a link to that chapter's page.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from engine.checking.markdown_inspect import relative_target
from engine.model import Chapter
from engine.safety import coursefiles

INDEX_PAGE = PurePosixPath("index.html")
SEARCH_PAGE = PurePosixPath("search.html")
PROGRESS_PAGE = PurePosixPath("progress.html")
ASSETS = PurePosixPath("assets")
MEDIA = PurePosixPath("media")
FIGURES = PurePosixPath("figures")
SEARCH_INDEX = PurePosixPath("search")


def chapter_page(chapter: Chapter) -> PurePosixPath:
    """The chapter's page; ids are unique and URL-safe, so they name the file."""
    return _chapter_page(chapter.id)


@lru_cache(maxsize=65536)
def _chapter_page(chapter_id: str) -> PurePosixPath:
    # Asked for five times per chapter per build; 5000-chapter courses notice.
    return PurePosixPath(f"chapters/{chapter_id}.html")


def relative_url(page: PurePosixPath, target: PurePosixPath, fragment: str = "") -> str:
    """The URL of `target` as seen from `page` (both relative to the site root)."""
    rel = posixpath.relpath(str(target), str(page.parent) or ".")
    return quote(rel) + (f"#{quote(fragment)}" if fragment else "")


class LinkResolver:
    """Rewrites Markdown link and image targets found in one source file.

    Records which course files the page uses (to copy them) and which relative targets
    did not exist (so a cached page is re-rendered once they appear).
    """

    def __init__(
        self,
        root: Path,
        source_dir: str,
        page: PurePosixPath,
        chapter_pages: Mapping[str, PurePosixPath],
    ) -> None:
        self.root = root
        self.source_dir = source_dir
        self.page = page
        self.chapter_pages = chapter_pages
        self.media: set[str] = set()
        """Course-relative paths of files this page links to (copied into `media/`)."""
        self.missing: set[str] = set()
        """Course-relative paths this page links to that do not exist."""

    def __call__(self, url: str) -> str | None:
        path = relative_target(url)
        if path is None:
            return None
        fragment = url.split("#", 1)[1] if "#" in url else ""
        rel = posixpath.normpath(posixpath.join(self.source_dir, path))
        if rel == ".." or rel.startswith(("../", "/")):
            return None  # outside the course folder: never copied (the validator reports it)
        if rel in self.chapter_pages:
            return relative_url(self.page, self.chapter_pages[rel], fragment)
        if not is_course_file(self.root, rel):
            self.missing.add(rel)
            return None
        self.media.add(rel)
        return relative_url(self.page, MEDIA / rel, fragment)


def is_course_file(root: Path, rel: str) -> bool:
    """Whether `rel` is a file the site may copy: engine.safety.coursefiles' one rule (inside the
    course after following symlinks, a safe name, no active SVG)."""
    return coursefiles.is_course_file(root, rel)
