"""Load a course once, then reuse the validated model while nothing has changed.

Validating a course (YAML parsing, pydantic, semantic checks) costs far more than the
terminal quiz can spend before its first question, so the validated `Course` is pickled
in the per-user cache folder, keyed by a fingerprint of every file of the course (path,
size, modification time and content) and of the engine that validated it. Any edit
changes the fingerprint and the course is validated again; a cache that cannot be read
or written is simply not used.

The pickle is written and read only by the same user, in that user's own cache folder.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.model import Course

CACHE_ENV_VAR = "LESSONKIT_CACHE_DIR"
SKIPPED_DIRS = frozenset({"__pycache__", "_build", "node_modules", "site"})
"""Folders inside a course that hold no course source (build output, caches)."""
FORMAT = 2
"""Bump when what is pickled changes shape or where its classes live (2: the model's
settings and the source map moved to modules of their own)."""


def cache_dir() -> Path:
    """`$LESSONKIT_CACHE_DIR`, else the per-user cache folder."""
    override = os.environ.get(CACHE_ENV_VAR)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("lessonkit"))


def course_files(root: Path) -> list[Path]:
    """Every file that can affect the loaded course, sorted (hidden files skipped)."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
        found.extend(Path(folder) / f for f in sorted(files) if not f.startswith("."))
    return found


def fingerprint(root: Path) -> str:
    """A hash of the course's files and of the engine that validates them."""
    digest = hashlib.sha256(f"{FORMAT}\0{sys.version}\0".encode())
    for path in [*course_files(root), *_engine_files()]:
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _engine_files() -> list[Path]:
    import engine.model

    # The folder of engine.model, not engine.__file__: an editable install may present
    # `engine` as a namespace package, whose __file__ is None.
    package = Path(engine.model.__file__).parent
    return sorted(package.rglob("*.py"))


def load_course_cached(path: Path) -> Course:
    """`engine.loading.loader.load_course(path)`, served from the cache when nothing changed.

    Raises `engine.diagnostics.CourseError` exactly as the loader does (errors are never
    cached, so a fixed course loads at once).
    """
    root = path.resolve()
    folder = root.parent if root.is_file() else root
    entry = cache_dir() / "courses" / f"{hashlib.sha256(str(root).encode()).hexdigest()[:24]}"
    key = fingerprint(folder)
    cached = _read(entry, key)
    if cached is not None:
        return cached
    from engine.loading.loader import load_course

    course = load_course(path)
    _write(entry, key, course)
    return course


def _read(entry: Path, key: str) -> Course | None:
    from engine.model import Course

    try:
        with entry.open("rb") as handle:
            stored_key = handle.readline().decode("ascii").strip()
            if stored_key != key:
                return None
            course = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
            ValueError, TypeError):
        return None
    return course if isinstance(course, Course) else None


def _write(entry: Path, key: str, course: Course) -> None:
    temporary = entry.with_name(f".{entry.name}.{os.getpid()}")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as handle:
            handle.write(key.encode("ascii") + b"\n")
            pickle.dump(course, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, entry)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        # A read-only or full cache folder only costs speed.
        temporary.unlink(missing_ok=True)
