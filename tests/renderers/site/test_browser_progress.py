"""The course as a whole in Chromium: where to continue, partly done chapters, the
progress page with its mistakes to review and printable summary, and the site's frame
(compact mobile header, one search box, copy buttons, figures in the dark theme)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Literal

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, ViewportSize, expect

from cli.output import write_bundle
from engine.outputs import CellOutput
from tests.renderers.site.html_helpers import (
    ARTIFACTS,
    TIMEOUT_MS,
    Site,
    course_data,
    folder_handler,
    render,
    serving,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("html")]

MOBILE: ViewportSize = {"width": 375, "height": 800}


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator("html")).to_have_class("js")


def answer_ordering_as_shown(page: Page) -> None:
    """Check the ordering question of chapter 2.1 without moving anything: a wrong answer."""
    question = page.locator("#ordering-all")
    question.get_by_role("button", name="Check").click()
    expect(question.locator("[data-q-result]")).to_be_visible()


def finished_state(site: Site, at_ms: int, wrong: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The learner state (renderers/site/__init__.py) of someone who answered everything."""
    data = course_data(site.bundle)
    answers, chapters = {}, {}
    for chapter in data["chapters"]:
        score = 0.0
        for q in chapter["questions"]:
            fraction = 0.0 if q["id"] in wrong else 1.0
            answers[q["id"]] = {"response": None, "fraction": fraction, "score": fraction,
                                "points": fraction * q["points"], "maxPoints": q["points"],
                                "hintsUsed": 0, "attempts": 1, "at": at_ms}
            score += fraction * q["points"]
        chapters[chapter["id"]] = {"completed": True, "score": score,
                                   "maxScore": sum(q["points"] for q in chapter["questions"]),
                                   "at": at_ms}
    return {"version": 1, "course": data["id"], "answers": answers, "hints": {},
            "chapters": chapters, "feedback": {}}


def store(page: Page, site: Site, state: dict[str, Any]) -> None:
    key = course_data(site.bundle)["storageKey"]
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [key, json.dumps(state)])


def test_continue_resumes_the_last_question_and_marks_partly_done_chapters(
        page: Page, server: str) -> None:
    open_page(page, f"{server}/complete/chapters/structures.html")
    answer_ordering_as_shown(page)
    # The sidebar says the chapter is under way, not done.
    link = page.locator('.sidebar [data-chapter-link="structures"]')
    expect(link).to_have_class("is-partial")
    expect(link).to_contain_text("in progress: 1 of 5 questions answered")
    open_page(page, f"{server}/complete/index.html")
    resume = page.locator("[data-continue]")
    # Not chapter 1.1: the first question of 2.1 still open.
    expect(resume).to_have_text("Continue with Structures, question 1 of 5")
    expect(resume).to_have_attribute("href", "chapters/structures.html#cloze-all-kinds")
    expect(page.locator('.course-outline [data-chapter-link="structures"]')).to_have_class(
        "is-partial")
    expect(page.locator('.course-outline [data-chapter-link="choices"]')).not_to_have_class(
        "is-partial")
    resume.click()
    expect(page).to_have_url(f"{server}/complete/chapters/structures.html#cloze-all-kinds")
    expect(page.locator("#cloze-all-kinds")).to_be_in_viewport()


def test_progress_page_scores_sections_chapters_and_lists_mistakes(
        page: Page, server: str) -> None:
    open_page(page, f"{server}/complete/chapters/values.html")
    for question_id, answer in (("numeric-abs", "0.25"), ("numeric-rel", "86400"),
                                ("numeric-range", "1"), ("text-accept", "BPTT"),
                                ("text-case", "H_T")):
        question = page.locator(f"#{question_id}")
        question.get_by_label("Your answer").fill(answer)
        question.get_by_role("button", name="Check").click()
    open_page(page, f"{server}/complete/chapters/structures.html")
    answer_ordering_as_shown(page)

    open_page(page, f"{server}/complete/index.html")
    review = page.locator("[data-mistakes-link]")
    expect(review).to_have_text("Review my mistakes (2 questions)")
    review.click()
    expect(page).to_have_url(f"{server}/complete/progress.html#_mistakes")
    expect(page.get_by_role("heading", name="Your progress", level=1)).to_be_visible()

    values = page.locator('[data-progress-chapter="values"]')
    expect(values).to_contain_text("Passed")  # 4 of 5 points; passing needs 70 %
    expect(values).to_contain_text("5 of 5 questions answered · 4 of 5 points (80%)")
    structures = page.locator('[data-progress-chapter="structures"]')
    expect(structures).to_contain_text("In progress")
    expect(structures).to_contain_text("1 of 5 questions answered")
    expect(page.locator('[data-progress-chapter="choices"]')).to_contain_text("Not started")
    bars = page.locator("progress.section-bar")
    expect(bars).to_have_count(2)
    expect(bars.first).to_have_attribute(
        "aria-label", "Basics & <Choices>: 1 of 2 chapters completed")
    expect(bars.first).to_have_js_property("value", 1)

    rows = page.locator("[data-summary-rows] tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("1 of 2 completed")
    expect(rows.first).to_contain_text("In progress")
    expect(page.locator("[data-summary-status]")).to_contain_text("1 of 3 chapters completed.")

    mistakes = page.locator("[data-mistakes-list] a")
    expect(mistakes).to_have_text(["Question 5 of 5 in Values", "Question 4 of 5 in Structures"])
    expect(mistakes.first).to_have_attribute("href", "chapters/values.html#text-case")
    mistakes.nth(1).click()
    expect(page).to_have_url(f"{server}/complete/chapters/structures.html#ordering-all")
    expect(page.locator("#ordering-all")).to_be_in_viewport()


def test_completion_summary_prints_with_date_and_result(
        page: Page, server: str, sites: dict[str, Site]) -> None:
    open_page(page, f"{server}/complete/progress.html")
    at = 1_780_000_000_000  # 28 May 2026
    store(page, sites["complete"], finished_state(sites["complete"], at,
                                                    wrong=frozenset({"matching", "ordering-all"})))
    page.reload()
    summary = page.locator("[data-summary]")
    expect(summary.locator("[data-summary-status]")).to_contain_text(
        "Passed Every chapter is completed. Passing needs 70% of the points.")
    expect(summary.locator("[data-summary-date]")).to_have_text("Completed on May 28, 2026")
    rows = summary.locator("[data-summary-rows] tr")
    expect(rows.first).to_contain_text("Section 1 Basics & <Choices>")
    expect(rows.first).to_contain_text("Passed")
    expect(rows.nth(1)).to_contain_text("Section 2 More \"types\"")
    expect(rows.nth(1)).to_contain_text("Not passed")  # two of its questions were wrong
    expect(summary.get_by_role("button", name="Print or save the summary")).to_be_visible()

    page.emulate_media(media="print")
    expect(summary).to_be_visible()
    for hidden in (".header-tools", "[data-print]", "[data-progress-sections]", "[data-mistakes]"):
        expect(page.locator(hidden)).to_be_hidden()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = page.pdf(path=str(ARTIFACTS / "course-summary.pdf"))
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000


def test_progress_page_without_javascript_says_why_it_is_empty(
        browser: Browser, server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server}/complete/progress.html")
    expect(page.locator("main")).to_contain_text("needs JavaScript to show them",
                                                 use_inner_text=True)
    for part in ("[data-summary]", "[data-progress-sections]", "[data-mistakes]"):
        expect(page.locator(part)).to_be_hidden()
    context.close()


def test_progress_and_copy_work_from_file_urls(browser: Browser, sites: dict[str, Site]) -> None:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    folder = sites["complete"].folder
    open_page(page, (folder / "chapters" / "structures.html").as_uri())
    answer_ordering_as_shown(page)
    open_page(page, (folder / "chapters" / "values.html").as_uri())
    page.get_by_role("button", name="Copy the code").first.click()
    expect(page.get_by_role("status").filter(has_text="Copied")).to_have_count(1)
    page.get_by_role("link", name="Progress").click()
    expect(page.locator('[data-progress-chapter="structures"]')).to_contain_text("In progress")
    expect(page.locator("[data-mistakes-list] a")).to_have_text(["Question 4 of 5 in Structures"])
    context.close()
    assert errors == []


def test_copy_button_copies_a_code_cell(browser: Browser, server: str) -> None:
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    open_page(page, f"{server}/complete/chapters/values.html")
    cell = page.locator("#compute")
    cell.get_by_role("button", name="Copy the code").click()
    expect(cell.get_by_role("button", name="Copy the code")).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("from helpers import halve"), copied
    assert "Copy" not in copied
    context.close()


@pytest.mark.parametrize("path", ["index.html", "chapters/vanishing-exploding-gradients.html",
                                  "search.html?q=gradient", "progress.html"])
def test_the_mobile_header_is_one_compact_row(browser: Browser, server: str, path: str) -> None:
    context = browser.new_context(viewport=MOBILE)
    page = context.new_page()
    open_page(page, f"{server}/sample/{path}")
    height = page.locator(".site-header").evaluate("h => h.getBoundingClientRect().height")
    assert height <= 64, height
    tools = page.locator(".site-header")
    expect(tools.get_by_role("link", name="Progress")).to_be_visible()
    expect(tools.get_by_role("button", name="Theme: follow the system")).to_be_visible()
    if not path.startswith("search"):
        tools.get_by_role("button", name="Search").click()
        expect(page).to_have_url(f"{server}/sample/search.html?q=")
        expect(page.get_by_role("searchbox", name="Search")).to_be_visible()
    context.close()


def test_the_search_page_has_one_search_box(page: Page, server: str) -> None:
    open_page(page, f"{server}/sample/search.html?q=gradient")
    expect(page.get_by_role("searchbox")).to_have_count(1)
    expect(page.get_by_role("searchbox")).to_have_value("gradient")


def _mean_brightness(png: bytes) -> float:
    image = Image.open(io.BytesIO(png)).convert("L")
    return sum(image.tobytes()) / (image.width * image.height)  # one byte per pixel in "L"


def test_figures_are_dark_in_the_dark_theme(
        browser: Browser, sites: dict[str, Site], tmp_path: Path) -> None:
    # A matplotlib-like figure: white background, black axes.
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="120">'
           '<rect width="200" height="120" fill="#ffffff"/>'
           '<path d="M10 110 H190 M10 110 V10" stroke="#000000" stroke-width="2"/></svg>')
    bundle = render(sites["complete"].course,
                    outputs={"compute": CellOutput("compute", figures=(svg,))})
    write_bundle(bundle, tmp_path / "site")
    with serving(folder_handler(tmp_path / "site")) as base:
        brightness = {}
        schemes: tuple[Literal["light", "dark"], ...] = ("light", "dark")
        for scheme in schemes:
            context = browser.new_context(color_scheme=scheme)
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            open_page(page, f"{base}/chapters/values.html")
            figure = page.locator("img.cell-figure")
            expect(figure).to_have_js_property("complete", True)
            brightness[scheme] = _mean_brightness(figure.screenshot())
            context.close()
    assert brightness["light"] > 230, brightness
    assert brightness["dark"] < 60, brightness
