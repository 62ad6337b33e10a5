"""Markdown hygiene rules: raw HTML, unsafe links and references to missing files.

Every Markdown text of a chapter goes through the one shared parser
(engine.checking.markdown_inspect); each problem is reported at the line of the YAML file
that holds it.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union, get_args, get_origin
from urllib.parse import quote, unquote

from engine.checking.quiet_angles import angles_are_code
from engine.checking.quiet_math import formulas_are_quiet
from engine.diagnostics import Code, Diagnostic
from engine.field_types import Markdown
from engine.model import Chapter, Course
from engine.node import Node, source_of
from engine.safety import coursefiles
from engine.span import Span, display_path

# --- which fields hold Markdown: the model's `Markdown` annotation says -------------------

_MARKDOWN_SCHEMA = get_args(Markdown)[1].json_schema_extra


@dataclass(frozen=True)
class MarkdownFields:
    """The fields of one model class that hold Markdown, by shape, and those holding nodes."""

    texts: tuple[str, ...]
    """`Markdown` or `Markdown | None`."""
    lists: tuple[str, ...]
    """`list[Markdown]`."""
    maps: tuple[str, ...]
    """`dict[str, Markdown]`."""
    nodes: tuple[str, ...]
    """Fields holding model nodes that hold Markdown (blocks, choices, pairs...)."""


def _without_none(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        rest = [arg for arg in get_args(annotation) if arg is not type(None)]
        return rest[0] if len(rest) == 1 else annotation
    return annotation


@functools.cache
def markdown_fields(cls: type[Node]) -> MarkdownFields:
    """Where `cls` holds Markdown, read from its annotations (engine.model's `Markdown`)."""
    texts, lists, maps, nodes = [], [], [], []
    for name, info in cls.model_fields.items():
        annotation = _without_none(info.annotation)
        args = get_args(annotation)
        if info.json_schema_extra == _MARKDOWN_SCHEMA or annotation == Markdown:
            texts.append(name)
        elif get_origin(annotation) is list and args == (Markdown,):
            lists.append(name)
        elif get_origin(annotation) is dict and args[1:] == (Markdown,):
            maps.append(name)
        elif any(_holds_markdown(node) for node in _node_classes(annotation)):
            nodes.append(name)
    return MarkdownFields(tuple(texts), tuple(lists), tuple(maps), tuple(nodes))


def _holds_markdown(cls: type[Node]) -> bool:
    """Whether `cls`, or a node below it, has a Markdown field."""
    fields = markdown_fields(cls)
    return bool(fields.texts or fields.lists or fields.maps or fields.nodes)


def _model_classes() -> set[type[Node]]:
    found: set[type[Node]] = set()
    pending: list[type[Node]] = [Course]
    while pending:
        cls = pending.pop()
        if cls in found:
            continue
        found.add(cls)
        for info in cls.model_fields.values():
            pending.extend(_node_classes(info.annotation))
    return found


def _node_classes(annotation: Any) -> list[type[Node]]:
    if isinstance(annotation, type):
        return [annotation] if issubclass(annotation, Node) else []
    return [cls for arg in get_args(annotation) for cls in _node_classes(arg)]


@functools.cache
def _markdown_names() -> tuple[frozenset[str], frozenset[str]]:
    """Names of Markdown fields anywhere in the model: (single texts, lists and maps)."""
    single: set[str] = set()
    many: set[str] = set()
    for cls in _model_classes():
        fields = markdown_fields(cls)
        single.update(fields.texts)
        many.update(fields.lists + fields.maps)
    return frozenset(single), frozenset(many)


def is_markdown_path(path: tuple[str | int, ...]) -> bool:
    """Whether the value at `path` of a chapter file is a Markdown text (by its field name)."""
    single, many = _markdown_names()
    return bool(path) and (path[-1] in single or (len(path) > 1 and path[-2] in many))


def span_at(node: Node, *parts: str | int, key: bool = False) -> Span | None:
    """The span of the value (or key) at `parts` below `node`, else the nearest enclosing one."""
    src = source_of(node)
    if src is None:
        return None
    smap, path = src
    full = (*path, *parts)
    span: Span | None = smap.key(full) if key else smap.value(full)
    return span


def markdown_rules(course: Course, chapter: Chapter) -> Iterator[Diagnostic]:
    """Raw HTML, unsafe links and missing images, via the shared Markdown module."""
    chapter_dir = Path(os.path.dirname(os.path.join(course.root, chapter.path)))
    source_dir = posixpath.dirname(chapter.path)
    for node, parts, text in _markdown_texts(chapter, _may_have_problems):
        # Parsing every text of a large course costs more than all else `check` does;
        # a text without these characters cannot hold raw HTML, an unsafe link or a
        # local reference. (What looks closer is imported only for the texts that need it:
        # the parsers and latex2mathml would be most of what `check` imports.)
        from engine.checking import markdown_inspect

        problems = (
            markdown_inspect.problem_sites(text, allow_html=course.allow_html)
            if _may_be_unsafe(text)
            else []
        )
        files = [
            (line, target, ref.problem)
            for line, target in (
                markdown_inspect.image_targets(text) if "](" in text or "]:" in text else []
            )
            # One rule for check and every renderer (engine.safety.coursefiles): missing, outside
            # the course (by name or symlink), an unsafe name, an SVG with script.
            if (ref := coursefiles.resolve(course.root, source_dir, target)).problem
        ]
        # Formulas are many and their problems few: they are looked for only in texts
        # that may have one (engine.checking.quiet_math), and where a problem is, is
        # worked out only for the texts that have one.
        formulas = (
            markdown_inspect.math_spans(text)
            if "$" in text and not formulas_are_quiet(text)
            else ()
        )
        maths = []
        if formulas:
            from engine.text.mathml import math_problems

            maths = [
                (start + inner, message)
                for start, latex in formulas
                for inner, message in math_problems(latex)
            ]
        if not problems and not files and not maths:
            continue
        span = span_at(node, *parts)
        finder = _Finder(node, parts, text, span)
        tagged: set[int] = set()
        for line, needle, code, message in problems:
            if code is Code.RAW_HTML:
                # `<b>bold</b>` is one mistake: a closing tag after an opening one on the
                # same line is not reported again.
                if needle.startswith("</") and line in tagged:
                    continue
                tagged.add(line)
            yield Diagnostic.of(code, message, finder.find(line, needle))
        finder = _Finder(node, parts, text, span)
        for line, target, (code, message) in files:
            where = finder.find(line, target)
            if code is Code.MISSING_ASSET:
                yield Diagnostic.of(code, f"'{target}' does not exist", where,
                                    hint=f"looked in {display_path(chapter_dir)}/")
            else:
                yield Diagnostic.of(code, message, where)
        for offset, message in maths:
            yield Diagnostic.of(Code.MATH_MARKUP, message, finder.at(offset))


class _Finder:
    """The file position of what Markdown found on a line of a text value.

    The parser knows lines, not columns: the column is where the target (a file name, a
    URL, an HTML tag) is written on that line, searched from the previous find so that two
    equal targets on one line are told apart, and mapped to the file through the scalar's
    quoting and indentation (engine.loading.scalar_map). When the target is not found as written
    (percent-escapes), or the value cannot be mapped, the start of the line is used.
    """

    def __init__(self, node: Node, parts: tuple[str | int, ...], text: str, span: Span | None):
        self.source = source_of(node)
        self.parts, self.text, self.span = parts, text, span
        self.after: dict[int, int] = {}
        self.starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def find(self, line: int, needle: str) -> Span | None:
        starts = self.starts
        if line >= len(starts):
            return _text_line_span(self.span, self.text, line)
        start = starts[line]
        end = self.text.find("\n", start)
        line_text = self.text[start : end if end >= 0 else len(self.text)]
        column, width = -1, 0
        for candidate in dict.fromkeys((needle, quote(needle, safe="/:@&=+$,;~!*'()#?%"))):
            if candidate:
                column = line_text.find(candidate, self.after.get(line, 0))
                if column >= 0:
                    width = len(candidate)
                    self.after[line] = column + width
                    break
        if column < 0:
            column, width = _escaped_target(line_text, needle)
        if column >= 0 and self.source is not None:
            from engine.loading.scalar_map import value_offset_span

            smap, path = self.source
            full = (*path, *self.parts)
            first = value_offset_span(smap, full, start + column)
            last = value_offset_span(smap, full, start + column + width - 1)
            if first is not None and last is not None and last.line == first.line:
                return Span(first.file, first.line, first.column, last.line, last.column + 1)
            if first is not None:
                return first
        return _text_line_span(self.span, self.text, line)


    def at(self, offset: int) -> Span | None:
        """The file position of character `offset` of the text (a formula's place)."""
        if self.source is not None:
            from engine.loading.scalar_map import value_offset_span

            smap, path = self.source
            found = value_offset_span(smap, (*path, *self.parts), offset)
            if found is not None:
                return found
        return _text_line_span(self.span, self.text, self.text.count("\n", 0, offset))


_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
"""A CommonMark backslash escape of an ASCII punctuation character."""


def _escaped_target(line_text: str, target: str) -> tuple[int, int]:
    """(column, width) of the link target on `line_text` that reads as `target` once its
    backslash escapes are undone (`..\\.` is `...`), else (-1, 0)."""
    for opener in re.finditer(r"\]\(<?", line_text):
        written = line_text[opener.end():].split(")", 1)[0].split(" ", 1)[0]
        if unquote(_MD_ESCAPE.sub(r"\1", written)) == target:
            return opener.end(), len(written)
    return -1, 0


_UNSAFE_SCHEME = re.compile(r"(?:script|data|file)\s*:")

_TAG_OR_AUTOLINK = re.compile(r"<[A-Za-z/!?]")
"""What raw HTML (inline or a block) and an autolink with a scheme start with: CommonMark
reads no other `<` as either (`a < b`, `<1>` stay text)."""


def _may_be_unsafe(text: str) -> bool:
    """Whether `text` could hold raw HTML or an unsafe link (cheap substring tests first)."""
    if _TAG_OR_AUTOLINK.search(text) and not angles_are_code(text):
        # (Texts that write `<` only in code spans are many: see engine.checking.quiet_angles.)
        return True
    if "](" not in text and "]:" not in text:
        # No link or image: an inline one needs `](`, a reference one its definition's
        # `]:`, and an autolink `<` and a letter.
        return False
    if "<" in text or "&" in text or "%" in text:
        return True
    if ":" not in text:
        return False
    lowered = text.lower()
    return ("script" in lowered or "data" in lowered or "file" in lowered) and bool(
        _UNSAFE_SCHEME.search(lowered))


def _text_line_span(span: Span | None, text: str, line_offset: int) -> Span | None:
    """The span of line `line_offset` of a text value: exact for `|` blocks; for a one-line
    value, its first character (after an opening quote)."""
    if span is None:
        return None
    if "\n" in text.rstrip("\n") or line_offset:
        return Span(span.file, span.line + line_offset, span.column)
    source = _source_line(span)
    quoted = source[span.column - 1 : span.column] in ("'", '"')
    return Span(span.file, span.line, span.column + (1 if quoted else 0))


def _source_line(span: Span) -> str:
    try:
        with open(span.file, encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, 1):
                if number == span.line:
                    return line
    except OSError:
        pass
    return ""


@functools.lru_cache(maxsize=1 << 16)
def _may_have_problems(text: str) -> bool:
    """Whether any rule of `markdown_rules` may report something in `text` (the tests it
    makes first, once per distinct text: a course repeats prompts, hints and choices)."""
    return (
        _may_be_unsafe(text)
        or "](" in text
        or "]:" in text
        or ("$" in text and not formulas_are_quiet(text))
    )


def _markdown_texts(
    chapter: Chapter, wanted: Callable[[str], bool] = lambda text: True
) -> list[tuple[Node, tuple[str | int, ...], str]]:
    """Every Markdown text of the chapter that is `wanted`: the node holding it, its path
    there, the text."""
    found: list[tuple[Node, tuple[str | int, ...], str]] = []
    _texts_of(chapter, wanted, found)
    return found


def _texts_of(node: Node, wanted: Callable[[str], bool],
              found: list[tuple[Node, tuple[str | int, ...], str]]) -> None:
    # Fields are read from __dict__: getattr() on a field a model lacks goes through
    # pydantic's slow attribute fallback, hundreds of thousands of times on a big course.
    # (A list, not nested generators: a course has tens of thousands of texts.)
    fields = node.__dict__
    where = markdown_fields(type(node))
    for name in where.texts:
        value = fields.get(name)
        if isinstance(value, str) and wanted(value):
            found.append((node, (name,), value))
    for name in where.lists:
        for i, text in enumerate(fields.get(name) or ()):
            if wanted(text):
                found.append((node, (name, i), text))
    for name in where.maps:
        for key, text in (fields.get(name) or {}).items():
            if wanted(text):
                found.append((node, (name, key), text))
    for name in where.nodes:
        value = fields.get(name)
        children = value.values() if isinstance(value, dict) else (
            value if isinstance(value, list | tuple) else (value,))
        for child in children:
            if isinstance(child, Node):
                _texts_of(child, wanted, found)
