"""Answering questions in Chromium: every type right and wrong, hints, explanations,
scores, events for the LMS bridges, progress that survives a reload, reset, feedback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.renderers.site.html_helpers import Endpoint

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("html")]

RECORD_EVENTS = """
window.__events = [];
['lessonkit:answer', 'lessonkit:chapter-complete'].forEach(function (name) {
  document.addEventListener(name, function (e) { window.__events.push([name, e.detail]); });
});
"""


ONE_MORE_TRY = "One more try before the answer is shown."
ONE_MORE_TRY_HINT = "One more try before the answer is shown: try again, or take a hint."


def open_chapter(page: Page, server: str, chapter: str, course: str = "complete") -> None:
    page.goto(f"{server}/{course}/chapters/{chapter}.html")
    expect(page.locator("html")).to_have_class("js")


def check(question: Locator) -> Locator:
    question.get_by_role("button", name="Check").click()
    return question.locator("[data-q-result]")


def retry(question: Locator) -> None:
    question.get_by_role("button", name="Try again").click()


def events(page: Page) -> list[Any]:
    result: list[Any] = page.evaluate("window.__events")
    return result


def stored_state(page: Page, course: str = "complete") -> dict[str, Any]:
    text = page.evaluate(f"localStorage.getItem('lessonkit:v1:{course}')")
    data: dict[str, Any] = json.loads(text) if text else {}
    return data


def test_choice_questions(page: Page, context: BrowserContext, server: str) -> None:
    context.add_init_script(RECORD_EVENTS)
    open_chapter(page, server, "choices")

    single = page.locator("#single-all-options")
    expect(single.locator("[data-q-solution]")).to_be_hidden()
    single.get_by_label("A plain feed-forward network").check()
    result = check(single)
    expect(result).to_have_text(f"Not quite. 0 of 2 points. {ONE_MORE_TRY_HINT}")
    expect(single.get_by_text("It has no loop through time.")).to_be_visible()
    expect(single.get_by_text("An RNN feeds its hidden state back in")).to_be_hidden()
    expect(single.get_by_label("An RNN")).to_be_disabled()
    answer_event = events(page)[-1]
    assert answer_event[0] == "lessonkit:answer"
    detail = answer_event[1]
    assert {k: detail[k] for k in ("course", "chapter", "question", "type", "response",
                                   "responseText", "correctResponse", "fraction", "score",
                                   "points", "maxPoints", "hintsUsed")} == {
        "course": "complete", "chapter": "choices", "question": "single-all-options",
        "type": "single", "response": 1, "responseText": "A plain feed-forward network",
        "correctResponse": 0, "fraction": 0, "score": 0, "points": 0, "maxPoints": 2,
        "hintsUsed": 0}
    assert detail["latencySeconds"] >= 0

    retry(single)
    expect(result).to_be_hidden()
    hint_button = single.get_by_role("button", name="Show a hint (costs 25% of the points)")
    hint_button.click()
    expect(single.get_by_text("Look at the name.")).to_be_visible()
    expect(single.get_by_text("R is for recurrent.")).to_be_hidden()
    single.get_by_label("An RNN").check()
    expect(check(single)).to_have_text("Correct! 1.5 of 2 points. 1 hint used.")
    expect(single.get_by_text("Right, the R stands for recurrent.")).to_be_visible()
    assert events(page)[-1][1]["hintsUsed"] == 1 and events(page)[-1][1]["score"] == 0.75

    partial = page.locator("#multiple-partial")
    partial.get_by_label("Input gate").check()
    partial.get_by_label("Reset gate").check()
    expect(check(partial)).to_have_text(f"Not quite. 0 of 1 point. {ONE_MORE_TRY}")
    expect(partial.get_by_text("That one belongs to the GRU.")).to_be_visible()
    retry(partial)
    partial.get_by_label("Reset gate").uncheck()
    partial.get_by_label("Forget gate").check()
    expect(check(partial)).to_have_text("Partly right. 0.67 of 1 point.")
    expect(partial.locator(".choice.is-right")).to_have_count(2)
    retry(partial)
    partial.get_by_label("Output gate").check()
    expect(check(partial)).to_have_text("Correct! 1 of 1 point.")

    strict = page.locator("#multiple-strict")
    strict.get_by_label("2", exact=True).check()
    expect(check(strict)).to_have_text(f"Not quite. 0 of 1 point. {ONE_MORE_TRY}")
    retry(strict)
    strict.get_by_label("4", exact=True).check()
    expect(check(strict)).to_have_text("Correct! 1 of 1 point.")

    truth = page.locator("#tf-true")
    truth.get_by_label("False").check()
    expect(check(truth)).to_have_text(f"Not quite. 0 of 1 point. {ONE_MORE_TRY}")
    expect(truth.get_by_text("Look at the powers of the matrix.")).to_be_visible()
    retry(truth)
    truth.get_by_label("True").check()
    expect(check(truth)).to_have_text("Correct! 1 of 1 point.")
    expect(truth.get_by_text("Yes, they shrink like rho to the k.")).to_be_visible()

    score = page.locator("[data-chapter-score-text]")
    expect(score).to_have_text(
        "Your score in this chapter: 4.5 of 5 points (90%). Passed (pass mark 70%).")
    complete = [e for e in events(page) if e[0] == "lessonkit:chapter-complete"]
    assert complete[-1][1] == {"course": "complete", "chapter": "choices", "score": 4.5,
                               "maxScore": 5, "passed": True}
    expect(page.locator('[data-chapter-link="choices"]')).to_have_class("is-complete")


def test_typed_answers(page: Page, server: str) -> None:
    open_chapter(page, server, "values")
    cases = [
        ("numeric-abs", "0.3", "0,25"),
        ("numeric-rel", "90000", "86 400"),
        ("numeric-range", "2.5", "1.5"),
        ("text-accept", "backprop", "Backpropagation   through time"),
        ("text-case", "H_T", "h_t"),
    ]
    for question_id, wrong, right in cases:
        question = page.locator(f"#{question_id}")
        field = question.get_by_label("Your answer")
        field.fill(wrong)
        expect(check(question)).to_have_text(f"Not quite. 0 of 1 point. {ONE_MORE_TRY}")
        expect(field).to_have_attribute("aria-invalid", "true")
        retry(question)
        field.fill(right)
        field.press("Enter")  # the keyboard way to check
        expect(question.locator("[data-q-result]")).to_have_text("Correct! 1 of 1 point.")
    expect(page.locator("#text-accept").get_by_text("Close, but through time.")).to_be_hidden()
    expect(page.locator("#numeric-abs .unit")).to_have_text("units")


def test_an_ambiguous_number_is_asked_about_not_marked_wrong(page: Page, server: str) -> None:
    open_chapter(page, server, "values")
    question = page.locator("#numeric-rel")  # answer 86400
    field = question.get_by_label("Your answer")
    field.fill("86,400")
    result = check(question)
    expect(result).to_contain_text("“86,400” can be read as 86400 or as 86.4.")
    expect(question.get_by_role("button", name="86400")).to_be_focused()
    assert stored_state(page).get("answers", {}).get("numeric-rel") is None  # not graded
    page.keyboard.press("Enter")
    expect(result).to_have_text("Correct! 1 of 1 point.")
    expect(field).to_have_value("86400")


def test_a_subscript_typed_as_displayed_is_accepted(page: Page, server: str) -> None:
    open_chapter(page, server, "values")
    question = page.locator("#text-case")  # accepts h_t, capitals matter
    question.get_by_label("Your answer").fill("hₜ")
    expect(check(question)).to_have_text("Correct! 1 of 1 point.")


def test_text_feedback_for_a_known_wrong_answer(page: Page, server: str) -> None:
    open_chapter(page, server, "values")
    question = page.locator("#text-accept")
    question.get_by_label("Your answer").fill("BackProp")
    check(question)
    expect(question.get_by_text("Close, but through time.")).to_be_visible()


def test_an_empty_answer_is_not_graded(page: Page, server: str) -> None:
    open_chapter(page, server, "values")
    question = page.locator("#numeric-range")
    expect(check(question)).to_have_text("Give an answer first.")
    expect(question.get_by_label("Your answer")).to_be_enabled()


def test_structured_questions_with_the_keyboard_only(page: Page, server: str) -> None:
    open_chapter(page, server, "structures")
    cloze = page.locator("#cloze-all-kinds")
    cloze.get_by_label("Blank 1").fill("lstm")
    cloze.get_by_label("Blank 2").fill("2")
    cloze.get_by_label("Blank 3").select_option("GRU")
    expect(check(cloze)).to_have_text(f"Partly right. 0.67 of 1 point. {ONE_MORE_TRY}")
    expect(cloze.get_by_label("Blank 2")).to_have_attribute("aria-invalid", "true")
    expect(cloze.get_by_label("Blank 1")).to_have_attribute("aria-invalid", "false")

    strict = page.locator("#cloze-strict")
    strict.get_by_label("Blank 1").fill("four")
    strict.get_by_label("Blank 2").fill("0,25")
    expect(check(strict)).to_have_text("Correct! 1 of 1 point.")

    matching = page.locator("#matching")
    pairs = {"Forget gate": "LSTM", "Update gate": "GRU", "Recurrence": "Plain RNN"}
    for left, right in pairs.items():
        select = matching.get_by_label(left)
        select.focus()
        # Keyboard only: step through the options until the wanted one is selected.
        for _ in range(6):
            if select.evaluate("s => s.selectedOptions[0].text") == right:
                break
            page.keyboard.press("ArrowDown")
    expect(check(matching)).to_have_text("Correct! 1 of 1 point.")

    ordering = page.locator("#ordering-all")
    expect(check(ordering)).to_have_text(f"Not quite. 0 of 1 point. {ONE_MORE_TRY}")
    retry(ordering)
    wanted = ["Forward pass", "Compute the loss", "Backward pass", "Clip the gradient",
              "Update the weights"]
    for position, text in enumerate(wanted):
        for _ in range(len(wanted)):
            items = ordering.locator(".order-text").all_inner_texts()
            if items.index(text) == position:
                break
            ordering.get_by_role("button", name=f"Move up: {text}").focus()
            page.keyboard.press("Enter")
    expect(ordering.locator("[data-order-status]")).to_contain_text("is now at position")
    expect(check(ordering)).to_have_text("Correct! 1 of 1 point.")

    partial = page.locator("#ordering-partial")
    partial.get_by_role("button", name="Move down: 10").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    order = partial.locator(".order-text").all_inner_texts()
    right = sum(a == b for a, b in zip(order, ["0.1", "1", "10"], strict=True))
    expected = {0: "Not quite. 0", 1: "Partly right. 0.33", 3: "Correct! 1"}[right]
    expect(check(partial)).to_contain_text(f"{expected} of 1 point.")


def test_progress_survives_a_reload_and_reset_clears_it(page: Page, server: str) -> None:
    open_chapter(page, server, "choices")
    question = page.locator("#tf-true")
    question.get_by_label("True").check()
    check(question)
    page.reload()
    expect(page.locator("html")).to_have_class("js")
    expect(question.get_by_label("True")).to_be_checked()
    expect(question.locator("[data-q-result]")).to_have_text("Correct! 1 of 1 point.")
    expect(page.locator("[data-chapter-score-text]")).to_have_text("Answered 1 of 4 questions.")
    state = stored_state(page)
    assert state["answers"]["tf-true"]["response"] is True and state["version"] == 1

    page.goto(f"{server}/complete/index.html")
    expect(page.locator("[data-progress-text]")).to_have_text(
        "0 of 3 chapters completed · Score so far: 1 of 15 points")
    page.get_by_role("button", name="Reset my progress").click()
    page.get_by_role("button", name="Erase my progress").click()
    expect(page.locator("[data-reset-status]")).to_have_text("Your progress was erased.")
    assert stored_state(page)["answers"] == {}
    open_chapter(page, server, "choices")
    expect(question.get_by_label("True")).not_to_be_checked()
    expect(question.locator("[data-q-result]")).to_be_hidden()


def test_erasing_progress_empties_the_answers_on_the_page(page: Page, server: str) -> None:
    open_chapter(page, server, "values")
    question = page.locator("#numeric-abs")
    field = question.get_by_label("Your answer")
    field.fill("0.25")
    check(question)
    page.get_by_role("button", name="Reset my progress").click()
    page.get_by_role("button", name="Erase my progress").click()
    expect(field).to_have_value("")
    expect(field).to_be_enabled()
    expect(question.locator("[data-q-result]")).to_be_hidden()


def test_completed_chapters_are_marked_everywhere(page: Page, server: str) -> None:
    open_chapter(page, server, "values")
    for question_id, answer in (("numeric-abs", "0.25"), ("numeric-rel", "86400"),
                                ("numeric-range", "1"), ("text-accept", "BPTT"),
                                ("text-case", "h_t")):
        question = page.locator(f"#{question_id}")
        question.get_by_label("Your answer").fill(answer)
        check(question)
    link = page.locator('.sidebar [data-chapter-link="values"]')
    expect(link).to_have_class("is-complete")
    expect(link).to_contain_text("completed on")
    page.goto(f"{server}/complete/index.html")
    expect(page.locator('[data-chapter-link="values"]')).to_have_class("is-complete")
    expect(page.locator("[data-progress-text]")).to_have_text(
        "1 of 3 chapters completed · Score so far: 5 of 15 points")
    # Resumes after the chapter worked on last, not at the first open one.
    expect(page.locator("[data-continue]")).to_have_text("Continue with Structures")


def test_feedback_widget_stores_and_posts(page: Page, server: str,
                                          feedback_endpoint: Endpoint) -> None:
    open_chapter(page, server, "structures")
    widget = page.locator("[data-feedback]")
    expect(widget.get_by_role("heading")).to_have_text("Was this chapter clear?")
    widget.get_by_role("button", name="No").click()
    expect(widget.get_by_role("button", name="No")).to_have_attribute("aria-pressed", "true")
    for _ in range(600):  # up to 30 s: the click alone is posted, before any comment
        if feedback_endpoint.received:
            break
        page.wait_for_timeout(50)
    clicked = feedback_endpoint.received[-1]
    assert (clicked["chapter"], clicked["clear"], clicked["comment"]) == ("structures", False, "")
    box = widget.get_by_label("Sorry it was not clear. What went wrong?")
    box.fill("The matching question <b>confused</b> me")
    widget.get_by_role("button", name="Send").click()
    expect(widget.locator("[data-feedback-thanks]")).to_have_text(
        "Thanks, your answer was sent to the course's authors.")
    record = stored_state(page)["feedback"]["structures"]
    assert record["clear"] is False and record["sent"] is True
    for _ in range(600):  # up to 30 s: the POST goes out in the background
        if len(feedback_endpoint.received) > 1 and feedback_endpoint.received[-1]["comment"]:
            break
        page.wait_for_timeout(50)
    posted = feedback_endpoint.received[-1]
    assert posted["chapter"] == "structures" and posted["clear"] is False
    assert posted["comment"] == "The matching question <b>confused</b> me"
    assert posted["course"] == "complete"
    page.reload()
    expect(page.locator("[data-feedback-thanks]")).to_be_visible()


def test_feedback_without_an_endpoint_says_it_stays_here(page: Page, server: str) -> None:
    page.goto(f"{server}/sample/chapters/vanishing-exploding-gradients.html")
    widget = page.locator("[data-feedback]")
    widget.get_by_role("button", name="Yes").click()
    expect(widget.locator("[data-feedback-thanks]")).to_contain_text(
        "kept in this browser only")
    expect(widget).not_to_contain_text("helps us improve")
    widget.get_by_label("How could we make it better? (optional)").fill("More plots")
    widget.get_by_role("button", name="Save").click()
    with page.expect_download() as download_info:
        widget.get_by_role("button", name="Download my feedback").click()
    saved = json.loads(Path(download_info.value.path()).read_text("utf-8"))
    mine = saved["feedback"]["vanishing-exploding-gradients"]
    assert saved["course"] == "intro-to-rnns" and mine["clear"] is True
    assert mine["comment"] == "More plots"


def test_an_lms_bridge_storage_replaces_local_storage(page: Page, context: BrowserContext,
                                                       server: str) -> None:
    context.add_init_script("""
      window.__saved = [];
      window.lessonkitStorage = {
        load: function () {
          return {version: 1, course: 'complete', answers: {'tf-true': {response: false,
            fraction: 0, score: 0, points: 0, maxPoints: 1, hintsUsed: 0, attempts: 1, at: 1}},
            hints: {}, chapters: {}, feedback: {}};
        },
        save: function (state) { window.__saved.push(JSON.parse(JSON.stringify(state))); }
      };
    """)
    open_chapter(page, server, "choices")
    question = page.locator("#tf-true")
    expect(question.get_by_label("False")).to_be_checked()
    expect(question.locator("[data-q-result]")).to_have_text(
        f"Not quite. 0 of 1 point. {ONE_MORE_TRY}")
    retry(question)
    question.get_by_label("True").check()
    check(question)
    saved = page.evaluate("window.__saved")
    assert saved[-1]["answers"]["tf-true"]["attempts"] == 2
    assert saved[-1]["answers"]["tf-true"]["score"] == 1
    assert page.evaluate("localStorage.length") == 0


def test_theme_toggle(page: Page, server: str) -> None:
    page.goto(f"{server}/complete/index.html")
    toggle = page.get_by_role("button", name="Theme: follow the system")
    toggle.click()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    page.get_by_role("button", name="Theme: light").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(18, 21, 25)"
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
