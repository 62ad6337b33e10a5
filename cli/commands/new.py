"""`lessonkit new`: scaffolds that pass `lessonkit check` out of the box."""

from __future__ import annotations

from pathlib import Path

import click

COURSE_TEMPLATE = """\
# yaml-language-server: $schema=schemas/course.schema.json
id: {id}
title: {title}
description: |
  What learners will be able to do after this course.
language: en
ui_language: en
authors: []
license: CC-BY-4.0
version: 0.1.0
passing_score: 0.8
feedback:
  enabled: true
sections:
  - id: getting-started
    title: Getting started
    chapters:
      - 01-getting-started/01-first-chapter.yaml
"""

CHAPTER_TEMPLATE = """\
# yaml-language-server: $schema={schema}
id: {id}
title: {title}
objectives:
  - Say what this chapter teaches in one line
blocks:
  - kind: explanation
    body: |
      Write the chapter in **Markdown**. Math works too: $e^{{i\\pi}} + 1 = 0$.

  - kind: question
    id: {id}-check
    type: single
    prompt: Which answer is right?
    choices:
      - text: This one
        correct: true
        feedback: Yes.
      - text: That one
        feedback: Not this one, because...
    hints:
      - A hint, revealed on request.
    explanation: |
      Shown after answering, right or wrong.

  - kind: question
    id: {id}-number
    type: numeric
    prompt: How much is 1/4 as a decimal?
    answer: 0.25
    tolerance: 0.001
    explanation: One divided by four.
"""


@click.group()
def new() -> None:
    """Scaffold a new course or chapter."""


@new.command("course")
@click.argument("name", type=click.Path(file_okay=False))
@click.option("--title", default=None, help="Course title (default: from NAME).")
def new_course(name: str, title: str | None) -> None:
    """Create a course folder NAME with one chapter, ready for `lessonkit check`."""
    from engine.json_schema import schema_text
    from engine.loading.chapter_files import slug

    root = Path(name)
    if root.exists() and any(root.iterdir()):
        raise click.UsageError(f"{root} exists and is not empty")
    ident = slug(root.name) or "course"
    title = title or root.name.replace("-", " ").replace("_", " ").strip().capitalize()
    (root / "01-getting-started").mkdir(parents=True, exist_ok=True)
    (root / "schemas").mkdir(exist_ok=True)
    for kind in ("course", "chapter"):
        (root / "schemas" / f"{kind}.schema.json").write_text(schema_text(kind), encoding="utf-8")
    (root / "course.yaml").write_text(
        COURSE_TEMPLATE.format(id=ident, title=_quote(title)), encoding="utf-8"
    )
    chapter = root / "01-getting-started" / "01-first-chapter.yaml"
    chapter.write_text(
        CHAPTER_TEMPLATE.format(
            id="first-chapter", title="First chapter", schema="../schemas/chapter.schema.json"
        ),
        encoding="utf-8",
    )
    click.echo(f"created {root}/ (course.yaml, {chapter.relative_to(root)}, schemas/)", err=True)
    click.echo(f"next: lessonkit check {root}  |  lessonkit build {root}", err=True)


@new.command("chapter")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--title", default=None, help="Chapter title (default: from the file name).")
@click.option(
    "--section", "section_id", default=None, help="Section to list it in (default: the last one)."
)
def new_chapter(path: str, title: str | None, section_id: str | None) -> None:
    """Create the chapter file PATH (inside a course folder) and list it in course.yaml."""
    from engine.loading.chapter_files import COURSE_FILE, slug
    from engine.loading.source import load_yaml_file

    target = Path(path)
    if target.suffix not in (".yaml", ".yml"):
        target = target.with_suffix(".yaml")
    if target.exists():
        raise click.UsageError(f"{target} already exists")
    root = next((p for p in target.resolve().parents if (p / COURSE_FILE).is_file()), None)
    if root is None:
        raise click.UsageError(f"no {COURSE_FILE} above {target}: create the course first")
    ident = slug(target.stem)
    title = title or ident.replace("-", " ").capitalize()
    rel = target.resolve().relative_to(root).as_posix()
    depth = len(Path(rel).parts) - 1
    schema = "../" * depth + "schemas/chapter.schema.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        CHAPTER_TEMPLATE.format(id=ident, title=_quote(title), schema=schema), encoding="utf-8"
    )
    course_file = root / COURSE_FILE
    loaded = load_yaml_file(course_file, str(course_file))
    sections = loaded.data.get("sections") if isinstance(loaded.data, dict) else None
    if not isinstance(sections, list) or not sections:
        click.echo(f"created {target}; add '{rel}' to a section in {course_file}", err=True)
        return
    index = len(sections) - 1
    if section_id is not None:
        ids = [s.get("id") if isinstance(s, dict) else None for s in sections]
        if section_id not in ids:
            raise click.UsageError(f"no section '{section_id}' in {course_file}")
        index = ids.index(section_id)
    listed = sections[index].get("chapters") if isinstance(sections[index], dict) else None
    spans = [
        loaded.source_map.values.get(("sections", index, "chapters", i))
        for i in range(len(listed or []))
    ]
    text = course_file.read_text(encoding="utf-8").splitlines(keepends=True)
    last = spans[-1] if spans else None
    if not last or not text[last.line - 1].lstrip().startswith("- "):
        click.echo(
            f"created {target}; add '{rel}' to section {index + 1} in {course_file}", err=True
        )
        return
    line = text[last.line - 1]
    indent = line[: len(line) - len(line.lstrip())]
    text.insert(last.line, f"{indent}- {rel}\n")
    course_file.write_text("".join(text), encoding="utf-8")
    click.echo(f"created {target} and listed it in {course_file}", err=True)


def _quote(text: str) -> str:
    """A YAML scalar for arbitrary text."""
    import json

    return json.dumps(text, ensure_ascii=False)
