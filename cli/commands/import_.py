"""`lessonkit import`: bring a question bank from another tool into a course."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cli.commands.common import failed, print_diagnostics, summary

FORMAT_CHOICES = ("gift", "moodle", "qti12", "qti21", "cc", "text2qti")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(FORMAT_CHOICES), default=None,
              help="The file's format (default: detected from its content).")
@click.option("--into", "into", required=True, type=click.Path(exists=True),
              help="The course folder (or its course.yaml) to import into.")
@click.option("--section", "section", default=None,
              help="Put every imported chapter in this section (created when missing).")
@click.option("--dry-run", is_flag=True, help="Show what would be written; write nothing.")
@click.option("--force", is_flag=True, help="Overwrite chapter files that already exist.")
@click.option("--strict", is_flag=True, help="Fail when anything could not be imported.")
def import_(
    file: str, fmt: str | None, into: str, section: str | None, dry_run: bool, force: bool,
    strict: bool,
) -> None:
    """Import the question bank FILE into the course --into.

    \b
    Formats: GIFT, Moodle XML, QTI 1.2 (Canvas), QTI 2.1, Common Cartridge (.imscc),
    text2qti Markdown. Each quiz or category becomes one chapter file
    (<section>/<chapter>.yaml), listed in course.yaml; embedded images go to
    assets/imported/. Ids come from the source, so importing the same file again
    updates the same chapters (pass --force to overwrite them).

    What has no lessonkit equivalent (essays, calculated questions, missing images,
    scripts) is reported with its place in FILE and the import goes on; --strict fails
    instead. Exit status: 0 imported, 1 errors (or losses with --strict), 2 usage.
    """
    from engine.loading.loader import check_course
    from importers import read_bank
    from importers.writer import plan_import

    root = Path(into)
    if root.is_file():
        root = root.parent
    if not (root / "course.yaml").is_file():
        raise click.UsageError(f"{root} has no course.yaml: create the course first "
                               "(lessonkit new course NAME)")
    if section is not None:
        from pydantic import TypeAdapter, ValidationError

        from engine.field_types import Id

        try:
            TypeAdapter(Id).validate_python(section)
        except ValidationError:
            raise click.UsageError(f"--section '{section}' is not a valid id") from None
    bank = read_bank(Path(file), fmt, file)
    print_diagnostics(bank.diagnostics)
    for kind, count in bank.summary():
        click.echo(f"not imported: {count} x {kind}", err=True)
    questions = sum(1 for c in bank.chapters for b in c.blocks if b["kind"] == "question")
    if failed(bank.diagnostics, strict):
        click.echo(f"import failed: {summary(bank.diagnostics)}", err=True)
        raise SystemExit(1)
    if not any(c.blocks for c in bank.chapters):
        click.echo("nothing to import: the file holds no question lessonkit can use", err=True)
        raise SystemExit(1)
    plan = plan_import(bank, root, section)
    print_diagnostics(plan.diagnostics)
    if failed(plan.diagnostics, False):
        raise SystemExit(1)
    conflicts = plan.conflicts()
    for rel, status in plan.status.items():
        shown = "overwrite" if status == "update" and rel in conflicts else status
        click.echo(f"  {shown:<9} {root / rel}", err=True)
    if dry_run:
        for rel, data in plan.files.items():
            if rel.endswith(".yaml") and plan.status[rel] != "unchanged":
                click.echo(f"--- {root / rel}")
                click.echo(data.decode("utf-8"), nl=False)
        click.echo(f"dry run: {questions} question(s) in {len(bank.chapters)} chapter(s); "
                   "nothing written", err=True)
        return
    if conflicts and not force:
        click.echo(f"error[import-conflict]: {len(conflicts)} file(s) exist and differ; "
                   "pass --force to overwrite them", err=True)
        raise SystemExit(1)
    plan.write()
    click.echo(f"imported {questions} question(s) in {len(bank.chapters)} chapter(s) into "
               f"{root}", err=True)
    result = check_course(root)
    if result.diagnostics:
        print_diagnostics(result.diagnostics)
        click.echo(f"lessonkit check {root}: {summary(result.diagnostics)}", err=True)
    if result.course is None or (strict and result.diagnostics):
        sys.exit(1)
