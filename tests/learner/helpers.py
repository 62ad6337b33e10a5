"""Shared by the terminal learner's tests: paths, an isolated environment, answers to type."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import assert_never

from engine.model import (
    Blank,
    Cloze,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    QuestionType,
    SingleChoice,
    Text,
    TrueFalse,
)
from renderers.terminal.layout import LETTERS, layout_for

ROOT = Path(__file__).resolve().parents[2]
COMPLETE = ROOT / "tests" / "fixtures" / "courses" / "complete"
SAMPLE = ROOT / "content" / "intro-to-rnns"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def lessonkit() -> list[str]:
    """The real `lessonkit` program (the CLI the lead wires), as a learner runs it."""
    binary = Path(sys.executable).with_name("lessonkit")
    assert binary.exists(), f"{binary} is missing: install the project (pip install -e .)"
    return [str(binary)]


def isolated_env(tmp: Path, **extra: str) -> dict[str, str]:
    """The environment for a child process: nothing in the real user folders."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LESSONKIT_")}
    env.update(
        LESSONKIT_PROGRESS_DB=str(tmp / "progress.sqlite3"),
        LESSONKIT_CACHE_DIR=str(tmp / "cache"),
        XDG_DATA_HOME=str(tmp / "xdg-data"),
        XDG_CACHE_HOME=str(tmp / "xdg-cache"),
    )
    for inherited in ("NO_COLOR", "COLUMNS", "LINES", "TERM_PROGRAM", "ACCESSIBLE"):
        env.pop(inherited, None)  # the pty's own size and a plain xterm, whatever runs us
    env["TERM"] = "xterm-256color"
    env.update(extra)
    return env


def right_lines(question: QuestionType, seed: int) -> list[str]:
    """What to type, one line per prompt, for full marks when the session seed is `seed`."""
    layout = layout_for(question, seed)
    match question:
        case SingleChoice():
            correct = next(i for i, c in enumerate(question.choices) if c.correct)
            return [str(layout.position(correct) + 1)]
        case MultipleChoice():
            right = [layout.position(i) for i, c in enumerate(question.choices) if c.correct]
            return [",".join(str(p + 1) for p in sorted(right))]
        case TrueFalse():
            return ["true" if question.answer else "f"]
        case Numeric():
            if question.answer is not None:
                return [str(question.answer).replace(".", ",")]
            assert question.range is not None
            return [str(sum(question.range) / 2)]
        case Text():
            return [question.accept[0] if question.accept else "x"]
        case Cloze():
            return [_blank_right(b, layout.blank_order(name))
                    for name, b in question.blanks.items()]
        case Matching():
            options = [p.right for p in question.pairs] + list(question.distractors)
            return ["".join(LETTERS[layout.position(options.index(p.right))]
                            for p in question.pairs)]
        case Ordering():
            return [" ".join(str(layout.position(i) + 1) for i in range(len(question.items)))]
        case other:
            assert_never(other)


def _blank_right(blank: Blank, order: tuple[int, ...]) -> str:
    if blank.blank_kind == "choice":
        # By the number it is shown with, as a learner may.
        return str(order.index(blank.choices.index(str(blank.answer))) + 1)
    if blank.blank_kind == "text":
        return blank.accept[0] if blank.accept else (blank.pattern or "").split("|")[0]
    if blank.answer is not None:
        return str(blank.answer)
    assert blank.range is not None
    return str(sum(blank.range) / 2).replace(".", ",")


def wrong_lines(question: QuestionType, seed: int) -> list[str]:
    """What to type for zero points."""
    layout = layout_for(question, seed)
    match question:
        case SingleChoice() | MultipleChoice():
            wrong = next(i for i, c in enumerate(question.choices) if not c.correct)
            return [str(layout.position(wrong) + 1)]
        case TrueFalse():
            return ["f" if question.answer else "t"]
        case Numeric():
            return ["-123456789"]
        case Text():
            return ["certainly not this"]
        case Cloze():
            return ["-99999" if b.blank_kind == "numeric" else
                    (next(c for c in b.choices if c != b.answer) if b.choices else "zzz")
                    for b in question.blanks.values()]
        case Matching():
            return [LETTERS[len(layout.order) - 1] * len(question.pairs)]
        case Ordering():
            return [" ".join(str(n) for n in range(1, len(question.items) + 1))]
        case other:
            assert_never(other)


def plain(text: str) -> str:
    """Terminal output without escape sequences and carriage returns."""
    return ANSI.sub("", text).replace("\r", "")
