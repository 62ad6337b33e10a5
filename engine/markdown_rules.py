"""Markdown hygiene rules: raw HTML, unsafe links and references to missing files.

Every Markdown text of a chapter goes through the one shared parser (engine.markdown);
each problem is reported at the line of the YAML file that holds it.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote

from engine import coursefiles
from engine.diagnostics import Code, Diagnostic
from engine.mathml import math_problems
from engine.model import Chapter, Choice, Course
from engine.node import Node, source_of
from engine.span import Span

MARKDOWN_FIELDS = (
    "body",
    "prompt",
    "explanation",
    "text",
    "feedback",
    "caption",
    "feedback_true",
    "feedback_false",
)
"""Fields of blocks that hold Markdown."""


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
    from engine import markdown

    chapter_dir = Path(os.path.dirname(os.path.join(course.root, chapter.path)))
    source_dir = posixpath.dirname(chapter.path)
    for node, parts, text in _markdown_texts(chapter):
        # Parsing every text of a large course costs more than all else `check` does;
        # a text without these characters cannot hold raw HTML, an unsafe link or a
        # local reference.
        problems = (
            markdown.problem_sites(text, allow_html=course.allow_html)
            if _may_be_unsafe(text)
            else []
        )
        files = [
            (line, target, ref.problem)
            for line, target in (
                markdown.image_targets(text) if "](" in text or "]:" in text else []
            )
            # One rule for check and every renderer (engine.coursefiles): missing, outside
            # the course (by name or symlink), an unsafe name, an SVG with script.
            if (ref := coursefiles.resolve(course.root, source_dir, target)).problem
        ]
        maths = markdown.math_spans(text) if "$" in text else []
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
                                    hint=f"looked in {_shown_dir(chapter_dir)}")
            else:
                yield Diagnostic.of(code, message, where)
        for start, latex in maths:
            for inner, message in math_problems(latex):
                yield Diagnostic.of(Code.MATH_MARKUP, message, finder.at(start + inner))


class _Finder:
    """The file position of what Markdown found on a line of a text value.

    The parser knows lines, not columns: the column is where the target (a file name, a
    URL, an HTML tag) is written on that line, searched from the previous find so that two
    equal targets on one line are told apart, and mapped to the file through the scalar's
    quoting and indentation (engine.scalar_map). When the target is not found as written
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
            from engine.scalar_map import value_offset_span

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
            from engine.scalar_map import value_offset_span

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


_UNSAFE_SCHEME = re.compile(r"(?:script|data)\s*:")


def _may_be_unsafe(text: str) -> bool:
    """Whether `text` could hold raw HTML or an unsafe link (cheap substring tests first)."""
    if "<" in text or "&" in text or "%" in text:
        return True
    if ":" not in text:
        return False
    lowered = text.lower()
    return ("script" in lowered or "data" in lowered) and bool(_UNSAFE_SCHEME.search(lowered))


def _shown_dir(folder: Path) -> str:
    try:
        return folder.resolve().relative_to(Path.cwd().resolve()).as_posix() + "/"
    except ValueError:
        return folder.as_posix() + "/"


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


def _markdown_texts(chapter: Chapter) -> Iterator[tuple[Node, tuple[str | int, ...], str]]:
    # Fields are read from __dict__: getattr() on a field a model lacks goes through
    # pydantic's slow attribute fallback, hundreds of thousands of times on a big course.
    for i, objective in enumerate(chapter.objectives):
        yield chapter, ("objectives", i), objective
    for block in chapter.blocks:
        fields = block.__dict__
        for name in MARKDOWN_FIELDS:
            value = fields.get(name)
            if isinstance(value, str):
                yield block, (name,), value
            elif isinstance(value, dict):
                for key, text in value.items():
                    yield block, (name, key), text
        for i, hint in enumerate(fields.get("hints") or ()):
            yield block, ("hints", i), hint
        for choice in fields.get("choices") or ():
            if isinstance(choice, Choice):
                yield choice, ("text",), choice.text
                if choice.feedback:
                    yield choice, ("feedback",), choice.feedback
        for pair in fields.get("pairs") or ():
            yield pair, ("left",), pair.left
            yield pair, ("right",), pair.right
