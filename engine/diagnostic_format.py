"""Diagnostics as text: for a person (headline, source excerpt with a caret, hint, notes),
as JSON for tools, and as GitHub Actions workflow commands for CI annotations.

The diagnostics themselves (codes, severities, spans) are data in engine/diagnostics.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from engine.diagnostics import Diagnostic, Severity
from engine.safety.controls import visible_controls
from engine.span import Span


def _source_line(span: Span, cache: dict[str, list[str]]) -> str | None:
    if span.file not in cache:
        try:
            text = Path(span.file).read_bytes().decode("utf-8", errors="replace")
        except OSError:
            cache[span.file] = []
        else:
            cache[span.file] = text.splitlines()
    lines = cache[span.file]
    return lines[span.line - 1] if 0 < span.line <= len(lines) else None


def format_text(diagnostics: Iterable[Diagnostic], color: bool = False) -> str:
    """Human-readable diagnostics: headline, source line with a caret, hint and notes."""
    cache: dict[str, list[str]] = {}
    out: list[str] = []
    for d in diagnostics:
        # A message quotes the author's text and the excerpt is the file's line: control
        # characters in either would drive the terminal, so they are shown escaped.
        d = _visible(d)
        head = d.headline()
        if color:
            tint = "\x1b[1;31m" if d.severity is Severity.ERROR else "\x1b[1;33m"
            head = head.replace(f"{d.severity.value}[", f"{tint}{d.severity.value}\x1b[0m[", 1)
        out.append(head)
        line = _source_line(d.span, cache) if d.span else None
        if d.span and line is not None:
            gutter = str(d.span.line)
            start = max(1, d.span.column)
            width = 1
            if d.span.end_line == d.span.line and d.span.end_column and d.span.end_column > start:
                width = d.span.end_column - start
            shown, start, width = _excerpt(line.replace("\t", " "), start, width)
            shown = visible_controls(shown)
            width = max(1, min(width, len(shown) - start + 1)) if len(shown) >= start else 1
            out.append(f" {gutter} | {shown}")
            caret = " " * (start - 1) + "^" * width
            if d.hint:
                caret += f" {d.hint}"
            out.append(f" {' ' * len(gutter)} | {caret}")
        elif d.hint:
            out.append(f"  = help: {d.hint}")
        out.extend(f"  = note: {n}" for n in d.notes)
    return "\n".join(out)


EXCERPT_WIDTH = 120
"""Most characters of a source line shown under a diagnostic."""


def _excerpt(line: str, start: int, width: int) -> tuple[str, int, int]:
    """The part of a long line around column `start` (1-based), with `…` where it is cut,
    and the caret's column and width in that part. A minified or generated line can be
    100,000 characters long; printing it whole buries the diagnostic."""
    if len(line) <= EXCERPT_WIDTH:
        return line, start, width
    begin = max(0, min(start - 1 - EXCERPT_WIDTH // 3, len(line) - EXCERPT_WIDTH))
    end = begin + EXCERPT_WIDTH
    head = "…" if begin > 0 else ""
    tail = "…" if end < len(line) else ""
    shown_start = start - begin + len(head)
    return head + line[begin:end] + tail, shown_start, max(1, min(width, end - start + 1))


def _visible(d: Diagnostic) -> Diagnostic:
    return Diagnostic(
        d.code, visible_controls(d.message), d.span, d.severity,
        visible_controls(d.hint) if d.hint else None,
        tuple(visible_controls(note) for note in d.notes),
    )


def format_json(diagnostics: Iterable[Diagnostic]) -> str:
    """Diagnostics as a JSON array (stable key order)."""
    return json.dumps([d.to_json() for d in diagnostics], indent=2)


def format_github(diagnostics: Iterable[Diagnostic]) -> str:
    """Diagnostics as GitHub Actions workflow commands."""
    lines = []
    for d in map(_visible, diagnostics):
        kind = "error" if d.severity is Severity.ERROR else "warning"
        loc = f" file={d.span.file},line={d.span.line},col={d.span.column}" if d.span else ""
        lines.append(f"::{kind}{loc}::[{d.code.value}] {d.message}")
    return "\n".join(lines)
