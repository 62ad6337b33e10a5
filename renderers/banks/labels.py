"""The few interface words that exports must write into question text themselves.

True/false choices in QTI 2.1, the positions of an ordering question exported as a
matching question, and the unit note under a numeric question. Keyed by the course's
`ui_language`, from the shared catalog's `lms.*` entries (engine.i18n); English when the
language has none.
"""

from __future__ import annotations

from functools import cache
from html import escape

from engine.i18n import Catalog


@cache
def _catalog(language: str) -> Catalog:
    return Catalog.for_language(language, "lms")


def word(language: str, key: str, **values: object) -> str:
    """The interface word `key` in `language` (plain text), with `values` filled in."""
    template = _catalog(language).entries[f"lms.{key}"]
    assert isinstance(template, str), key  # the lms words have no plural forms
    return template.format(**values)


def unit_note_html(language: str, unit: str) -> str:
    """A paragraph naming the unit, for formats whose numeric questions have no unit field."""
    return f"<p>{escape(word(language, 'unit', unit=unit), quote=False)}</p>"
