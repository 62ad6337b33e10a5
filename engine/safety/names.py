"""The one rule for names that become files in a package: zip entries and XML file names.

A course file named `assets/..\\..\\evil.svg` is harmless on Linux but, written into a zip
or a Moodle `<file name>`, is a path out of the extraction folder on Windows; a NUL or ESC
in a name reaches the LMS's file system and logs. Names are also compared without case
(ids that name files, `intro` and `Intro`, collide on macOS and Windows; see
engine.checking.rules). `check` reports unsafe names at the reference, and the package writers
refuse them (cli.main never writes one).
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_DRIVE = re.compile(r"^[A-Za-z]:")
_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                       *(f"lpt{i}" for i in range(1, 10))})


def unsafe_path_reason(path: str) -> str | None:
    """Why a relative path, as an author wrote it, cannot name a packaged file, or None.

    `..` parts are allowed here (a chapter refers to `../assets/x.svg`); whether the
    path stays inside the course is the file rule's question (engine.safety.coursefiles).
    """
    if _CONTROL.search(path):
        return "contains a control character"
    if "\\" in path:
        return "contains a backslash, which Windows reads as a folder separator"
    for part in path.split("/"):
        if ":" in part:
            return "contains ':', which Windows reads as a drive or a stream name"
        if part.split(".", 1)[0].lower() in _RESERVED:
            return f"uses '{part}', a device name on Windows"
        if part not in (".", "..") and part != part.rstrip(". "):
            return "has a part ending in a dot or a space, which Windows drops"
    return None


def is_safe_entry(name: str) -> bool:
    """Whether `name` may be a zip entry or an XML file name: relative, normalised, clean."""
    if not name or name.startswith("/") or _DRIVE.match(name):
        return False
    parts = name.rstrip("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        return False
    return unsafe_path_reason(name) is None


def check_entry(name: str) -> str:
    """`name`, after making sure it is a safe entry name; a bug in a renderer otherwise."""
    if not is_safe_entry(name):
        raise ValueError(f"refusing to write the unsafe package entry name {name!r}")
    return name
