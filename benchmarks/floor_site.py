"""The floor for building the site: the bare work any YAML-to-HTML site builder must do.

Parse each chapter with libyaml, validate it with pydantic, render its Markdown with a
plain markdown-it instance and one small jinja2 template, and write the page. No
positions, rules, math, highlighting, quizzes, search index or incremental cache.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jinja2
import yaml
from markdown_it import MarkdownIt

from engine.model import Chapter, CourseFile

PAGE = jinja2.Template(
    "<!doctype html><html><head><meta charset=utf-8><title>{{ title }}</title></head>"
    "<body><main><h1>{{ title }}</h1>{{ body }}</main></body></html>",
    autoescape=True,
)


def main(root: Path, out: Path) -> None:
    md = MarkdownIt("commonmark").enable("table")
    course = yaml.load((root / "course.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    CourseFile.model_validate(course)
    out.mkdir(parents=True, exist_ok=True)
    for section in course["sections"]:
        for rel in section["chapters"]:
            data = yaml.load((root / rel).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
            chapter = Chapter.model_validate(data)
            parts = []
            for block in chapter.blocks:
                for text in (
                    getattr(block, "body", None),
                    getattr(block, "prompt", None),
                    getattr(block, "explanation", None),
                ):
                    if text:
                        parts.append(md.render(text))
            html = PAGE.render(
                title=chapter.title, body=jinja2.utils.markupsafe.Markup("".join(parts))
            )
            (out / f"{chapter.id}.html").write_text(html, encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
