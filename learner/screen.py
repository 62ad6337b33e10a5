"""The two front ends of the terminal learner: coloured lines, or plain lines.

Both print line by line and never redraw, so screen readers and scroll-back work (the
research in ux.md 1.5: repainting interfaces are the main barrier). The rich front end
adds colour and a progress bar drawn as characters; the plain one prints no control code
at all and reads answers line by line, so a quiz can be scripted and piped.

The quiz loop only sees a `Screen`, so tests drive it with in-memory streams.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from typing import TextIO

from rich.console import Console
from rich.text import Text

from engine.i18n import Catalog
from engine.safety.controls import CONTROL


def terminal_words(ui_language: str = "en") -> Catalog:
    """The terminal's interface strings in `ui_language` (English when it has none)."""
    return Catalog.for_language(ui_language, "terminal")


class Screen:
    """Where the quiz writes lines and reads answers."""

    def __init__(
        self, console: Console, stdin: TextIO, *, plain: bool, echo_input: bool = False,
        words: Catalog | None = None,
    ) -> None:
        self.words = words or terminal_words()
        """Every string the terminal shows comes from here (the course's `ui_language`)."""
        self.console = console
        self.stdin = stdin
        self.plain = plain
        self.echo_input = echo_input

    @property
    def width(self) -> int | None:
        """The width to wrap text to; None in plain mode, where lines are never wrapped."""
        return None if self.plain else max(20, self.console.width)

    def say(self, text: Text | str = "", style: str = "") -> None:
        """Print one line (or a block of lines separated by newlines)."""
        shown = _inert(Text(text, style=style) if isinstance(text, str) else text)
        # Plain mode never wraps (a screen reader or a pipe gets whole lines); the rich
        # front end wraps to the terminal's width (Markdown arrives wrapped already).
        if shown.no_wrap and not self.plain:  # preformatted: cropped with "…", never folded
            self.console.print(shown, no_wrap=True, overflow=shown.overflow or "ellipsis")
        else:
            self.console.print(shown, soft_wrap=self.plain)

    def say_all(self, lines: Iterable[Text]) -> None:
        for line in lines:
            self.say(line)

    def ask(self, prompt: str) -> str:
        """Show `prompt` and read one line. Raises EOFError at the end of input."""
        if self.plain:
            self.console.print(_inert(Text(prompt)), end="", soft_wrap=True)
            self.console.file.flush()
            line = self.stdin.readline()
            if not line:
                self.console.print()
                raise EOFError
            answer = line.rstrip("\r\n")
            if self.echo_input:
                # Piped answers are not echoed by a terminal; print them so a transcript
                # shows what was answered where.
                self.console.print(_inert(Text(answer)), soft_wrap=True)
            return answer
        shown = _inert(Text(prompt, style="bold"))
        if self.stdin is not sys.stdin:  # in-memory streams (tests): no line editing
            return self.console.input(shown, stream=self.stdin)
        # The prompt goes to input() itself rather than being printed before it: readline
        # redraws the line it owns, and when Enter comes on an empty line it does not move
        # on to the next one if it thinks that line empty, so after a pause the next text
        # would start right after "[Enter: more]".
        with self.console.capture() as captured:
            self.console.print(shown, end="")
        return input(_readline_prompt(captured.get()))

    def page(self, lines: Iterable[Text]) -> None:
        """Print lines a screenful at a time, waiting for Enter between screenfuls.

        Only the rich front end pages: a screen reader, a pipe or a script reading the
        plain front end gets every line at once.
        """
        shown = list(lines)
        if self.plain:
            self.say_all(shown)
            return
        screenful = max(5, self.console.height - 2)
        for start in range(0, len(shown), screenful):
            if start:
                self.pause("more")
            self.say_all(shown[start:start + screenful])

    def pause(self, why: str = "next") -> None:
        """Wait for Enter before going on, so what was just shown can be read first.

        The plain front end never waits (see `page`). Raises EOFError at the end of input.
        """
        if self.plain:
            return
        self.ask(f"[{self.words.text('term.pause.more' if why == 'more' else 'term.pause.next')}] ")

    def progress(self, position: int, total: int, title: str) -> None:
        """A one-line progress indicator, printed once (never redrawn)."""
        head = self.words.text("term.progress", position=position, total=total)
        if self.plain:
            self.say(f"[{head}] {title}")
            return
        width = 20
        filled = round(width * (position - 1) / max(1, total))
        bar = Text("━" * filled, style="green") + Text("━" * (width - filled), style="grey50")
        self.say(Text(f"{head} ", style="bold") + bar + Text(f" {title}", style="dim"))


def _inert(text: Text) -> Text:
    """`text` with every control character shown as U+FFFD: course text and cell outputs
    lose them when loaded, this is the last guard before the terminal (ESC would retitle
    or clear it). One character for one keeps the styled spans where they were."""
    if not CONTROL.search(text.plain):
        return text
    copy = text.copy()
    copy.plain = CONTROL.sub("\ufffd", text.plain)
    return copy


_STYLE_CODE = re.compile(r"(\x1b\[[0-9;]*m)")


def _readline_prompt(prompt: str) -> str:
    """`prompt` with its colour codes marked as taking no columns (readline's \\001 and
    \\002), so line editing knows where the typed text starts."""
    if "readline" not in sys.modules:
        return prompt
    return _STYLE_CODE.sub("\x01\\1\x02", prompt)


def wants_plain(plain_flag: bool, stdin: TextIO, stdout: TextIO) -> bool:
    """Plain mode when asked, when either end is not a terminal, or for TERM=dumb/ACCESSIBLE."""
    if plain_flag or os.environ.get("TERM") == "dumb" or os.environ.get("ACCESSIBLE"):
        return True
    return not (_isatty(stdin) and _isatty(stdout))


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def make_screen(
    plain_flag: bool, stdin: TextIO | None = None, stdout: TextIO | None = None,
    ui_language: str = "en",
) -> Screen:
    """The screen for this process's terminal (or pipes)."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    plain = wants_plain(plain_flag, stdin, stdout)
    if plain:
        console = Console(
            file=stdout, color_system=None, force_terminal=False, no_color=True,
            highlight=False, emoji=False, markup=False, soft_wrap=True, width=1_000_000,
        )
    else:
        # rich honours NO_COLOR, FORCE_COLOR and the terminal's width by itself.
        console = Console(file=stdout, highlight=False, emoji=False, markup=False)
        if stdin is sys.stdin:
            _enable_line_editing()
    return Screen(console, stdin, plain=plain, echo_input=plain and not _isatty(stdin),
                  words=terminal_words(ui_language))


def _enable_line_editing() -> None:
    """Arrow keys, Home/End and history (Up recalls earlier answers) at the prompt.

    Importing readline is what switches it on for `input()`, which rich's prompt uses;
    without it the Left key typed `^[[D` into the answer. History stays in memory.
    """
    try:
        import readline  # noqa: F401  (imported for its effect on input())
    except ImportError:  # a Python built without readline: plain line input still works
        return
