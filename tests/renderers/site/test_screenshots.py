"""The README's screenshots of the sample course's site, taken in Chromium and looked at.

A chapter with a question answered, on a desktop and a phone, in the light and the dark
theme, and the progress page. Each picture is checked the way a reader would look at it:
the answer and its verdict on screen, math drawn rather than spelled in TeX, the dark
theme dark, nothing wider than a phone. tests/gallery.py keeps them and compares them with
the committed copies under docs/screenshots/.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, Literal

import pytest
from PIL import Image, ImageStat
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect

from tests.gallery import small_png
from tests.renderers.site.html_helpers import TIMEOUT_MS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("html")]

CHAPTER = "chapters/vanishing-exploding-gradients.html"
QUESTION = "#sufficient-vanishing"
"""A multiple-choice question with math in its prompt and options."""
SIGMOID_OF_3 = "1"
"""The authored index of one of its two right options: ticked alone, it is partly right."""

TODAY = datetime(2026, 5, 28, 12, tzinfo=UTC)
"""The browser's clock, so that a picture shows the same date whenever it is taken."""

Scheme = Literal["light", "dark"]
VIEWPORTS: dict[str, ViewportSize] = {
    "desktop": {"width": 1280, "height": 800},
    "mobile": {"width": 375, "height": 812},
}

RAW_MARKUP = r"""() => {
  // Text a reader sees in the page's prose and questions (code is allowed its $ and \).
  const pattern = /\$[^$\s][^$]*\$|\\[a-zA-Z]{2,}|\*\*|\[\[|&[a-z]+;|<\/?[a-z]+[ >]/;
  const found = [];
  const walker = document.createTreeWalker(document.querySelector('main'),
                                           NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (element.closest('pre, code, script, style, template') ||
        !element.checkVisibility()) continue;
    if (pattern.test(node.data)) found.push(node.data.trim().slice(0, 120));
  }
  return found;
}"""


@pytest.fixture
def open_site(browser: Browser, server: str) -> Iterator[Any]:
    """Opens a page of the sample site in a fresh profile; no script error allowed."""
    errors: list[str] = []
    contexts = []

    def opener(path: str, viewport: ViewportSize, scheme: Scheme) -> Page:
        # Reduced motion: scrolling is instant, so the picture is taken where it stops.
        context = browser.new_context(viewport=viewport, color_scheme=scheme,
                                      reduced_motion="reduce")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.clock.set_fixed_time(TODAY)  # the progress page shows the date
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{server}/sample/{path}")
        expect(page.locator("html")).to_have_class("js")
        return page

    yield opener
    for context in contexts:
        context.close()
    assert errors == [], errors


def answer_partly(page: Page) -> Locator:
    """Tick one of the two right options and check: the question's verdict."""
    question = page.locator(QUESTION)
    question.locator(f'input[value="{SIGMOID_OF_3}"]').check()
    question.get_by_role("button", name="Check").click()
    result = question.locator("[data-q-result]")
    expect(result).to_contain_text("Partly right. 0.5 of 1 point.")
    return result


def frame_question(page: Page, verdict: Locator) -> None:
    """Scroll the question to the top, or further if its verdict would be cut off."""
    page.locator(QUESTION).evaluate("""(question, verdict) => {
        const top = question.getBoundingClientRect().top + scrollY - 16;
        const bottom = verdict.getBoundingClientRect().bottom + scrollY + 16;
        window.scrollTo(0, Math.max(top, bottom - innerHeight));
    }""", verdict.element_handle())
    page.mouse.move(0, 0)  # no hover effect where the last click was
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def looks(png: bytes) -> tuple[float, float]:
    """Mean brightness and its spread over the picture (0-255)."""
    stat = ImageStat.Stat(Image.open(io.BytesIO(png)).convert("L"))
    return stat.mean[0], stat.stddev[0]


def assert_looks_like(png: bytes, scheme: Scheme, what: str) -> None:
    brightness, spread = looks(png)
    if scheme == "dark":
        assert brightness < 70, f"{what} is not dark: mean brightness {brightness:.0f}"
    else:
        assert brightness > 180, f"{what} is not light: mean brightness {brightness:.0f}"
    assert spread > 15, f"{what} looks blank: brightness varies by {spread:.1f} only"


def assert_no_raw_markup(page: Page) -> None:
    assert page.evaluate(RAW_MARKUP) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("device", ["desktop", "mobile"])
def test_chapter_screenshot_with_an_answered_question(
        open_site: Any, gallery: Any, device: str, scheme: Scheme) -> None:
    viewport = VIEWPORTS[device]
    page = open_site(CHAPTER, viewport, scheme)
    verdict = answer_partly(page)
    frame_question(page, verdict)

    # What the picture shows: the options, the one ticked marked right, the verdict, math.
    question = page.locator(QUESTION)
    expect(verdict).to_be_in_viewport(ratio=1)
    expect(question.locator(".choice").first).to_be_in_viewport(ratio=1)
    expect(question.locator(f'.choice[data-part="{SIGMOID_OF_3}"]')).to_contain_text("right")
    formula = question.locator(".choice math").first
    assert (formula.bounding_box() or {}).get("width", 0) > 40, "the options' math is not drawn"
    assert_no_raw_markup(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the {device} screen"

    png = page.screenshot()
    name = f"chapter-{device}-{scheme}.png"
    assert_looks_like(png, scheme, name)
    committed = gallery.keep(name, small_png(png))
    assert_looks_like(committed, scheme, f"docs/screenshots/{name}")


def test_progress_screenshot_after_some_answers(open_site: Any, gallery: Any) -> None:
    page = open_site(CHAPTER, VIEWPORTS["desktop"], "light")
    answer_partly(page)
    true_false = page.locator("#rho-above-one")
    true_false.get_by_label("False").check()
    true_false.get_by_role("button", name="Check").click()
    expect(true_false.locator("[data-q-result]")).to_contain_text("Correct")
    page.get_by_role("link", name="Progress").first.click()
    expect(page.get_by_role("heading", name="Your progress", level=1)).to_be_visible()

    chapter = page.locator('[data-progress-chapter="vanishing-exploding-gradients"]')
    expect(chapter).to_contain_text("In progress")
    expect(chapter).to_contain_text("2 of 9 questions answered")
    # The picture shows the course summary, its section 2 under way, dated by the fixed clock.
    section_2 = page.locator("[data-summary-rows] tr").nth(1)
    expect(section_2).to_contain_text("Advanced RNN Variants")
    expect(section_2).to_contain_text("In progress")
    expect(section_2).to_be_in_viewport(ratio=1)
    expect(page.locator("[data-summary]")).to_contain_text("Summary as of May 28, 2026")
    assert_no_raw_markup(page)
    page.mouse.move(0, 0)

    png = page.screenshot()
    assert_looks_like(png, "light", "the progress page")
    committed = gallery.keep("progress-desktop-light.png", small_png(png))
    assert_looks_like(committed, "light", "docs/screenshots/progress-desktop-light.png")
