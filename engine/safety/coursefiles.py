"""The one rule for files a course refers to: inside the course, safely named, inert.

Every renderer that copies a referenced file (the site's `media/`, the LMS packages) and
`check` ask this module, so what `check` accepts is exactly what gets published. A file
is publishable when its path, as written, names a regular file that resolves inside the
course folder after following every symlink (of the file and of its folders), every part
of its name is safe as a zip entry and an XML file name (see engine.safety.names), and, for an
SVG, when it holds nothing that can run (see engine.safety.svg).
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from engine.diagnostics import Code
from engine.safety.names import unsafe_path_reason
from engine.safety.svg import svg_problem


@dataclass(frozen=True)
class FileRef:
    """What a reference to a course file resolves to."""

    rel: str | None
    """The course-relative path (POSIX), when it stays inside the course by name."""
    problem: tuple[Code, str] | None = None
    """Why it cannot be published (a code and a message), or None."""

    @property
    def publishable(self) -> bool:
        return self.rel is not None and self.problem is None


def is_absolute(target: str) -> bool:
    """Whether a path is absolute on any system: `/x`, `//host/x`, `\\x`, `C:\\x`, `C:/x`."""
    return target.startswith(("/", "\\")) or (
        len(target) >= 2 and target[1] == ":" and target[0].isascii() and target[0].isalpha()
    )


def resolve(root: Path | str, source_dir: str, target: str) -> FileRef:
    """Resolve `target` (a decoded path as written) from the course folder `source_dir`.

    `source_dir` is the folder of the file that holds the reference, relative to `root`.
    A missing file is reported as `missing-asset`; a path that leaves the course, by
    name or through a symlink, as `outside-course`.
    """
    if is_absolute(target):
        return FileRef(None, (Code.OUTSIDE_COURSE,
                              f"'{target}' is an absolute path; course files are referred "
                              "to relative to the file that names them"))
    reason = unsafe_path_reason(target)
    if reason is not None:
        return FileRef(None, (Code.UNSAFE_FILE_NAME, f"'{target}' {reason}"))
    rel = posixpath.normpath(posixpath.join(source_dir, target))
    if rel == ".." or rel.startswith("../"):
        return FileRef(None, (Code.OUTSIDE_COURSE, f"'{target}' is outside the course folder"))
    return FileRef(rel, _file_problem(str(root), rel))


def _file_problem(root: str, rel: str) -> tuple[Code, str] | None:
    path = os.path.join(root, *rel.split("/"))
    try:
        stat = os.stat(path)
    except OSError:
        return (Code.MISSING_ASSET, f"'{rel}' does not exist")
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    if os.path.commonpath([real_root, real]) != real_root:
        return (Code.OUTSIDE_COURSE,
                f"'{rel}' is a symlink (or inside a symlinked folder) that leads outside "
                "the course folder")
    if not os.path.isfile(real):
        return None  # a folder or a chapter page: linked to, never copied
    if rel.lower().endswith(".svg"):
        active = _svg_problem(real, stat.st_mtime_ns, stat.st_size)
        if active is not None:
            return (Code.UNSAFE_SVG,
                    f"'{rel}' holds {active}, which could run script when the file is opened")
    return None


@lru_cache(maxsize=1024)
def _svg_problem(path: str, _mtime_ns: int, _size: int) -> str | None:
    # Keyed by modification time and size: `serve` asks again after every save.
    try:
        with open(path, "rb") as handle:
            return svg_problem(handle.read())
    except OSError as err:
        return f"a file that cannot be read ({err.strerror})"


def is_course_file(root: Path | str, rel: str) -> bool:
    """Whether the course-relative path `rel` is a regular file that may be published."""
    ref = resolve(root, "", rel)
    return ref.publishable and os.path.isfile(os.path.join(str(root), *rel.split("/")))
