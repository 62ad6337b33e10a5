"""Course Markdown as terminal lines: styled rich Text, readable with every style removed.

The plain front end prints these lines without their styles, so nothing may depend on
colour alone: lists keep their bullets, tables keep their separators, links print their
address, images their alt text and math is turned into Unicode (see `mathtext`). No box
drawing and no layout that a screen reader would read as noise.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from engine.text.mathtext import to_unicode

if TYPE_CHECKING:
    from markdown_it.token import Token

CODE_STYLE = "cyan"
MATH_STYLE = "italic"


@functools.cache
def _wrapping_console() -> Console:
    # Text.wrap wants a console only for justification defaults; this one never prints.
    return Console(width=80, color_system=None, force_terminal=False, file=io.StringIO())


def render_inline(source: str) -> Text:
    """One paragraph of Markdown (a choice, a hint, a prompt line) as a single Text."""
    lines = render_markdown(source)
    return Text("\n").join(lines) if lines else Text()


def hanging(text: Text, indent: int, width: int | None) -> Text:
    """`text` wrapped to `width`, its continuation lines indented by `indent` spaces.

    For options such as `  2) A long answer ...`: wrapped lines start under the answer,
    not under the number. No wrapping when `width` is None (plain mode).
    """
    if width is None or len(text) <= width:
        return text
    pieces = list(text.wrap(_wrapping_console(), max(20, width - indent), justify="default"))
    for piece in pieces:
        piece.rstrip()
    return Text("\n").join([pieces[0], *(Text(" " * indent) + piece for piece in pieces[1:])])


def preformatted(text: Text) -> Text:
    """`text` marked as a line that must never be folded: the rich front end crops it at
    the terminal's edge with a visible `…` (a folded code line or diagram reads as two
    lines of a different program). The plain front end prints it whole."""
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


def render_markdown(source: str, width: int | None = None) -> list[Text]:
    """Markdown as lines of styled text, wrapped to `width` (None: never wrapped)."""
    # Imported here: a quiz whose text comes from the course cache never parses Markdown.
    from engine.text.markdown_dialect import parser

    writer = _Writer(width)
    # The course's one dialect (the site's); raw HTML is kept as literal text, as a terminal
    # has nothing to render it with and showing it is the honest fallback.
    writer.blocks(parser().parse(source))
    writer.footnotes()
    while writer.lines and not writer.lines[-1].plain.strip():
        writer.lines.pop()
    return writer.lines


@dataclass
class _ListState:
    ordered: bool
    number: int


@dataclass
class _Writer:
    width: int | None
    lines: list[Text] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    bullet: str | None = None
    lists: list[_ListState] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)
    table: list[list[Text]] | None = None

    # --- output ---------------------------------------------------------------------

    def emit(
        self, text: Text, *, style: str = "", blank_after: bool = True, wrap: bool = True,
        crop: bool = False,
    ) -> None:
        """Add `text`'s lines: wrapped to the width, or (`crop`) never folded."""
        indent = "".join(self.prefixes)
        first = indent + (self.bullet or "")
        rest = indent + " " * len(self.bullet or "")
        self.bullet = None
        for n, line in enumerate(text.split("\n", allow_blank=True)):
            lead = first if n == 0 else rest
            if crop:
                if style:
                    line.stylize(style)
                self.lines.append(preformatted(Text(lead) + line))
            elif wrap:
                self.lines.extend(self._wrapped(line, lead, rest, style))
            else:
                self.lines.append(Text(lead) + line)
        if blank_after and not self.lists:
            self.lines.append(Text())

    def _wrapped(self, line: Text, first: str, rest: str, style: str) -> list[Text]:
        if style:
            line.stylize(style)
        if self.width is None or len(first) + len(line) <= self.width:
            return [Text(first) + line]
        room = max(20, self.width - len(rest))
        pieces = line.wrap(_wrapping_console(), room, justify="default")
        for piece in pieces:
            piece.rstrip()
        return [Text(first if n == 0 else rest) + piece for n, piece in enumerate(pieces)]

    # --- blocks ---------------------------------------------------------------------

    def blocks(self, tokens: Sequence[Token]) -> None:
        index = 0
        while index < len(tokens):
            index = self.block(tokens, index)

    def block(self, tokens: Sequence[Token], index: int) -> int:
        token = tokens[index]
        kind = token.type
        if kind == "heading_open":
            title = self.inline(tokens[index + 1])
            title.stylize("bold underline" if token.tag in {"h1", "h2"} else "bold")
            self.emit(title)
            return index + 3
        if kind == "paragraph_open":
            self.emit(self.inline(tokens[index + 1]), blank_after=not token.hidden)
            return index + 3
        if kind in {"bullet_list_open", "ordered_list_open"}:
            start = int(str(token.attrs.get("start", 1)))
            self.lists.append(_ListState(kind == "ordered_list_open", start))
        elif kind in {"bullet_list_close", "ordered_list_close"}:
            self.lists.pop()
            if not self.lists:
                self.lines.append(Text())
        elif kind == "list_item_open":
            state = self.lists[-1]
            self.bullet = f"{state.number}. " if state.ordered else "• "
            state.number += 1
            self.prefixes.append("  " * (len(self.lists) > 1))
        elif kind == "list_item_close":
            self.prefixes.pop()
            self.bullet = None
        elif kind == "blockquote_open":
            self.prefixes.append("> ")
        elif kind == "blockquote_close":
            self.prefixes.pop()
        elif kind in {"fence", "code_block"}:
            self.prefixes.append("    ")
            self.emit(Text(token.content.rstrip("\n")), style=CODE_STYLE, crop=True)
            self.prefixes.pop()
        elif kind in {"math_block", "math_block_label"}:
            self.prefixes.append("    ")
            self.emit(Text(to_unicode(token.content)), style=MATH_STYLE)
            self.prefixes.pop()
        elif kind == "admonition_open":
            kind_name = str(token.meta.get("tag", "note")).capitalize()
            heading = Text(f"{kind_name}: ", style="bold")
            given = token.content.strip()
            if given and given.lower() != kind_name.lower():
                heading.append(given)
            self.emit(heading, blank_after=False)
            self.prefixes.append("    ")
            return _skip_to(tokens, index, "admonition_title_close") + 1
        elif kind == "admonition_close":
            self.prefixes.pop()
        elif kind == "hr":
            self.emit(Text("* * *"))
        elif kind == "html_block":
            self.emit(Text(token.content.rstrip("\n")))
        elif kind == "table_open":
            self.table = []
        elif kind == "tr_open" and self.table is not None:
            self.table.append([])
        elif kind == "inline" and self.table is not None:
            self.table[-1].append(self.inline(token))
        elif kind == "table_close" and self.table is not None:
            self.emit_table(self.table)
            self.table = None
        elif kind == "footnote_block_open":
            return self.collect_footnotes(tokens, index)
        return index + 1

    def emit_table(self, rows: list[list[Text]]) -> None:
        columns = max((len(r) for r in rows), default=0)
        widths = [max((len(r[c]) for r in rows if c < len(r)), default=0) for c in range(columns)]
        indent = len("".join(self.prefixes))
        if self.width is not None and indent + sum(widths) + 3 * (columns - 1) > self.width:
            self.emit_stacked(rows)
            return
        for n, row in enumerate(rows):
            cells = [
                row[c] + " " * (widths[c] - len(row[c])) if c < len(row) else Text(" " * widths[c])
                for c in range(columns)
            ]
            line = Text(" | ").join(cells)
            line.rstrip()
            if n == 0:
                line.stylize("bold")
            # A table row never wraps: a wrapped row reads as two rows.
            self.emit(line, blank_after=False, crop=True)
            if n == 0:
                rule = Text("-+-".join("-" * w for w in widths))
                self.emit(rule, blank_after=False, crop=True)
        self.lines.append(Text())

    def emit_stacked(self, rows: list[list[Text]]) -> None:
        """A table too wide for the terminal, one record at a time: `header: value` lines,
        each wrapped under its value, a blank line between records (no row is cut)."""
        header, *records = rows
        for record in records:
            for c, value in enumerate(record):
                name = header[c].copy() if c < len(header) else Text()
                name.append(": ")
                name.stylize("bold", 0, len(name))
                self.emit(name + value, blank_after=False)
            self.lines.append(Text())

    def collect_footnotes(self, tokens: Sequence[Token], index: int) -> int:
        label = ""
        while index < len(tokens) and tokens[index].type != "footnote_block_close":
            token = tokens[index]
            if token.type == "footnote_open":
                label = str(token.meta.get("label", len(self.notes) + 1))
            elif token.type == "inline":
                self.notes.append(Text(f"[{label}] ") + self.inline(token))
            index += 1
        return index + 1

    def footnotes(self) -> None:
        for note in self.notes:
            self.emit(note, blank_after=False)

    # --- inline ---------------------------------------------------------------------

    def inline(self, token: Token) -> Text:
        out = Text()
        styles: list[str] = []
        links: list[tuple[str, int]] = []
        for child in token.children or []:
            style = " ".join(styles)
            kind = child.type
            if kind == "text":
                out.append(child.content, style)
            elif kind == "softbreak":
                out.append(" ")
            elif kind == "hardbreak":
                out.append("\n")
            elif kind in {"strong_open", "em_open", "s_open"}:
                styles.append({"strong_open": "bold", "em_open": "italic"}.get(kind, "strike"))
            elif kind in {"strong_close", "em_close", "s_close"} and styles:
                styles.pop()
            elif kind == "code_inline":
                out.append(child.content, f"{style} {CODE_STYLE}".strip())
            elif kind in {"math_inline", "math_inline_double"}:
                out.append(to_unicode(child.content), f"{style} {MATH_STYLE}".strip())
            elif kind == "link_open":
                links.append((str(child.attrs.get("href", "")), len(out)))
                styles.append("underline")
            elif kind == "link_close" and links:
                styles.pop()
                href, start = links.pop()
                if href and href != out.plain[start:] and not href.startswith("#"):
                    out.append(f" ({href})")
            elif kind == "image":
                out.append(f"[image: {child.content or child.attrs.get('src', '')}]", style)
            elif kind == "html_inline":
                out.append(child.content, style)
            elif kind == "footnote_ref":
                out.append(f"[{child.meta.get('label', child.meta.get('id', 0) + 1)}]", style)
        return out


def _skip_to(tokens: Sequence[Token], index: int, kind: str) -> int:
    while index < len(tokens) and tokens[index].type != kind:
        index += 1
    return index
