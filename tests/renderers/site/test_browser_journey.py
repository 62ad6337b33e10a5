"""A learner's journey through one chapter with every question type, keyboard only, in
English and in Portuguese: a wrong answer, a hint, a retry, leaving and coming back
(progress lives in localStorage), and what the page says at each step.

The chapter gathers one question of each type from the completeness course
(tests/fixtures/courses/complete), whose own chapters each hold a few types only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from cli.output import write_bundle
from engine.model import Course
from tests.renderers.site.html_helpers import folder_handler, render, serving

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("html")]

EVERY_TYPE = ["single-all-options", "multiple-partial", "tf-true", "numeric-abs",
              "text-accept", "cloze-all-kinds", "matching", "ordering-all"]

WORDS = {
    "en": {
        "check": "Check", "retry": "Try again", "answer": "Your answer", "blank": "Blank {}",
        "hint": "Show a hint (costs 25% of the points)", "up": "Move up: {}",
        "first_miss": "Not quite. 0 of 2 points. One more try before the answer is shown: "
                      "try again, or take a hint.",
        "with_hint": "Correct! 1.5 of 2 points. 1 hint used.",
        "one_point": "Correct! 1 of 1 point.",
        "rule": "Partial credit: right picks minus wrong picks, out of 3 right options.",
        "order_miss": "Not quite. 0 of 1 point. One more try before the answer is shown.",
        "pending": "Answered {} of 8 questions.",
        "all_once": "Your score in this chapter: 7.5 of 9 points (83.3%). "
                    "Passed (pass mark 70%).",
        "retry_missed": "Retry the ones I missed",
        "done": "Your score in this chapter: 8.5 of 9 points (94.4%). "
                "Passed (pass mark 70%).",
        "true": "True",
    },
    "pt": {
        "check": "Verificar", "retry": "Tentar de novo", "answer": "Sua resposta",
        "blank": "Lacuna {}", "hint": "Mostrar uma dica (custa 25% dos pontos)",
        "up": "Subir: {}",
        "first_miss": "Ainda não. 0 de 2 pontos. Mais uma tentativa antes de a resposta ser "
                      "mostrada: tente de novo ou peça uma dica.",
        "with_hint": "Certo! 1,5 de 2 pontos. 1 dica usada.",
        "one_point": "Certo! 1 de 1 ponto.",
        "rule": "Crédito parcial: acertos menos erros, de 3 opções certas.",
        "order_miss": "Ainda não. 0 de 1 ponto. Mais uma tentativa antes de a resposta ser "
                      "mostrada.",
        "pending": "Respondidas {} de 8 perguntas.",
        "all_once": "Sua pontuação neste capítulo: 7,5 de 9 pontos (83,3%). "
                    "Aprovado (nota mínima 70%).",
        "retry_missed": "Refazer as que errei",
        "done": "Sua pontuação neste capítulo: 8,5 de 9 pontos (94,4%). "
                "Aprovado (nota mínima 70%).",
        "true": "Verdadeiro",
    },
}


def every_type_course(complete: Course, ui_language: str) -> Course:
    """The completeness course cut to one chapter holding one question of each type."""
    by_id = {q.id: q for q in complete.questions}
    first = complete.sections[0]
    chapter = first.chapters[0].model_copy(update={
        "id": "every-type", "title": "Every type",
        "blocks": [first.chapters[0].blocks[0], *(by_id[i] for i in EVERY_TYPE)]})
    section = first.model_copy(update={"chapters": [chapter]})
    return complete.model_copy(update={"sections": [section], "ui_language": ui_language})


@pytest.fixture(scope="module")
def journey_server(complete_course: Course, tmp_path_factory: pytest.TempPathFactory
                   ) -> Iterator[str]:
    root = tmp_path_factory.mktemp("journey")
    for language in WORDS:
        write_bundle(render(every_type_course(complete_course, language)), Path(root / language))
    with serving(folder_handler(root)) as url:
        yield url


def press(control: Locator) -> None:
    control.focus()
    control.page.keyboard.press("Enter")


def tick(control: Locator) -> None:
    control.focus()
    control.page.keyboard.press("Space")


def type_in(field: Locator, text: str) -> None:
    field.focus()
    field.page.keyboard.type(text)


def pick(select: Locator, wanted: str) -> None:
    """Step through a drop-down with the arrow keys until `wanted` is selected."""
    select.focus()
    for _ in range(8):
        if select.evaluate("s => s.selectedOptions[0].text") == wanted:
            return
        select.page.keyboard.press("ArrowDown")
    raise AssertionError(f"{wanted} is not an option")


@pytest.mark.parametrize("language", list(WORDS))
def test_one_chapter_with_every_question_type(page: Page, journey_server: str,
                                              language: str) -> None:
    w = WORDS[language]
    page.goto(f"{journey_server}/{language}/chapters/every-type.html")
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the course's language
    score = page.locator("[data-chapter-score-text]")
    expect(score).to_be_hidden()

    def result(question: Locator) -> Locator:
        return question.locator("[data-q-result]")

    def check(question: Locator) -> Locator:
        press(question.get_by_role("button", name=w["check"]))
        return result(question)

    # A wrong answer: feedback on the option picked and a hint, not the answer.
    single = page.locator("#single-all-options")
    tick(single.get_by_label("A plain feed-forward network"))
    expect(check(single)).to_have_text(w["first_miss"])
    expect(single.get_by_text("It has no loop through time.")).to_be_visible()
    expect(single.get_by_text("An RNN feeds its hidden state back in")).to_be_hidden()
    expect(score).to_have_text(w["pending"].format(1))
    press(single.get_by_role("button", name=w["hint"]))
    expect(single.get_by_text("Look at the name.")).to_be_visible()
    expect(single.locator("[data-hint=\"0\"]")).to_be_focused()
    # The retry: back to the answer, right this time, the hint's cost counted.
    press(single.get_by_role("button", name=w["retry"]))
    expect(single.get_by_label("A plain feed-forward network")).to_be_focused()
    tick(single.get_by_label("An RNN"))
    expect(check(single)).to_have_text(w["with_hint"])
    expect(single.get_by_text("An RNN feeds its hidden state back in")).to_be_visible()
    expect(single.get_by_role("button", name=w["hint"])).to_be_disabled()

    partial = page.locator("#multiple-partial")
    for gate in ("Input gate", "Forget gate", "Output gate"):
        tick(partial.get_by_label(gate))
    expect(check(partial)).to_have_text(w["one_point"])
    expect(partial.locator(".q-rule")).to_have_text(w["rule"])

    truth = page.locator("#tf-true")
    tick(truth.get_by_label(w["true"]))
    expect(check(truth)).to_have_text(w["one_point"])

    for question_id, typed in (("numeric-abs", "0,25"), ("text-accept", "BPTT")):
        question = page.locator(f"#{question_id}")
        type_in(question.get_by_label(w["answer"]), typed)
        page.keyboard.press("Enter")
        expect(result(question)).to_have_text(w["one_point"])

    cloze = page.locator("#cloze-all-kinds")
    type_in(cloze.get_by_label(w["blank"].format(1)), "lstm")
    type_in(cloze.get_by_label(w["blank"].format(2)), "1")
    pick(cloze.get_by_label(w["blank"].format(3)), "GRU")
    expect(check(cloze)).to_have_text(w["one_point"])

    matching = page.locator("#matching")
    for left, right in (("Forget gate", "LSTM"), ("Update gate", "GRU"),
                        ("Recurrence", "Plain RNN")):
        pick(matching.get_by_label(left), right)
    expect(check(matching)).to_have_text(w["one_point"])

    ordering = page.locator("#ordering-all")
    steps = ["Forward pass", "Compute the loss", "Backward pass", "Clip the gradient",
             "Update the weights"]
    if ordering.locator(".order-text").all_inner_texts() == steps:
        press(ordering.get_by_role("button", name=w["up"].format(steps[-1])))
    expect(check(ordering)).to_have_text(w["order_miss"])
    expect(score).to_have_text(w["all_once"])
    expect(page.get_by_role("button", name=w["retry_missed"])).to_be_visible()

    # Leave, and come back through the course outline: everything is where it was.
    page.goto(f"{journey_server}/{language}/index.html")
    press(page.locator('main [data-chapter-link="every-type"]').first)
    expect(page).to_have_url(f"{journey_server}/{language}/chapters/every-type.html")
    expect(result(single)).to_have_text(w["with_hint"])
    expect(single.get_by_label("An RNN")).to_be_checked()
    expect(result(page.locator("#matching"))).to_have_text(w["one_point"])
    expect(result(ordering)).to_have_text(w["order_miss"])
    expect(ordering.get_by_text("Forward, loss, backward, clip, update.")).to_be_hidden()

    press(ordering.get_by_role("button", name=w["retry"]))
    for position, text in enumerate(steps):
        for _ in range(len(steps)):
            if ordering.locator(".order-text").all_inner_texts().index(text) == position:
                break
            press(ordering.get_by_role("button", name=w["up"].format(text)))
    expect(check(ordering)).to_have_text(w["one_point"])
    expect(ordering.get_by_text("Forward, loss, backward, clip, update.")).to_be_visible()
    expect(score).to_have_text(w["done"])
    expect(page.get_by_role("button", name=w["retry_missed"])).to_be_hidden()
