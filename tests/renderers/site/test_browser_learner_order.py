"""Each learner sees a question's options in an order of their own (Chromium): drawn from
a seed kept with their progress, the same on every visit, new after erasing the progress,
and graded the same whatever the order."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from cli.output import write_bundle
from tests.renderers.site.html_helpers import make_course, render

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("html")]

NAMES = ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
BLOCKS = [
    {"kind": "question", "id": "pick", "type": "single", "prompt": "Which is the third?",
     "choices": [*({"text": n, "correct": n == "Charlie"} for n in NAMES),
                 {"text": "None of these", "fixed": True}]},
    {"kind": "question", "id": "fill", "type": "cloze", "prompt": "The fourth is [[x]].",
     "blanks": {"x": {"choices": NAMES, "answer": "Delta"}}},
    {"kind": "question", "id": "pair", "type": "matching", "prompt": "Match the letters.",
     "pairs": [{"left": n[0], "right": n} for n in NAMES]},
]
KEY = "lessonkit:v1:mem"


@pytest.fixture(scope="module")
def chapter_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("learner-order")
    write_bundle(render(make_course(1, 1, blocks=BLOCKS)), folder)
    return (folder / "chapters" / "c0-0.html").as_uri()


def learner(browser: Browser, seed: int | None) -> BrowserContext:
    """A browser profile of its own; with `seed`, its saved progress holds that seed."""
    context = browser.new_context()
    if seed is not None:
        state = {"version": 1, "course": "mem", "seed": seed, "answers": {}, "hints": {},
                 "chapters": {}, "feedback": {}}
        context.add_init_script(
            f"if (!localStorage.getItem({json.dumps(KEY)})) "
            f"localStorage.setItem({json.dumps(KEY)}, {json.dumps(json.dumps(state))});")
    return context


@pytest.fixture
def learners(browser: Browser) -> Iterator[tuple[Page, Page]]:
    first, second = learner(browser, 1), learner(browser, 2)
    yield first.new_page(), second.new_page()
    first.close()
    second.close()


def shown(page: Page) -> tuple[list[str], list[str], list[str]]:
    choices = page.locator("#pick .choice label").all_inner_texts()
    blank = page.locator("#fill select option").all_inner_texts()[1:]
    pairs = page.locator("#pair select").first.locator("option").all_inner_texts()[1:]
    return choices, blank, pairs


def answer_everything(page: Page) -> None:
    page.locator("#pick").get_by_label("Charlie").check()
    page.locator("#pick").get_by_role("button", name="Check").click()
    page.locator("#fill select").select_option(label="Delta")
    page.locator("#fill").get_by_role("button", name="Check").click()
    for n in NAMES:
        page.locator("#pair").get_by_label(n[0], exact=True).select_option(label=n)
    page.locator("#pair").get_by_role("button", name="Check").click()
    for question in ("pick", "fill", "pair"):
        expect(page.locator(f"#{question} [data-q-result]")).to_contain_text("Correct!")


def test_two_learners_see_their_own_order_and_keep_it(
        learners: tuple[Page, Page], chapter_url: str) -> None:
    first, second = learners
    first.goto(chapter_url)
    second.goto(chapter_url)
    mine, theirs = shown(first), shown(second)
    for own, other in zip(mine, theirs, strict=True):
        assert sorted(own) == sorted(other) and own != other
    assert mine[0][-1] == theirs[0][-1] == "None of these"  # a fixed choice keeps its place
    first.reload()
    assert shown(first) == mine
    answer_everything(first)
    answer_everything(second)
    first.reload()
    assert shown(first) == mine


def test_a_new_learner_gets_a_seed_and_erasing_the_progress_draws_another(
        browser: Browser, chapter_url: str) -> None:
    context = learner(browser, None)
    page = context.new_page()
    page.goto(chapter_url)
    expect(page.locator("#pick .choice")).to_have_count(6)
    seed = page.evaluate(f"JSON.parse(localStorage.getItem({json.dumps(KEY)})).seed")
    assert isinstance(seed, int)
    order = shown(page)
    page.reload()
    assert shown(page) == order
    page.get_by_role("button", name="Reset my progress").click()
    page.get_by_role("button", name="Erase my progress").click()
    expect(page.get_by_text("Your progress was erased.")).to_be_visible()
    again = page.evaluate(f"JSON.parse(localStorage.getItem({json.dumps(KEY)})).seed")
    assert isinstance(again, int) and again != seed
    context.close()


def test_without_scripts_the_build_order_is_shown(browser: Browser, chapter_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(chapter_url)
    expect(page.locator("#pick .choice label")).to_have_count(6)
    built = page.locator("#pick .choice label").all_inner_texts()
    assert sorted(built) == sorted([*NAMES, "None of these"]) and built[-1] == "None of these"
    # A drop-down blank is shuffled at build time too: written in order, it is not shown so.
    blank = page.locator("#fill select option").all_inner_texts()[1:]
    assert sorted(blank) == NAMES and blank != NAMES, blank
    context.close()

