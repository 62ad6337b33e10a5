"""Texts whose every `<` is code, told without parsing them.

`check` parses a text for raw HTML when it has a `<` that could open a tag or an autolink
(engine.checking.markdown_rules). Course prose often writes such a `<` inside a code span
(`` `<pad>` ``, `` `List<int>` ``), where it is text, and parsing every such text costs
more than all else `check` does on a course of real lessons. A tag, an autolink and a
code span start wherever the parser meets their first character in inline text, so a
`<` is text if the backtick before it opens a code span in the parser's reading; this
module says so only where that reading is plain to see, and otherwise lets the text be
parsed:

- no link, image, reference definition or footnote (`](`, `]:`, `^[`): their
  destinations and labels are read by rules of their own;
- no carriage return (the parser reads one as a line break);
- fenced code blocks only at the first column, outside every container, and no `$$`
  (a display formula's lines are not fences), so that where they end is certain; their
  lines are code;
- outside them, on every line, the backticks pair up as single-backtick code spans
  (`_without_code_spans`: no escaped backtick, no longer run, no `|` that a table would
  split a span at), so every opener is closed on its own line whatever block the line is
  in (container markers, headings and table cells hold no backtick), and no admonition
  opens on a line with a backtick (its title is read apart from the rest of the line);
- nothing else takes a backtick before the parser reaches it: no formula may hold one (no
  `$` before a backtick in a block: a formula runs from a `$` to a later one within its
  block, and blocks end at a blank line), no autolink may (an email autolink such as
  `<1`@x.y>` opens with a `<` that is no tag), and an escape never takes one (above);
- then every `<` that may open a tag or an autolink sits inside one of those code spans.

An HTML block opens with a `<` at the start of a line (after its container markers),
which no backtick precedes: the last condition rules it out too.
tests/engine/checking/test_markdown_gate.py holds the parser to this with tricky texts
and generated ones.
"""

from __future__ import annotations

import re
from functools import lru_cache

_TAG_OR_AUTOLINK = re.compile(r"<[A-Za-z/!?]")
"""What raw HTML (inline or a block) and an autolink with a scheme start with."""

_OPENS_ELSEWHERE = re.compile(r"\]\(|\]:|\^\[")
"""Inline links and images, reference and footnote definitions, inline footnotes."""

_TAKES_A_BACKTICK = re.compile(r"<[^<>\s]*`")
"""A `<` whose autolink would hold a backtick (`<1`@x.y>`)."""

_CODE_SPAN = re.compile(r"`[^`]*`")

_ADMONITION = re.compile(r"!!!|\?\?\?")
"""What opens an admonition, whose title is the part of its line after its type: the
title's code spans pair apart from the line's."""

_FENCE_OPEN = re.compile(r"(`{3,})[^`]*|(~{3,}).*")
_INDENTED_FENCE = re.compile(r" {1,3}(?:`{3}|~{3})")
_FENCE_CLOSE = re.compile(r" {0,3}(`{3,}|~{3,})[ \t]*")


def angles_are_code(text: str) -> bool:
    """Whether every `<` of `text` that could open raw HTML or an autolink is, for the
    parser, inside a code span or a fenced code block (see the module)."""
    return _angles_are_code(text)


@lru_cache(maxsize=1 << 14)
def _angles_are_code(text: str) -> bool:
    if "\r" in text or _OPENS_ELSEWHERE.search(text) or _TAKES_A_BACKTICK.search(text):
        return False
    lines = text.split("\n")
    if "```" in text or "~~~" in text:
        if "$$" in text:
            return False  # a display formula's lines may look like a fence
        unfenced = _without_top_fences(lines)
        if unfenced is None:
            return False
        lines = unfenced
    bare = _without_code_spans(lines)
    if bare is None or _TAG_OR_AUTOLINK.search(bare):
        return False
    return ("`" not in text or not _formula_may_take_a_backtick(lines)) and not any(
        "`" in line and _ADMONITION.search(line) for line in lines)


def _without_code_spans(lines: list[str]) -> str | None:
    """The lines without their code spans, joined, where on every line the backticks pair
    up as single-backtick spans (no escape, no longer run) that hold no `|`; else None.
    (engine.text.markdown_math has the same for the renderers, whose imports `check`
    does without.)"""
    text = "\n".join(lines)
    if "`" not in text:
        return text
    if "``" in text or "\\`" in text:
        return None
    for line in lines:
        if line.count("`") % 2 or any("|" in span for span in _CODE_SPAN.findall(line)):
            return None
    return "\n".join(_CODE_SPAN.sub("", line) for line in lines)


def _formula_may_take_a_backtick(lines: list[str]) -> bool:
    """Whether a `$` outside the code spans comes before a backtick within a block (the
    lines up to a blank one, where every formula ends)."""
    dollar_seen = False
    for line in lines:
        if not line.strip(" \t"):
            dollar_seen = False
            continue
        last = line.rfind("`")
        if last >= 0 and (dollar_seen or "$" in _CODE_SPAN.sub("", line[: last + 1])):
            return True
        dollar_seen = dollar_seen or "$" in _CODE_SPAN.sub("", line)
    return False


def _without_top_fences(lines: list[str]) -> list[str] | None:
    """`lines` with each fenced code block that opens at the first column (so outside
    every container) blanked, its fences included (a blank line ends a block too); None
    when a fence may open further right, whose end a line at the first column may be."""
    out: list[str] = []
    fence: str | None = None
    for line in lines:
        if fence is None:
            opened = _FENCE_OPEN.fullmatch(line)
            if opened:
                fence = opened.group(1) or opened.group(2)
                out.append("")
            elif _INDENTED_FENCE.match(line):
                return None
            else:
                out.append(line)
            continue
        closed = _FENCE_CLOSE.fullmatch(line)
        if closed and closed.group(1)[0] == fence[0] and len(closed.group(1)) >= len(fence):
            fence = None
        out.append("")
    return out
