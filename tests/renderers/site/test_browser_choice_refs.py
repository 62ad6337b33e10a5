"""`{{choice: ...}}` on the site, in Chromium: the explanation names the option the
learner sees, wherever the learner's shuffle put it (the site shows options without
numbers, so a reference reads as the option's own text, in quotes)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from tests.renderers.site.test_browser_quiz import check, open_chapter

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("html")]

KEY = "lessonkit:v1:complete"
LEARNER_SEED = 2
"""A learner whose order shows the referenced option away from the top (order.js)."""


def as_learner(page: Page, seed: int) -> None:
    """Progress saved in this browser holds `seed`, the seed of the learner's order."""
    state = {"version": 1, "course": "complete", "seed": seed, "answers": {}, "hints": {},
             "chapters": {}, "feedback": {}}
    page.add_init_script(
        f"if (!localStorage.getItem({json.dumps(KEY)})) "
        f"localStorage.setItem({json.dumps(KEY)}, {json.dumps(json.dumps(state))});")


def displayed_choices(page: Page, question: str) -> list[tuple[int, str]]:
    """(authored index, label text) of each option, in the order the page shows them."""
    shown: list[tuple[int, str]] = [
        (int(value), " ".join(text.split())) for value, text in page.evaluate(
            """id => [...document.querySelectorAll(`#${id} .choice`)].map(
                c => [c.querySelector('input').value, c.querySelector('label').textContent])""",
            question)]
    return shown


def test_a_reference_names_the_option_where_the_page_shows_it(page: Page, server: str) -> None:
    """The author wrote "An RNN" first; this learner sees it elsewhere. The explanation
    names it by id and by text, and reads as the labels the learner sees, not a position."""
    as_learner(page, LEARNER_SEED)
    open_chapter(page, server, "choices")
    shown = displayed_choices(page, "single-all-options")
    position = {authored: at for at, (authored, _) in enumerate(shown)}
    label = dict(shown)
    assert position[0] != 0, "the shuffle kept the referenced option first: nothing is shown"

    question = page.locator("#single-all-options")
    question.get_by_label(label[0]).check()
    expect(check(question)).to_contain_text("Correct!")
    explanation = question.locator("[data-q-explanation]")
    expect(explanation).to_be_visible()
    text = " ".join(explanation.inner_text().split())
    assert f"only “{label[0]}” has a loop through time" in text, text
    assert f"“{label[3]}” would have been right" in text, text
    assert "{{" not in text and "choice:" not in text
