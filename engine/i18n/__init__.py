"""Interface strings of every front end: one JSON catalog per language, English the fallback.

The site, the question-bank exports and the terminal all read their words here, so a
course's `ui_language` means the same thing everywhere. A catalog maps a key to a
template with `{name}` placeholders, or to plural forms (`{"one": ..., "other": ...}`,
CLDR categories). Keys starting with `_` describe the locale itself (`_decimal` and
`_group` separators).

Keys are grouped by the interface that uses them: `term.*` for the terminal, `lms.*` for
words written into exported question text, everything else for the site. A language may
cover some interfaces only (the exports know Spanish, the site does not), but an interface
it covers it covers completely: tests/engine/test_i18n.py fails on a missing key.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Literal, Self

CatalogEntry = str | dict[str, str]

DEFAULT_LANGUAGE = "en"

Interface = Literal["site", "terminal", "lms"]
"""The front ends whose words live in the catalog."""

_PREFIXES: dict[str, Interface] = {"term.": "terminal", "lms.": "lms"}


def interface_of(key: str) -> Interface | None:
    """Which front end uses `key` (None for the locale's own `_` keys)."""
    if key.startswith("_"):
        return None
    for prefix, interface in _PREFIXES.items():
        if key.startswith(prefix):
            return interface
    return "site"


def primary_subtag(tag: str) -> str:
    """`pt` for `pt-BR`; the language part of a BCP 47 tag, lower-cased."""
    return tag.split("-", 1)[0].lower()


@cache
def all_languages() -> tuple[str, ...]:
    """Languages that have a catalog file, sorted."""
    folder = files("engine.i18n")
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json")))


@cache
def languages_for(interface: Interface) -> tuple[str, ...]:
    """Languages whose catalog covers `interface`, sorted."""
    return tuple(language for language in all_languages()
                 if any(interface_of(key) == interface for key in load(language)))


@cache
def load(language: str) -> dict[str, CatalogEntry]:
    """The entries of one catalog file, as written (no English fallback)."""
    text = files("engine.i18n").joinpath(f"{language}.json").read_text("utf-8")
    data: dict[str, CatalogEntry] = json.loads(text)
    return data


def plural_category(language: str, n: float) -> str:
    """The CLDR plural category of `n` for the languages we ship (`one` or `other`)."""
    integer = n == math.floor(n)
    if primary_subtag(language) in ("pt", "fr"):
        return "one" if 0 <= n < 2 and math.floor(n) in (0, 1) else "other"
    return "one" if integer and n == 1 else "other"


@dataclass(frozen=True)
class Catalog:
    """The interface strings of one language, with English filling any gap."""

    language: str
    """The catalog's language (`en`, `pt`, ...)."""
    entries: dict[str, CatalogEntry]

    @classmethod
    def for_language(cls, ui_language: str, interface: Interface = "site") -> Self:
        """The catalog for `ui_language` (`pt-BR` uses `pt`) as `interface` sees it: English
        when the language does not cover that interface."""
        wanted = primary_subtag(ui_language)
        language = wanted if wanted in languages_for(interface) else DEFAULT_LANGUAGE
        entries = dict(load(DEFAULT_LANGUAGE))
        entries.update(load(language))
        return cls(language, entries)

    def text(self, key: str, /, n: float | None = None, **params: object) -> str:
        """The plain string for `key`, placeholders filled in (for `n`, plural forms too)."""
        entry, counted = self.form(key, n)
        if n is not None:
            counted = {"n": self.number(n)}  # a count in a template without plural forms
        values = {**counted, **params}
        return entry.format_map(values) if values else entry

    def form(self, key: str, n: float | None) -> tuple[str, dict[str, str]]:
        """The template for `key` (its plural form for `n`), and `n` as a parameter."""
        entry = self.entries[key]
        if not isinstance(entry, dict):
            return entry, {}
        if n is None:
            raise ValueError(f"{key} has plural forms; pass n")
        return (entry.get(plural_category(self.language, n), entry["other"]),
                {"n": self.number(n)})

    def number(self, value: float, decimals: int = 2) -> str:
        """`value` with at most `decimals` decimals, in the locale's separators (1,5 in pt)."""
        text = f"{value:,.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        group, decimal = str(self.entries["_group"]), str(self.entries["_decimal"])
        return text.replace(",", "\0").replace(".", decimal).replace("\0", group)

    def percent(self, fraction: float) -> str:
        """A fraction as a percentage (`25%`), locale separators."""
        return f"{self.number(fraction * 100, 1)}%"

    def of(self, interface: Interface) -> dict[str, CatalogEntry]:
        """The entries one interface uses, with the locale keys, sorted (deterministic)."""
        return {key: value for key, value in sorted(self.entries.items())
                if interface_of(key) in (None, interface)}
