"""Images an author's Markdown points at, packaged next to the questions that show them.

Markdown image paths are relative to the chapter file (as the author sees them in an
editor). Each format decides where packaged files live and how a page refers to them
(`$IMS-CC-FILEBASE$` for Canvas and Common Cartridge, `@@PLUGINFILE@@` for Moodle, a
relative path for QTI 2.1), so this module only resolves, reads and remembers files.

Reading the course's own asset files is the one input a renderer takes from disk besides
the model: the bytes must travel inside the package. Nothing is ever written.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from engine.model import Chapter, Course
from engine.safety.coursefiles import is_course_file

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def is_relative_link(src: str) -> bool:
    """Whether `src` names a file of the course (not a URL, an absolute path or an anchor)."""
    return bool(src) and not _SCHEME.match(src) and not src.startswith(("/", "#", "\\"))


class Media:
    """The course files that the exported HTML refers to, keyed by their package path."""

    def __init__(self, course: Course, folder: str, link: Callable[[str], str]) -> None:
        self.course = course
        self.folder = folder.strip("/")
        """Package folder that holds the files, e.g. `media` or `web_resources/media`."""
        self.link = link
        """Turns a course-relative path into the URL written in `src`."""
        self.files: dict[str, bytes] = {}
        """Package path -> bytes of every file referenced so far."""
        self.sources: dict[str, str] = {}
        """Package path -> course-relative path."""

    def resolve(self, chapter: Chapter, src: str) -> tuple[str, str] | None:
        """(package path, URL to write) for an image source, or None if it is not a course file."""
        if not is_relative_link(src):
            return None
        target = unquote(urlsplit(src).path)
        chapter_dir = posixpath.dirname(chapter.path)
        for base in (chapter_dir, ""):
            rel = posixpath.normpath(posixpath.join(base, target))
            if rel.startswith("../") or rel == ".." or rel.startswith("/"):
                continue
            path = Path(self.course.root, *rel.split("/"))
            # The same rule as the site's (engine.safety.coursefiles): a symlink out of the
            # course, an unsafe name or an SVG with script is never packaged.
            if is_course_file(self.course.root, rel):
                package_path = f"{self.folder}/{rel}" if self.folder else rel
                if package_path not in self.files:
                    self.files[package_path] = path.read_bytes()
                    self.sources[package_path] = rel
                return package_path, self.link(rel)
        return None
