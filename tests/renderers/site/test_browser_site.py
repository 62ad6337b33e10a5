"""The whole site in Chromium: search, accessibility (axe), validity (Nu Html Checker),
no JavaScript, file://, no request leaving 127.0.0.1, narrow screens and screenshots."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from cli.output import write_bundle
from renderers.site import search
from tests.renderers.site.html_helpers import (
    ARTIFACTS,
    AXE_JS,
    TIMEOUT_MS,
    VNU_JAR,
    Site,
    folder_handler,
    render,
    serving,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("html")]

SEED_CHAPTER = "vanishing-exploding-gradients"
"""The chapter of the page the project started from."""


def run_axe(page: Page) -> list[tuple[str, str, list[Any]]]:
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("""() => axe.run(document, {
        runOnly: {type: 'tag',
                  values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
        resultTypes: ['violations']})""")
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("name", ["complete", "sample"])
def test_no_serious_accessibility_violation_on_any_page(
    browser: Browser, server: str, sites: dict[str, Site], name: str
) -> None:
    # axe is injected as a script, which the pages' CSP would (rightly) refuse.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems = {}
    for path in sites[name].pages():
        page.goto(f"{server}/{name}/{path}?q=gradient")
        expect(page.locator("html")).to_have_class("js")
        found = run_axe(page)
        if found:
            problems[path] = found
    # Interaction states (marks, feedback, hints, explanations) and the dark theme too.
    first = sites[name].course.chapters[0].id
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.goto(f"{server}/{name}/chapters/{first}.html")
        page.evaluate("localStorage.clear()")
        page.reload()
        for question in page.locator("[data-question]").all():
            hint = question.locator("[data-q-hint]")
            if hint.count():
                hint.click()
            choices = question.locator("input[type=radio], input[type=checkbox]")
            if choices.count():
                choices.first.check()
            for field in question.locator("input[type=text]").all():
                field.fill("1")
            question.get_by_role("button", name="Check").click()
        page.locator("[data-feedback-answer=no]").click()
        found = run_axe(page)
        if found:
            problems[f"{first} answered, {scheme}"] = found
        # The course-level views with something in them: progress, mistakes, partly
        # done chapters, on wide and narrow screens.
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 900})
            for path in ("index.html", "progress.html", f"chapters/{first}.html"):
                page.goto(f"{server}/{name}/{path}")
                expect(page.locator("html")).to_have_class("js")
                found = run_axe(page)
                if found:
                    problems[f"{path} answered, {scheme}, {width} px"] = found
        page.set_viewport_size({"width": 1280, "height": 900})
    context.close()
    assert problems == {}


def test_axe_reports_problems_when_there_are_some(page: Page) -> None:
    """The accessibility test above would pass vacuously if axe saw nothing."""
    page.set_content('<html><body><img src="x.png"><a href="#"></a></body></html>')
    assert {"image-alt", "link-name"} <= {v[0] for v in run_axe(page)}


def test_every_page_is_valid_html(sites: dict[str, Site], tmp_path: Path) -> None:
    # One JVM for everything; a deliberately broken page proves the checker is awake.
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "bad.html").write_text("<!DOCTYPE html><title>x</title><p><div></p>")
    folders = [str(site.folder) for site in sites.values()]
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout",
         "--skip-non-html", *folders, str(broken)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    messages = json.loads(result.stdout)["messages"]
    ours = [(m.get("url", "").rsplit("/", 2)[-2:], m.get("lastLine"), m["message"])
            for m in messages if "/broken/" not in m.get("url", "")]
    assert ours == []
    assert any("/broken/bad.html" in m.get("url", "") for m in messages)


def test_search_finds_a_term_and_links_to_its_passage(page: Page, server: str) -> None:
    page.goto(f"{server}/sample/index.html")
    page.get_by_role("searchbox", name="Search").fill("Gelfand")
    page.get_by_role("searchbox", name="Search").press("Enter")
    expect(page.locator("[data-search-status]")).to_have_text("1 result for “Gelfand”")
    result = page.locator("[data-search-results] a").first
    expect(result).to_have_text("Vanishing and Exploding Gradients")
    expect(page.locator("[data-search-results] mark").first).to_have_text("Gelfand's")
    result.click()
    expect(page).to_have_url(f"{server}/sample/chapters/{SEED_CHAPTER}.html"
                             "#singular-values-bound-the-spectral-radius-sets-the-pace")


@pytest.mark.parametrize("nonsense", ["xyzzy", "qwertyuiop", "zzzz"])
def test_search_for_nonsense_finds_nothing(page: Page, server: str, nonsense: str) -> None:
    # A word no page has finds nothing, not the pages with its first letters.
    page.goto(f"{server}/sample/search.html?q={nonsense}")
    expect(page.locator("[data-search-status]")).to_have_text(f"Nothing found for “{nonsense}”.")
    expect(page.locator("[data-search-results] li")).to_have_count(0)


def test_search_still_finds_a_word_by_its_beginning(page: Page, server: str) -> None:
    page.goto(f"{server}/sample/search.html?q=vanish")
    # The chapter with the word in its title comes first; the whole word is marked.
    expect(page.locator("[data-search-results] a").first).to_have_text(
        "Vanishing and Exploding Gradients")
    expect(page.locator("[data-search-results] mark").first).to_have_text(
        re.compile("^vanish[a-z]+$", re.IGNORECASE))
    expect(page.locator("[data-search-status]")).to_contain_text("for “vanish”")


def test_cloze_blanks_inside_formulas_show_math_not_tex(
        page: Page, server: str, sites: dict[str, Site]) -> None:
    course = sites["sample"].course
    chapters = [c for c in course.chapters if any(q.type == "cloze" for q in c.questions)]
    in_formulas = 0
    for chapter in chapters:
        page.goto(f"{server}/sample/chapters/{chapter.id}.html")
        for cloze in page.locator(".q-cloze").all():
            shown = cloze.inner_text()
            assert "$" not in shown and "\\" not in shown and "_{" not in shown, shown
            options = " ".join(cloze.locator("option").all_inner_texts())
            assert "_" not in options and "\\" not in options, options
            in_formulas += cloze.locator("math + select, math + input").count()
    assert in_formulas >= 3  # the course does put blanks into formulas


def test_accessible_names_read_math_as_text(
        page: Page, server: str, sites: dict[str, Site]) -> None:
    course = sites["sample"].course
    chapters = [c for c in course.chapters
                if any(q.type in ("ordering", "matching") for q in c.questions)]
    names = []
    for chapter in chapters:
        page.goto(f"{server}/sample/chapters/{chapter.id}.html")
        names += [b.get_attribute("aria-label") or "" for b in page.locator("[data-move]").all()]
        names += page.locator("[data-match] option").all_inner_texts()
        moved = page.locator("[data-move='1']").first
        if moved.count():
            moved.click()
            names.append(page.locator("[data-order-status]").first.inner_text())
    assert len(names) > 20
    tex = [n for n in names if "\\" in n or "_{" in n or "^{" in n or "$" in n]
    assert tex == []


def test_search_merges_every_shard(
    page: Page, sites: dict[str, Site], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One shard per chapter: a term of the last chapter is found in the last shard."""
    monkeypatch.setattr(search, "SHARD_SIZE", 1)
    bundle = render(sites["complete"].course)
    assert {str(p) for p in bundle if str(p).startswith("search/")} == {
        "search/0.js", "search/1.js", "search/2.js"}
    write_bundle(bundle, tmp_path / "site")
    with serving(folder_handler(tmp_path / "site")) as base:
        page.goto(f"{base}/search.html?q=smallest")
        expect(page.locator("[data-search-status]")).to_have_text("1 result for “smallest”")
        expect(page.locator("[data-search-results] a")).to_have_attribute(
            "href", "chapters/structures.html#ordering-partial")


def test_without_javascript_answers_are_reachable(browser: Browser, server: str,
                                                  sites: dict[str, Site]) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    for chapter in sites["complete"].course.chapters:
        page.goto(f"{server}/complete/chapters/{chapter.id}.html")
        expect(page.locator("html")).to_have_class("no-js")
        for question in chapter.questions:
            section = page.locator(f"#{question.id}")
            expect(section.get_by_role("button", name="Check")).to_be_hidden()
            expect(section.locator(".q-answer")).to_be_hidden()
            section.get_by_text("Show the answer and explanation").click()
            expect(section.locator(".q-answer")).to_be_visible()
            if question.explanation:
                expect(section.locator(".q-explanation")).to_be_visible()
    page.goto(f"{server}/complete/chapters/choices.html")
    single = page.locator("#single-all-options")
    single.get_by_text("Show the answer and explanation").click()
    expect(single.locator(".q-answer")).to_contain_text("Answer An RNN")
    context.close()


def test_no_request_leaves_the_machine(browser: Browser, server: str,
                                       sites: dict[str, Site]) -> None:
    context = browser.new_context()
    outside: list[str] = []

    def guard(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and \
                urlsplit(url).hostname != "127.0.0.1":
            outside.append(url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    page = context.new_page()
    for name, site in sites.items():
        for path in site.pages():
            page.goto(f"{server}/{name}/{path}?q=state")
            page.wait_for_load_state("networkidle")
    context.close()
    assert outside == []


def test_the_site_works_from_file_urls(browser: Browser, sites: dict[str, Site]) -> None:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    folder = sites["complete"].folder
    page.goto((folder / "index.html").as_uri())
    expect(page.locator("html")).to_have_class("js")
    page.get_by_role("link", name="Start the course").click()
    question = page.locator("#tf-true")
    question.get_by_label("True").check()
    question.get_by_role("button", name="Check").click()
    expect(question.locator("[data-q-result]")).to_have_text("Correct! 1 of 1 point.")
    expect(page.locator('img[alt="A diagram"]')).to_have_js_property("naturalWidth", 120)
    page.reload()
    expect(question.locator("[data-q-result]")).to_have_text("Correct! 1 of 1 point.")
    # Full-text search from file:// too: "seconds" is in a question, not in a title.
    page.get_by_role("searchbox", name="Search").fill("seconds")
    page.get_by_role("searchbox", name="Search").press("Enter")
    expect(page.locator("[data-search-status]")).to_have_text("1 result for “seconds”")
    expect(page.locator("[data-search-results] a")).to_have_text("Values")
    context.close()
    assert errors == []


def test_narrow_screens_and_screenshots(browser: Browser, server: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 375):
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        page.goto(f"{server}/sample/chapters/{SEED_CHAPTER}.html")
        expect(page.locator("html")).to_have_class("js")
        page.locator("#vanishing-meaning").get_by_role("radio").first.check()
        page.locator("#vanishing-meaning").get_by_role("button", name="Check").click()
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, (width, scroll_width)
        page.evaluate("window.scrollTo(0, 0)")
        target = ARTIFACTS / f"{SEED_CHAPTER}-{width}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000
        context.close()
