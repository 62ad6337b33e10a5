"""A chapter's code cells in the terminal: their source and their cached outputs.

Outputs come from `engine.execution.execute`, imported only when a chapter with code is shown, so
the quiz starts without it; starting a quiz never runs code. Running happens only when
the learner asks (`r`). A terminal cannot show figures, so it says how many there are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from rich.text import Text

from engine.i18n import Catalog
from renderers.terminal.render import CODE_STYLE, preformatted, render_inline

if TYPE_CHECKING:
    from engine.model import Chapter, CodeCell, Course
    from engine.outputs import CellOutput


class CellRunner(Protocol):
    """Where outputs come from (engine.execution.execute, or a stand-in in tests)."""

    def cached(self, course: Course, chapter: Chapter) -> Mapping[str, CellOutput] | None:
        """The outputs cached by an earlier run, or None when there are none."""
        ...

    def run(self, course: Course, chapter: Chapter) -> Mapping[str, CellOutput]:
        """Run the chapter's cells now."""
        ...


class CellsUnavailableError(Exception):
    """Code cells cannot be run here; the message says why."""


class EngineCells:
    """Outputs from `engine.execution.execute` (which another part of lessonkit provides)."""

    def cached(self, course: Course, chapter: Chapter) -> Mapping[str, CellOutput] | None:
        try:
            from engine.execution import execute
        except ImportError:
            return None
        return execute.cached_outputs(course, chapter)

    def run(self, course: Course, chapter: Chapter) -> Mapping[str, CellOutput]:
        try:
            from engine.execution import execute
        except ImportError as error:
            raise CellsUnavailableError("running code cells is not available here") from error
        return execute.run_chapter(course, chapter)


def cell_lines(cell: CodeCell, output: CellOutput | None, have_outputs: bool,
               t: Catalog) -> list[Text]:
    """One code cell: its id, its source (unless hidden) and what it printed."""
    lines = [Text(t.text("term.code.cell", id=cell.id), style="bold")]
    if cell.show_source:
        lines.extend(preformatted(Text("    " + line, style=CODE_STYLE))
                     for line in cell.source.splitlines())
    if cell.caption:
        lines.append(Text("  ") + render_inline(cell.caption))
    if not cell.run:
        lines.append(Text("  " + t.text("term.code.shown_only"), style="dim"))
    elif output is None:
        why = t.text("term.code.no_cache" if not have_outputs else "term.code.no_output")
        lines.append(Text("  " + t.text("term.code.type_r", why=why), style="dim"))
    else:
        lines.extend(output_lines(output, t))
    return lines


def output_lines(output: CellOutput, t: Catalog) -> list[Text]:
    """What a cell printed, its error and a count of its figures."""
    lines: list[Text] = []
    if output.stdout.strip():
        lines.append(Text("  " + t.text("term.code.output"), style="bold"))
        lines.extend(preformatted(Text("    " + line))
                     for line in output.stdout.rstrip("\n").splitlines())
    if output.stderr.strip():
        lines.append(Text("  " + t.text("term.code.stderr"), style="bold"))
        lines.extend(preformatted(Text("    " + line, style="yellow"))
                     for line in output.stderr.rstrip("\n").splitlines())
    if output.error:
        lines.append(Text("  " + t.text("term.code.error", error=output.error),
                          style="bold red"))
    if output.figures:
        lines.append(Text("  " + t.text("term.code.figures", n=len(output.figures)),
                          style="dim"))
    if not lines:
        lines.append(Text("  " + t.text("term.code.no_print"), style="dim"))
    return lines
