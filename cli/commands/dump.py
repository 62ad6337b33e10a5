"""`lessonkit dump`: print the validated course model, the cheapest golden test."""

from __future__ import annotations

import json

import click

from cli.commands.common import course_path, print_diagnostics


@click.command()
@course_path
@click.option(
    "--format", "fmt", type=click.Choice(["json", "yaml"]), default="json", show_default=True
)
def dump(path: str, fmt: str) -> None:
    """Print the validated model of the course at PATH, with every default filled in.

    This is exactly what every renderer sees; compare it with your YAML when a
    renderer shows something unexpected.
    """
    from engine.loading.loader import check_course

    result = check_course(path)
    if result.course is None:
        print_diagnostics(result.diagnostics)
        raise SystemExit(1)
    data = result.course.model_dump(mode="json")
    for section, section_data in zip(result.course.sections, data["sections"], strict=True):
        for chapter, chapter_data in zip(section.chapters, section_data["chapters"], strict=True):
            chapter_data["path"] = chapter.path
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        import yaml

        click.echo(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), nl=False)
