"""LaTeX -> MathML that can carry no markup: text escaped, elements and attributes allow-listed.

latex2mathml builds an element tree and then un-escapes its serialisation (to keep its own
`&#x...;` references), so `\\text{<script>}`, `\\mbox{<img onerror=...>}` and `\\fbox{}` come
out as live HTML, `\\href{javascript:...}` as an `href` attribute and `\\style{...}` as a
`style` attribute. Here the tree is serialised by this module instead: text is escaped,
and only MathML Core presentation elements and attributes survive (no `href`, `style`,
`class`, `id`, event handlers, `annotation-xml` or any foreign element). Every format that
shows math goes through `latex_to_mathml`; `math_problems` tells `check` what was dropped.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape
from xml.etree.ElementTree import Element

from latex2mathml.converter import Converter

MATHML_NS = "http://www.w3.org/1998/Math/MathML"

ELEMENTS = frozenset({
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "mstyle", "mpadded",
    "mphantom", "merror", "mfrac", "msqrt", "mroot", "msub", "msup", "msubsup", "munder",
    "mover", "munderover", "mmultiscripts", "mprescripts", "none", "mtable", "mtr", "mtd",
    "mlabeledtr", "menclose", "mfenced", "semantics", "annotation",
})
"""MathML presentation elements (MathML Core plus the few latex2mathml emits)."""

ATTRIBUTES = frozenset({
    "xmlns", "display", "mathvariant", "mathcolor", "mathbackground", "mathsize",
    "displaystyle", "scriptlevel", "stretchy", "fence", "separator", "form", "largeop",
    "movablelimits", "accent", "accentunder", "symmetric", "lspace", "rspace", "minsize",
    "maxsize", "width", "height", "depth", "voffset", "linethickness", "columnalign",
    "rowalign", "columnlines", "rowlines", "columnspacing", "rowspacing", "frame",
    "framespacing", "equalrows", "equalcolumns", "notation", "align", "rowspan",
    "columnspan", "bevelled", "numalign", "denomalign", "open", "close", "separators",
    "side", "dir", "encoding", "linebreak",
})
"""Presentation attributes; nothing that links, styles, names or runs script."""

_VALUE = re.compile(r"^[\w\s.#%,:+\-()]*$")
"""An attribute value of lengths, colours, keywords and alignments; no quote, `<`, `&`."""

_CHAR_REF = re.compile(r"&#x([0-9A-Fa-f]{1,6});|&#([0-9]{1,7});")
_TEXT_COMMAND = re.compile(r"\\(?:text\w*|mbox|fbox|hbox|operatorname|mathrm)\b")
_ATTRIBUTE_COMMAND = {
    "href": r"\href",
    "style": r"\style",
    "class": r"\class",
    "id": r"\cssId",
}


def _text(value: str | None) -> str:
    # latex2mathml writes characters as `&#x0003C;` references inside element text and
    # relies on un-escaping the whole document; keep those references (a reference in
    # text is a character, never a tag) and escape everything between them.
    if not value:
        return ""
    out: list[str] = []
    last = 0
    for ref in _CHAR_REF.finditer(value):
        out.append(escape(value[last : ref.start()], quote=False))
        code = int(ref.group(1), 16) if ref.group(1) else int(ref.group(2))
        valid = 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF
        out.append(ref.group(0) if valid else "\ufffd")
        last = ref.end()
    out.append(escape(value[last:], quote=False))
    return "".join(out)


class _Sanitiser:
    def __init__(self) -> None:
        self.dropped: list[str] = []

    def element(self, node: Element, out: list[str]) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag not in ELEMENTS:
            self.dropped.append(f"<{tag}> element")
            return  # and its subtree: nothing under an unknown element is shown
        attrs: list[str] = []
        for name, value in node.attrib.items():
            if name == "xmlns":
                continue  # written once below, always the MathML namespace
            if name in ATTRIBUTES and _VALUE.match(value):
                attrs.append(f' {name}="{escape(value)}"')
            else:
                self.dropped.append(f"'{name}' attribute")
        if tag == "math":
            attrs.insert(0, f' xmlns="{MATHML_NS}"')
        out.append(f"<{tag}{''.join(attrs)}>")
        out.append(_text(node.text))
        for child in node:
            self.element(child, out)
            out.append(_text(child.tail))
        out.append(f"</{tag}>")


@lru_cache(maxsize=1 << 16)
def _convert(latex: str, display: bool) -> tuple[str, tuple[str, ...]] | None:
    """The sanitised MathML of a formula and what was dropped from it, or None when
    latex2mathml fails. Once per distinct formula and process: `check` and every renderer
    ask for the same formulas again (a course repeats its notation)."""
    try:
        converter = Converter(display="block" if display else "inline")
        tree = converter.convert_to_element(latex)
    except Exception:  # latex2mathml raises many types (IndexError, its own errors...)
        return None
    sanitiser = _Sanitiser()
    out: list[str] = []
    sanitiser.element(tree, out)
    return "".join(out), tuple(sanitiser.dropped)


_DELIMITERS = {
    "lVert": "\u2016", "rVert": "\u2016", "Vert": "\u2016", "|": "\u2016",
    "lvert": "|", "rvert": "|", "vert": "|", "langle": "\u27e8", "rangle": "\u27e9",
    "lfloor": "\u230a", "rfloor": "\u230b", "lceil": "\u2308", "rceil": "\u2309",
    "{": "{", "}": "}",
}
_RAW_DELIMITER = re.compile(r">\\(" + "|".join(re.escape(d) for d in _DELIMITERS) + r")</mo>")


@lru_cache(maxsize=8192)
def latex_to_mathml(latex: str, display: bool) -> str:
    """MathML for a LaTeX formula; the escaped source in a `math-error` span when it fails."""
    converted = _convert(latex, display)
    if converted is None:
        return f'<code class="math-error">{escape(latex)}</code>'
    # latex2mathml 3.x leaves a delimiter command as text after a size command
    # (`\Big\lVert` gives `<mo ...>\lVert</mo>`); put the character it stands for.
    return _RAW_DELIMITER.sub(lambda m: f">{_DELIMITERS[m.group(1)]}</mo>", converted[0])


def math_problems(latex: str) -> list[tuple[int, str]]:
    """(offset inside `latex`, message) for markup a formula tries to carry.

    Markup typed inside a text command (`\\text{<b>}`) is shown as text, and links, styles
    and foreign elements are removed from the MathML; both are worth telling the author.
    """
    return list(_math_problems(latex))


@lru_cache(maxsize=1 << 16)
def _math_problems(latex: str) -> tuple[tuple[int, str], ...]:
    # Once per distinct formula: a large course writes the same formulas many times.
    problems: list[tuple[int, str]] = []
    for command in _TEXT_COMMAND.finditer(latex):
        # The argument of a text command is everything up to its closing brace.
        end = latex.find("}", command.end())
        inner = latex[command.end() : end if end >= 0 else len(latex)]
        lt = inner.find("<")
        if lt >= 0 and re.match(r"<[A-Za-z/!?]", inner[lt:]):
            problems.append((
                command.end() + lt,
                "markup inside math text is shown as text, never run",
            ))
    converted = _convert(latex, False)
    for what in sorted(set(converted[1] if converted else ())):
        name = what.split("'")[1] if what.startswith("'") else ""
        written = _ATTRIBUTE_COMMAND.get(name)
        offset = latex.find(written) if written else -1
        problems.append((max(offset, 0), f"the {what} is removed from the math"))
    return tuple(sorted(problems))
