"""The site's interface strings: the shared catalog (engine.i18n), HTML-escaped for templates.

English is the fallback. The site's part of the catalog is shipped to the browser, where
`Intl.PluralRules` and `Intl.NumberFormat` do what `plural_category` and `number` do here.
"""

from __future__ import annotations

import re
from functools import cache, cached_property

from markupsafe import Markup, escape

from engine import i18n
from engine.i18n import DEFAULT_LANGUAGE, CatalogEntry, primary_subtag

__all__ = ["DEFAULT_LANGUAGE", "Catalog", "CatalogEntry", "available_languages",
           "primary_subtag", "safe_language_tag", "text_direction"]

RTL_LANGUAGES = frozenset(
    {"ar", "arc", "ckb", "dv", "fa", "he", "ku", "ps", "sd", "ug", "ur", "yi"})
"""Primary language subtags written right to left."""

_TAG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")


def safe_language_tag(tag: str, fallback: str = DEFAULT_LANGUAGE) -> str:
    """The tag if it looks like BCP 47 (it lands in `lang` attributes), else the fallback."""
    return tag if _TAG.match(tag) else fallback


def text_direction(tag: str) -> str:
    """`rtl` for right-to-left languages, else `ltr`."""
    return "rtl" if primary_subtag(tag) in RTL_LANGUAGES else "ltr"


@cache
def available_languages() -> tuple[str, ...]:
    """Languages the site speaks, sorted."""
    return i18n.languages_for("site")


class Catalog(i18n.Catalog):
    """The site's strings of one language, with English filling any gap."""

    @cached_property
    def _texts(self) -> dict[tuple[object, ...], str]:
        return {}

    def text(self, key: str, /, n: float | None = None, **params: object) -> str:
        """The plain string for `key`, once per distinct call and catalog: a site asks the
        same few strings (question titles, points, labels) thousands of times."""
        call = (key, n, *params.items())
        found = self._texts.get(call)
        if found is None:
            found = self._texts[call] = super().text(key, n, **params)
        return found

    @cached_property
    def ui(self) -> dict[str, Markup]:
        """Every string as `text(key)` gives it, HTML-escaped once (templates use `ui[key]`)."""
        return {key: escape(entry) for key, entry in self.entries.items()
                if isinstance(entry, str)}

    def markup(self, key: str, n: float | None = None, **params: str | Markup) -> Markup:
        """Like `text`, but HTML-safe: the template and every parameter are escaped."""
        entry, counted = self.form(key, n)
        values = {k: escape(v) for k, v in {**counted, **params}.items()}
        return Markup(escape(entry).format_map(values))

    def for_browser(self) -> dict[str, CatalogEntry]:
        """The site's catalog as shipped to the browser (sorted: builds are byte-identical)."""
        return self.of("site")
