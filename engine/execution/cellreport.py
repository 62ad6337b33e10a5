"""What a chapter's process left behind, as outputs, verified values and diagnostics.

engine/execution/cellprocess.py hands back the JSON records the process wrote
(engine/execution/cellrunner.py describes them) and how it ended; here they become cell
outputs, `verify:` values and diagnostics at the YAML line that caused each problem: a
traceback points into the cell's source, a timeout or crash at the cell that was running.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass

from engine.diagnostics import Code, Diagnostic
from engine.execution.cellprocess import Finished
from engine.execution.cellprotocol import (
    CellJob,
    CellRecord,
    ErrorRecord,
    FrameRecord,
    VerifiedRecord,
)
from engine.execution.outputcache import VerifiedValue
from engine.execution.sandbox import DESCRIPTOR_OUTPUT_LIMIT, FILE_SIZE_LIMIT, MEMORY_LIMIT
from engine.loading.scalar_map import text_position_span
from engine.model import Chapter, CodeCell, Course, Numeric, Text
from engine.outputs import CellOutput
from engine.safety.controls import without_controls
from engine.safety.svg import svg_problem
from engine.span import Span, display_path

FIGURE_LIMIT = 5_000_000
"""Characters of SVG per figure; a larger one (a scatter of a million points) is dropped."""


@dataclass(frozen=True)
class Plan:
    """One chapter's work: the cells the runner gets and the key of their outputs."""

    chapter: Chapter
    cells: list[CellJob]
    key: str


@dataclass
class Outcome:
    """What one chapter's run gave."""

    outputs: list[CellOutput]
    verified: dict[str, VerifiedValue]
    diagnostics: list[Diagnostic]
    seconds: float = 0.0


def interpret(course: Course, plan: Plan, process: Finished) -> Outcome:
    """Turn the child's records into outputs, verified values and diagnostics."""
    chapter = plan.chapter
    cells = {cell.id: cell for cell in chapter.code_cells}
    outcome = Outcome([], {}, [])
    running: str | None = None
    finished = False
    for record in process.records:
        if record["event"] == "start":
            running = record["cell"]
        elif record["event"] == "cell":
            running = None
            _take_cell(record, cells, plan, outcome)
        else:
            finished = True
    if finished and not process.flooded:
        return outcome
    # The child never got to the end: it ran out of time, flooded its output or died.
    cell = cells.get(running) if running else None
    span = cell.span if cell else chapter.span
    left = _not_run(plan, running)
    notes: tuple[str, ...] = (f"cells that did not run: {', '.join(left)}",) if left else ()
    where = f"; cell '{running}' was running" if running else ""
    timeout = course.code.timeout
    hint: str | None = None
    if process.flooded:
        code = Code.CELL_OUTPUT_LIMIT
        message = (f"chapter '{chapter.id}' wrote more than {DESCRIPTOR_OUTPUT_LIMIT:,} bytes "
                   f"to its standard output and error descriptors, so it was stopped{where}")
        summary = f"Output limit: more than {DESCRIPTOR_OUTPUT_LIMIT:,} bytes written directly"
        hint = "print a summary instead; os.write and subprocesses bypass the cell's capture"
    elif process.timed_out or process.returncode == -signal.SIGXCPU:
        code = Code.CELL_TIMEOUT
        what = "ran past" if process.timed_out else "used the CPU time of"
        message = f"chapter '{chapter.id}' {what} its {timeout:g} s timeout{where}"
        summary = f"Timeout: the chapter {what} its {timeout:g} s limit"
        hint = "make the cell faster or raise `code.timeout` in course.yaml"
    else:
        code = Code.CELL_CRASH
        how = _death(process.returncode)
        message = f"the Python process running chapter '{chapter.id}' died ({how}){where}"
        summary = f"Crash: the Python process died ({how})"
        if process.returncode == -signal.SIGXFSZ:
            hint = f"a cell wrote a file larger than {FILE_SIZE_LIMIT // 1024**2} MiB"
        notes += tuple(f"process output: {line}" for line in process.log_tail)
    outcome.diagnostics.append(Diagnostic.of(code, message, span, hint=hint, notes=notes))
    if running:
        outcome.outputs.append(CellOutput(running, error=summary))
    return outcome


def _death(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit code {returncode}"


def _not_run(plan: Plan, failed: str | None) -> list[str]:
    ids = [str(c["id"]) for c in plan.cells]
    return ids[ids.index(failed) + 1:] if failed in ids else []


def _take_cell(
    record: CellRecord, cells: dict[str, CodeCell], plan: Plan, outcome: Outcome
) -> None:
    """One finished cell: its output, and what went wrong in it."""
    cell = cells[str(record["cell"])]
    error = record["error"]
    # Outputs reach terminals and pages: no control character may drive either.
    texts = {"stdout": without_controls(str(record["stdout"])),
             "stderr": without_controls(str(record["stderr"]))}
    dropped_from = record["dropped"]
    for stream, dropped in (("stderr", dropped_from["stderr"]), ("stdout", dropped_from["stdout"])):
        if dropped:
            kept = len(texts[stream])
            outcome.diagnostics.append(Diagnostic.of(
                Code.CELL_OUTPUT_LIMIT,
                f"cell '{cell.id}' wrote {kept + dropped:,} characters to {stream}; only the "
                f"first {kept:,} are kept",
                cell.span, hint="print a summary instead (a shape, a few values, a plot)",
            ))
            texts[stream] += f"\n[... {dropped:,} more characters not kept]\n"
    figures = tuple(_kept_figures(cell, record["figures"], outcome))
    outcome.outputs.append(CellOutput(
        cell.id, texts["stdout"], texts["stderr"],
        without_controls(str(error["summary"])) if error else None,
        figures, float(record["duration"]),
    ))
    if error:
        outcome.diagnostics.append(_error_diagnostic(cell, error, cells, _not_run(plan, cell.id)))
    _take_verified(plan.chapter, record["verified"], outcome)


def _kept_figures(cell: CodeCell, figures: list[str], outcome: Outcome) -> list[str]:
    kept = []
    for n, svg in enumerate(figures, 1):
        active = svg_problem(svg.encode()) if len(svg) <= FIGURE_LIMIT else None
        if active is not None:
            outcome.diagnostics.append(Diagnostic.of(
                Code.UNSAFE_SVG,
                f"figure {n} of cell '{cell.id}' holds {active}; it is left out",
                cell.span,
            ))
            continue
        if len(svg) <= FIGURE_LIMIT:
            kept.append(svg)
            continue
        outcome.diagnostics.append(Diagnostic.of(
            Code.CELL_OUTPUT_LIMIT,
            f"figure {n} of cell '{cell.id}' is {len(svg):,} characters of SVG, more than "
            f"{FIGURE_LIMIT:,}; it is left out",
            cell.span, hint="plot fewer points, or pass rasterized=True to the plot call",
        ))
    return kept


def _take_verified(
    chapter: Chapter, values: dict[str, VerifiedRecord], outcome: Outcome
) -> None:
    """Values of `verify:` expressions (compared later), or why an expression failed."""
    questions = {q.id: q for q in chapter.questions if isinstance(q, Numeric | Text)}
    for question_id, verified in sorted(values.items()):
        question = questions[question_id]
        if "error" in verified:
            expr = question.verify.expr if question.verify else ""
            outcome.diagnostics.append(Diagnostic.of(
                Code.VERIFY_FAILED,
                f"the verify expression `{expr}` of question '{question_id}' failed: "
                f"{verified['error']}",
                # At the expression, not at the `{` of `verify: {cell: x, expr: ...}`.
                question.verify.span_of("expr") if question.verify else question.span,
            ))
        elif isinstance(question, Numeric):
            outcome.verified[question_id] = float(verified["value"])
        else:
            outcome.verified[question_id] = str(verified["value"])


def _line_span(
    cell: CodeCell, line: int | None, column: int | None = None, end_column: int | None = None
) -> Span | None:
    """Where line `line` (1-based) of the cell's source is in the YAML file.

    The loader's span of `source` is the first character of the text (for a `|` block, the
    first content line), so source line k sits k - 1 lines further down, and column c of the
    source is c - 1 columns right of the block's indentation.
    """
    base = cell.span_of("source")
    if base is None or line is None:
        return base if base is not None else cell.span
    if column is None:  # no column from Python: point at the line's first character
        lines = cell.source.splitlines()
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        column = len(text) - len(text.lstrip()) + 1
    exact = text_position_span(cell, "source", line, column)
    if exact is not None:  # through the quoting of `source: "..."` too
        last = text_position_span(cell, "source", line, end_column - 1) if end_column else None
        if last is not None and last.line == exact.line:
            return Span(exact.file, exact.line, exact.column, last.line, last.column + 1)
        return exact
    row = base.line + line - 1
    shift = base.column - 1
    return Span(base.file, row, column + shift, row if end_column else None,
                end_column + shift if end_column else None)


def _error_diagnostic(
    cell: CodeCell, error: ErrorRecord, cells: dict[str, CodeCell], left: list[str]
) -> Diagnostic:
    # The innermost frame in any cell of the chapter is the line the author can fix, even
    # when it is in a function an earlier cell defined.
    owner = cells.get(str(error["file"] or "").removeprefix("<cell:").removesuffix(">"), cell)
    span = _line_span(owner, error["line"], error["column"], error["end_column"])
    notes = [_frame_note(frame, cells) for frame in error["frames"]]
    if notes:
        notes.insert(0, "traceback, innermost last:")
    if left:
        notes.append(f"cells that did not run: {', '.join(left)}")
    if error["syntax"]:
        return Diagnostic.of(Code.CELL_SYNTAX, f"cell '{cell.id}' is not valid Python: "
                             f"{error['summary']}", span, notes=tuple(notes))
    return Diagnostic.of(Code.CELL_ERROR, f"cell '{cell.id}' raised {error['summary']}", span,
                         hint=_confinement_hint(str(error["summary"])), notes=tuple(notes))


def _confinement_hint(summary: str) -> str | None:
    """What the sandbox refused, said plainly (the error alone reads like a broken disk)."""
    if "Read-only file system" in summary:
        return ("cells see the files read-only; write to their scratch folder instead "
                "(tempfile, or a path under $HOME), which is deleted afterwards")
    if summary.startswith("MemoryError"):
        return f"cells may use {MEMORY_LIMIT // 1024**3} GiB of memory"
    return None


def _frame_note(frame: FrameRecord, cells: dict[str, CodeCell]) -> str:
    file, line = str(frame["file"]), int(frame["line"] or 0)
    cell = cells.get(file.removeprefix("<cell:").removesuffix(">")) if file.startswith("<cell:") \
        else None
    span = _line_span(cell, line) if cell else None
    where = f"{span.file}:{span.line}" if span else f"{display_path(file)}:{line}"
    text = f": {frame['text']}" if frame["text"] else ""
    return f"  {where} in {frame['name']}{text}"
