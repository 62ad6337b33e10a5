"""A pseudo-terminal that runs the real program and waits for text on its screen."""

from __future__ import annotations

import termios
import time
from pathlib import Path

import pexpect

from engine.i18n import Catalog
from tests.learner.helpers import ANSI, ROOT, plain


class Terminal:
    """The program under a pty (so it sees a real terminal); keys in, screen text out."""

    def __init__(self, args: list[str], env: dict[str, str], rows: int = 40,
                 columns: int = 100, language: str = "en") -> None:
        self.child = pexpect.spawn(args[0], args[1:], env=env, cwd=str(ROOT), encoding="utf-8",
                                   dimensions=(rows, columns), timeout=30)
        self.raw = ""
        self.position = 0
        self.auto_continue = True
        """Press Enter at each "[Enter: ...]" pause, as a reader would once done reading."""
        self.continued = 0
        words = Catalog.for_language(language, "terminal")
        self.pauses = tuple(f"[{words.text(key)}]"
                            for key in ("term.pause.next", "term.pause.more"))
        """The pause prompts in the course's interface language."""

    @property
    def screen(self) -> str:
        """Everything shown so far, without escape sequences.

        An escape sequence cut in half at the end of what was read so far is held back:
        stripped later, it would shift every position after it.
        """
        raw = self.raw
        cut = raw.rfind("\x1b")
        if cut >= 0 and not ANSI.match(raw, cut):
            raw = raw[:cut]
        return plain(raw)

    def wait(self, text: str, timeout: float = 30) -> str:
        """Wait until `text` appears after what was already waited for; return the text
        shown since the previous wait, up to and including `text`."""
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen
            if self.auto_continue:
                self._go_on(shown)
            found = shown.find(text, self.position)
            if found >= 0:
                start, self.position = self.position, found + len(text)
                return shown[start:self.position]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{text!r} never appeared; the screen ends with:\n"
                                     f"{shown[-1500:]}\nraw: {self.raw[-600:]!r}")
            try:
                self.raw += self.child.read_nonblocking(65536, timeout=min(remaining, 0.5))
            except pexpect.TIMEOUT:
                continue
            except pexpect.EOF as error:
                raise AssertionError(f"the program ended before {text!r}:\n{shown[-1500:]}") \
                    from error

    def _go_on(self, shown: str) -> None:
        pauses = sum(shown.count(pause) for pause in self.pauses)
        if pauses > self.continued and shown.rstrip().endswith("]"):
            self.continued = pauses
            self.child.sendline("")

    def answer(self, line: str) -> None:
        """Type `line` at the next prompt, once the program waits there (the prompt is the
        last thing on the screen: a "> " inside lesson text is not a prompt)."""
        self.prompt("> " if not line.startswith("blank:") else ": ")
        self.child.sendline(line.removeprefix("blank:"))

    def prompt(self, *suffixes: str, timeout: float = 30) -> str:
        """Wait until the program waits at a new prompt ending with one of `suffixes`;
        that one."""
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen
            if self.auto_continue:
                self._go_on(shown)
            pausing = shown.rstrip().endswith("]")
            # Only a prompt shown since the last one counts: right after a key is sent,
            # the screen still ends with the prompt it answered.
            fresh = len(shown) > self.position
            for suffix in suffixes:
                if fresh and shown.endswith(suffix) and (suffix.endswith("] ") or not pausing):
                    self.position = len(shown)
                    return suffix
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {suffixes!r} prompt; the screen ends with:\n"
                                     f"{shown[-1500:]}")
            try:
                self.raw += self.child.read_nonblocking(65536, timeout=min(remaining, 0.5))
            except pexpect.TIMEOUT:
                continue
            except pexpect.EOF as error:
                raise AssertionError(f"the program ended before a prompt:\n{shown[-1500:]}") \
                    from error

    def interrupt(self) -> None:
        """Press Ctrl-C at the prompt the program waits at, as a person would: once the line
        editor reads the keys (the terminal has left canonical mode) and a moment later.

        Typed sooner, a Ctrl-C is echoed as ^C by the terminal itself; and one that lands
        between readline drawing its prompt and waiting for a key sits unseen until the
        next key, a window a person never hits but a test can.
        """
        deadline = time.monotonic() + 30
        while termios.tcgetattr(self.child.child_fd)[3] & termios.ICANON:
            assert time.monotonic() < deadline, "the program never read from the terminal"
            time.sleep(0.01)
        time.sleep(0.2)
        self.child.sendintr()

    def send(self, line: str) -> None:
        self.child.sendline(line)

    def exit_status(self) -> int:
        """Wait for the program to end; its exit status."""
        rest = self.child.read()
        self.raw += rest
        self.child.close()
        assert self.child.exitstatus is not None, f"killed by signal {self.child.signalstatus}"
        return int(self.child.exitstatus)

    def kill(self, signal: int) -> None:
        self.child.kill(signal)
        self.child.close(force=True)


def progress_db(env: dict[str, str]) -> Path:
    return Path(env["LESSONKIT_PROGRESS_DB"])
