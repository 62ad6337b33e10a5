"""`lessonkit run`: execute a course's code cells (or show the cached outputs) in the terminal."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from cli.commands.common import course_path, failed, print_diagnostics, use_color
from engine.diagnostics import did_you_mean
from engine.execution.execute import ExecutionResult
from engine.model import Chapter, CodeCell, Course, Numeric
from engine.model import Text as TextQuestion
from engine.outputs import CellOutput
from engine.span import display_path


@click.command()
@course_path
@click.option("--chapter", "chapter_ids", multiple=True, metavar="ID",
              help="Only this chapter (repeat for several).")
@click.option("--refresh", is_flag=True, help="Run every chapter, even those in the cache.")
@click.option("--no-execute", is_flag=True, help="Run nothing; show what the cache holds.")
@click.option("--figures-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where figures are saved [default: <course>/.lessonkit-cache/figures].")
@click.option("-j", "--jobs", type=click.IntRange(min=1),
              help="Chapters that run at once [default: one per CPU].")
@click.option("-q/-v", "--quiet/--verbose", "quiet", default=None,
              help="Quiet: only problems and the summary. Verbose: also sources and timings.")
def run(path: str, chapter_ids: tuple[str, ...], refresh: bool, no_execute: bool,
        figures_dir: Path | None, jobs: int | None, quiet: bool | None) -> None:
    """Run the code cells of the course at PATH and print their outputs.

    Each chapter runs in a fresh Python process; unchanged chapters come from the cache
    (.lessonkit-cache/outputs/) without running. Figures are saved as SVG files and their
    paths printed. Cell errors, timeouts and `verify:` mismatches are reported like
    `lessonkit check` reports mistakes.

    \b
    Exit status: 0 clean, 1 a cell failed or an answer disagrees with its code, 2 bad usage.
    """
    from engine.execution.execute import execute_course
    from engine.loading.loader import check_course

    loaded = check_course(path)
    if loaded.course is None:
        print_diagnostics(loaded.diagnostics)
        raise SystemExit(1)
    course = loaded.course
    selected = _select(course, chapter_ids)
    color = use_color(sys.stdout)
    console = Console(file=sys.stdout, highlight=False, soft_wrap=True, emoji=False,
                      color_system="auto" if color else None, force_terminal=color)
    todo = sum(1 for chapter in selected if any(cell.run for cell in chapter.code_cells))
    with _progress_bar(todo) as progress:
        result = execute_course(
            course, refresh=refresh, execute=not no_execute, jobs=jobs, progress=progress,
            chapters={chapter.id for chapter in selected},
            announce=None if quiet else lambda line: click.echo(line, err=True),
        )
    folder = figures_dir or Path(course.root) / ".lessonkit-cache" / "figures"
    for number, chapter in _numbered(course, selected):
        paths = _save_figures(chapter, result.outputs, folder)
        if not quiet:
            _show_chapter(console, number, chapter, result, paths, verbose=quiet is False)
    print_diagnostics(result.diagnostics)
    click.echo(result.summary(), err=True)
    raise SystemExit(1 if failed(result.diagnostics, strict=False) else 0)


def _select(course: Course, chapter_ids: tuple[str, ...]) -> list[Chapter]:
    known = {chapter.id: chapter for chapter in course.chapters}
    for wanted in chapter_ids:
        if wanted not in known:
            guess = did_you_mean(wanted, known)
            raise click.BadParameter(
                f"no chapter '{wanted}'" + (f"; did you mean '{guess}'?" if guess else ""),
                param_hint="--chapter",
            )
    if not chapter_ids:
        return course.chapters
    return [chapter for chapter in course.chapters if chapter.id in chapter_ids]


def _numbered(course: Course, chapters: list[Chapter]) -> Iterator[tuple[str, Chapter]]:
    wanted = {chapter.id for chapter in chapters}
    for section_no, chapter_no, _, chapter in course.numbered_chapters():
        if chapter.id in wanted and any(cell.run for cell in chapter.code_cells):
            yield f"{section_no}.{chapter_no}", chapter


@contextmanager
def _progress_bar(total: int) -> Iterator[Callable[[str], None] | None]:
    """A bar on stderr while chapters run, only on a terminal (logs and pipes stay clean)."""
    if not sys.stderr.isatty() or total == 0:
        yield None
        return
    from rich.progress import Progress

    console = Console(stderr=True, no_color=not use_color(sys.stderr))
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("running cells", total=total)

        def advance(line: str) -> None:
            bar.update(task, advance=1, description=line)

        yield advance


def _save_figures(
    chapter: Chapter, outputs: dict[str, CellOutput], folder: Path
) -> dict[str, list[Path]]:
    """Write every figure as `<cell-id>-<n>.svg`; drop files of figures a cell no longer makes."""
    saved: dict[str, list[Path]] = {}
    for cell in chapter.code_cells:
        output = outputs.get(cell.id)
        if output is None:
            continue
        paths = saved[cell.id] = []
        for n, svg in enumerate(output.figures, 1):
            target = folder / f"{cell.id}-{n}.svg"
            folder.mkdir(parents=True, exist_ok=True)
            temp = target.with_suffix(".svg.tmp")
            temp.write_text(svg, encoding="utf-8")
            os.replace(temp, target)
            paths.append(target)
        stale = len(output.figures) + 1
        while (old := folder / f"{cell.id}-{stale}.svg").exists():
            old.unlink()
            stale += 1
    return saved


def _show_chapter(console: Console, number: str, chapter: Chapter, result: ExecutionResult,
                  figures: dict[str, list[Path]], verbose: bool) -> None:
    if chapter.id in result.failed:
        state = "failed"
    elif chapter.id in result.executed:
        state = "executed"
    elif chapter.id in result.cached:
        state = "from cache"
    else:
        state = "not executed (no cache; run without --no-execute)"
    console.print(Text.assemble((f"{number} {chapter.title}", "bold"), f"  [{state}]"))
    for cell in chapter.code_cells:
        if cell.run:
            _show_cell(console, cell, result.outputs.get(cell.id), figures.get(cell.id, []),
                       verbose)
    if verbose:
        for question in chapter.questions:
            if question.id in result.verified and isinstance(question, Numeric | TextQuestion):
                expr = question.verify.expr if question.verify else ""
                value = result.verified[question.id]
                console.print(Text(f"  verify {question.id}: {expr} = {value!r}", style="dim"))
    console.print()


def _show_cell(console: Console, cell: CodeCell, output: CellOutput | None,
               figures: list[Path], verbose: bool) -> None:
    span = cell.span_of("source")
    where = f"  {span.file}:{span.line}" if span else ""
    took = f"  {output.duration:.2f} s" if verbose and output is not None else ""
    console.print(Text.assemble(("▸ ", "cyan"), (cell.id, "bold cyan"), (where + took, "dim")))
    if verbose:
        first = span.line if span else 1
        for offset, line in enumerate(cell.source.rstrip("\n").splitlines()):
            console.print(Text(f"  {first + offset:>4} │ {line}", style="dim"))
    if output is None:
        console.print(Text("  (not run)", style="dim italic"))
        return
    if output.stdout:
        console.print(Text(_indent(output.stdout)))
    if output.stderr:
        console.print(Text(_indent(output.stderr), style="dim"))
    if output.error:
        console.print(Text(f"  error: {output.error}", style="bold red"))
    for figure in figures:
        console.print(Text.assemble(("  figure: ", "green"), display_path(figure)))


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.rstrip("\n").split("\n"))
