"""`lessonkit schema`: the JSON Schema editors use to check and complete course files."""

from __future__ import annotations

from pathlib import Path

import click

from engine.json_schema import Kind, schema_text


@click.command()
@click.option(
    "--kind",
    type=click.Choice(["course", "chapter"]),
    default="chapter",
    show_default=True,
    help="Which file the schema describes.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=True),
    default=None,
    help="A file to write; a folder gets both course.schema.json and "
    "chapter.schema.json. Default: print to stdout.",
)
def schema(kind: Kind, output: str | None) -> None:
    """Write the JSON Schema of course files for editors.

    Put `# yaml-language-server: $schema=PATH` on the first line of a YAML file and
    editors with the YAML language server check it and complete keys as you type.
    """
    if output is None:
        click.echo(schema_text(kind), nl=False)
        return
    target = Path(output)
    if target.is_dir() or output.endswith(("/", "\\")):
        target.mkdir(parents=True, exist_ok=True)
        for each in ("course", "chapter"):
            (target / f"{each}.schema.json").write_text(schema_text(each), encoding="utf-8")
        click.echo(
            f"wrote {target / 'course.schema.json'} and {target / 'chapter.schema.json'}", err=True
        )
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(schema_text(kind), encoding="utf-8")
    click.echo(f"wrote {target}", err=True)
