"""What running a code cell produced: the data the execute stage caches and renderers show."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CellOutput:
    """The captured result of one code cell."""

    cell_id: str
    """The cell's id."""
    stdout: str = ""
    """Everything the cell printed to standard output."""
    stderr: str = ""
    """Everything the cell printed to standard error (warnings included)."""
    error: str | None = None
    """The exception, formatted as `Type: message`, when the cell raised."""
    figures: tuple[str, ...] = field(default=())
    """Figures the cell left open, as standalone SVG documents, in creation order."""
    duration: float = 0.0
    """Seconds the cell took."""

    @property
    def ok(self) -> bool:
        """True when the cell ran without an exception."""
        return self.error is None
