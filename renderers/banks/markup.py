"""Author Markdown to the HTML that exports carry: one renderer, images packaged.

Every text an author writes (prompts, choices, feedback, hints, explanations) goes
through `engine.text.markdown.render_markdown`, the same configured markdown-it the static
site uses, so math becomes MathML and raw HTML stays escaped unless the course allows
it. The result is parsed into a tree (`xhtml`) so that each format can rewrite image
sources and splice cloze blanks in without string surgery on HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from engine.field_types import MARKER
from engine.model import Chapter, Course
from engine.text.markdown import render_markdown
from renderers.banks.media import Media, is_relative_link
from renderers.banks.xhtml import element_text, parse_fragment, to_html, walk


@dataclass
class Html:
    """One rendered text: its tree, and what happened to its images."""

    tree: Element
    """A `fragment` container whose children are the rendered content."""
    images: list[str] = field(default_factory=list)
    """Package paths of the images it shows (to list as dependencies or attachments)."""
    dropped_images: list[str] = field(default_factory=list)
    """Image sources that could not be packaged (their alt text stands in)."""

    @property
    def html(self) -> str:
        """The content as HTML text."""
        return to_html(self.tree)

    @property
    def text(self) -> str:
        """The content as plain text."""
        return element_text(self.tree)


def blank_token(index: int) -> str:
    """A word that stands for a cloze blank while its prompt goes through Markdown.

    Letters and digits only, so no Markdown rule (emphasis, links, typography) touches it.
    """
    return f"LKBLANK{index}ZQX"


class Markup:
    """Renders a course's Markdown for one export, packaging images through `media`.

    With `media=None` (GIFT: a text file cannot carry files) images are replaced by
    their alt text and reported through `Html.dropped_images`.
    """

    def __init__(self, course: Course, media: Media | None) -> None:
        self.course = course
        self.media = media

    def block(self, text: str, chapter: Chapter) -> Html:
        """Block-level Markdown (paragraphs, lists, tables, display math)."""
        return self._finish(render_markdown(text, allow_html=self.course.allow_html), chapter)

    def inline(self, text: str, chapter: Chapter) -> Html:
        """Inline Markdown (a choice, a pair side, an ordering item): no paragraph around it."""
        html = render_markdown(text, allow_html=self.course.allow_html, inline=True)
        return self._finish(html, chapter)

    def cloze(self, prompt: str, chapter: Chapter) -> tuple[Html, dict[str, str]]:
        """A cloze prompt rendered with each `[[name]]` marker left as a token word.

        Returns the HTML and the token of each blank name, for the format to replace.
        """
        tokens: dict[str, str] = {}

        def mark(match: re.Match[str]) -> str:
            name = match.group(1)
            tokens.setdefault(name, blank_token(len(tokens)))
            return tokens[name]

        rendered = self.block(MARKER.sub(mark, prompt), chapter)
        return rendered, tokens

    def _finish(self, html: str, chapter: Chapter) -> Html:
        result = Html(parse_fragment(html))
        for parent in [result.tree, *walk(result.tree)]:
            for index in reversed(range(len(parent))):
                child = parent[index]
                if child.tag != "img":
                    continue
                src = child.get("src", "")
                resolved = self.media.resolve(chapter, src) if self.media else None
                if resolved is not None:
                    package_path, url = resolved
                    child.set("src", url)
                    result.images.append(package_path)
                elif is_relative_link(src):
                    result.dropped_images.append(src)
                    _replace_with_text(parent, index, child.get("alt", ""))
        return result


def _replace_with_text(parent: Element, index: int, text: str) -> None:
    child = parent[index]
    tail = child.tail or ""
    del parent[index]
    if index == 0:
        parent.text = (parent.text or "") + text + tail
    else:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + text + tail

