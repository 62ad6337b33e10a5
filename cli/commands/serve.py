"""`lessonkit serve`: preview the site, rebuild on every save, reload the browser.

The command builds the site once, then serves it with the live-reload server of
cli/liveserver.py, which runs the rebuild on every save. `build_html` is what
a rebuild does (check, run code cells, render, write, leaving the previous site up when
the course has errors); `serving_rebuild` is `build_html` with the one rebuild state the
process keeps for its whole life. The CLI may pass its own rebuild.
"""

from __future__ import annotations

import gc
import os
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path

import click

from cli.liveserver import LiveServer, Rebuild
from cli.rebuild import RebuildState
from engine.diagnostics import Diagnostic, Severity
from engine.loading.loader import check_course, course_folder
from engine.model import Course
from engine.outputs import CellOutput


def build_html(course_dir: Path, out: Path, state: RebuildState | None = None
               ) -> list[Diagnostic]:
    """Check the course, run its code cells (cached), render and write `out/site`.

    Nothing is written when the course has errors, so the previous site stays up. Pass
    the same `state` to every call so that only what changed is done again (chapter files
    read, pages rendered, files hashed).
    """
    result = check_course(course_dir, state.load if state is not None else None)
    diagnostics = list(result.diagnostics)
    course = result.course
    if course is None or result.errors:
        return diagnostics
    outputs: dict[str, CellOutput] = {}
    if _runs_cells(course, state):
        from engine.execution.execute import execute_course

        executed = execute_course(
            course, announce=lambda line: click.echo(f"[{time.strftime('%H:%M:%S')}] {line}",
                                                     err=True),
        )
        outputs = dict(executed.outputs)
        diagnostics += executed.diagnostics
        if any(d.severity is Severity.ERROR for d in executed.diagnostics):
            return diagnostics
    # The same rendering and atomic write as `lessonkit build` (cli.commands.build).
    from cli.commands.build import render_format

    rendered, _ = render_format(course, "html", out, outputs, strict=False,
                                jobs=os.cpu_count() or 1, rebuild=state)
    return diagnostics + rendered


def _runs_cells(course: Course, state: RebuildState | None) -> bool:
    """Whether a code cell of the course runs; with `state`, asked again only of the
    chapters that changed (a big course has thousands of blocks to look through)."""
    if state is None:
        return any(cell.run for chapter in course.chapters for cell in chapter.code_cells)
    known, current = state.runs_cells, {}
    for chapter in course.chapters:
        hit = known.get(id(chapter))
        runs = (hit[1] if hit is not None and hit[0] is chapter
                else any(cell.run for cell in chapter.code_cells))
        current[id(chapter)] = (chapter, runs)
    state.runs_cells = current
    return any(runs for _, runs in current.values())


def serving_rebuild(course_dir: Path, out: Path) -> Rebuild:
    """What `lessonkit serve` runs on every save: `build_html` with the one
    `RebuildState` the process keeps for its whole life."""
    state = RebuildState()

    def rebuild() -> list[Diagnostic]:
        # The loaded course stays alive between builds: millions of objects in a big
        # course. With the cyclic collector on, a full collection over them (over a
        # second) would land in the middle of some rebuild; it is off during the build,
        # and what survives the build is frozen out of the collector's view. What the
        # next build replaces is freed by reference counting. (A process-wide choice,
        # so it is made here, by the command that owns the process, not by the build.)
        enabled = gc.isenabled()
        gc.disable()
        try:
            return build_html(course_dir, out, state)
        finally:
            gc.freeze()
            if enabled:
                gc.enable()

    return rebuild


def _echo_outcome(diagnostics: list[Diagnostic], seconds: float) -> None:
    from engine.diagnostic_format import format_text

    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    stamp = time.strftime("%H:%M:%S")
    if errors:
        click.echo(format_text(diagnostics), err=True)
        click.echo(f"[{stamp}] build failed; still serving the last good site", err=True)
    else:
        click.echo(f"[{stamp}] rebuilt in {seconds:.2f} s", err=True)


def make_serve_command(make_rebuild: Callable[[Path, Path], Rebuild]) -> click.Command:
    """The `serve` command, rebuilding with `make_rebuild(course_dir, out_dir)()`."""

    @click.command(name="serve")
    @click.argument("path", type=click.Path(exists=True), default=".")
    @click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
                  help="Port on 127.0.0.1 (0 picks a free one).")
    @click.option("-o", "--out", type=click.Path(file_okay=False), default="_build",
                  show_default=True, help="Output folder; the site goes to OUT/site/.")
    @click.option("--open/--no-open", "open_browser", default=False,
                  help="Open the site in a web browser.")
    def serve(path: str, port: int, out: str, open_browser: bool) -> None:
        """Preview the site of the course at PATH, rebuilding on every save.

        When a save breaks the course, the page shows the problems and the last good
        build stays up. Stop with Ctrl-C.
        """
        course_dir = course_folder(path)
        out_dir = Path(out)
        server = LiveServer(out_dir / "site", make_rebuild(course_dir, out_dir), [course_dir],
                            port=port, ignore=[out_dir])
        _echo_outcome(server.build_once(), server.seconds)
        server.start(lambda diagnostics: _echo_outcome(diagnostics, server.seconds))
        click.echo(f"serving {course_dir} at {server.url} (Ctrl-C to stop)", err=True)
        if open_browser:
            webbrowser.open(server.url)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            click.echo("stopped", err=True)
        finally:
            server.stop()

    return serve


serve = make_serve_command(serving_rebuild)
"""`lessonkit serve PATH [--port N] [--out DIR] [--open/--no-open]`."""
