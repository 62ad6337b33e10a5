"""What the commands share: printing diagnostics, colour rules, quiet and verbose."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TextIO

import click

from engine.diagnostic_format import format_github, format_json, format_text
from engine.diagnostics import Diagnostic, Severity

FORMATS = ("text", "json", "github")


def use_color(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def print_diagnostics(diagnostics: Sequence[Diagnostic], fmt: str = "text") -> None:
    """Print diagnostics to stderr (JSON goes to stdout, for tools to read)."""
    if fmt == "json":
        click.echo(format_json(diagnostics))
        return
    if not diagnostics:
        return
    if fmt == "github":
        click.echo(format_github(diagnostics))
        return
    click.echo(format_text(diagnostics, color=use_color(sys.stderr)), err=True)


def counted(n: int, noun: str) -> str:
    """`1 section`, `2 sections`: the command line's English plural in one place."""
    return f"{n} {noun}{'s' * (n != 1)}"


def summary(diagnostics: Sequence[Diagnostic]) -> str:
    """`2 errors, 1 warning` (or `no problems`)."""
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    parts = []
    if errors:
        parts.append(counted(errors, "error"))
    if warnings:
        parts.append(counted(warnings, "warning"))
    return ", ".join(parts) or "no problems"


def failed(diagnostics: Sequence[Diagnostic], strict: bool) -> bool:
    """Whether these diagnostics fail the command."""
    return any(d.severity is Severity.ERROR or strict for d in diagnostics)


course_path = click.argument(
    "path",
    type=click.Path(exists=True, file_okay=True, dir_okay=True),
    default=".",
)
"""The PATH argument every course command takes: a course folder or its course.yaml."""
