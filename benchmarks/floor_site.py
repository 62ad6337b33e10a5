"""The floor for building the site: the bare work any YAML-to-HTML site builder must do.

Parse each chapter with libyaml, validate it with pydantic, render every Markdown field
the page shows (explanations, objectives, prompts, choices, feedback, hints, explanations
of answers) with a plain markdown-it instance and one small jinja2 template, and write
the page. No positions, rules, math, highlighting, quiz controls, sidebar, search index
or incremental cache.

The chapters are shared among `--workers` processes (2 by default, as many as the build
uses on the benchmark machine). `--markdown pyrs` renders with markdown-it-pyrs (Rust
markdown-it) instead of markdown-it-py: the floor with the faster Markdown renderer.

    python -m benchmarks.floor_site COURSE OUT [--workers N] [--markdown py|pyrs]
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Protocol

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


class _Renderer(Protocol):
    def render(self, src: str) -> str: ...


def _renderer(kind: str) -> _Renderer:
    if kind == "pyrs":
        import markdown_it_pyrs

        return markdown_it_pyrs.MarkdownIt("commonmark").enable("table")
    return MarkdownIt("commonmark").enable("table")


def _build(root: Path, out: Path, chapters: list[str], markdown: str) -> None:
    md = _renderer(markdown)
    for rel in chapters:
        data = yaml.load((root / rel).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        chapter = Chapter.model_validate(data)
        parts = [md.render(text) for text in _markdown(chapter)]
        html = PAGE.render(
            title=chapter.title, body=jinja2.utils.markupsafe.Markup("".join(parts))
        )
        (out / f"{chapter.id}.html").write_text(html, encoding="utf-8")


def main(root: Path, out: Path, workers: int = 2, markdown: str = "py") -> None:
    course = yaml.load((root / "course.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    CourseFile.model_validate(course)
    out.mkdir(parents=True, exist_ok=True)
    chapters = [rel for section in course["sections"] for rel in section["chapters"]]
    shares = [chapters[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(workers) as pool:
        for done in [pool.submit(_build, root, out, share, markdown) for share in shares]:
            done.result()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("course", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--markdown", choices=("py", "pyrs"), default="py")
    args = parser.parse_args()
    main(args.course, args.out, args.workers, args.markdown)
