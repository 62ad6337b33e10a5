"""Interface strings: one JSON catalog per language in `i18n/`, English as the fallback.

A catalog maps a key to a template with `{name}` placeholders, or to plural forms
(`{"one": ..., "other": ...}`, CLDR categories). Keys starting with `_` describe the
locale itself (`_decimal` and `_group` separators). The same catalog is shipped to the
browser, where `Intl.PluralRules` and `Intl.NumberFormat` do the same job.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache, cached_property
from importlib.resources import files

from markupsafe import Markup, escape

CatalogEntry = str | dict[str, str]

DEFAULT_LANGUAGE = "en"

RTL_LANGUAGES = frozenset(
    {"ar", "arc", "ckb", "dv", "fa", "he", "ku", "ps", "sd", "ug", "ur", "yi"})
"""Primary language subtags written right to left."""

_TAG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")


def primary_subtag(tag: str) -> str:
    """`pt` for `pt-BR`; the language part of a BCP 47 tag, lower-cased."""
    return tag.split("-", 1)[0].lower()


def safe_language_tag(tag: str, fallback: str = DEFAULT_LANGUAGE) -> str:
    """The tag if it looks like BCP 47 (it lands in `lang` attributes), else the fallback."""
    return tag if _TAG.match(tag) else fallback


def text_direction(tag: str) -> str:
    """`rtl` for right-to-left languages, else `ltr`."""
    return "rtl" if primary_subtag(tag) in RTL_LANGUAGES else "ltr"


@cache
def available_languages() -> tuple[str, ...]:
    """Languages that have a catalog, sorted."""
    folder = files("renderers.html").joinpath("i18n")
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json")))


@cache
def _load(language: str) -> dict[str, CatalogEntry]:
    text = files("renderers.html").joinpath("i18n", f"{language}.json").read_text("utf-8")
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
    def for_language(cls, ui_language: str) -> Catalog:
        """The catalog for `ui_language` (`pt-BR` uses `pt`); English when none exists."""
        wanted = primary_subtag(ui_language)
        language = wanted if wanted in available_languages() else DEFAULT_LANGUAGE
        entries = dict(_load(DEFAULT_LANGUAGE))
        entries.update(_load(language))
        return cls(language, entries)

    @cached_property
    def ui(self) -> dict[str, Markup]:
        """Every string as `text(key)` gives it, HTML-escaped once (templates use `ui[key]`)."""
        return {key: escape(entry) for key, entry in self.entries.items()
                if isinstance(entry, str)}

    def text(self, key: str, n: float | None = None, **params: str) -> str:
        """The plain string for `key`, placeholders filled in (for `n`, plural forms too)."""
        entry, counted = self._form(key, n)
        params = {**counted, **params}
        return entry.format_map(params) if params else entry

    def markup(self, key: str, n: float | None = None, **params: str | Markup) -> Markup:
        """Like `text`, but HTML-safe: the template and every parameter are escaped."""
        entry, counted = self._form(key, n)
        values = {k: escape(v) for k, v in {**counted, **params}.items()}
        return Markup(escape(entry).format_map(values))

    def _form(self, key: str, n: float | None) -> tuple[str, dict[str, str]]:
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

    def for_browser(self) -> dict[str, CatalogEntry]:
        """The catalog as shipped to the browser (sorted, so builds are byte-identical)."""
        return dict(sorted(self.entries.items()))
