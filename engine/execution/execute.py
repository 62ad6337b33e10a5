"""Run the code cells of a course at build time, cache their outputs, check `verify:` answers.

Each chapter runs in one fresh Python process (engine/execution/cellrunner.py): its cells in
order in one namespace, the course folder as working directory, the course's `python_path`
first on `sys.path`, BLAS on one thread, matplotlib on the Agg backend, and `code.timeout`
seconds for the whole chapter. The process is confined (engine/execution/sandbox.py: a clean
environment, resource limits, a scratch folder, and with bubblewrap no network and read-only
files). Chapters run in parallel, one process each. Whatever goes wrong in a cell is an
author's problem, so it becomes a Diagnostic at the YAML line that caused it and the rest of
the course goes on; it is never an exception here.

`verify:` values are computed in the child right after their cell ran, then compared here
with the question's own grading rules (engine.grading.score), so the check also runs on cached
values: fixing an answer does not re-execute anything.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from engine.diagnostics import Code, Diagnostic
from engine.execution import cellprocess, cellrunner
from engine.execution.cellprotocol import CellJob, Job, VerifyJob
from engine.execution.cellreport import Outcome, Plan, interpret
from engine.execution.outputcache import (
    CachedChapter,
    OutputCache,
    VerifiedValue,
    chapter_key,
    course_fingerprint,
    default_cache_dir,
)
from engine.execution.sandbox import Sandbox, detect
from engine.grading.score import number_is_right, text_is_right
from engine.model import Chapter, Course, Numeric, Text
from engine.outputs import CellOutput

OUTPUT_LIMIT = 1_000_000
"""Characters kept per cell and stream (stdout, stderr); more is a `cell-output-limit` error."""

Progress = Callable[[str], None]


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
    # The fingerprint probes the BLAS kernel in a child process; a course without code
    # cells has nothing to key and should not pay for that.
    fingerprint = course_fingerprint(course) if _has_runnable_cells(course) else ""
    plans = [
        plan for chapter in course.chapters
        if (chapters is None or chapter.id in chapters)
        and (plan := _plan(chapter, fingerprint, Path(course.root))) is not None
    ]
    result = ExecutionResult()
    outcomes: dict[str, Outcome] = {}
    pending: list[Plan] = []
    for plan in plans:
        entry = None if refresh else cache.load(plan.chapter.id, plan.key)
        if entry is not None:
            outcomes[plan.chapter.id] = Outcome(list(entry.outputs), dict(entry.verified), [])
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
        stopping = threading.Event()
        with ThreadPoolExecutor(workers, thread_name_prefix="lessonkit-cells") as pool:
            futures = {pool.submit(_execute, course, plan, sandbox, cache_dir, stopping): plan
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
                stopping.set()  # before stop_all: a chapter starting now sees it
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


def running_line(course: Course, plans: list[Plan], sandbox: Sandbox) -> str:
    """`running 31 code cells of 12 chapters from intro-to-rnns in a sandbox (...)`."""
    cells, chapters = sum(len(p.cells) for p in plans), len(plans)
    return (f"running {cells} code cell{'s' * (cells != 1)} of {chapters} "
            f"chapter{'s' * (chapters != 1)} from {course.id} "
            f"{sandbox.describe(course.code.timeout)}")


def _has_runnable_cells(course: Course) -> bool:
    return any(cell.run for chapter in course.chapters for cell in chapter.code_cells)


def _longest_first(plans: list[Plan], cache: OutputCache) -> list[Plan]:
    """Start order for parallel runs: chapters never timed first, then the slowest.

    With course order, one long chapter near the end runs alone while the other workers
    idle; starting it early lets the short ones fill in around it.
    """
    def expected(plan: Plan) -> float:
        seconds = cache.last_seconds(plan.chapter.id)
        return float("inf") if seconds is None else seconds

    return sorted(plans, key=expected, reverse=True)  # stable: ties keep course order


def _tell(progress: Progress | None, line: str) -> None:
    if progress is not None:
        progress(line)


def _store_if_clean(cache: OutputCache, plan: Plan, outcome: Outcome) -> None:
    # A failed run is not stored: the author sees the error again on the next build, and
    # a failure caused by the environment (a missing package) heals once it is fixed.
    if not outcome.diagnostics:
        cache.store(CachedChapter(plan.chapter.id, plan.key, tuple(outcome.outputs),
                                  outcome.verified, outcome.seconds))


def _cell_file(cell_id: str) -> str:
    """The pseudo-filename a cell's code is compiled under, as tracebacks show it."""
    return f"<cell:{cell_id}>"


def _plan(chapter: Chapter, fingerprint: str, root: Path) -> Plan | None:
    """The runner's job for the chapter, or None when no cell runs."""
    verifies: dict[str, list[VerifyJob]] = {}
    for question in chapter.questions:
        # engine.checking.rules already reports a verify naming an unknown cell or one with run:
        # false, so a loaded course never has one; such a verify simply has nothing to run.
        if isinstance(question, Numeric | Text) and question.verify is not None:
            want: Literal["number", "text"] = (
                "number" if isinstance(question, Numeric) else "text"
            )
            verifies.setdefault(question.verify.cell, []).append(
                {"question": question.id, "expr": question.verify.expr, "want": want}
            )
    cells: list[CellJob] = [
        {"id": cell.id, "filename": _cell_file(cell.id), "source": cell.source,
         "verify": verifies.get(cell.id, [])}
        for cell in chapter.code_cells if cell.run
    ]
    if not cells:
        return None
    sources = [str(cell["source"]) for cell in cells]
    return Plan(chapter, cells, chapter_key(fingerprint, chapter.id, cells, sources, root))


# --- running one chapter ---------------------------------------------------------------------


def _execute(course: Course, plan: Plan, sandbox: Sandbox, cache_dir: Path,
             stopping: threading.Event | None = None) -> Outcome:
    root = Path(course.root).resolve()
    python_path = [(root / entry).resolve() for entry in course.code.python_path]
    job: Job = {
        "format": cellrunner.FORMAT,
        "python_path": [str(p) for p in python_path],
        "output_limit": OUTPUT_LIMIT,
        "cells": plan.cells,
    }
    process = cellprocess.launch(job, root, course.code.timeout, sandbox, python_path,
                                 fonts=cache_dir / cellprocess.MATPLOTLIB_CACHE,
                                 stopping=stopping)
    outcome = interpret(course, plan, process)
    outcome.seconds = process.seconds
    return outcome


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
