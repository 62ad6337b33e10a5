"""`lessonkit check`: validate a course and report every mistake."""

from __future__ import annotations

import click

from cli.commands.common import (
    FORMATS,
    counted,
    course_path,
    failed,
    print_diagnostics,
    summary,
)


@click.command()
@course_path
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for people, json for editors and scripts, github for Actions.",
)
@click.option(
    "--execute",
    is_flag=True,
    help="Also run the code cells (cached) and check every `verify:` answer.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only the diagnostics.")
def check(path: str, strict: bool, fmt: str, execute: bool, quiet: bool) -> None:
    """Validate the course at PATH (a folder with course.yaml) and report every mistake.

    Each problem is printed as `file:line:col: error[code]: message` with the source line,
    a caret and, where possible, a "did you mean". `lessonkit codes` lists every code.

    \b
    Exit status: 0 clean, 1 errors (or warnings with --strict), 2 bad usage.
    """
    from engine.loading.loader import check_course

    result = check_course(path)
    diagnostics = list(result.diagnostics)
    if execute and result.course is not None:
        from engine.execution.execute import execute_course

        diagnostics.extend(execute_course(result.course).diagnostics)
    print_diagnostics(diagnostics, fmt)
    if fmt == "text" and not quiet:
        course = result.course
        what = (
            f"{course.id}: {counted(len(course.sections), 'section')}, "
            f"{counted(len(course.chapters), 'chapter')}, "
            f"{counted(len(course.questions), 'question')}"
            if course
            else "course"
        )
        click.echo(f"{what}: {summary(diagnostics)}", err=True)
    code = 1 if failed(diagnostics, strict) else 0
    raise SystemExit(code)


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True
)
def codes(fmt: str) -> None:
    """List every diagnostic code, its severity and what it means."""
    from engine.diagnostics import code_docs

    for code, doc in code_docs().items():
        severity = code.severity.value
        if fmt == "markdown":
            click.echo(f"| `{code.value}` | {severity} | {doc} |")
        else:
            click.echo(f"{code.value:30} {severity:8} {doc}")
