"""The floor for building the site: the bare work any YAML-to-HTML site builder must do.

Parse each chapter with libyaml, validate it with pydantic, render every Markdown field
the page shows (explanations, objectives, prompts, choices, feedback, hints, explanations
of answers) with a plain markdown-it instance and one small jinja2 template, and write
the page. No positions, rules, math, highlighting, quiz controls, sidebar, search index
or incremental cache.
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


TEXT_FIELDS = ("body", "prompt", "explanation", "caption", "feedback_true", "feedback_false")
LIST_FIELDS = ("hints", "items", "distractors")


def _markdown(chapter: Chapter) -> list[str]:
    """Every Markdown text of the chapter, in reading order."""
    texts = list(chapter.objectives)
    for block in chapter.blocks:
        fields = block.__dict__
        texts += [fields[name] for name in TEXT_FIELDS if isinstance(fields.get(name), str)]
        for name in LIST_FIELDS:
            texts += fields.get(name) or []
        feedback = fields.get("feedback")
        if isinstance(feedback, dict):  # text questions: feedback for known wrong answers
            texts += feedback.values()
        for choice in fields.get("choices") or []:
            texts += [choice.text] + ([choice.feedback] if choice.feedback else [])
        for pair in fields.get("pairs") or []:
            texts += [pair.left, pair.right]
    return texts


def main(root: Path, out: Path) -> None:
    md = MarkdownIt("commonmark").enable("table")
    course = yaml.load((root / "course.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    CourseFile.model_validate(course)
    out.mkdir(parents=True, exist_ok=True)
    for section in course["sections"]:
        for rel in section["chapters"]:
            data = yaml.load((root / rel).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
            chapter = Chapter.model_validate(data)
            parts = [md.render(text) for text in _markdown(chapter)]
            html = PAGE.render(
                title=chapter.title, body=jinja2.utils.markupsafe.Markup("".join(parts))
            )
            (out / f"{chapter.id}.html").write_text(html, encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
