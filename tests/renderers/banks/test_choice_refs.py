"""`{{choice: ...}}` in the LMS exports: the LMS shuffles the options and shows them
without numbers, so every format carries a reference as the option's text, in quotes."""

from __future__ import annotations

import html

import pytest

from tests.renderers.banks.exportkit import render

BANKS = ["gift", "moodle", "qti12", "qti21", "cc"]


def exported_texts(fmt: str) -> str:
    export = render("complete", fmt)
    raw = [export.main] if fmt in ("gift", "moodle") else list(export.files.values())
    return "\n".join(html.unescape(part.decode("utf-8", errors="replace")) for part in raw)


@pytest.mark.parametrize("fmt", BANKS)
def test_a_reference_is_the_quoted_option_text(fmt: str) -> None:
    text = exported_texts(fmt)
    assert "only “An RNN” has a loop through time" in text
    assert "“None of the above” would have been right" in text
    assert "{{choice" not in text


def test_the_sample_course_explains_the_bound_by_the_options_texts() -> None:
    """The sentence of issue 13: "0.9 for the first case and 0.75 for the second"."""
    export = render("sample", "gift")
    text = export.main.decode("utf-8")
    assert "for “A tanh RNN with" in text and "for “A sigmoid RNN with" in text
    assert "{{choice" not in text
