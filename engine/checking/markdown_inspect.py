"""What `check` looks for inside a Markdown text, each with its 0-based line in the text so
the validator can point at the place that holds it: raw HTML and unsafe links
(`markdown_problems`, `problem_sites`), links and images to local files
(`image_targets`, `relative_target`) and formulas (`math_spans`). The texts are parsed
by the same configured parsers that render them (engine/text/markdown.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from markdown_it.token import Token

from engine.diagnostics import Code
from engine.text.markdown import ESCAPING, INSPECTING
from engine.text.markdown_dialect import browser_scheme, is_outside_url, is_unsafe_url
from engine.text.markdown_fast import find_formulas

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _lines(tokens: Sequence[Token]) -> Iterator[tuple[int, Token]]:
    """Every token with its best-known 0-based line inside the text."""
    line = 0
    for token in tokens:
        if token.map is not None:
            line = token.map[0]
        yield line, token
        if token.children:
            inner = line
            for child in token.children:
                yield inner, child
                if child.type in ("softbreak", "hardbreak"):
                    inner += 1
                elif child.content:
                    inner += child.content.count("\n")


def _snippet(text: str, limit: int = 40) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


def markdown_problems(text: str, *, allow_html: bool) -> list[tuple[int, Code, str]]:
    """(0-based line inside `text`, code, message) for raw HTML and unsafe links."""
    # One report per line and code is enough to send the author to the right place.
    first: dict[tuple[int, Code], str] = {}
    for line, _, code, message in problem_sites(text, allow_html=allow_html):
        first.setdefault((line, code), message)
    return sorted(((line, code, message) for (line, code), message in first.items()),
                  key=lambda p: (p[0], p[1].value))


def problem_sites(text: str, *, allow_html: bool) -> list[tuple[int, str, Code, str]]:
    """(0-based line inside `text`, the text to find on that line, code, message) for raw
    HTML and unsafe links, in order: the validator points at each one's column."""
    sites = _inspection(text)[0]
    return [site for site in sites if not (allow_html and site[2] is Code.RAW_HTML)]


_Site = tuple[int, str, Code, str]


@lru_cache(maxsize=1 << 14)
def _inspection(text: str) -> tuple[
        tuple[_Site, ...], tuple[tuple[int, str], ...], tuple[str, ...] | None]:
    """(raw HTML and unsafe links, local files, formulas) of `text`, from one parse per
    distinct text and process: a course repeats prompts, hints and choices, and `check`
    asks all three questions of a text with a link.

    The formulas are those the rendering parser finds (None where it may parse otherwise):
    this parser differs from it only on raw HTML, which needs a `<`, and in following the
    links the other refuses, so without a `<` and with every link (references included)
    one the other follows, the two make the same tokens.
    """
    problems: list[_Site] = []
    targets: list[tuple[int, str]] = []
    formulas: list[str] = []
    env: dict[str, Any] = {}
    same_tokens = "<" not in text
    for line, token in _lines(INSPECTING.parse(text, env)):
        if token.type.startswith("math_"):
            if token.content.strip():
                formulas.append(token.content.strip())
        elif token.type in ("html_block", "html_inline"):
            problems.append((
                line,
                token.content.lstrip().split("\n", 1)[0],
                Code.RAW_HTML,
                f"raw HTML '{_snippet(token.content)}' is shown as text; "
                "set 'allow_html: true' in course.yaml to let it through",
            ))
        elif token.type in ("link_open", "image"):
            url = str(token.attrGet("href" if token.type == "link_open" else "src") or "")
            same_tokens = same_tokens and _followed(url)
            if is_unsafe_url(url):
                scheme = browser_scheme(url)
                problems.append((
                    line,
                    url,
                    Code.UNSAFE_LINK,
                    f"'{scheme}:' {'link' if token.type == 'link_open' else 'image'} "
                    "is not followed; its text is shown instead",
                ))
            path = relative_target(url)
            if path is None and is_outside_url(url):
                path = unquote(re.split(r"[?#]", url.strip(), maxsplit=1)[0])
            if path is not None:
                targets.append((line, path))
    same_tokens = same_tokens and all(
        _followed(str(ref.get("href", ""))) for ref in env.get("references", {}).values())
    return tuple(problems), tuple(targets), tuple(formulas) if same_tokens else None


def _followed(url: str) -> bool:
    """Whether the rendering parser makes a link of `url` (engine.text.markdown_dialect)."""
    return not is_unsafe_url(url) and not is_outside_url(url)


def math_spans(text: str) -> list[tuple[int, str]]:
    """(offset inside `text`, LaTeX source) of every formula, in order."""
    return list(_math_spans(text))


@lru_cache(maxsize=1 << 14)
def _math_spans(text: str) -> tuple[tuple[int, str], ...]:
    # Once per distinct text, and on the compiled parser wherever it finds the formulas
    # the plugin finds (engine.text.markdown_fast.find_formulas).
    formulas = find_formulas(text)
    if formulas is None:
        inspected = _inspection(text)[2]
        formulas = list(inspected) if inspected is not None else [
            token.content.strip()
            for _, token in _lines(ESCAPING.parse(text, {}))
            if token.type.startswith("math_") and token.content.strip()
        ]
    found: list[tuple[int, str]] = []
    cursor = 0
    for latex in formulas:
        at = text.find(latex, cursor)
        if at >= 0:
            cursor = at + len(latex)
            found.append((at, latex))
    return tuple(found)


def relative_target(url: str) -> str | None:
    """The file path a link or image URL names relative to its file, or None.

    None for absolute URLs (`https:`, `mailto:`), site-absolute paths (`/x`),
    protocol-relative ones (`//host`) and in-page anchors (`#x`). The query and fragment
    are dropped and percent-escapes decoded.
    """
    if not url or url.startswith(("#", "/", "\\")) or _SCHEME.match(url):
        return None
    path = unquote(re.split(r"[?#]", url, maxsplit=1)[0])
    return path or None


def image_targets(text: str) -> list[tuple[int, str]]:
    """(0-based line inside `text`, path) of every image and link to a local file.

    Absolute paths (`/etc/passwd`, `//host/x`) are listed too, decoded, so the validator
    can report them; renderers never turn them into links (see `is_outside_url`).
    """
    return list(_inspection(text)[1])
