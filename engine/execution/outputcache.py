"""The on-disk cache of code-cell outputs: one JSON file per chapter, keyed by content.

A chapter's key hashes everything its cells' outputs can depend on that lessonkit can see:
the cells themselves (ids, sources, `verify:` expressions), every Python file the cells can
import from the course's `python_path` (and the data files inside its packages), the files
the cells name by a literal path (`"assets/sentiment.csv"`), the interpreter, the versions
of numpy, matplotlib and the course's `requires`, the BLAS library, version and kernel the
cells compute with (engine.execution.blasprobe: kernels round differently, so a trained number made
under one is not the number another gives), and the runner protocol. An unchanged
chapter therefore never runs twice, and any of these changing runs it again. Only clean
runs are stored: a chapter that failed runs again next time, so the author always sees its
error and a fixed environment is picked up.

Each chapter has one file, `<chapter-id>.json`, holding its key; a new run replaces it, so
the cache never grows with stale entries. Files are written atomically (temporary file, then
rename), so a killed build leaves either the old entry or the new one, never half of one.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import platform
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from engine.execution import blasprobe, cellrunner
from engine.model import Course
from engine.outputs import CellOutput

CACHE_FORMAT = 1
"""Bumped when the layout of a cache file changes."""

ALWAYS_VERSIONED = ("numpy", "matplotlib")
"""Packages whose version is in every key: the sample course's cells import them."""

VerifiedValue = float | str
"""What a `verify:` expression gave: a float for numeric questions, text for text ones."""


@dataclass(frozen=True)
class CachedChapter:
    """What one clean run of a chapter produced."""

    chapter_id: str
    key: str
    outputs: tuple[CellOutput, ...]
    """One output per cell that ran, in order."""
    verified: Mapping[str, VerifiedValue]
    """Question id -> the value its `verify:` expression gave."""
    seconds: float = 0.0
    """Wall-clock time of the run, process start included (to start long chapters first)."""


def default_cache_dir(course: Course) -> Path:
    """`<course>/.lessonkit-cache/outputs/`."""
    return Path(course.root) / ".lessonkit-cache" / "outputs"


class OutputCache:
    """Cached chapter outputs in one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _file(self, chapter_id: str) -> Path:
        # Chapter ids are validated as [A-Za-z0-9][A-Za-z0-9_.-]*: safe as file names.
        return self.folder / f"{chapter_id}.json"

    def load(self, chapter_id: str, key: str) -> CachedChapter | None:
        """The chapter's cached outputs if they were made with this key, else None."""
        try:
            data = json.loads(self._file(chapter_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
            return None
        if data.get("key") != key or data.get("chapter") != chapter_id:
            return None
        try:
            outputs = tuple(_output_from_json(o) for o in data["outputs"])
            verified = {str(k): _verified_from_json(v) for k, v in data["verified"].items()}
        except (KeyError, TypeError, ValueError):
            return None  # an entry from a damaged or foreign file is a miss, not a crash
        return CachedChapter(chapter_id, key, outputs, verified, float(data.get("seconds", 0.0)))

    def last_seconds(self, chapter_id: str) -> float | None:
        """How long the chapter's last stored run took, whatever its key (None: never ran).

        An outdated entry still tells how long the chapter takes, so the scheduler can start
        the longest chapters first instead of finding them last in course order.
        """
        try:
            data = json.loads(self._file(chapter_id).read_text(encoding="utf-8"))
            return float(data["seconds"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def store(self, entry: CachedChapter) -> None:
        """Write the entry atomically, replacing the chapter's previous one."""
        data = {
            "format": CACHE_FORMAT,
            "chapter": entry.chapter_id,
            "key": entry.key,
            "outputs": [asdict(o) for o in entry.outputs],
            "verified": dict(entry.verified),
            "seconds": entry.seconds,
        }
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{entry.chapter_id}.", suffix=".tmp", dir=self.folder)
        try:
            os.fchmod(fd, 0o644)  # mkstemp makes it private; cached outputs are not secret
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f, indent=1, sort_keys=True)
            os.replace(temp, self._file(entry.chapter_id))
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise


def _output_from_json(data: Any) -> CellOutput:
    return CellOutput(
        cell_id=str(data["cell_id"]),
        stdout=str(data["stdout"]),
        stderr=str(data["stderr"]),
        error=None if data["error"] is None else str(data["error"]),
        figures=tuple(str(f) for f in data["figures"]),
        duration=float(data["duration"]),
    )


def _verified_from_json(value: Any) -> VerifiedValue:
    if isinstance(value, float | int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        return value
    raise TypeError(f"unexpected verified value {value!r}")


# --- keys ----------------------------------------------------------------------------------


def course_fingerprint(course: Course) -> str:
    """The part of every chapter key that the whole course shares: environment and code."""
    digest = hashlib.sha256()
    for part in _environment(course):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    root = Path(course.root)
    for entry in course.code.python_path:
        digest.update(f"path:{entry}\0".encode())
        for relative, path in _code_files(root / entry):
            digest.update(f"file:{relative}\0".encode("utf-8", "surrogateescape"))
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def chapter_key(fingerprint: str, chapter_id: str, cells: object, sources: Iterable[str],
                root: Path) -> str:
    """The key of one chapter: the course fingerprint, the cells as the runner gets them, and
    the data files their sources name (see `named_files`)."""
    files = {name: hashlib.sha256(path.read_bytes()).hexdigest()
             for name, path in named_files(sources, root)}
    payload = json.dumps(
        {"fingerprint": fingerprint, "chapter": chapter_id, "cells": cells, "files": files},
        sort_keys=True, ensure_ascii=True,
    )
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


def named_files(sources: Iterable[str], root: Path) -> list[tuple[str, Path]]:
    """Files inside the course folder that a cell names with a string literal.

    A cell that reads `load_sentiment("assets/sentiment.csv")` depends on that file although
    no import shows it; editing the data must run the cell again. Paths are relative to the
    course folder, the cells' working directory.
    """
    base = root.resolve()
    found: dict[str, Path] = {}
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue  # the run reports it
        for node in ast.walk(tree):
            if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
                continue
            text = node.value
            if not text or len(text) > 255 or "\n" in text or "\0" in text:
                continue
            path = (base / text).resolve()
            if path.is_relative_to(base) and path != base and path.is_file():
                found[path.relative_to(base).as_posix()] = path
    return sorted(found.items())


def _environment(course: Course) -> Iterator[str]:
    yield f"cache:{CACHE_FORMAT} runner:{cellrunner.FORMAT}"
    yield f"python:{sys.version} {sys.implementation.cache_tag} {platform.machine()}"
    names = sorted({*ALWAYS_VERSIONED, *(_distribution(r) for r in course.code.requires)})
    for name in names:
        # Read from the installed metadata: importing numpy here would cost the parent 0.1 s.
        try:
            yield f"package:{name}=={version(name)}"
        except PackageNotFoundError:
            yield f"package:{name} absent"
    yield f"blas:{blasprobe.blas_identity()}"


def _distribution(requirement: str) -> str:
    """`numpy>=1.25` -> `numpy`."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return match.group(1).lower() if match else requirement.strip().lower()


def _code_files(folder: Path) -> list[tuple[str, Path]]:
    """Python files under `folder`, plus every file inside its packages (their data files).

    Hidden folders (the cache itself, virtualenvs, .git) and bytecode are left out. Sorted,
    so the key does not depend on the order the file system lists entries in.
    """
    found: list[tuple[str, Path]] = []
    if not folder.is_dir():
        return found
    packages: set[Path] = set()
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        here = Path(current)
        # A data folder inside a package (rnndemo/data/) belongs to the package too.
        in_package = "__init__.py" in files or here.parent in packages
        if in_package:
            packages.add(here)
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")) or name.startswith("."):
                continue
            if name.endswith(".py") or in_package:
                path = here / name
                found.append((path.relative_to(folder).as_posix(), path))
    return found
