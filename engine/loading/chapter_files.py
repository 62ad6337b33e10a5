"""Reading the chapter files a course lists: each file's YAML into a validated Chapter with
its source map, or the diagnostics saying why not; a large course's files are read on
several cores (engine/parallel.py), and `lessonkit serve` keeps what it read by file stamp."""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import ValidationError

from engine.diagnostics import Code, Diagnostic
from engine.loading.node_sources import attach_spans
from engine.loading.salvage import attach_kept, mark_dropped_ids, salvage
from engine.loading.source import load_yaml_file
from engine.loading.source_map import SourceMap
from engine.loading.validate import errors_to_diagnostics
from engine.model import Chapter
from engine.parallel import ordered_map, processes_for

if TYPE_CHECKING:
    from engine.loading.loader import LoadCache

COURSE_FILE = "course.yaml"


def _near_file(root: Path, rel: str) -> str | None:
    import difflib

    candidates = [
        p.relative_to(root).as_posix() for p in root.rglob("*.yaml") if p.name != COURSE_FILE
    ]
    close = difflib.get_close_matches(rel, candidates, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


class ChapterFile(NamedTuple):
    """A chapter file course.yaml lists, to be read."""

    target: str
    """Its absolute path."""
    key: str
    """Its path in the course folder."""
    shown: str
    """Its path as diagnostics show it."""
    rel: str
    """Its path as course.yaml lists it."""
    span: Any
    """Where course.yaml lists it."""
    stat: os.stat_result | None
    """Its stat, if the resolver took it."""


Read = tuple[tuple[Chapter, SourceMap] | None, list[Diagnostic]]
"""A chapter file read: the chapter with its source map (None if it could not be loaded),
and the diagnostics reading it gave."""

PARALLEL_LOAD_MIN = 200
"""Chapter files to read from which forked workers share the reading (engine/parallel.py):
a file takes about 0.7 ms to read, and 0.3 ms more to send back pickled from a worker, so
a few files are not worth starting one."""


def read_chapters(
    files: list[ChapterFile], cache: LoadCache | None, root: Path, jobs: int | None
) -> dict[str, Read]:
    """Every file read, by key: from `cache` when its size and time are unchanged, else
    read now, on several cores when there are many."""
    found: dict[str, Read] = {}
    stamps: dict[str, tuple[int, int]] = {}
    todo: list[ChapterFile] = []
    for file in files:
        if cache is None:
            todo.append(file)
            continue
        try:
            stat = file.stat or os.stat(file.target)
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = (-1, -1)
        known = cache.chapters.get(file.key)
        if known is not None and known[0] == stamp and stamp[0] >= 0:
            found[file.key] = (known[1], known[2])
        else:
            stamps[file.key] = stamp
            todo.append(file)
    processes = processes_for(len(todo), jobs, PARALLEL_LOAD_MIN)
    read = ordered_map(functools.partial(read_chapter, root=root), todo, processes)
    try:
        for file, done in zip(todo, read, strict=True):
            found[file.key] = done
            if cache is not None:
                cache.chapters[file.key] = (stamps[file.key], *done)
    finally:
        read.close()  # a failure here stops the workers at once
    return found


def read_chapter(file: ChapterFile, root: Path) -> Read:
    own: list[Diagnostic] = []
    chapter = load_chapter(Path(file.target), file.key, file.shown, own, file.rel, file.span,
                            root)
    return chapter, own


def load_chapter(
    target: Path,
    key: str,
    shown: str,
    diags: list[Diagnostic],
    rel: str,
    span: Any,
    root: Path,
) -> tuple[Chapter, SourceMap] | None:
    loaded = load_yaml_file(target, shown)
    for d in loaded.diagnostics:
        if d.code is Code.FILE_NOT_FOUND:
            # Say it at the line of course.yaml that names the file.
            d = Diagnostic.of(
                Code.FILE_NOT_FOUND,
                f"chapter file '{rel}' does not exist",
                span,
                hint=_near_file(root, rel),
            )
        elif d.code is Code.FILE_UNREADABLE:
            d = Diagnostic.of(Code.FILE_UNREADABLE, f"chapter file '{rel}': {d.message}", span)
        diags.append(d)
    if loaded.data is None:
        return None
    data = loaded.data
    if isinstance(data, dict) and "id" not in data:
        # Content format: an omitted chapter id is derived from the file name.
        data = {"id": slug(Path(key).stem), **data}
    try:
        chapter = Chapter.model_validate(data)
        attach_spans(chapter, loaded.source_map, ())
    except ValidationError as err:
        diags.extend(errors_to_diagnostics(Chapter, data, err, loaded.source_map))
        # The blocks that are fine are checked in this same round.
        stand_ins = {"id": slug(Path(key).stem), "title": ""}
        saved = salvage(Chapter, data, err, "blocks", stand_ins)
        if saved is None:
            return None
        chapter = saved.model
        attach_kept(chapter, loaded.source_map, "blocks", saved.kept)
        mark_dropped_ids(chapter, saved.dropped)
    chapter._path = key
    return chapter, loaded.source_map


def slug(text: str) -> str:
    """A stable id from a file name or title: `01-What is an RNN?` -> `what-is-an-rnn`."""
    text = re.sub(r"^\d+[-_ ]*", "", text.strip().lower())
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "chapter"
