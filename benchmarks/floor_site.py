"""The floor for building the site: the bare work any YAML-to-HTML site builder must do.

Parse each chapter with libyaml, validate it with pydantic, render every Markdown field
the page shows (explanations, objectives, prompts, choices, feedback, hints, explanations
of answers) with a plain markdown-it instance and one small jinja2 template, and write
the page. No positions, rules, math, highlighting, quiz controls, sidebar, search index
or incremental cache.

The chapters are shared among `--workers` processes (2 by default, as many as the build
uses on the benchmark machine). `--markdown pyrs` renders with markdown-it-pyrs (Rust
markdown-it) instead of markdown-it-py: the floor with the faster Markdown renderer.

`--features` adds the least work of what a lessonkit page has and that floor lacks, each
done by the stock library in the plainest way: the code cells and fenced code highlighted
by Pygments (`HtmlFormatter(nowrap=True)`, as lessonkit does), every formula converted by
latex2mathml (once per distinct formula and process, as lessonkit does), and a search
index of each page's text (tags stripped, entities decoded) written as one JSON file.
Still no positions, rules, quiz controls, sidebar or cache; it says how much of the
distance from the floor is the work of those features rather than of lessonkit's code.

    python -m benchmarks.floor_site COURSE OUT [--workers N] [--markdown py|pyrs] [--features]
"""

from __future__ import annotations

import argparse
import functools
import html as html_text
import json
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Protocol

import jinja2
import yaml
from markdown_it import MarkdownIt

from engine.model import Chapter, CodeCell, CourseFile

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


_FORMULA = re.compile(r"\$\$(.+?)\$\$|\$([^$\n]+?)\$", re.DOTALL)
_HELD = re.compile(r"FLOORMATH(\d+)X")
_FENCE = re.compile(r'<pre><code class="language-([\w+-]+)">(.*?)</code></pre>', re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


@functools.cache
def _mathml(latex: str, display: bool) -> str:
    from latex2mathml.converter import convert

    try:
        return convert(latex, display="block" if display else "inline")
    except Exception:  # an unsupported command: shown as written
        return html_text.escape(latex)


@functools.cache
def _lexer_and_formatter(language: str) -> tuple[Any, Any] | None:
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(language), HtmlFormatter(nowrap=True)
    except ClassNotFound:
        return None


def _highlight(source: str, language: str) -> str:
    from pygments import highlight

    tools = _lexer_and_formatter(language)
    if tools is None:
        return f"<pre><code>{html_text.escape(source)}</code></pre>"
    body = highlight(source, *tools)
    return f'<pre><code class="language-{language}">{body}</code></pre>'


def _with_features(md: _Renderer, text: str) -> str:
    """`text` rendered with its formulas as MathML and its fenced code highlighted."""
    formulas: list[str] = []

    def hold(match: re.Match[str]) -> str:
        display = match.group(1) is not None
        formulas.append(_mathml(match.group(1) if display else match.group(2), display))
        return f"FLOORMATH{len(formulas) - 1}X"

    rendered = md.render(_FORMULA.sub(hold, text))
    rendered = _FENCE.sub(
        lambda m: _highlight(html_text.unescape(m.group(2)), m.group(1)), rendered)
    return _HELD.sub(lambda m: formulas[int(m.group(1))], rendered)


def _page_parts(md: _Renderer, chapter: Chapter, features: bool) -> list[str]:
    if not features:
        return [md.render(text) for text in _markdown(chapter)]
    parts = [_with_features(md, text) for text in _markdown(chapter)]
    parts += [_highlight(block.source, block.language) for block in chapter.blocks
              if isinstance(block, CodeCell)]
    return parts


def _build(root: Path, out: Path, chapters: list[str], markdown: str,
           features: bool) -> list[list[str]]:
    md = _renderer(markdown)
    records = []
    for rel in chapters:
        data = yaml.load((root / rel).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        chapter = Chapter.model_validate(data)
        body = "".join(_page_parts(md, chapter, features))
        html = PAGE.render(title=chapter.title, body=jinja2.utils.markupsafe.Markup(body))
        (out / f"{chapter.id}.html").write_text(html, encoding="utf-8")
        if features:
            words = html_text.unescape(_TAG.sub(" ", body)).split()
            records.append([f"{chapter.id}.html", " ".join(words)])
    return records


def main(root: Path, out: Path, workers: int = 2, markdown: str = "py",
         features: bool = False) -> None:
    course = yaml.load((root / "course.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    CourseFile.model_validate(course)
    out.mkdir(parents=True, exist_ok=True)
    chapters = [rel for section in course["sections"] for rel in section["chapters"]]
    shares = [chapters[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(workers) as pool:
        done = [pool.submit(_build, root, out, share, markdown, features) for share in shares]
        records = [record for share in done for record in share.result()]
    if features:
        (out / "search.json").write_text(json.dumps(records), encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("course", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--markdown", choices=("py", "pyrs"), default="py")
    parser.add_argument("--features", action="store_true",
                        help="also highlight code, convert formulas and index the text")
    args = parser.parse_args()
    main(args.course, args.out, args.workers, args.markdown, args.features)
