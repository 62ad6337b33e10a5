"""The few interface words that exports must write into question text themselves.

True/false choices in QTI 2.1, the positions of an ordering question exported as a
matching question, and the unit note under a numeric question. Keyed by the course's
`ui_language`; English when a language is missing here.
"""

from __future__ import annotations

from html import escape

_WORDS: dict[str, dict[str, str]] = {
    "en": {"true": "True", "false": "False", "position": "Position {n}", "unit": "Unit: {unit}",
           "quiz": "Quiz"},
    "pt": {"true": "Verdadeiro", "false": "Falso", "position": "Posição {n}",
           "unit": "Unidade: {unit}", "quiz": "Questionário"},
    "es": {"true": "Verdadero", "false": "Falso", "position": "Posición {n}",
           "unit": "Unidad: {unit}", "quiz": "Cuestionario"},
    "fr": {"true": "Vrai", "false": "Faux", "position": "Position {n}", "unit": "Unité : {unit}",
           "quiz": "Quiz"},
    "de": {"true": "Wahr", "false": "Falsch", "position": "Position {n}",
           "unit": "Einheit: {unit}", "quiz": "Quiz"},
}


def word(language: str, key: str, **values: object) -> str:
    """The interface word `key` in `language` (plain text), with `values` filled in."""
    table = _WORDS.get(language.split("-")[0].lower(), _WORDS["en"])
    return table[key].format(**values)


def unit_note_html(language: str, unit: str) -> str:
    """A paragraph naming the unit, for formats whose numeric questions have no unit field."""
    return f"<p>{escape(word(language, 'unit', unit=unit), quote=False)}</p>"
