"""How one question behaves on the site, with the keyboard only: a miss gives feedback and
hints, not the answer; a second miss or "Show answer" reveals it (the latter for 0 points);
hints stop once the question is answered; a retry never lowers a score silently; missed
right options are marked; a chapter below the pass mark is not passed, and its missed
questions can be opened again from the chapter's end."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("html")]


SHOW_ANSWER_FOR_0 = "Show answer (this question then scores 0 of 1 point)"
MISSED = "(a right answer, not picked)"


def open_chapter(page: Page, server: str, chapter: str) -> None:
    page.goto(f"{server}/complete/chapters/{chapter}.html")
    expect(page.locator("html")).to_have_class("js")


def press(control: Locator) -> None:
    """Activate a button the keyboard way: focus it, then Enter."""
    control.focus()
    control.page.keyboard.press("Enter")


def tick(control: Locator) -> None:
    """Check a radio button or toggle a checkbox the keyboard way: focus it, then Space."""
    control.focus()
    control.page.keyboard.press("Space")


def check(question: Locator) -> Locator:
    press(question.get_by_role("button", name="Check"))
    return question.locator("[data-q-result]")


def try_again(question: Locator) -> None:
    press(question.get_by_role("button", name="Try again"))


def stored(page: Page, question_id: str) -> dict[str, Any]:
    state = json.loads(page.evaluate("localStorage.getItem('lessonkit:v1:complete')"))
    answer: dict[str, Any] = state["answers"][question_id]
    return answer


def test_a_miss_gives_feedback_and_hints_but_not_the_answer(page: Page, server: str) -> None:
    open_chapter(page, server, "choices")
    single = page.locator("#single-all-options")
    tick(single.get_by_label("A plain feed-forward network"))
    expect(check(single)).to_have_text(
        "Not quite. 0 of 2 points. One more try before the answer is shown: "
        "try again, or take a hint.")
    expect(single.get_by_text("It has no loop through time.")).to_be_visible()
    expect(single.get_by_text("An RNN feeds its hidden state back in")).to_be_hidden()
    expect(single.locator("[data-q-solution]")).to_be_hidden()
    expect(single.locator(".is-missed")).to_have_count(0)  # the right option is not given away
    hint = single.get_by_role("button", name="Show a hint (costs 25% of the points)")
    expect(hint).to_be_enabled()
    press(hint)
    expect(single.get_by_text("Look at the name.")).to_be_visible()


def test_a_second_miss_reveals_the_answer_and_explanation(page: Page, server: str) -> None:
    open_chapter(page, server, "choices")
    single = page.locator("#single-all-options")
    tick(single.get_by_label("A plain feed-forward network"))
    check(single)
    try_again(single)
    expect(single.get_by_label("A plain feed-forward network")).to_be_focused()
    tick(single.get_by_label("None of the above"))
    expect(check(single)).to_have_text("Not quite. 0 of 2 points.")
    expect(single.get_by_text("One of them is recurrent.")).to_be_visible()
    expect(single.get_by_text("An RNN feeds its hidden state back in")).to_be_visible()
    expect(single.locator("[data-q-solution]")).to_be_visible()
    expect(single.get_by_role("button", name="Show answer")).to_be_hidden()
    assert stored(page, "single-all-options")["revealed"] is True


def test_show_answer_says_it_scores_zero_reveals_and_scores_zero(page: Page, server: str) -> None:
    open_chapter(page, server, "choices")
    question = page.locator("#multiple-strict")
    expect(question.get_by_role("button", name="Show answer")).to_be_hidden()  # not before a try
    tick(question.get_by_label("5", exact=True))
    check(question)
    expect(question.get_by_text("2 and 4 are even.")).to_be_hidden()
    show = question.get_by_role("button", name=SHOW_ANSWER_FOR_0)
    press(show)
    expect(question.locator("[data-q-result]")).to_have_text(
        "Answer shown: this question scores 0 of 1 point.")
    expect(question.get_by_text("2 and 4 are even.")).to_be_visible()
    assert stored(page, "multiple-strict")["points"] == 0

    page.reload()  # the answer stays shown, with the score it kept
    expect(question.locator("[data-q-result]")).to_have_text("Not quite. 0 of 1 point.")
    expect(question.get_by_text("2 and 4 are even.")).to_be_visible()


def test_hints_are_disabled_once_the_question_is_answered(page: Page, server: str) -> None:
    open_chapter(page, server, "choices")
    single = page.locator("#single-all-options")
    hint = single.get_by_role("button", name="Show a hint (costs 25% of the points)")
    tick(single.get_by_label("An RNN"))
    expect(check(single)).to_have_text("Correct! 2 of 2 points.")
    expect(hint).to_be_disabled()
    try_again(single)  # practice after a right answer: still no hints to spend
    expect(hint).to_be_disabled()
    page.reload()
    expect(single.get_by_role("button", name="Show a hint (costs 25% of the points)")
           ).to_be_disabled()

    strict = page.locator("#multiple-strict")  # no hints; revealed by Show answer instead
    tick(strict.get_by_label("5", exact=True))
    check(strict)
    press(strict.get_by_role("button", name=SHOW_ANSWER_FOR_0))
    assert page.evaluate("JSON.parse(localStorage.getItem('lessonkit:v1:complete')).hints") == {}


def test_a_worse_retry_keeps_the_better_score_and_says_so(page: Page, server: str) -> None:
    open_chapter(page, server, "choices")
    partial = page.locator("#multiple-partial")
    tick(partial.get_by_label("Input gate"))
    tick(partial.get_by_label("Forget gate"))
    expect(check(partial)).to_contain_text("Partly right. 0.67 of 1 point.")
    try_again(partial)
    tick(partial.get_by_label("Forget gate"))  # now only one right pick: 0.33
    expect(check(partial)).to_have_text(
        "Partly right. 0.33 of 1 point. Your best score, 0.67 of 1 point, is kept.")
    answer = stored(page, "multiple-partial")
    assert round(answer["points"], 4) == 0.6667 and answer["response"] == [0]
    page.reload()
    expect(partial.locator("[data-q-result]")).to_have_text(
        "Partly right. 0.33 of 1 point. Your best score, 0.67 of 1 point, is kept.")


def test_missed_right_options_are_marked_once_the_answer_is_shown(page: Page, server: str) -> None:
    open_chapter(page, server, "choices")
    partial = page.locator("#multiple-partial")
    tick(partial.get_by_label("Input gate"))
    tick(partial.get_by_label("Reset gate"))
    check(partial)
    expect(partial.locator(".q-rule")).to_have_text(
        "Partial credit: right picks minus wrong picks, out of 3 right options.")
    expect(partial.locator(".is-missed")).to_have_count(0)
    try_again(partial)
    tick(partial.get_by_label("Reset gate"))
    expect(check(partial)).to_have_text("Partly right. 0.33 of 1 point.")
    missed = partial.locator(".choice.is-missed")
    expect(missed).to_have_count(2)
    # Seen and heard: the mark is text inside the option's label, so it is in its name.
    expect(partial.get_by_role("checkbox", name=f"Forget gate {MISSED}")).to_be_disabled()
    expect(partial.get_by_role("checkbox", name=f"Output gate {MISSED}")).to_be_disabled()
    expect(partial.get_by_role("checkbox", name="Input gate", exact=True)).to_be_checked()

    strict = page.locator("#multiple-strict")
    tick(strict.get_by_label("2", exact=True))
    check(strict)
    expect(strict.locator(".q-rule")).to_have_text(
        "All or nothing: only exactly the right options score.")


def answer_choices_at_60_percent(page: Page) -> None:
    """3 of the chapter's 5 points: the single (2) and true/false (1) right, both multiples
    wrong twice. The course's pass mark is 70 %."""
    single = page.locator("#single-all-options")
    tick(single.get_by_label("An RNN"))
    check(single)
    for question_id, pick in (("multiple-partial", "Reset gate"), ("multiple-strict", "5")):
        question = page.locator(f"#{question_id}")
        tick(question.get_by_label(pick, exact=True))
        check(question)
        try_again(question)
        check(question)
    truth = page.locator("#tf-true")
    tick(truth.get_by_label("True"))
    check(truth)


def test_a_chapter_below_the_pass_mark_is_not_passed(page: Page, server: str) -> None:
    open_chapter(page, server, "choices")
    answer_choices_at_60_percent(page)
    expect(page.locator("[data-chapter-score-text]")).to_have_text(
        "Your score in this chapter: 3 of 5 points (60%). Not passed yet (pass mark 70%).")
    state = json.loads(page.evaluate("localStorage.getItem('lessonkit:v1:complete')"))
    assert state["chapters"]["choices"]["passed"] is False
    assert state["chapters"]["choices"]["completed"] is True


def test_retry_the_ones_i_missed_opens_them_again(page: Page, server: str) -> None:
    open_chapter(page, server, "choices")
    answer_choices_at_60_percent(page)
    retry_missed = page.get_by_role("button", name="Retry the ones I missed")
    press(retry_missed)
    expect(page.locator(".retry-status")).to_have_text("2 questions are open again.")
    partial = page.locator("#multiple-partial")
    expect(partial.get_by_label("Input gate")).to_be_focused()
    expect(partial.get_by_role("button", name="Check")).to_be_visible()
    expect(page.locator("#single-all-options [data-q-result]")).to_have_text(
        "Correct! 2 of 2 points.")  # a right answer stays as it was
    page.keyboard.press("Space")
    for gate in ("Forget gate", "Output gate", "Reset gate"):
        tick(partial.get_by_label(gate))
    expect(check(partial)).to_have_text("Correct! 1 of 1 point.")
    expect(page.locator("[data-chapter-score-text]")).to_have_text(
        "Your score in this chapter: 4 of 5 points (80%). Passed (pass mark 70%).")
    expect(retry_missed).to_be_visible()  # multiple-strict is still missed
