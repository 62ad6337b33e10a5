"""Ids for the headings of a page: readable, ASCII, stable from build to build, unique.

A heading's id is its text made into a slug ("Gradientes explosivos" ->
`gradientes-explosivos`): accents are dropped rather than the letters that carry them, so
Portuguese headings keep their words, and the id is plain ASCII that any link, LMS or
search index keeps intact. It depends only on the text and on what came before it on
the page (a second "Example" is `example-2`), never on the build, so a link to a passage
keeps working while the text around it changes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_NOT_SLUG = re.compile(r"[^a-z0-9]+")

MAX_SLUG = 60
"""Characters kept of a long heading: the id stays readable in a URL."""

FALLBACK = "section"
"""The id of a heading with no ASCII letter or digit (symbols, or a non-Latin script)."""


def slug(text: str) -> str:
    """`text` as lower-case ASCII words joined by `-` (accents removed), or `section`."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    ascii_text = ascii_text.encode("ascii", "ignore").decode().lower()
    words = _NOT_SLUG.sub("-", ascii_text).strip("-")
    if len(words) > MAX_SLUG:
        words = words[:MAX_SLUG].rstrip("-")
    return words or FALLBACK


class PageAnchors:
    """The ids already used on one page; `claim` gives each heading its own.

    Ids the page has for other reasons (question and code-cell ids) are `reserve`d first,
    so a heading never takes an id that a question already answers to.
    """

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self.used: set[str] = set()
        self.reserve(reserved)

    def reserve(self, ids: Iterable[str]) -> None:
        """Mark `ids` as taken."""
        self.used.update(ids)

    def claim(self, text: str) -> str:
        """A new id for a heading reading `text`: its slug, or the slug with `-2`, `-3`..."""
        base = slug(text)
        candidate, n = base, 1
        while candidate in self.used:
            n += 1
            candidate = f"{base}-{n}"
        self.used.add(candidate)
        return candidate
