"""Chapter pages for Common Cartridge: one standalone HTML page per chapter.

The cartridge's web content is deliberately plain: the chapter title, its objectives,
explanations rendered by the shared Markdown renderer, code cells with their captured
output, and a pointer to the chapter's quiz. No scripts and no site chrome: LMSs import
the page body into their own page editor (Canvas wiki pages, Moodle pages). Figures
that code cells drew are packaged as SVG files next to the images.
"""

from __future__ import annotations

from html import escape
from typing import Any

from engine.model import Chapter, CodeCell, Course, Explanation
from engine.outputs import CellOutput
from renderers.banks.markup import Markup
from renderers.banks.media import Media
from renderers.base import RenderContext

FIGURES = "web_resources/figures"


def chapter_page(course: Course, chapter: Chapter, ctx: RenderContext[Any], markup: Markup,
                 media: Media, figure_link: str, quiz_title: str | None) -> tuple[str, set[str]]:
    """The page's HTML and the package paths of the files it shows."""
    used: set[str] = set()
    parts = [f"<h1>{escape(chapter.title)}</h1>"]
    if chapter.objectives:
        items = "".join(f"<li>{_inline(markup, o, chapter, used)}</li>"
                        for o in chapter.objectives)
        parts.append(f'<ul class="objectives">{items}</ul>')
    for block in chapter.blocks:
        if isinstance(block, Explanation):
            html = markup.block(block.body, chapter)
            used.update(html.images)
            parts.append(f'<div class="explanation">{html.html}</div>')
        elif isinstance(block, CodeCell):
            parts.append(_code_cell(block, ctx, markup, media, chapter, figure_link, used))
    if quiz_title and chapter.questions:
        parts.append(f'<p class="quiz-note">{escape(quiz_title)}</p>')
    body = "\n".join(parts)
    title = escape(chapter.title)
    lang = escape(course.language, quote=True)
    page = (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{title}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n")
    return page, used


def _inline(markup: Markup, text: str, chapter: Chapter, used: set[str]) -> str:
    html = markup.inline(text, chapter)
    used.update(html.images)
    return html.html


def _code_cell(cell: CodeCell, ctx: RenderContext[Any], markup: Markup, media: Media,
               chapter: Chapter, figure_link: str, used: set[str]) -> str:
    parts = ['<div class="code-cell">']
    if cell.show_source:
        parts.append(f'<pre><code class="language-{cell.language}">{escape(cell.source)}'
                     "</code></pre>")
    output = ctx.outputs.get(cell.id)
    if cell.run and isinstance(output, CellOutput):
        for stream, text in (("stdout", output.stdout), ("stderr", output.stderr),
                             ("error", output.error or "")):
            if text:
                parts.append(f'<pre class="output {stream}">{escape(text)}</pre>')
        for number, svg in enumerate(output.figures, 1):
            path = f"{FIGURES}/{cell.id}-{number}.svg"
            media.files[path] = svg.encode("utf-8")
            used.add(path)
            parts.append(f'<img src="{escape(figure_link + path.rsplit("/", 1)[1], quote=True)}"'
                         f' alt="{escape(cell.id, quote=True)} figure {number}" />')
    if cell.caption:
        parts.append(f'<div class="caption">{_inline(markup, cell.caption, chapter, used)}</div>')
    parts.append("</div>")
    return "\n".join(parts)
