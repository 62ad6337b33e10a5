"""The shared interface catalog: every language complete for each interface it covers."""

from __future__ import annotations

import re

import pytest

from engine.i18n import Catalog, all_languages, interface_of, languages_for, load


def _holes(value: object) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", str(value)))


@pytest.mark.parametrize("language", all_languages())
def test_a_language_covers_each_of_its_interfaces_completely(language: str) -> None:
    english, own = load("en"), load(language)
    covered = {interface_of(key) for key in own} - {None}
    assert covered, f"{language}.json covers no interface"
    for key, value in english.items():
        if interface_of(key) in covered or key.startswith("_"):
            assert key in own, f"{language}.json lacks {key}"
            assert _holes(own[key]) == _holes(value), (language, key)
    assert set(own) <= set(english), f"{language}.json has keys English lacks"


def test_plural_entries_have_the_other_form() -> None:
    for language in all_languages():
        for key, value in load(language).items():
            if isinstance(value, dict):
                assert "other" in value and set(value) <= {"zero", "one", "two", "few", "many",
                                                           "other"}, (language, key)


def test_the_terminal_and_the_site_speak_portuguese() -> None:
    assert {"en", "pt"} <= set(languages_for("terminal")) & set(languages_for("site"))
    assert set(languages_for("lms")) >= {"en", "pt", "es", "fr", "de"}


def test_a_language_without_an_interface_falls_back_to_english() -> None:
    assert Catalog.for_language("es", "site").language == "en"
    assert Catalog.for_language("es-MX", "lms").language == "es"
    assert Catalog.for_language("pt-BR", "terminal").language == "pt"


def test_plural_forms_follow_the_language() -> None:
    pt, en = Catalog.for_language("pt"), Catalog.for_language("en")
    assert pt.text("question.points", n=0) == "0 ponto"
    assert en.text("question.points", n=0) == "0 points"
    assert pt.text("question.points", n=2) == "2 pontos"
