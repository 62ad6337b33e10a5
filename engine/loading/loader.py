"""Load a course folder: course.yaml and every chapter file, validated, with spans attached."""

from __future__ import annotations

import functools
import gc
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISLNK
from typing import TYPE_CHECKING, Any

from engine.diagnostics import Code, CourseError, Diagnostic, Severity
from engine.loading.chapter_files import COURSE_FILE, ChapterFile, read_chapters
from engine.loading.outline import Outline, normalised, outline
from engine.loading.source_map import SourceMap
from engine.model import Chapter, Course, CourseFile, Section
from engine.node import set_source, source_of
from engine.span import display_path

if TYPE_CHECKING:
    from engine.loading.rule_cache import RuleCache


@dataclass
class CheckResult:
    """A course (None when it has errors) and every diagnostic, sorted by file and line."""

    course: Course | None
    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]


def course_folder(path: str | Path) -> Path:
    """The course folder for a folder or a course.yaml path."""
    p = Path(path)
    return p.parent if p.name == COURSE_FILE or p.suffix in (".yaml", ".yml") else p


@dataclass
class LoadCache:
    """What a long-running process (`lessonkit serve`) keeps between checks of one course.

    A chapter file whose size and modification time are unchanged is not read again, and
    its own rules are not re-run, so re-checking a 5000-chapter course after one save
    costs a directory walk and the one changed file.
    """

    chapters: dict[str, tuple[tuple[int, int], Any, list[Diagnostic]]] = field(default_factory=dict)
    """Chapter key -> ((mtime_ns, size), (Chapter, SourceMap) or None, its load diagnostics)."""
    rules: dict[str, tuple[Chapter, list[Diagnostic]]] = field(default_factory=dict)
    """Chapter key -> (the chapter object checked, its rule diagnostics)."""
    course: tuple[tuple[int, int], Outline] | None = None
    """course.yaml's (mtime_ns, size) and what reading it gave."""
    course_rules: RuleCache = field(default_factory=lambda: _rule_cache())
    """The rules' results per chapter file, so only the changed chapters are checked."""


def _rule_cache() -> RuleCache:
    from engine.loading.rule_cache import RuleCache  # what `check` alone does not need

    return RuleCache()


def check_course(
    path: str | Path, cache: LoadCache | None = None, *, jobs: int | None = None
) -> CheckResult:
    """Load and validate the course at `path`, collecting every diagnostic.

    Pass the same `cache` to later calls to re-read only the chapter files that changed.
    A large course's files are read by `jobs` processes (default: one per CPU).
    """
    # Loading allocates hundreds of thousands of small objects that all stay alive; the
    # cyclic garbage collector would rescan them again and again for nothing.
    enabled = gc.isenabled()
    gc.disable()
    # (What to do with the collector once the course is loaded is the process's choice:
    # cli/main.py for the one-shot commands, cli/commands/serve.py for `serve`.)
    try:
        return _check_course(path, cache, jobs)
    finally:
        if enabled:
            gc.enable()


def _check_course(path: str | Path, cache: LoadCache | None, jobs: int | None) -> CheckResult:
    from engine.checking.rules import check_rules

    root = course_folder(path)
    course_path = root / COURSE_FILE
    diags: list[Diagnostic] = []
    if not course_path.is_file():
        diags.append(
            Diagnostic.of(
                Code.FILE_NOT_FOUND,
                f"no {COURSE_FILE} in {display_path(root)}",
                None,
                hint="run 'lessonkit new course NAME' to start one",
            )
        )
        return CheckResult(None, diags)
    read = outline(course_path, cache.course if cache is not None else None)
    if cache is not None:
        cache.course = read.stamped
    diags.extend(read.diagnostics)
    if read.course_file is None:
        return CheckResult(None, _finish(diags, []))
    loaded, course_file, kept = read.loaded, read.course_file, read.kept
    named = set(read.named)
    """Listed paths as written (normalised), so a listed link is never called an orphan."""

    chapters: dict[str, tuple[Chapter, SourceMap]] = {}
    listed: dict[str, Any] = {}
    keys: dict[tuple[int, int], str] = {}
    base = root.resolve()
    base_text = str(base)
    shown_root = display_path(root)
    resolver = _ChapterResolver(base)
    # What each listing gave, in listing order: a diagnostic, or a chapter file to read.
    listings: list[Diagnostic | ChapterFile] = []
    for s_index, section in enumerate(course_file.sections):
        in_file = kept[s_index]
        for c_index, rel in enumerate(section.chapters):
            span = read.listing_span(in_file, c_index)
            named.add(normalised(rel))
            target, problem = resolver.resolve(rel)
            if problem is not None:
                listings.append(Diagnostic.of(Code.PATH_ESCAPES, problem, span))
                continue
            assert target is not None
            # The target is inside `base` (the resolver checked), so the key is its tail.
            key = target[len(base_text) + 1:].replace(os.sep, "/")
            if key in listed:
                listings.append(
                    Diagnostic.of(
                        Code.DUPLICATE_CHAPTER,
                        f"chapter '{rel}' is listed twice",
                        span,
                        notes=(f"first listed at {listed[key]}",),
                    )
                )
                continue
            listed[key] = span
            keys[(s_index, c_index)] = key
            shown = f"{shown_root}/{key}" if shown_root not in ("", ".") else key
            listings.append(ChapterFile(target, key, shown, rel, span,
                                         resolver.stats.get(target)))
    files = [listing for listing in listings if isinstance(listing, ChapterFile)]
    read_files = read_chapters(files, cache, root, jobs)
    for listing in listings:
        if isinstance(listing, Diagnostic):
            diags.append(listing)
            continue
        chapter, own = read_files[listing.key]
        diags.extend(own)
        if chapter is not None:
            chapters[listing.key] = chapter
    diags.extend(_orphans(root, set(listed) | named))

    sections = []
    for s_index, section in enumerate(course_file.sections):
        loaded_chapters = []
        for c_index in range(len(section.chapters)):
            key = keys.get((s_index, c_index), "")
            if key in chapters:
                loaded_chapters.append(chapters[key][0])
        built = Section(id=section.id, title=section.title, chapters=loaded_chapters)
        set_source(built, source_of(section))
        sections.append(built)
    meta = {
        name: getattr(course_file, name) for name in CourseFile.model_fields if name != "sections"
    }
    course = Course(**meta, sections=sections)
    set_source(course, source_of(course_file))
    course._root = str(root)
    smaps = {key: smap for key, (_, smap) in chapters.items()}
    if cache is None:
        diags.extend(check_rules(course, course_file, loaded.source_map, smaps, jobs=jobs))
    else:
        diags.extend(cache.course_rules.check(course, course_file, loaded.source_map, smaps,
                                              cache.rules))
    final = _finish(diags, course.suppress)
    has_errors = any(d.severity is Severity.ERROR for d in final)
    return CheckResult(None if has_errors else course, final)


def load_course(path: str | Path) -> Course:
    """The validated course at `path`; raises CourseError listing every error."""
    result = check_course(path)
    if result.course is None:
        raise CourseError(result.diagnostics)
    return result.course


def _finish(diags: list[Diagnostic], suppress: list[str]) -> list[Diagnostic]:
    silenced = set(suppress)
    kept = [d for d in diags if not (d.severity is Severity.WARNING and d.code.value in silenced)]
    unique = {(d.sort_key(), d.message): d for d in kept}
    return sorted(unique.values(), key=Diagnostic.sort_key)


class _ChapterResolver:
    """Resolves chapter paths inside the course folder, following links once per folder."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.folders: dict[str, str] = {}
        self.stats: dict[str, os.stat_result] = {}
        """Chapter file -> its stat, taken while resolving (one call per file, not two)."""

    def resolve(self, rel: str) -> tuple[str | None, str | None]:
        """The chapter file inside the course folder (an absolute path), or why the path
        is not allowed."""
        folder, name, problem = _split_listed(rel)
        if problem is not None:
            return None, problem
        real_folder = self.folders.get(folder)
        if real_folder is None:
            real_folder = os.path.realpath(os.path.join(self.base, folder))
            self.folders[folder] = real_folder
        target = os.path.join(real_folder, name)
        try:
            stat = os.lstat(target)
        except OSError:
            pass  # missing: reported when it is read
        else:
            if S_ISLNK(stat.st_mode):
                target = os.path.realpath(target)
            else:
                self.stats[target] = stat
        base = str(self.base)
        if not target.startswith(base + os.sep):
            return None, f"chapter path '{rel}' leads outside the course folder (through a link)"
        return target, None


@functools.lru_cache(maxsize=1 << 16)
def _split_listed(rel: str) -> tuple[str, str, str | None]:
    """The folder and file name of a listed chapter path, or why it is not allowed (plain
    string work, once per distinct path: `serve` resolves every listed path on every save)."""
    # With the meaning of PurePosixPath: empty and "." parts drop out.
    posix = rel.replace("\\", "/")
    if posix.startswith("/") or re.match(r"^[A-Za-z]:", rel):
        return "", "", f"chapter path '{rel}' is absolute; give it relative to the course folder"
    parts = [part for part in posix.split("/") if part not in ("", ".")]
    if ".." in parts or not parts:
        return "", "", f"chapter path '{rel}' leaves the course folder"
    return "/".join(parts[:-1]) or ".", parts[-1], None


def _orphans(root: Path, listed: set[str]) -> list[Diagnostic]:
    """Chapter-like YAML files in the course folder that no section lists."""
    out = []
    base = root.resolve()
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")) and d != "assets")
        folder = os.path.relpath(dirpath, base).replace(os.sep, "/")
        prefix = "" if folder == "." else folder + "/"
        for name in sorted(filenames):
            if not name.endswith((".yaml", ".yml")) or name == COURSE_FILE:
                continue
            key = prefix + name  # strings, not Paths: a big course has thousands of files
            if key in listed:
                continue
            path = Path(dirpath) / name
            try:
                head = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if re.search(r"^blocks\s*:", head, re.MULTILINE):
                out.append(
                    Diagnostic.of(
                        Code.ORPHAN_CHAPTER,
                        f"chapter file '{key}' is not listed in any section",
                        _span_at_start(path),
                        hint=f"add '{key}' to a section's chapters in {COURSE_FILE}",
                    )
                )
    return out


def _span_at_start(path: Path) -> Any:
    from engine.span import Span

    return Span(display_path(path), 1, 1)
