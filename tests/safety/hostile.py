"""Hostile strings and a copy of the complete fixture course with them in every text field.

Each payload would, if it ran, set `window.__pwned`, open a dialog or request a URL with
"pwned" in it (a static server records requests); each mentions the word "pwned", so a
scan of the outputs can tell injected code from the site's own (tests/safety/scan.py).
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

COMPLETE = Path(__file__).resolve().parents[1] / "fixtures" / "courses" / "complete"

MARKUP = [
    "<script>window.__pwned=1;alert('pwned')</script>",
    '"><img src=/pwned-img onerror="window.__pwned=2">',
    "<svg onload=window.__pwned=3><title>pwned</title></svg>",
    "[pwned link](javascript:window.__pwned=4)",
    "<a href=\"javascript:window.__pwned=5\">pwned</a>",
    "<iframe srcdoc='<script>parent.__pwned=6</script>' src=/pwned-frame></iframe>",
    "<details open ontoggle=window.__pwned=7>pwned</details>",
]
MATH = [
    # A script of the site's own origin passes any Content-Security-Policy ('self').
    '$\\text{<script src="/pwned.js"></script>}$',
    "$\\text{<img src=/pwned-math onerror=window.__pwned=8>}$",
    "$\\mbox{<script>window.__pwned=9</script>}$",
    "$\\fbox{<svg onload=window.__pwned=10>pwned</svg>}$",
    "$\\href{javascript:window.__pwned=11}{pwned}$",
    "$\\style{background:url(/pwned-style)}{x}$",
    "$$\\text{</math><img src=/pwned-block onerror=window.__pwned=12>}$$",
]
CONTROL = [
    "\x1b]0;pwned title\x07",
    "\x1b[2J\x1b[H pwned",
    "nul\x00pwned",
    "c1\x9b31mpwned\x85",
    "bell\x07\x08pwned",
]
PATHS = [
    "![pwned](../../outside/x.svg)",
    "![pwned](/etc/passwd)",
    "[pwned](//etc/passwd)",
    "![pwned](..\\..\\..\\..\\evil.svg)",
    "see ../../etc/passwd and C:\\pwned.txt as plain text",
]
PAYLOADS = MARKUP + MATH + CONTROL + PATHS

PATH_CODES = frozenset({"outside-course", "unsafe-file-name"})
"""What `check` must say about the path payloads written as links (they are errors)."""

_TEXT_KEYS = {"title", "description", "body", "prompt", "explanation", "text", "caption",
              "feedback", "feedback_true", "feedback_false", "left", "right", "unit",
              "license", "version"}
_TEXT_LISTS = {"hints", "objectives", "items", "distractors", "authors"}


def _mutate(node: Any, key: str | None, payloads: Iterator[str]) -> Any:
    """`node` with a payload appended to every text an author writes for learners."""
    if isinstance(node, dict):
        if key == "feedback" and "enabled" not in node:  # a text question's: answer -> text
            return {k: f"{v} {next(payloads)}" for k, v in node.items()}
        if key == "blanks":  # answers and choices of blanks must keep matching each other
            return node
        return {k: _mutate(v, k, payloads) for k, v in node.items()}
    if isinstance(node, list):
        if key in _TEXT_LISTS:
            # A number keeps list items distinct (duplicates are an error of their own).
            return [f"{item} {next(payloads)} {n}" for n, item in enumerate(node)]
        return [_mutate(item, key, payloads) for item in node]
    if isinstance(node, str) and key in _TEXT_KEYS:
        return f"{node} {next(payloads)}"
    return node


def hostile_course(target: Path, payloads: list[str]) -> Path:
    """A copy of the complete course at `target` with `payloads` (cycled) in every text."""
    shutil.copytree(COMPLETE, target)
    cycle = itertools.cycle(payloads)
    for file in sorted(target.rglob("*.yaml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        hostile = _mutate(data, None, cycle)
        # safe_dump writes control characters as double-quoted escapes (`\e`, `\0`).
        file.write_text(yaml.safe_dump(hostile, allow_unicode=True, sort_keys=False,
                                       width=10_000), encoding="utf-8")
    return target
