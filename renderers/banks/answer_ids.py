"""Whole-number answer idents for Canvas, which keeps only the digits of an ident.

Canvas's QTI import (the QTI Migration Tool, then canvas-lms lib/qti/*.rb, e.g.
`Qti::ChoiceInteraction` and `Qti::AssociateInteraction`) stores each answer's id as
an integer taken from the first run of digits of its ident: `ga6b593c...` and
`g6b837d36...` both become 6, so two options of one matching question share an id,
pairs are stored wrongly and the grader accepts wrong picks. Canvas's own exports use
unique whole numbers; so do we.

Numbers are derived from the course and question ids, not from a counter over the
course, so adding a question does not renumber the answers of the others; each
question gets its own block of 1000 numbers, and a block already taken in this export
moves to the next free one (deterministically, in course order).
"""

from __future__ import annotations

import hashlib

BLOCK = 1000
"""Answers per question block (no question has that many options)."""
_BLOCKS = 900_000
"""Blocks start at 100000 * BLOCK: nine-digit ids, inside a signed 32-bit integer."""


class AnswerNumbers:
    """Allocates the answer idents of one export, question by question."""

    def __init__(self, course_id: str) -> None:
        self.course_id = course_id
        self._taken: set[int] = set()
        self._base = 0
        self._keys: dict[str, str] = {}

    def start(self, question_id: str) -> None:
        """Begin the answers of a question: a fresh block of numbers."""
        digest = hashlib.sha256(f"{self.course_id}\x1f{question_id}".encode()).hexdigest()
        block = int(digest[:12], 16) % _BLOCKS
        while block in self._taken:
            block = (block + 1) % _BLOCKS
        self._taken.add(block)
        self._base = (100_000 + block) * BLOCK
        self._keys = {}

    def ident(self, key: str) -> str:
        """The ident of the current question's answer `key` (the same key, the same ident)."""
        if key not in self._keys:
            if len(self._keys) >= BLOCK:
                raise ValueError("more answers in one question than a block holds")
            self._keys[key] = str(self._base + len(self._keys))
        return self._keys[key]
