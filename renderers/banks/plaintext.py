"""Rendered HTML as readable plain text, math included, for fields that hold plain text.

Canvas matching options and Moodle/GIFT matching answers are plain text. Taking only
the text nodes of MathML flattens it and changes the meaning: `±1/\\sqrt{H}` reads
"±1/H" and `y_{t+1-m}` reads "yt+1−m". Here math is written linearly the way people
type it: roots as `√`, sub- and superscripts with `_` and `^`, fractions with `/`, and
parentheses wherever a part has more than one symbol, so "±1/√H" and "y_(t+1−m)".
"""

from __future__ import annotations

import unicodedata
from xml.etree.ElementTree import Element

_SKIP = frozenset({"annotation", "annotation-xml", "mphantom", "none", "mprescripts"})
_SCRIPTS = {"msub": ("_",), "msup": ("^",), "msubsup": ("_", "^"), "munder": ("_",),
            "mover": ("^",), "munderover": ("_", "^")}
_ACCENTS = {"^": "\u0302", "ˆ": "\u0302", "~": "\u0303", "˜": "\u0303", "¯": "\u0304",
            "‾": "\u0305", "˙": "\u0307", ".": "\u0307", "¨": "\u0308", "ˇ": "\u030c",
            "→": "\u20d7"}
"""Over-script characters that mark an accent, and the combining mark that writes it (ŷ)."""
_BIG = frozenset("∑∏∫∮⋃⋂⨁⨂")
"""Large operators: a space after their limits keeps `∑_p x_p` from running together."""


def readable_text(root: Element) -> str:
    """The text of a parsed fragment with math linearized; whitespace runs made single."""
    # NFC: a letter and its combining accent become one character where Unicode has it.
    return unicodedata.normalize("NFC", " ".join(_text(root, math=False).split()))


def has_math(root: Element) -> bool:
    """Whether the fragment holds MathML (plain text keeps only a linear reading of it)."""
    return any(e.tag == "math" for e in root.iter())


def _text(element: Element, math: bool) -> str:
    tag = element.tag
    if tag in _SKIP:
        return ""
    if tag == "math":
        return _math(element)
    if tag == "br":
        return " "
    if tag == "img":
        return element.get("alt", "")
    parts = [element.text or ""]
    for child in element:
        parts.append(_text(child, math))
        parts.append(child.tail or "")
    return "".join(parts)


def _math(element: Element) -> str:
    """One MathML element as linear text (its tail excluded)."""
    tag = element.tag
    children = [c for c in element if c.tag not in _SKIP]
    if tag in ("mi", "mn", "mo", "mtext", "ms"):
        return " ".join((element.text or "").split())
    if tag == "mspace":
        return " "
    if tag == "semantics":
        return _math(children[0]) if children else ""
    if tag == "msqrt":
        return "√" + _group(_row(children))
    if tag == "mroot" and len(children) == 2:
        return f"root{_group(_math(children[1]))}({_math(children[0])})"
    if tag == "mfrac" and len(children) == 2:
        return _group(_math(children[0])) + "/" + _group(_math(children[1]))
    if tag in _SCRIPTS and len(children) == len(_SCRIPTS[tag]) + 1:
        base = _math(children[0])
        scripts = [_math(c) for c in children[1:]]
        if tag == "mover" and scripts[0] in _ACCENTS and len(base) == 1:
            return base + _ACCENTS[scripts[0]]
        text = _group(base) + "".join(mark + _group(s)
                                      for mark, s in zip(_SCRIPTS[tag], scripts, strict=True))
        return text + " " if base in _BIG else text
    if tag == "mtable":
        return "[" + "; ".join(_math(row) for row in children) + "]"
    if tag in ("mtr", "mlabeledtr"):
        return ", ".join(_math(cell) for cell in children)
    if tag == "mfenced":
        separator = element.get("separators", ",")[:1] or ","
        inner = separator.join(_math(c) for c in children)
        return element.get("open", "(") + inner + element.get("close", ")")
    return _row(children)


def _row(children: list[Element]) -> str:
    return "".join(_math(c) for c in children)


def _group(text: str) -> str:
    """`text` in parentheses unless it is one symbol, one number or already bracketed."""
    text = text.strip()
    if len(text) <= 1 or text.replace(".", "").isdigit():
        return text
    if text[0] in "([{|" and _balanced_outer(text):
        return text
    return f"({text})"


def _balanced_outer(text: str) -> bool:
    """Whether the first bracket of `text` closes at its last character."""
    pairs = {"(": ")", "[": "]", "{": "}", "|": "|"}
    opening, closing = text[0], pairs[text[0]]
    if text[-1] != closing:
        return False
    if opening == closing:
        return text.count(opening) == 2
    depth = 0
    for index, char in enumerate(text):
        depth += char == opening
        depth -= char == closing
        if depth == 0 and index < len(text) - 1:
            return False
    return True
