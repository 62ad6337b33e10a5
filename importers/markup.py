"""HTML from question banks -> the Markdown lessonkit writes, math included.

The HTML goes through markdownify (a maintained converter) after two rewrites that
Markdown converters know nothing about: MathML and TeX delimiters become `$...$` math
(MathML through mathml-to-latex), and image sources are resolved to course assets by the
importer, which knows where a bank keeps its files. Scripts and styles are dropped and
reported, since lessonkit content never runs the author's JavaScript.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning
from bs4.element import NavigableString, Tag
from markdownify import MarkdownConverter

ImageResolver = Callable[[str], str | None]
"""Image `src` -> the Markdown link to use, or None when the image cannot be found."""

_PLAIN = re.compile(r"[\w \t.,;:!?'\"()/+=%-]*")
"""Text no HTML-to-Markdown conversion changes: no tags, entities, escapes or markup."""
_TOKEN = "LKMATHx{}x"
_TOKEN_RE = re.compile(r"LKMATHx(\d+)x")
_TEX = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]|\$\$(.+?)\$\$", re.S)
_FUNCTIONS = [
    "arccos", "arcsin", "arctan", "arg", "cos", "cosh", "cot", "coth", "csc", "deg", "det",
    "dim", "exp", "gcd", "hom", "inf", "ker", "lg", "lim", "liminf", "limsup", "ln", "log",
    "max", "min", "Pr", "sec", "sin", "sinh", "sup", "tan", "tanh",
]
_FENCE = re.compile(
    r"\\left(\\?[()\[\]{}|])\\right\.|\\left\.\\right(\\?[()\[\]{}|])"
)
_DELIMITER = {"{": "\\{", "}": "\\}"} | {c: c for c in "()[]|"} | {"\\{": "\\{", "\\}": "\\}"}
_BARE_FUNCTION = re.compile(r"(?<![\\A-Za-z])(" + "|".join(_FUNCTIONS) + r")(?![A-Za-z])")


@dataclass
class Converted:
    """Markdown and what the conversion had to leave out."""

    markdown: str
    dropped: list[str] = field(default_factory=list)
    """Kinds of content dropped: `scripting`, `math`, `image`."""


_PATCHED: list[bool] = []


def _patch_converter() -> None:
    """Three corrections to mathml-to-latex's output, applied once.

    Its tables map U+2016 to `\\parallel` and U+2299 to `\\bigodot` (TeX's `\\|` and
    `\\odot` give those characters back); it wraps a multi-character sub- or superscript
    base in stretchy parentheses (`\\left(\\hat{y}\\right)_t`), which adds parentheses
    the MathML did not have, where TeX's grouping braces only group; and it writes a
    top-level table without a matrix environment, which no TeX reader accepts.
    """
    if _PATCHED:
        return
    from mathml_to_latex import syntax
    from mathml_to_latex.el_to_tex import usecases
    from mathml_to_latex.el_to_tex.services import wrapper

    for table in (syntax.all_math_operators_by_char, syntax.all_math_operators_by_glyph):
        table["\u2016"] = "\\|"
        table["\u2299"] = "\\odot"

    def group(self: object, val: str) -> str:
        return val if len(val) <= 1 else "{" + val + "}"

    wrapper.ParenthesisWrapper.wrap_if_more_than_one_char = group
    usecases.MTable.convert = lambda self: self._wrap(
        " \\\\ ".join(self._adapter.to_latex_converter(c).convert()
                      for c in self._math_element.children))
    _PATCHED.append(True)


def mathml_to_tex(mathml: str) -> str | None:
    """TeX for a MathML fragment, or None when the converter cannot read it."""
    from mathml_to_latex.converter import MathMLToLaTeX

    _patch_converter()
    try:
        tex = str(MathMLToLaTeX.convert(mathml)).strip()
    except Exception:  # the converter raises arbitrary errors on markup it does not know
        return None
    # The converter writes every fence character as a one-sided stretchy fence
    # (`\left(\right.`), which is valid but unreadable, and `\left{` is not even valid
    # TeX; a plain delimiter is what the MathML <mo> said.
    tex = _FENCE.sub(lambda m: _DELIMITER.get(m.group(1) or m.group(2), m.group(0)), tex)
    # It also writes multi-letter identifiers as plain letters; TeX's operator names
    # (\tanh, \log) typeset upright, which is what the MathML <mi> meant.
    return _BARE_FUNCTION.sub(r"\\\1", tex) or None


class _Converter(MarkdownConverter):
    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        # markdownify drops images inside table cells and headings unless told to keep
        # them by tag name; an imported image is content wherever it stands.
        alt = str(el.attrs.get("alt", "") or "")
        src = str(el.attrs.get("src", "") or "")
        return f"![{alt}]({src})" if src else alt


def _language(el: Tag) -> str:
    code = el.find("code")
    classes: Any = (code.get("class") if isinstance(code, Tag) else None) or el.get("class") or []
    for name in classes if isinstance(classes, list) else [classes]:
        if name.startswith("language-"):
            return str(name.removeprefix("language-"))
    return ""


@functools.cache
def _converter() -> _Converter:
    """The one converter, configured as lessonkit writes Markdown (built once)."""
    return _Converter(
        heading_style="ATX",
        bullets="-",
        escape_underscores=False,
        escape_misc=False,
        code_language_callback=_language,
    )


def html_to_markdown(html: str, images: ImageResolver | None = None) -> Converted:
    """Markdown for an HTML fragment; math as `$...$`, images resolved by `images`."""
    if _PLAIN.fullmatch(html):
        # Most fields of a bank are a few plain words ("Paris", "true"); with nothing the
        # converter would change, parsing them as HTML would only cost time.
        return Converted(tidy(html))
    dropped: list[str] = []
    with warnings.catch_warnings():
        # A fragment that looks like a file name ("a.png") is still text to convert.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(html, "html.parser")
    maths: list[str] = []

    def token(tex: str, display: bool) -> str:
        maths.append(f"$${tex}$$" if display else f"${tex}$")
        return _TOKEN.format(len(maths) - 1)

    # One walk over the elements (a walk per concern costs more than the conversion);
    # elements inside one already removed or replaced are skipped.
    gone: set[int] = set()
    for el in soup.find_all(True):
        if id(el) in gone:
            continue
        name = el.name
        if name in ("script", "style", "iframe", "object", "embed", "math"):
            gone.update(id(d) for d in el.find_all(True))
            if name == "math":
                tex = mathml_to_tex(str(el))
                if tex is None:
                    dropped.append("math")
                    el.replace_with(el.get_text())
                else:
                    el.replace_with(token(tex, el.get("display") == "block"))
            else:
                dropped.append("style" if name == "style" else "scripting")
                el.decompose()
            continue
        for attr in [a for a in el.attrs if a.lower().startswith("on")]:
            dropped.append("scripting")
            del el.attrs[attr]
        if name == "img":
            src = str(el.get("src") or "")
            target = images(src) if images and src else src
            if target is None:
                dropped.append("image")
                el.replace_with(str(el.get("alt") or ""))
            else:
                el["src"] = target
    if _TEX.search(html):
        for node in list(soup.find_all(string=True)):
            if not isinstance(node, NavigableString) or not _TEX.search(node):
                continue
            if node.find_parent(["code", "pre"]):
                continue

            def tex_token(m: re.Match[str]) -> str:
                inline, display, dollars = m.group(1), m.group(2), m.group(3)
                return token((inline or display or dollars).strip(), display is not None)

            node.replace_with(_TEX.sub(tex_token, str(node)))
    text = _converter().convert_soup(soup)
    markdown = _TOKEN_RE.sub(lambda m: maths[int(m.group(1))], str(text))
    return Converted(tidy(markdown), dropped)


def tidy(markdown: str) -> str:
    """No trailing spaces, at most one blank line in a row, no blank start or end."""
    lines = [line.rstrip() for line in markdown.strip("\n").splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def looks_like_html(text: str) -> bool:
    """Whether text in a format-less field is HTML (Moodle's auto-format guesses the same)."""
    return re.search(r"</?(p|br|div|span|strong|em|b|i|ul|ol|li|img|a|code|pre|table|sub|sup)\b",
                     text, re.I) is not None
