"""Where something is in the author's files: the one location type every stage shares."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def display_path(path: str | Path) -> str:
    """A path as the author should see it, in spans and messages: relative to the working
    directory when it is inside it (as editors and CI annotations link it), else whole."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return Path(path).as_posix()


@dataclass(frozen=True, order=True)
class Span:
    """A 1-based position in a source file, with an optional end on the same or a later line.

    `file` is the path as the author should see it (relative to the working directory
    when possible), so editors and CI annotations can open it.
    """

    file: str
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def shifted(self, lines: int, column: int | None = None) -> Span:
        """The span `lines` further down (for positions inside a multi-line scalar)."""
        return Span(self.file, self.line + lines, column if column is not None else self.column)
