"""Search results land on the passage that matched: a heading of the explanation or a
question, not the top of its chapter (Chromium, over HTTP and from file://)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from cli.output import write_bundle
from tests.renderers.site.html_helpers import folder_handler, make_course, parse, render, serving

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("html")]

FILLER = "\n\n".join(["Um parágrafo longo que ocupa espaço na página. " * 12] * 6)
"""Enough text that every section starts well below the first screenful."""

BLOCKS = [
    {"kind": "explanation", "body": f"## Introdução\n\n{FILLER}"},
    {"kind": "explanation", "body": f"## Exemplo\n\n{FILLER}\n\n## Exemplo\n\n{FILLER}"},
    {"kind": "explanation",
     "body": f"## Gradientes explosivos e a girafa\n\nA girafa aparece só aqui.\n\n{FILLER}"},
    {"kind": "question", "id": "q-early", "type": "true_false",
     "prompt": "Está certo?", "answer": True},
    {"kind": "explanation", "body": FILLER},
    {"kind": "question", "id": "q-ornitorrinco", "type": "true_false",
     "prompt": "O ornitorrinco põe ovos?", "answer": True},
    {"kind": "explanation", "body": f"## Resumo\n\n{FILLER}"},
]


@pytest.fixture(scope="module")
def passages_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    course = make_course(1, 2, blocks=BLOCKS, ui_language="pt")
    folder = tmp_path_factory.mktemp("passages") / "site"
    write_bundle(render(course), folder)
    return folder


@pytest.fixture(scope="module")
def passages_server(passages_site: Path) -> Iterator[str]:
    with serving(folder_handler(passages_site)) as url:
        yield url


def in_viewport(page: Page, target: Locator) -> None:
    """`target` is on screen: the page scrolled down to it."""
    expect(target).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 500


def test_headings_have_readable_unique_ids(passages_site: Path) -> None:
    html = (passages_site / "chapters" / "c0-0.html").read_bytes()
    ids = [attrs["id"] for tag, attrs in parse(html).tags if tag == "h2" and attrs.get("id")
           and not str(attrs["id"]).startswith("_")]
    assert ids == ["introducao", "exemplo", "exemplo-2",
                   "gradientes-explosivos-e-a-girafa", "resumo"]


def test_a_word_of_a_later_section_opens_that_section(page: Page, passages_server: str) -> None:
    page.goto(f"{passages_server}/index.html")
    page.get_by_role("searchbox").fill("girafa")
    page.get_by_role("searchbox").press("Enter")
    results = page.locator("[data-search-results] a")
    expect(results).to_have_count(2)  # both chapters hold the word
    expect(page.locator("[data-search-results] .search-where").first).to_contain_text(
        "Gradientes explosivos e a girafa")
    results.first.click()
    expect(page).to_have_url(f"{passages_server}/chapters/c0-0.html"
                             "#gradientes-explosivos-e-a-girafa")
    in_viewport(page, page.get_by_role("heading", name="Gradientes explosivos e a girafa"))


def test_a_word_of_a_question_opens_that_question(page: Page, passages_server: str) -> None:
    page.goto(f"{passages_server}/search.html?q=ornitorrinco")
    result = page.locator("[data-search-results] a").first
    expect(result).to_have_attribute("href", "chapters/c0-0.html#q-ornitorrinco")
    result.click()
    expect(page).to_have_url(f"{passages_server}/chapters/c0-0.html#q-ornitorrinco")
    in_viewport(page, page.locator("#q-ornitorrinco").get_by_text("O ornitorrinco põe ovos?"))


def test_a_link_to_a_passage_works_from_a_file_url(page: Page, passages_site: Path) -> None:
    url = (passages_site / "chapters" / "c0-1.html").as_uri() + "#resumo"
    page.goto(url)
    expect(page).to_have_url(url)
    in_viewport(page, page.get_by_role("heading", name="Resumo"))


def test_a_word_inside_a_phrase_of_a_script_without_spaces_is_found(
        page: Page, tmp_path: Path) -> None:
    """Japanese writes a sentence as one run of letters: the word is found inside it,
    and the run is marked; a Latin word must still begin a word."""
    blocks = [{"kind": "explanation",
               "body": "これは再帰型ニューラルネットワークの説明です。Gradients vanish."}]
    write_bundle(render(make_course(1, 1, blocks=blocks, language="ja")), tmp_path / "site")
    with serving(folder_handler(tmp_path / "site")) as base:
        page.goto(f"{base}/search.html?q=ニューラル")
        expect(page.locator("[data-search-status]")).to_have_text("1 result for “ニューラル”")
        expect(page.locator("[data-search-results] mark").first).to_contain_text("ニューラル")
        page.goto(f"{base}/search.html?q=anish")
        expect(page.locator("[data-search-status]")).to_have_text("Nothing found for “anish”.")
