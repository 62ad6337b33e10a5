"""MathML spacing that survives Canvas's HTML sanitizer.

Canvas cleans every imported HTML field (canvas-lms lib/canvas_sanitize, the MathML part
of its config) and drops the `width` attribute of `<mspace>`, so `\\,` and `\\quad`
spacing disappears (seen in the issue-14 import run). A spacing character inside an
`<mtext>` keeps the same space: Unicode has one for each TeX space.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from renderers.banks.xhtml import walk

_EM = re.compile(r"^\s*(-?[0-9.]+)\s*em\s*$")
_SPACES = ((0.0, ""), (0.17, "\u2009"), (0.23, "\u205f"), (0.28, "\u2004"), (0.5, "\u2002"),
           (1.0, "\u2003"))
"""Widest width (em) each character stands for: thin, medium math, thick, en, em space."""


def space_text(width: str) -> str:
    """The spacing characters for an `mspace` width (`0.167em`, `1em`, `2em`)."""
    match = _EM.match(width)
    if match is None:
        return " "
    em = float(match.group(1))
    if em <= 0:
        return ""  # a negative space (`\\!`) cannot be written as a character
    text = "\u2003" * int(em)
    rest = em - int(em)
    if rest > 0.05:
        text += next(char for limit, char in _SPACES if rest <= limit + 1e-9 or limit == 1.0)
    return text


def keep_spaces(tree: Element) -> Element:
    """Replace every `<mspace width=...>` under `tree` by an `<mtext>` of spacing characters."""
    for element in [tree, *walk(tree)]:
        if element.tag == "mspace" and element.get("width"):
            text = space_text(element.get("width", ""))
            element.tag = "mtext"
            element.attrib.clear()
            element.text = text
    return tree
