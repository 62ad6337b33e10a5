"""Where something is in the author's files: the one location type every stage shares."""

from __future__ import annotations

from dataclasses import dataclass


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
