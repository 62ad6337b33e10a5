"""The search index the site is built with (renderers/site/search.py): what a page's
record holds, how shards are cut, and what is made again after an edit."""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath

import pytest

from engine.model import Course
from renderers.base import RenderContext, RenderMemory
from renderers.site import HtmlOptions, HtmlRenderer
from renderers.site import search as search_module
from renderers.site import site as site_module
from renderers.site.search import SHARD_CALL, Passage, page_record, passages
from tests.renderers.site.html_helpers import course_data, make_course, render

P = PurePosixPath


def page(article: str) -> str:
    return ('<!DOCTYPE html><html lang="en"><head><title>T</title></head><body>'
            '<nav><a href="x.html">sidebar link</a></nav><main>'
            f'<article class="chapter-body" data-search-body>{article}</article>'
            '<footer>reset my progress</footer></main></body></html>')


def records(script: bytes) -> list[list[object]]:
    text = script.decode()
    assert text.startswith(f"{SHARD_CALL}(") and text.endswith(");\n")
    loaded: list[list[object]] = json.loads(text[len(SHARD_CALL) + 1:-3])
    return loaded


def test_passages_run_from_one_anchor_to_the_next() -> None:
    found = passages(page(
        '<h1>Gates</h1><p>Intro.</p>'
        '<h2 id="why">Why <em>gates</em></h2><p>Because.</p>'
        '<section class="block question" id="q1"><h2 class="q-heading" id="_q-q1-h" '
        'data-search-ignore><span>Question 1 of 2</span> '
        '<span class="q-points">1 point</span></h2><p>Which gate?</p></section>'))
    assert found == [
        Passage("", "", "Gates Intro."),
        Passage("why", "Why gates", "Why gates Because."),
        Passage("q1", "Question 1 of 2", "Which gate?"),
    ]


def test_what_a_learner_must_not_find_is_left_out() -> None:
    """Controls, the answer behind its disclosure (nested elements included) and the
    question's data; not the explanation, nor what follows the left-out parts."""
    found = passages(page(
        '<p class="position" data-search-ignore>Section 1 · Chapter 1</p>'
        '<div class="q-answer" data-search-ignore><div><div>secret answer</div></div>'
        '<p>still secret</p></div><div class="q-explanation"><p>explained</p></div>'
        '<script type="application/json" data-q-data>{"accept": ["hidden"]}</script>'
        '<p>after</p>'))
    assert found == [Passage("", "", "explained after")]


def test_what_a_learner_sees_only_by_asking_is_not_searchable(
    complete_course: Course
) -> None:
    """Hints cost points, and the feedback on an option, the answer and the explanation
    come after answering or revealing: search must not show them for free."""
    site = render(complete_course)
    index = site[P("search/0.js")].decode()
    page = site[P("chapters/choices.html")].decode()
    for shown_on_request in ("R is for recurrent", "Right, the R stands for recurrent",
                             "It has no loop through time", "feeds its hidden state back"):
        assert shown_on_request in page and shown_on_request not in index
    assert "Which of these is a recurrent network?" in index
    assert "Show the answer" not in index and "Select the correct answer" not in index


def test_a_left_out_element_ends_at_its_own_end_tag() -> None:
    """Elements of the same name inside it are counted; a longer name that begins with
    its name (`<br>` in `<b>`) is another element."""
    found = passages(page('<b data-search-ignore>x<br>y<b>z</b>w</b>after '
                          '<div data-search-ignore><div><div>in</div></div>in</div>end'))
    assert found == [Passage("", "", "after end")]


def test_the_attribute_in_the_text_is_only_words() -> None:
    found = passages(page("<p>the words data-q-hints and data-search-ignore stay</p>"))
    assert found == [Passage("", "", "the words data-q-hints and data-search-ignore stay")]


def test_tags_separate_words_and_entities_are_text() -> None:
    found = passages(page('<ul><li>one</li><li>two</li></ul><p>(<code>x</code>), '
                          '<em>y</em>; &amp; &lt;tag&gt; caf&#xe9; [<a href="#">z</a>]</p>'))
    assert found == [Passage("", "", "one two (x), y; & <tag> café [z]")]


def test_the_article_is_the_pages_last_one_and_only_it() -> None:
    """A raw `</article>` an author wrote (allow_html) does not cut the article short;
    the sidebar and footer are not the chapter's text; a page without an indexed article
    gives nothing."""
    found = passages(page("<p>before</p></article><p>raw html by the author</p>"))
    assert found == [Passage("", "", "before raw html by the author")]
    titled = page("<p>found</p>").replace("<nav>", "<nav>data-search-body")
    assert passages(titled) == [Passage("", "", "found")]
    assert passages("<html><body><article><p>no marker</p></article></body></html>") == []


def test_a_record_is_json_data_whatever_the_text() -> None:
    hostile = '"]);alert(1);//</script><script>alert(2)</script> \u2028 ção'
    record = page_record(P("chapters/x.html"), page(f"<p>{hostile.replace('<', '&lt;')}</p>")
                         .encode())
    assert record.isascii()
    assert json.loads(record) == ["chapters/x.html", [["", "", hostile.replace("\u2028 ", "")]]]


def test_shards_hold_every_chapter_in_course_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_module, "SHARD_SIZE", 2)
    course = make_course(2, 3)
    site = render(course)
    shards = sorted(p for p in site if str(p).startswith("search/"))
    assert shards == [P("search/0.js"), P("search/1.js"), P("search/2.js")]
    urls = [r[0] for shard in shards for r in records(site[shard])]
    assert urls == [c["url"] for c in course_data(site)["chapters"]]
    assert course_data(site)["search"] == {"enabled": True, "shards": 3}


def test_records_are_made_where_pages_are_rendered_and_once(
    complete_course: Course, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh build makes each record once, with its page; the one from the page's
    HTML later (a cached page in a shard that changed) is the same bytes."""
    made: list[PurePosixPath] = []

    def counted(url: PurePosixPath, html: bytes) -> bytes:
        made.append(url)
        return page_record(url, html)

    monkeypatch.setattr(site_module, "page_record", counted)
    site = render(complete_course)
    assert sorted(made) == sorted(P(c["url"]) for c in course_data(site)["chapters"])
    shard = records(site[P("search/0.js")])
    assert [json.loads(page_record(P(str(r[0])), site[P(str(r[0]))])) for r in shard] == shard


def test_after_an_edit_serve_makes_one_record_and_the_same_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_module, "SHARD_SIZE", 4)
    course = make_course(2, 5)
    memory = RenderMemory()
    serve = RenderContext(options=HtmlOptions(), cache_dir=tmp_path, memory=memory)
    HtmlRenderer().render(course, serve)
    section = course.sections[1]
    chapter = section.chapters[2]
    edited = chapter.model_copy(update={"blocks": [
        chapter.blocks[0].model_copy(update={"body": "A brand-new word: zeugma."}),
        *chapter.blocks[1:]]})
    changed = course.model_copy(update={"sections": [course.sections[0], section.model_copy(
        update={"chapters": [*section.chapters[:2], edited, *section.chapters[3:]]})]})

    made: list[str] = []

    def counted(url: PurePosixPath, html: bytes) -> bytes:
        made.append(str(url))
        return page_record(url, html)

    for module in (site_module, search_module):
        monkeypatch.setattr(module, "page_record", counted)
    serve = RenderContext(options=HtmlOptions(), cache_dir=tmp_path, memory=memory)
    site = HtmlRenderer().render(changed, serve)
    assert made == [f"chapters/{edited.id}.html"]
    assert site == render(changed)
    assert b"zeugma" in site[P("search/1.js")] and not re.search(
        rb"zeugma", b"".join(site[P(f"search/{n}.js")] for n in (0, 2)))
