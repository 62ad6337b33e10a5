"""Load a course folder: course.yaml and every chapter file, validated, with spans attached."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel

from engine.diagnostics import Code, CourseError, Diagnostic, Severity
from engine.model import Chapter, Course, CourseFile, Node, Section
from engine.source import Path_, SourceMap, load_yaml_file
from engine.validate import validate_model

COURSE_FILE = "course.yaml"


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


def display_path(path: Path) -> str:
    """How to show a path to the author: relative to the working directory when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def check_course(path: str | Path) -> CheckResult:
    """Load and validate the course at `path`, collecting every diagnostic."""
    from engine.rules import check_rules

    root = course_folder(path)
    course_path = root / COURSE_FILE
    diags: list[Diagnostic] = []
    if not course_path.is_file():
        diags.append(
            Diagnostic.of(Code.FILE_NOT_FOUND, f"no {COURSE_FILE} in {display_path(root)}", None,
                          hint="run 'lessonkit new course NAME' to start one")
        )
        return CheckResult(None, diags)
    loaded = load_yaml_file(course_path, display_path(course_path))
    diags.extend(loaded.diagnostics)
    if loaded.data is None:
        return CheckResult(None, _finish(diags, []))
    course_file, errors = validate_model(CourseFile, loaded.data, loaded.source_map)
    diags.extend(errors)
    if course_file is None:
        return CheckResult(None, _finish(diags, []))
    attach_spans(course_file, loaded.source_map, ())

    chapters: dict[str, tuple[Chapter, SourceMap]] = {}
    listed: dict[str, Any] = {}
    for s_index, section in enumerate(course_file.sections):
        for c_index, rel in enumerate(section.chapters):
            span = loaded.source_map.value(("sections", s_index, "chapters", c_index))
            target, problem = _resolve_chapter(root, rel)
            if problem is not None:
                diags.append(Diagnostic.of(Code.PATH_ESCAPES, problem, span))
                continue
            assert target is not None
            key = target.relative_to(root.resolve()).as_posix()
            if key in listed:
                diags.append(
                    Diagnostic.of(Code.DUPLICATE_CHAPTER, f"chapter '{rel}' is listed twice", span,
                                  notes=(f"first listed at {listed[key]}",))
                )
                continue
            listed[key] = span
            if not target.is_file():
                diags.append(
                    Diagnostic.of(Code.FILE_NOT_FOUND, f"chapter file '{rel}' does not exist", span,
                                  hint=_near_file(root, rel))
                )
                continue
            chapter = _load_chapter(target, key, diags)
            if chapter is not None:
                chapters[key] = chapter
    diags.extend(_orphans(root, set(listed)))

    sections = []
    for section in course_file.sections:
        loaded_chapters = []
        for rel in section.chapters:
            target, _ = _resolve_chapter(root, rel)
            if target is None:
                continue
            key = target.relative_to(root.resolve()).as_posix()
            if key in chapters:
                loaded_chapters.append(chapters[key][0])
        built = Section(id=section.id, title=section.title, chapters=loaded_chapters)
        built._span, built._field_spans = section._span, section._field_spans
        sections.append(built)
    meta = {name: getattr(course_file, name) for name in CourseFile.model_fields if name != "sections"}
    course = Course(**meta, sections=sections)
    course._span, course._field_spans = course_file._span, course_file._field_spans
    course._root = str(root)
    smaps = {key: smap for key, (_, smap) in chapters.items()}
    diags.extend(check_rules(course, course_file, loaded.source_map, smaps))
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
    kept = [
        d for d in diags
        if not (d.severity is Severity.WARNING and d.code.value in silenced)
    ]
    unique = {(d.sort_key(), d.message): d for d in kept}
    return sorted(unique.values(), key=Diagnostic.sort_key)


def _resolve_chapter(root: Path, rel: str) -> tuple[Path | None, str | None]:
    """The chapter file inside the course folder, or why the path is not allowed."""
    pure = PurePosixPath(rel.replace("\\", "/"))
    if pure.is_absolute() or re.match(r"^[A-Za-z]:", rel):
        return None, f"chapter path '{rel}' is absolute; give it relative to the course folder"
    if ".." in pure.parts:
        return None, f"chapter path '{rel}' leaves the course folder"
    base = root.resolve()
    target = (base / Path(*pure.parts)).resolve() if pure.parts else base
    if target != base and base not in target.parents:
        return None, f"chapter path '{rel}' leads outside the course folder (through a link)"
    return target, None


def _near_file(root: Path, rel: str) -> str | None:
    import difflib

    candidates = [
        p.relative_to(root).as_posix() for p in root.rglob("*.yaml") if p.name != COURSE_FILE
    ]
    close = difflib.get_close_matches(rel, candidates, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def _load_chapter(
    target: Path, key: str, diags: list[Diagnostic]
) -> tuple[Chapter, SourceMap] | None:
    loaded = load_yaml_file(target, display_path(target))
    diags.extend(loaded.diagnostics)
    if loaded.data is None:
        return None
    data = loaded.data
    if isinstance(data, dict) and "id" not in data:
        # Content format: an omitted chapter id is derived from the file name.
        data = {"id": slug(Path(key).stem), **data}
    chapter, errors = validate_model(Chapter, data, loaded.source_map)
    diags.extend(errors)
    if chapter is None:
        return None
    attach_spans(chapter, loaded.source_map, ())
    chapter._path = key
    return chapter, loaded.source_map


def slug(text: str) -> str:
    """A stable id from a file name or title: `01-What is an RNN?` -> `what-is-an-rnn`."""
    text = re.sub(r"^\d+[-_ ]*", "", text.strip().lower())
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "chapter"


def _orphans(root: Path, listed: set[str]) -> list[Diagnostic]:
    """Chapter-like YAML files in the course folder that no section lists."""
    out = []
    base = root.resolve()
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")) and d != "assets")
        for name in sorted(filenames):
            if not name.endswith((".yaml", ".yml")) or name == COURSE_FILE:
                continue
            path = Path(dirpath) / name
            key = path.relative_to(base).as_posix()
            if key in listed:
                continue
            try:
                head = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if re.search(r"^blocks\s*:", head, re.MULTILINE):
                out.append(
                    Diagnostic.of(
                        Code.ORPHAN_CHAPTER, f"chapter file '{key}' is not listed in any section",
                        _span_at_start(path),
                        hint=f"add '{key}' to a section's chapters in {COURSE_FILE}",
                    )
                )
    return out


def _span_at_start(path: Path) -> Any:
    from engine.span import Span

    return Span(display_path(path), 1, 1)


def attach_spans(node: BaseModel, smap: SourceMap, path: Path_) -> None:
    """Give `node` and every node under it its span and the spans of its fields."""
    if isinstance(node, Node):
        node._span = smap.values.get(path) or smap.value(path)
        spans = {}
        for name in type(node).model_fields:
            span = smap.values.get((*path, name))
            if span is not None:
                spans[name] = span
        node._field_spans = spans
    for name in type(node).model_fields:
        value = getattr(node, name)
        here = (*path, name)
        if isinstance(value, BaseModel):
            attach_spans(value, smap, here)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    attach_spans(item, smap, (*here, i))
        elif isinstance(value, dict):
            for k, item in value.items():
                if isinstance(item, BaseModel):
                    attach_spans(item, smap, (*here, k))
