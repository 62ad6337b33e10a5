"""Each question's heading says where it is in its chapter ("Question 3 of 5"), as text a
screen reader reads, in the course's interface language."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cli.output import write_bundle
from tests.renderers.site.html_helpers import make_course, render

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("html")]


def test_question_headings_name_their_place_in_the_chapter(page: Page, server: str) -> None:
    page.goto(f"{server}/complete/chapters/values.html")
    headings = page.locator("[data-question] > h2")
    expect(headings).to_have_count(5)
    for number in range(1, 6):
        heading = page.get_by_role("heading", name=f"Question {number} of 5", exact=False)
        expect(heading).to_have_count(1)
    question = page.locator("#numeric-rel")
    expect(question).to_have_accessible_name("Question 2 of 5 1 point")


def test_portuguese_headings_say_questao_n_de_m(page: Page, tmp_path: Path) -> None:
    ask = {"kind": "question", "type": "true_false", "prompt": "Certo?", "answer": True}
    blocks = [{"kind": "explanation", "body": "Texto."},
              *({**ask, "id": f"q{n}"} for n in range(1, 4))]
    write_bundle(render(make_course(1, 1, blocks=blocks, ui_language="pt")), tmp_path)
    page.goto((tmp_path / "chapters" / "c0-0.html").as_uri())
    expect(page.locator("[data-question] > h2 > span:first-child")).to_have_text(
        ["Questão 1 de 3", "Questão 2 de 3", "Questão 3 de 3"])
    expect(page.get_by_role("region", name="Questão 3 de 3", exact=False)).to_be_visible()
