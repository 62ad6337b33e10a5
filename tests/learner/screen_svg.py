"""A terminal screen as an SVG picture: what a pty showed, replayed in a terminal emulator
(pyte) and drawn cell by cell with its colours, for the README."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

import pyte

CELL_WIDTH = 8.4
"""A monospace cell at 14 px is 0.6 em wide; every run is stretched to its cells, so the
columns line up whatever monospace font the viewer has."""
LINE_HEIGHT = 18
FONT_SIZE = 14
PADDING = 16
TITLE_BAR = 30

BACKGROUND = "#0d1117"
FOREGROUND = "#c9d1d9"
PALETTE = {
    "black": "#484f58", "red": "#ff7b72", "green": "#3fb950", "brown": "#d29922",
    "blue": "#58a6ff", "magenta": "#bc8cff", "cyan": "#39c5cf", "white": "#b1bac4",
    "brightblack": "#6e7681", "brightred": "#ffa198", "brightgreen": "#56d364",
    "brightbrown": "#e3b341", "brightblue": "#79c0ff", "brightmagenta": "#d2a8ff",
    "brightcyan": "#56d4dd", "brightwhite": "#f0f6fc",
}
"""The 16 named colours on a dark background (pyte calls yellow "brown")."""


class Screen(pyte.Screen):
    """pyte's screen, keeping faint text (SGR 2), which the quiz uses for secondary lines.

    pyte has no faint attribute; the quiz never blinks, so faint is kept as `blink`."""

    def select_graphic_rendition(self, *attrs: int, private: bool = False) -> None:
        translated: list[int] = []
        rest = iter(attrs)
        for attr in rest:
            if attr in (38, 48):  # a colour: its arguments are not attributes
                kind = next(rest, None)
                count = 1 if kind == 5 else 3 if kind == 2 else 0
                translated += [attr, *([] if kind is None else [kind]),
                               *itertools.islice(rest, count)]
            elif attr == 2:
                translated.append(5)
            elif attr == 22:
                translated += [22, 25]
            else:
                translated.append(attr)
        super().select_graphic_rendition(*translated)


def replay(output: str, rows: int, columns: int) -> Screen:
    """The screen a terminal of that size shows after `output`."""
    screen = Screen(columns, rows)
    pyte.Stream(screen).feed(output)
    return screen


@dataclass(frozen=True)
class Style:
    fg: str
    bg: str
    bold: bool
    italic: bool
    underline: bool
    faint: bool

    @classmethod
    def of(cls, char: pyte.screens.Char) -> Style:
        fg, bg = colour(char.fg, FOREGROUND), colour(char.bg, BACKGROUND)
        if char.reverse:
            fg, bg = bg, fg
        return cls(fg, bg, char.bold, char.italics, char.underscore, char.blink)

    def attributes(self) -> str:
        parts = [f'fill="{self.fg}"']
        if self.bold:
            parts.append('font-weight="bold"')
        if self.italic:
            parts.append('font-style="italic"')
        if self.underline:
            parts.append('text-decoration="underline"')
        if self.faint:
            parts.append('opacity="0.65"')
        return " ".join(parts)


def colour(name: str, default: str) -> str:
    if name == "default":
        return default
    return PALETTE.get(name, f"#{name}")  # 256 colours and true colour come as hex


def keep_spaces(text: str) -> str:
    """Runs of spaces as no-break spaces, which no SVG viewer collapses."""
    return re.sub(" {2,}", lambda spaces: "\u00a0" * len(spaces[0]), text)


def lines(screen: pyte.Screen) -> list[str]:
    """The screen's text, one string per row, without trailing spaces."""
    return [row.rstrip() for row in screen.display]


def svg(screen: pyte.Screen, title: str) -> str:
    """The screen as an SVG of fixed size: its rows and columns decide it."""
    width = round(screen.columns * CELL_WIDTH + 2 * PADDING)
    height = screen.lines * LINE_HEIGHT + 2 * PADDING + TITLE_BAR
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="\'DejaVu Sans Mono\', Menlo, Consolas, '
        f'\'Liberation Mono\', monospace" font-size="{FONT_SIZE}" xml:space="preserve">',
        f'<title>{escape(title)}</title>',
        f'<rect width="{width}" height="{height}" rx="8" fill="{BACKGROUND}"/>',
        *(f'<circle cx="{20 + 18 * i}" cy="16" r="5.5" fill="{dot}"/>'
          for i, dot in enumerate(("#ff5f56", "#ffbd2e", "#27c93f"))),
        f'<text x="{width / 2:g}" y="20" text-anchor="middle" fill="#8b949e" '
        f'font-size="12">{escape(title)}</text>',
    ]
    for y in range(screen.lines):
        row = screen.buffer[y]
        baseline = TITLE_BAR + PADDING + y * LINE_HEIGHT + 13
        x = 0
        cells = [row[column] for column in range(screen.columns)]
        for style, run in itertools.groupby(cells, Style.of):
            text = "".join(char.data for char in run)
            left = PADDING + x * CELL_WIDTH
            span = len(text) * CELL_WIDTH
            x += len(text)
            if style.bg != BACKGROUND:
                out.append(f'<rect x="{left:g}" y="{baseline - 13}" width="{span:g}" '
                           f'height="{LINE_HEIGHT}" fill="{style.bg}"/>')
            shown = text if style.underline else text.strip()
            if not shown:
                continue
            # Spaces at either end are left out and the text placed at its own column:
            # an SVG viewer may collapse them, which would shift what follows.
            start = left + (len(text) - len(text.lstrip())) * CELL_WIDTH * (not style.underline)
            out.append(
                f'<text x="{start:g}" y="{baseline}" {style.attributes()} '
                f'textLength="{len(shown) * CELL_WIDTH:g}" lengthAdjust="spacingAndGlyphs">'
                f'{escape(keep_spaces(shown))}</text>')
    out.append("</svg>\n")
    return "\n".join(out)
