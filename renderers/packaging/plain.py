"""Markdown as one line of plain text, for the short descriptions LMS records hold.

SCORM 2004 interaction descriptions and xAPI activity names are plain strings shown in
LMS reports, where Markdown syntax would be noise and HTML would be shown escaped.
"""

from __future__ import annotations

from markdown_it import MarkdownIt

from engine.model import MARKER

_PARSER = MarkdownIt("commonmark")
_TEXT_TOKENS = {"text", "code_inline", "html_inline", "image"}
_BREAK_TOKENS = {"softbreak", "hardbreak"}


def plain_text(markdown: str, limit: int | None = None) -> str:
    """The words of `markdown` on one line; cloze markers become `___`; cut at `limit`."""
    words: list[str] = []
    for token in _PARSER.parse(MARKER.sub("___", markdown)):
        if token.type in ("fence", "code_block"):
            words.append(token.content)
        for child in token.children or []:
            if child.type in _TEXT_TOKENS:
                words.append(child.content)
            elif child.type in _BREAK_TOKENS:
                words.append(" ")
        if token.type.endswith("_close") and token.block:
            words.append(" ")
    text = " ".join("".join(words).split())
    if limit is not None and len(text) > limit:
        text = text[: max(0, limit - 1)].rstrip() + "…"
    return text
