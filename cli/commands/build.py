"""`lessonkit build`: check, run code cells, render every asked format and write it atomically."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

import renderers
from cli.commands.common import (
    course_path,
    failed,
    print_diagnostics,
    summary,
)
from engine.diagnostics import Code

if TYPE_CHECKING:
    from cli.output import Staging
    from cli.rebuild import RebuildState
    from engine.diagnostics import Diagnostic
    from engine.model import CodeCell, Course
    from engine.outputs import CellOutput


class _BuildCommand(click.Command):
    """`build`, whose help lists every registered format with its description."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_help_text(ctx, formatter)
        with formatter.section("Formats"):
            formatter.write_dl(_format_rows())


def _format_rows() -> list[tuple[str, str]]:
    """(name, "description (where it goes)") of every renderer, for `build --help`; only
    help imports the renderers' modules, as their descriptions live there."""
    rows = []
    for name in renderers.available():
        try:
            renderer = renderers.get(name)
        except ImportError as error:  # a third-party renderer whose dependencies are missing
            rows.append((name, f"cannot be loaded: {error}"))
            continue
        folder = renderer.output_folder
        where = f"OUT/{folder}/" if folder is not None else "OUT/"
        rows.append((name, f"{renderer.description} (in {where})"))
    return rows


@click.command(cls=_BuildCommand)
@course_path
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    default=("html",),
    show_default=True,
    type=click.Choice([*renderers.available(), "all"]),
    help="What to build (see Formats below); repeat it for several, or give 'all'.",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False),
    default="_build",
    show_default=True,
    help="Output folder: the site goes to OUT/site/, packages to OUT/ (see Formats).",
)
@click.option("--strict", is_flag=True, help="Fail on any warning, fidelity losses included.")
@click.option("--no-execute", is_flag=True, help="Run no code cell; show cached outputs only.")
@click.option("--refresh", is_flag=True, help="Run every code cell again, ignoring the cache.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes to use: chapters whose code runs at once, and processes rendering "
    "pages (default: one per core).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but problems.")
@click.option("-v", "--verbose", is_flag=True, help="Say what each step does.")
def build(
    path: str,
    formats: tuple[str, ...],
    out: str,
    strict: bool,
    no_execute: bool,
    refresh: bool,
    jobs: int | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Build the course at PATH into a static site and LMS packages.

    Every format is written under temporary names first and swapped in only when
    the whole build passed, so a failed or stopped build leaves every previous
    output untouched. Pages of unchanged chapters come
    from OUT/.cache/ (delete it to start over), and files that did not change are
    linked from the previous site instead of written again.
    """
    from engine.loading.loader import check_course

    started = time.perf_counter()
    wanted = renderers.available() if "all" in formats else list(dict.fromkeys(formats))
    result = check_course(path, jobs=jobs)
    diagnostics = list(result.diagnostics)
    if result.course is None or failed(diagnostics, strict):
        print_diagnostics(diagnostics)
        click.echo(f"build stopped: {summary(diagnostics)}", err=True)
        raise SystemExit(1)
    course = result.course
    out_dir = Path(out)
    say = _sayer(quiet, verbose)
    written: list[tuple[str, Path]] = []
    losses: dict[str, int] = {}
    from cli.output import Staging

    # Every format is rendered and written under temporary names first; only a build that
    # passes swaps them in, so a failed or interrupted one leaves every output as it was.
    staging = Staging()
    try:
        with _terminate_as_exit():
            outputs, exec_diags = _execute(course, no_execute, refresh, jobs, say)
            diagnostics.extend(exec_diags)
            # One step per chapter and format: the site reports its pages as they are
            # done; a format that does not report moves the bar on by a whole format.
            chapters = max(1, len(course.chapters))
            with progress_bar("rendering", len(wanted) * chapters, quiet) as advance:
                for fmt in wanted:
                    say(f"rendering {fmt}", verbose_only=True)
                    done = _Counted(advance)
                    fmt_diags, paths = render_format(
                        course, fmt, out_dir, outputs, strict,
                        jobs=jobs or os.cpu_count() or 1, progress=done, staging=staging,
                    )
                    written.extend((fmt, p) for p in paths)
                    diagnostics.extend(_fidelity(fmt, fmt_diags, strict, quiet, losses,
                                                 verbose, _fidelity_line(course, fmt, staging)))
                    advance(max(0, chapters - done.steps))
            print_diagnostics(diagnostics)
            if failed(diagnostics, strict):
                click.echo(f"build failed: {summary(diagnostics)}; the previous output is "
                           "untouched", err=True)
                raise SystemExit(1)
            staging.commit()
    except OSError as error:
        # The output folder cannot be written: say where and why, not a traceback.
        where = error.filename or out_dir
        click.echo(f"build failed: cannot write {where}: {error.strerror or error}", err=True)
        raise SystemExit(1) from error
    finally:
        staging.abort()
    if not quiet:
        seconds = time.perf_counter() - started
        click.echo(f"built {course.id} in {seconds:.1f}s ({summary(diagnostics)}):", err=True)
        for fmt, target in written:
            note = ""
            if fmt in losses and target.name.endswith("-fidelity.json"):
                note = f"  ({losses[fmt]} losses)"
            click.echo(f"  {fmt:10} {target}{note}", err=True)


def render_format(
    course: Course,
    fmt: str,
    out_dir: Path,
    outputs: Mapping[str, CellOutput],
    strict: bool,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    staging: Staging | None = None,
    rebuild: RebuildState | None = None,
) -> tuple[list[Diagnostic], list[Path]]:
    """Render one format and write it; nothing is written when `strict` and it lost anything.

    `jobs` is how many processes the renderer may use; `progress` is told how many more
    chapters are done as it goes. With `staging`, the files are only staged: the caller
    commits them (with the other formats) or drops them. A long-running caller passes its
    `rebuild` state, so unchanged work of its last build is reused and it may return
    before the replaced site folder is deleted.
    """
    from cli.output import Staging
    from renderers.base import RenderContext

    renderer = renderers.get(fmt)
    # Validated by the renderer's own model (`check` reported any mistake in them already).
    ctx = RenderContext(
        options=renderer.Options.model_validate(course.renderers.get(fmt, {})),
        outputs=outputs,
        strict=strict,
        cache_dir=out_dir / ".cache" / fmt,
        jobs=jobs,
        progress=progress,
        memory=rebuild.render if rebuild is not None else None,
    )
    bundle = renderer.render(course, ctx)
    if failed(ctx.diagnostics, strict) and strict:
        return ctx.diagnostics, []
    own = staging is None
    stage = (Staging(rebuild.written if rebuild is not None else None) if staging is None
             else staging)
    try:
        paths = stage.bundle(bundle, out_dir, renderer.output_folder)
        if own:
            stage.commit()
    finally:
        if own:
            stage.abort()
    return ctx.diagnostics, paths


def _execute(
    course: Course,
    no_execute: bool,
    refresh: bool,
    jobs: int | None,
    say: _Say,
) -> tuple[dict[str, CellOutput], list[Diagnostic]]:
    chapters = [c for c in course.chapters if any(cell.run for cell in c.code_cells)]
    if not chapters:
        return {}, []
    from engine.execution.execute import execute_course

    say("running code cells" + (" (cached outputs only)" if no_execute else ""), verbose_only=True)
    with progress_bar(f"code cells of {len(chapters)} chapters", len(chapters),
                      say.quiet) as advance:
        result = execute_course(
            course, refresh=refresh, execute=not no_execute, jobs=jobs,
            progress=lambda _chapter: advance(1), announce=say,
        )
    say(f"code cells: {result.summary()}", verbose_only=True)
    return dict(result.outputs), list(result.diagnostics)


@contextmanager
def progress_bar(label: str, total: int, quiet: bool) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr when it is a terminal (and not --quiet); silent otherwise.

    It yields `advance(steps)`.
    """
    if quiet or not sys.stderr.isatty() or total < 2:
        yield lambda _steps: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    console = Console(stderr=True, no_color=bool(os.environ.get("NO_COLOR")))
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda steps: bar.advance(task, steps)


def _fidelity(fmt: str, found: list[Diagnostic], strict: bool, quiet: bool,
              losses: dict[str, int], verbose: bool, line: str | None) -> list[Diagnostic]:
    """The format's diagnostics that count; what it cannot carry is summarised.

    A loss is expected, so it is not printed as a problem unless `strict` makes it one.
    A normal build prints one line per format with the losses counted by kind (`line`,
    from the fidelity JSON, which keeps every detail); `--verbose` lists every loss.
    """
    if strict:
        return found
    fidelity = [d for d in found if d.code is Code.UNSUPPORTED]
    if fidelity:
        losses[fmt] = len(fidelity)
        if verbose:
            click.echo(f"{fmt}: what the format cannot carry", err=True)
            for d in fidelity:
                click.echo(f"  {d.headline()}", err=True)
        elif not quiet:
            click.echo(f"{line or f'{fmt}: {len(fidelity)} losses'}  (--verbose lists them)",
                       err=True)
    return [d for d in found if d.code is not Code.UNSUPPORTED]


def _fidelity_line(course: Course, fmt: str, staging: Staging) -> str | None:
    """The summary line of the format's staged fidelity report (None: it writes none)."""
    import json

    from cli.commands.fidelity_summary import summary_line

    for staged, target in reversed(staging.files):
        if target.name == f"{course.id}-{fmt}-fidelity.json":
            return summary_line(course, json.loads(staged.read_text(encoding="utf-8")))
    return None


@contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """SIGTERM (a service manager, `timeout`, a closed CI job) ends the build like Ctrl-C
    does: by an exception, so staged files are deleted and cells stopped on the way out."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _cells(course: Course) -> list[CodeCell]:
    from engine.model import CodeCell

    return [b for c in course.chapters for b in c.blocks if isinstance(b, CodeCell)]


class _Counted:
    """Passes steps on to a progress bar, counting them."""

    def __init__(self, advance: Callable[[int], None]) -> None:
        self.advance = advance
        self.steps = 0

    def __call__(self, steps: int) -> None:
        self.steps += steps
        self.advance(steps)


class _Say:
    def __init__(self, quiet: bool, verbose: bool) -> None:
        self.quiet, self.verbose = quiet, verbose

    def __call__(self, message: str, verbose_only: bool = False) -> None:
        if self.quiet or (verbose_only and not self.verbose):
            return
        click.echo(message, err=True)


def _sayer(quiet: bool, verbose: bool) -> _Say:
    return _Say(quiet, verbose)
