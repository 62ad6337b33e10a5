"""Run the code cells of a course at build time, cache their outputs, check `verify:` answers.

Each chapter runs in one fresh Python process (engine/cellrunner.py): its cells in order in
one namespace, the course folder as working directory, the course's `python_path` first on
`sys.path`, BLAS on one thread, matplotlib on the Agg backend, and `code.timeout` seconds
for the whole chapter. The process is confined (engine/sandbox.py: a clean environment,
resource limits, a scratch folder, and with bubblewrap no network and read-only files).
Chapters run in parallel, one process each. Whatever goes wrong in a
cell is an author's problem, so it becomes a Diagnostic at the YAML line that caused it and
the rest of the course goes on; it is never an exception here.

`verify:` values are computed in the child right after their cell ran, then compared here
with the question's own grading rules (engine.grading), so the check also runs on cached
values: fixing an answer does not re-execute anything.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine import cellprocess, cellrunner
from engine.diagnostics import Code, Diagnostic
from engine.grading import number_is_right, text_is_right
from engine.model import Chapter, CodeCell, Course, Numeric, Text
from engine.outputcache import (
    CachedChapter,
    OutputCache,
    VerifiedValue,
    chapter_key,
    course_fingerprint,
    default_cache_dir,
)
from engine.outputs import CellOutput
from engine.sandbox import DESCRIPTOR_OUTPUT_LIMIT, FILE_SIZE_LIMIT, Sandbox, detect
from engine.scalar_map import text_position_span
from engine.span import Span

OUTPUT_LIMIT = 1_000_000
"""Characters kept per cell and stream (stdout, stderr); more is a `cell-output-limit` error."""

FIGURE_LIMIT = 5_000_000
"""Characters of SVG per figure; a larger one (a scatter of a million points) is dropped."""

Progress = Callable[[str], None]
JsonObject = dict[str, Any]


@dataclass
class ExecutionResult:
    """What running (or looking up) a course's code cells gave."""

    outputs: dict[str, CellOutput] = field(default_factory=dict)
    """Cell id -> output, for every cell that ran (cells after a failure are absent)."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    """Cell errors, timeouts, crashes, output limits and `verify:` problems, in course order."""
    verified: dict[str, VerifiedValue] = field(default_factory=dict)
    """Question id -> the value its `verify:` expression gave (checked against its answer)."""
    executed: list[str] = field(default_factory=list)
    """Chapters that ran now (failed ones included)."""
    cached: list[str] = field(default_factory=list)
    """Chapters whose outputs came from the cache."""
    failed: list[str] = field(default_factory=list)
    """Chapters that ran now and had a problem (they are not cached)."""
    skipped: list[str] = field(default_factory=list)
    """Chapters with cells that neither ran nor were cached (`execute=False`)."""
    seconds: float = 0.0
    """Wall-clock time of the whole call."""

    def summary(self) -> str:
        """`16 chapters: 2 executed, 14 from cache, 0 failed (3.1 s)`."""
        total = len(self.executed) + len(self.cached) + len(self.skipped)
        text = (
            f"{total} chapter{'s' * (total != 1)}: {len(self.executed)} executed, "
            f"{len(self.cached)} from cache, {len(self.failed)} failed"
        )
        if self.skipped:
            text += f", {len(self.skipped)} not executed (no cache)"
        return f"{text} ({self.seconds:.1f} s)"


@dataclass(frozen=True)
class _Plan:
    """One chapter's work: the cells the runner gets and the key of their outputs."""

    chapter: Chapter
    cells: list[JsonObject]
    key: str


@dataclass
class _Outcome:
    outputs: list[CellOutput]
    verified: dict[str, VerifiedValue]
    diagnostics: list[Diagnostic]
    seconds: float = 0.0


def execute_course(
    course: Course,
    *,
    cache_dir: Path | None = None,
    refresh: bool = False,
    execute: bool = True,
    jobs: int | None = None,
    progress: Progress | None = None,
    chapters: Collection[str] | None = None,
    announce: Progress | None = None,
    sandbox: Sandbox | None = None,
) -> ExecutionResult:
    """Run (or take from the cache) every chapter's cells and check every `verify:` answer.

    `refresh` runs even cached chapters; `execute=False` runs nothing and uses the cache where
    it has an entry. `jobs` chapters run at once (default: one per CPU). `progress` is called
    from this thread with one line per chapter when it is done. `chapters` limits the work to
    those chapter ids. `announce` is told, before anything runs, how many cells of which
    course are about to run and how they are confined (`sandbox`, default: the best this
    machine offers).
    """
    started = time.perf_counter()
    cache_dir = cache_dir or default_cache_dir(course)
    cache = OutputCache(cache_dir)
    fingerprint = course_fingerprint(course)
    plans = [
        plan for chapter in course.chapters
        if (chapters is None or chapter.id in chapters)
        and (plan := _plan(chapter, fingerprint, Path(course.root))) is not None
    ]
    result = ExecutionResult()
    outcomes: dict[str, _Outcome] = {}
    pending: list[_Plan] = []
    for plan in plans:
        entry = None if refresh else cache.load(plan.chapter.id, plan.key)
        if entry is not None:
            outcomes[plan.chapter.id] = _Outcome(list(entry.outputs), dict(entry.verified), [])
            result.cached.append(plan.chapter.id)
            _tell(progress, f"{plan.chapter.id}: from cache")
        elif execute:
            pending.append(plan)
        else:
            result.skipped.append(plan.chapter.id)
            _tell(progress, f"{plan.chapter.id}: not executed (no cache)")
    if pending:
        sandbox = sandbox or detect()
        _tell(announce, running_line(course, pending, sandbox))
        workers = max(1, min(jobs or os.cpu_count() or 1, len(pending)))
        pending = _longest_first(pending, cache) if workers > 1 else pending
        with ThreadPoolExecutor(workers, thread_name_prefix="lessonkit-cells") as pool:
            futures = {pool.submit(_execute, course, plan, sandbox, cache_dir): plan
                       for plan in pending}
            try:
                for future in as_completed(futures):
                    plan = futures[future]
                    outcome = outcomes[plan.chapter.id] = future.result()
                    _store_if_clean(cache, plan, outcome)
                    state = "failed" if outcome.diagnostics else "executed"
                    _tell(progress, f"{plan.chapter.id}: {state} in {outcome.seconds:.1f} s")
            except BaseException:  # Ctrl-C or a bug: stop the children before the pool waits
                for future in futures:
                    future.cancel()
                cellprocess.stop_all()
                raise
    ran = {plan.chapter.id for plan in pending}
    for plan in plans:  # course order, whatever order the chapters finished in
        chapter_id = plan.chapter.id
        if chapter_id not in outcomes:
            continue
        outcome = outcomes[chapter_id]
        if chapter_id in ran:
            result.executed.append(chapter_id)
            if outcome.diagnostics:
                result.failed.append(chapter_id)
        result.outputs.update((o.cell_id, o) for o in outcome.outputs)
        result.verified.update(outcome.verified)
        result.diagnostics.extend(outcome.diagnostics)
        result.diagnostics.extend(_check_answers(plan.chapter, outcome.verified))
    result.seconds = time.perf_counter() - started
    return result


def cached_outputs(
    course: Course, chapter: Chapter, cache_dir: Path | None = None
) -> dict[str, CellOutput] | None:
    """The chapter's cached outputs by cell id; None when they are not in the cache."""
    plan = _plan(chapter, course_fingerprint(course), Path(course.root))
    if plan is None:
        return {}
    entry = OutputCache(cache_dir or default_cache_dir(course)).load(chapter.id, plan.key)
    return None if entry is None else {o.cell_id: o for o in entry.outputs}


def run_chapter(
    course: Course, chapter: Chapter, cache_dir: Path | None = None,
    announce: Progress | None = None,
) -> dict[str, CellOutput]:
    """Run the chapter's cells now (cached afterwards when clean); outputs by cell id.

    A failure shows as the `error` of the cell it happened in; cells after it are absent.
    """
    plan = _plan(chapter, course_fingerprint(course), Path(course.root))
    if plan is None:
        return {}
    cache_dir = cache_dir or default_cache_dir(course)
    sandbox = detect()
    _tell(announce, running_line(course, [plan], sandbox))
    outcome = _execute(course, plan, sandbox, cache_dir)
    _store_if_clean(OutputCache(cache_dir), plan, outcome)
    return {o.cell_id: o for o in outcome.outputs}


def running_line(course: Course, plans: list[_Plan], sandbox: Sandbox) -> str:
    """`running 31 code cells of 12 chapters from intro-to-rnns in a sandbox (...)`."""
    cells, chapters = sum(len(p.cells) for p in plans), len(plans)
    return (f"running {cells} code cell{'s' * (cells != 1)} of {chapters} "
            f"chapter{'s' * (chapters != 1)} from {course.id} "
            f"{sandbox.describe(course.code.timeout)}")


def _longest_first(plans: list[_Plan], cache: OutputCache) -> list[_Plan]:
    """Start order for parallel runs: chapters never timed first, then the slowest.

    With course order, one long chapter near the end runs alone while the other workers
    idle; starting it early lets the short ones fill in around it.
    """
    def expected(plan: _Plan) -> float:
        seconds = cache.last_seconds(plan.chapter.id)
        return float("inf") if seconds is None else seconds

    return sorted(plans, key=expected, reverse=True)  # stable: ties keep course order


def _tell(progress: Progress | None, line: str) -> None:
    if progress is not None:
        progress(line)


def _store_if_clean(cache: OutputCache, plan: _Plan, outcome: _Outcome) -> None:
    # A failed run is not stored: the author sees the error again on the next build, and
    # a failure caused by the environment (a missing package) heals once it is fixed.
    if not outcome.diagnostics:
        cache.store(CachedChapter(plan.chapter.id, plan.key, tuple(outcome.outputs),
                                  outcome.verified, outcome.seconds))


def _cell_file(cell_id: str) -> str:
    """The pseudo-filename a cell's code is compiled under, as tracebacks show it."""
    return f"<cell:{cell_id}>"


def _plan(chapter: Chapter, fingerprint: str, root: Path) -> _Plan | None:
    """The runner's job for the chapter, or None when no cell runs."""
    verifies: dict[str, list[JsonObject]] = {}
    for question in chapter.questions:
        # engine.rules already reports a verify naming an unknown cell or one with run:
        # false, so a loaded course never has one; such a verify simply has nothing to run.
        if isinstance(question, Numeric | Text) and question.verify is not None:
            want = "number" if isinstance(question, Numeric) else "text"
            verifies.setdefault(question.verify.cell, []).append(
                {"question": question.id, "expr": question.verify.expr, "want": want}
            )
    cells = [
        {"id": cell.id, "filename": _cell_file(cell.id), "source": cell.source,
         "verify": verifies.get(cell.id, [])}
        for cell in chapter.code_cells if cell.run
    ]
    if not cells:
        return None
    sources = [str(cell["source"]) for cell in cells]
    return _Plan(chapter, cells, chapter_key(fingerprint, chapter.id, cells, sources, root))


# --- running one chapter ---------------------------------------------------------------------


def _execute(course: Course, plan: _Plan, sandbox: Sandbox, cache_dir: Path) -> _Outcome:
    root = Path(course.root).resolve()
    python_path = [(root / entry).resolve() for entry in course.code.python_path]
    job = {
        "format": cellrunner.FORMAT,
        "python_path": [str(p) for p in python_path],
        "output_limit": OUTPUT_LIMIT,
        "cells": plan.cells,
    }
    process = cellprocess.launch(job, root, course.code.timeout, sandbox, python_path,
                                 fonts=cache_dir / cellprocess.MATPLOTLIB_CACHE)
    outcome = _interpret(course, plan, process)
    outcome.seconds = process.seconds
    return outcome


def _interpret(course: Course, plan: _Plan, process: cellprocess.Finished) -> _Outcome:
    """Turn the child's records into outputs, verified values and diagnostics."""
    chapter = plan.chapter
    cells = {cell.id: cell for cell in chapter.code_cells}
    outcome = _Outcome([], {}, [])
    running: str | None = None
    finished = False
    for record in process.records:
        event = record.get("event")
        if event == "start":
            running = record["cell"]
        elif event == "cell":
            running = None
            _take_cell(record, cells, plan, outcome)
        elif event == "end":
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


def _not_run(plan: _Plan, failed: str | None) -> list[str]:
    ids = [str(c["id"]) for c in plan.cells]
    return ids[ids.index(failed) + 1:] if failed in ids else []


def _take_cell(
    record: JsonObject, cells: dict[str, CodeCell], plan: _Plan, outcome: _Outcome
) -> None:
    """One finished cell: its output, and what went wrong in it."""
    cell = cells[str(record["cell"])]
    error = record["error"]
    texts = {"stdout": str(record["stdout"]), "stderr": str(record["stderr"])}
    for stream, dropped in sorted(record["dropped"].items()):
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
        cell.id, texts["stdout"], texts["stderr"], error["summary"] if error else None,
        figures, float(record["duration"]),
    ))
    if error:
        outcome.diagnostics.append(_error_diagnostic(cell, error, cells, _not_run(plan, cell.id)))
    _take_verified(plan.chapter, record["verified"], outcome)


def _kept_figures(cell: CodeCell, figures: list[str], outcome: _Outcome) -> list[str]:
    kept = []
    for n, svg in enumerate(figures, 1):
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


def _take_verified(chapter: Chapter, values: JsonObject, outcome: _Outcome) -> None:
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
    cell: CodeCell, error: JsonObject, cells: dict[str, CodeCell], left: list[str]
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
                         notes=tuple(notes))


def _frame_note(frame: JsonObject, cells: dict[str, CodeCell]) -> str:
    file, line = str(frame["file"]), int(frame["line"] or 0)
    cell = cells.get(file.removeprefix("<cell:").removesuffix(">")) if file.startswith("<cell:") \
        else None
    span = _line_span(cell, line) if cell else None
    where = f"{span.file}:{span.line}" if span else f"{_shown(file)}:{line}"
    text = f": {frame['text']}" if frame["text"] else ""
    return f"  {where} in {frame['name']}{text}"


def _shown(file: str) -> str:
    """A path relative to the working directory when it is inside it (as editors link it)."""
    try:
        return Path(file).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return file


# --- verify ----------------------------------------------------------------------------------


def _check_answers(chapter: Chapter, verified: dict[str, VerifiedValue]) -> list[Diagnostic]:
    """Compare every verified value with the answer its question states."""
    found: list[Diagnostic] = []
    for question in chapter.questions:
        if not isinstance(question, Numeric | Text) or question.verify is None:
            continue
        if question.id not in verified:
            continue  # the cell did not run; its own diagnostic says why
        value, verify = verified[question.id], question.verify
        source = f"`{verify.expr}` = {value!r} (computed by cell '{verify.cell}')"
        if isinstance(question, Numeric):
            number = float(value)
            if not number_is_right(number, question.answer, question.tolerance, question.range):
                span = question.span_of("answer" if question.answer is not None else "range")
                found.append(Diagnostic.of(
                    Code.VERIFY_MISMATCH,
                    f"the stated answer {_stated(question)} does not match {source}",
                    span,
                ))
        elif not text_is_right(str(value), question.accept, question.pattern,
                               question.case_sensitive):
            span = question.span_of("accept" if question.accept else "pattern")
            accepted = ", ".join(repr(a) for a in question.accept)
            pattern = f" or pattern {question.pattern!r}" if question.pattern else ""
            found.append(Diagnostic.of(
                Code.VERIFY_MISMATCH,
                f"the accepted answers [{accepted}]{pattern} do not accept {source}",
                span,
            ))
    return found


def _stated(question: Numeric) -> str:
    """`0.25 ± 0.01`, `0.0052 ± 10%`, `in [1, 2]`, or both."""
    parts = []
    if question.answer is not None:
        tolerance = "" if question.tolerance is None else f" ± {question.tolerance}"
        parts.append(f"{question.answer:.15g}{tolerance}")
    if question.range is not None:
        parts.append(f"in [{question.range[0]:.15g}, {question.range[1]:.15g}]")
    return " or ".join(parts)
