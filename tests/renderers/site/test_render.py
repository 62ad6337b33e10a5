"""The HTML renderer without a browser: layout, links, safety, the LMS contract, caching."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path, PurePosixPath

import pytest

from engine.diagnostics import Code
from engine.model import Course
from engine.outputs import CellOutput
from renderers.base import Bundle, RenderContext, RenderMemory
from renderers.site import HtmlOptions, HtmlRenderer
from renderers.site import search as search_module
from renderers.site import site as site_module
from renderers.site.grader import grader_data
from renderers.site.i18n import Catalog
from renderers.site.markup import json_text
from tests.renderers.site.html_helpers import course_data, make_course, parse, resolve

P = PurePosixPath


def render(course: Course, **kw: object) -> Bundle:
    options = kw.pop("options", HtmlOptions(search=False))
    return HtmlRenderer().render(course, RenderContext(options=options, **kw))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def bundle(complete_course: Course) -> Bundle:
    return HtmlRenderer().render(complete_course, RenderContext(options=HtmlOptions()))


def pages(bundle: Bundle) -> list[PurePosixPath]:
    return sorted(p for p in bundle if p.suffix == ".html")


def test_layout(bundle: Bundle, complete_course: Course) -> None:
    expected = {P("index.html"), P("search.html"), P("assets/course.js"), P("assets/lessonkit.js"),
                P("assets/grading.js"), P("assets/quiz.js"), P("assets/lessonkit.css"),
                P("media/assets/diagram.svg"), P("search/0.js")}
    expected |= {P(f"chapters/{c.id}.html") for c in complete_course.chapters}
    assert expected <= set(bundle)


def test_every_reference_is_relative_and_resolves(bundle: Bundle) -> None:
    """No request leaves the site, and no link inside it is broken (from any sub-path)."""
    external = []
    for page in pages(bundle):
        for tag, attrs in parse(bundle[page]).tags:
            for attr in ("src", "href", "action"):
                url = attrs.get(attr)
                if url is None or ((tag, attr) == ("a", "href") and url.startswith("https://")):
                    continue  # an author's own external link is fine; it is not loaded
                if re.match(r"^[a-z]+:|^//|^/", url):
                    external.append((str(page), tag, url))
                elif not url.startswith("#"):
                    assert resolve(page, url) in bundle, (page, url)
    assert external == []


def test_no_inline_script_style_or_handler(bundle: Bundle) -> None:
    for page in pages(bundle):
        elements = parse(bundle[page])
        assert all(not any(a.startswith("on") for a in attrs) for _, attrs in elements.tags)
        assert all("style" not in attrs for _, attrs in elements.tags), page
        for attrs, text in elements.scripts:
            assert attrs.get("src") or attrs.get("type") == "application/json", (page, text[:80])
        csp = [a["content"] for t, a in elements.tags if a.get("http-equiv") ==
               "Content-Security-Policy"]
        assert csp and "script-src 'self'" in str(csp[0]) and "default-src 'none'" in str(csp[0])
        assert "unsafe-inline" not in str(csp[0])


def test_static_files_load_nothing_from_elsewhere(bundle: Bundle) -> None:
    for path, data in bundle.items():
        # The search index's shards are the course's text: a URL there is words.
        if path.suffix in (".css", ".js") and not str(path).startswith("search/"):
            text = data.decode()
            assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), path
            assert not re.search(r"['\"]https?://", text), path


def test_scripts_in_contract_order(complete_course: Course) -> None:
    for lms in (False, True):
        site = render(complete_course, options=HtmlOptions(search=False, lms_bridge=lms))
        for page in pages(site):
            srcs = [a["src"] for a, _ in parse(site[page]).scripts if a.get("src")]
            names = [str(s).rsplit("/", 1)[-1] for s in srcs]
            expected = ["theme.js", "course.js", *(["lms-bridge.js"] if lms else []),
                        "grading.js", "lessonkit.js"]
            assert names[: len(expected)] == expected, (page, names)


def test_course_script_contract(bundle: Bundle, complete_course: Course) -> None:
    data = course_data(bundle)
    assert data["id"] == "complete" and data["passingScore"] == 0.7
    assert data["storageKey"] == "lessonkit:v1:complete"
    assert [c["id"] for c in data["chapters"]] == [c.id for c in complete_course.chapters]
    first = data["chapters"][0]
    assert first["section"] == "basics" and first["url"] == "chapters/choices.html"
    assert P(first["url"]) in bundle
    assert first["questions"][0] == {"id": "single-all-options", "type": "single", "points": 2.0}
    assert data["strings"]["question.check"] == "Check"


def test_course_script_is_json_text_of_the_whole(complete_course: Course) -> None:
    """course.js is put together from each chapter's entry: it must be what `json_text`
    writes of the whole outline, escapes included, even with hostile titles."""
    hostile = "</script><!-- \u2028 & \"quoted\" <b>"
    sections = [s.model_copy(update={"title": hostile, "chapters": [
        c.model_copy(update={"title": f"{c.title} {hostile}"}) for c in s.chapters]})
        for s in complete_course.sections]
    course = complete_course.model_copy(update={"title": hostile, "sections": sections})
    script = render(course)[P("assets/course.js")].decode()
    prefix, suffix = "window.LESSONKIT_COURSE = ", ";\n"
    assert script.startswith(prefix) and script.endswith(suffix)
    payload = script[len(prefix):-len(suffix)]
    assert payload == json_text(json.loads(payload))
    assert "</script" not in script and "\u2028" not in script
    assert json.loads(payload)["chapters"][0]["title"].endswith(hostile)


def test_question_data_is_the_grader_data(bundle: Bundle, complete_course: Course) -> None:
    seen = {}
    for page in pages(bundle):
        for attrs, text in parse(bundle[page]).scripts:
            if attrs.get("type") == "application/json":
                data = json.loads(text)
                seen[data["question"]["id"]] = data
    for question in complete_course.questions:
        assert seen[question.id]["question"] == json.loads(json.dumps(grader_data(question)))


def test_json_in_script_cannot_close_the_element() -> None:
    text = json_text({"a": "</script><script>alert(1)</script>\u2028<!--", "b": "&"})
    assert "<" not in text and ">" not in text and "\u2028" not in text and "&" not in text
    assert json.loads(text)["a"].startswith("</script>")


def test_two_builds_are_byte_identical(complete_course: Course, bundle: Bundle) -> None:
    again = HtmlRenderer().render(complete_course, RenderContext(options=HtmlOptions()))
    assert again == bundle


def test_portuguese_interface(complete_course: Course) -> None:
    course = complete_course.model_copy(update={"ui_language": "pt-BR"})
    site = render(course)
    chapter = site[P("chapters/values.html")].decode()
    assert "Conteúdo do curso" in chapter and "Seção 1 · Capítulo 2" in chapter
    assert '<html lang="en"' in chapter and 'lang="pt-BR" dir="ltr"' in chapter
    assert "Verificar" in chapter and course_data(site)["uiLanguage"] == "pt"


def test_unknown_interface_language_falls_back_to_english(complete_course: Course) -> None:
    ctx = RenderContext(options=HtmlOptions(search=False))
    site = HtmlRenderer().render(complete_course.model_copy(update={"ui_language": "xx"}), ctx)
    assert "Course content" in site[P("index.html")].decode()
    assert [d.code for d in ctx.diagnostics] == [Code.UNKNOWN_UI_LANGUAGE]


def test_right_to_left_content() -> None:
    site = render(make_course(1, 2, language="ar", ui_language="ar"))
    assert '<html lang="ar" dir="rtl"' in site[P("chapters/c0-0.html")].decode()


def test_numbers_in_the_locale() -> None:
    assert Catalog.for_language("pt").text("question.points", n=1.5) == "1,5 ponto"
    assert Catalog.for_language("en").text("question.points", n=1.5) == "1.5 points"
    assert Catalog.for_language("en").number(12345.678) == "12,345.68"
    assert Catalog.for_language("pt").number(12345.678) == "12.345,68"


def test_page_size_does_not_grow_with_the_course() -> None:
    """The sidebar shows a window of sections and chapters, so once a course is larger
    than that window its pages stop growing: 4000 chapters in one section or in 200
    sections make pages no larger than a course a tenth of that size."""
    def page_size(sections: int, chapters: int) -> int:
        course = make_course(sections, chapters)
        middle = course.sections[sections // 2].chapters[chapters // 2]
        return len(render(course)[P(f"chapters/{middle.id}.html")])

    # (a few bytes more for the longer ids and titles: "c1-1000" against "c1-50")
    assert page_size(2, 2000) <= page_size(2, 100) + 500
    assert page_size(200, 20) <= page_size(30, 20) + 500
    index = render(make_course(2, 2000))[P("index.html")]
    assert index.count(b'data-chapter-link="') == 4000


def test_sidebar_window_keeps_the_current_chapter(complete_course: Course) -> None:
    site = render(make_course(3, 100))
    html = site[P("chapters/c1-99.html")].decode()
    assert 'data-chapter-link="c1-99" aria-current="page"' in html
    assert "76 more chapters in this section" in html
    assert html.count('data-chapter-link="') == 24
    many = render(make_course(60, 1))[P("chapters/c30-0.html")].decode()
    assert many.count("18 more sections") == 2  # before and after the shown ones
    assert many.count('data-section-link="') == 24


def test_assets_are_copied_and_links_rewritten(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "pic one.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path / "secret.txt").write_text("outside")
    (tmp_path / "assets" / "escape.txt").symlink_to(tmp_path.parent / "elsewhere.txt")
    (tmp_path.parent / "elsewhere.txt").write_text("not part of the course")
    body = ("![p](../assets/pic%20one.svg) [next](c0-1.yaml#top) [gone](../assets/nope.png) "
            "[up](../../secret.txt) [link](../assets/escape.txt)")
    course = make_course(1, 2, root=str(tmp_path),
                         blocks=[{"kind": "explanation", "body": body}])
    site = render(course)
    html = site[P("chapters/c0-0.html")].decode()
    assert 'src="../media/assets/pic%20one.svg"' in html
    assert site[P("media/assets/pic one.svg")].startswith(b"<svg")
    assert 'href="c0-1.html#top"' in html
    assert 'href="../assets/nope.png"' in html
    assert not [p for p in site if "secret" in str(p) or "escape" in str(p)]


def test_code_cells_show_their_outputs(complete_course: Course) -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'
    outputs = {
        "compute": CellOutput("compute", stdout="value = 0.25\n<b>not bold</b>\n", figures=(svg,)),
        "hidden-cell": CellOutput("hidden-cell", stdout="hidden-cell\n"),
        "not-run": CellOutput("not-run", stdout="must not show"),
    }
    site = render(complete_course, outputs=outputs)
    html = site[P("chapters/values.html")].decode()
    assert "value = 0.25\n&lt;b&gt;not bold&lt;/b&gt;" in html
    figure = [p for p in site if str(p).startswith("figures/")]
    assert len(figure) == 1 and site[figure[0]] == svg.encode()
    assert f'src="../{figure[0]}"' in html
    assert "must not show" not in html and "shown but not run" in html
    hidden = html[html.index('id="hidden-cell"'):]
    hidden = hidden[: hidden.index("</figure>")]
    assert "hidden-cell\n</pre>" in hidden and 'class="highlight' not in hidden
    assert render(complete_course)[P("chapters/values.html")].decode().count("cell-stdout") == 0


def test_incremental_build_renders_only_what_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[str] = []
    original = site_module.build_blocks

    def counting(chapter, *args, **kwargs):  # type: ignore[no-untyped-def]
        rendered.append(chapter.id)
        return original(chapter, *args, **kwargs)

    monkeypatch.setattr(site_module, "build_blocks", counting)
    course = make_course(2, 5)
    first = render(course, cache_dir=tmp_path)
    assert len(rendered) == 10
    rendered.clear()
    assert render(course, cache_dir=tmp_path) == first and rendered == []

    section = course.sections[1]
    chapter = section.chapters[2]
    edited = chapter.model_copy(update={"blocks": [
        chapter.blocks[0].model_copy(update={"body": "Edited."}), *chapter.blocks[1:]]})
    chapters = [*section.chapters[:2], edited, *section.chapters[3:]]
    course2 = course.model_copy(update={"sections": [
        course.sections[0], section.model_copy(update={"chapters": chapters})]})
    second = render(course2, cache_dir=tmp_path)
    assert rendered == ["c1-2"]
    assert second == render(course2)
    changed = sorted(str(p) for p in second if second[p] != first.get(p))
    assert changed == ["chapters/c1-2.html"]


def test_a_title_change_rerenders_its_neighbours_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[str] = []
    original = site_module.build_blocks
    monkeypatch.setattr(site_module, "build_blocks",
                        lambda ch, *a, **k: rendered.append(ch.id) or original(ch, *a, **k))
    course = make_course(3, 4)
    render(course, cache_dir=tmp_path)
    rendered.clear()
    section = course.sections[1]
    chapters = list(section.chapters)
    chapters[1] = chapters[1].model_copy(update={"title": "Renamed"})
    sections = list(course.sections)
    sections[1] = section.model_copy(update={"chapters": chapters})
    render(course.model_copy(update={"sections": sections}), cache_dir=tmp_path)
    # The chapter itself and the rest of its section (sidebar) re-render, plus the last
    # chapter of the previous section, whose "next" link shows the title; nothing else.
    assert sorted(rendered) == ["c1-0", "c1-1", "c1-2", "c1-3"]


def test_search_and_feedback_options(complete_course: Course) -> None:
    site = render(complete_course, options=HtmlOptions(search=False))
    assert P("search.html") not in site and not [p for p in site if str(p).startswith("search")]
    assert b'role="search"' not in site[P("index.html")]
    off = complete_course.model_copy(update={"feedback": complete_course.feedback.model_copy(
        update={"enabled": False})})
    assert b"chapter-feedback" not in render(off)[P("chapters/choices.html")]


def test_feedback_endpoint_goes_into_the_policy(complete_course: Course) -> None:
    def with_endpoint(url: str) -> tuple[Bundle, list[Code]]:
        course = complete_course.model_copy(update={"feedback": complete_course.feedback
                                                    .model_copy(update={"endpoint": url})})
        ctx = RenderContext(options=HtmlOptions(search=False))
        return HtmlRenderer().render(course, ctx), [d.code for d in ctx.diagnostics]

    site, codes = with_endpoint("https://feedback.example.org/api/v1?k=1")
    assert "connect-src 'self' https://feedback.example.org;" in site[
        P("chapters/choices.html")].decode().replace("&#39;", "'")
    assert course_data(site)["feedback"]["endpoint"] == "https://feedback.example.org/api/v1?k=1"
    assert codes == []
    site, codes = with_endpoint("javascript:alert(1)")
    assert course_data(site)["feedback"]["endpoint"] is None and codes == [Code.UNSAFE_LINK]
    assert b"javascript:alert" not in site[P("chapters/choices.html")]


def test_answers_are_behind_a_disclosure(bundle: Bundle, complete_course: Course) -> None:
    """Without JavaScript each question's answer and explanation are in a <details>."""
    for chapter in complete_course.chapters:
        html = bundle[P(f"chapters/{chapter.id}.html")].decode()
        for question in chapter.questions:
            section = html[html.index(f'id="{question.id}"'):]
            section = section[: section.index("</section>")]
            solution = section[section.index('<details class="q-solution"'):]
            assert 'class="q-answer"' in solution
            if question.explanation:
                assert 'class="q-explanation' in solution


def test_a_cached_build_equals_a_fresh_one(complete_course: Course, bundle: Bundle,
                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    """Pages and search shards from the cache are the bytes a fresh build makes, and the
    cached build renders and indexes nothing (from memory in `serve`, from disk anew)."""
    memory = RenderMemory()  # what `serve` keeps between builds
    ctx = RenderContext(options=HtmlOptions(), cache_dir=tmp_path, memory=memory)
    assert HtmlRenderer().render(complete_course, ctx) == bundle
    assert [p.name for p in (tmp_path / "html").iterdir()
            if not p.name.startswith("cache.sqlite-")] == ["cache.sqlite"]

    def untouchable(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the cache should have answered")

    monkeypatch.setattr(site_module, "build_blocks", untouchable)
    monkeypatch.setattr(search_module, "page_record", untouchable)
    for kept in (memory, None):  # from memory, then from disk as a new process would
        ctx = RenderContext(options=HtmlOptions(), cache_dir=tmp_path, memory=kept)
        assert HtmlRenderer().render(complete_course, ctx) == bundle


def test_a_damaged_cache_is_rebuilt(complete_course: Course, tmp_path: Path) -> None:
    first = render(complete_course, cache_dir=tmp_path)
    (tmp_path / "html" / "cache.sqlite").write_bytes(b"not a database" * 100)
    for suffix in ("-wal", "-shm"):
        (tmp_path / "html" / f"cache.sqlite{suffix}").unlink(missing_ok=True)
    assert render(complete_course, cache_dir=tmp_path) == first
    db = sqlite3.connect(tmp_path / "html" / "cache.sqlite")
    assert db.execute("SELECT count(*) FROM pages").fetchone()[0] == len(
        complete_course.chapters) + 1  # and the index page


def test_a_cache_damaged_inside_is_replaced(complete_course: Course, tmp_path: Path) -> None:
    """Damage past the header only shows when pages are read: the build still equals a
    fresh one, and the damaged file is replaced by a good one."""
    first = render(complete_course, cache_dir=tmp_path)
    db_file = tmp_path / "html" / "cache.sqlite"
    data = bytearray(db_file.read_bytes())
    data[4096:] = b"\xff" * (len(data) - 4096)  # every page after the first one
    db_file.write_bytes(bytes(data))
    assert render(complete_course, cache_dir=tmp_path) == first
    assert render(complete_course, cache_dir=tmp_path) == first
    db = sqlite3.connect(db_file)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT count(*) FROM pages").fetchone()[0] == len(
        complete_course.chapters) + 1  # and the index page


def test_the_cache_keeps_only_what_the_last_build_used(tmp_path: Path) -> None:
    course = make_course(1, 3)
    render(course, cache_dir=tmp_path)
    smaller = course.model_copy(update={"sections": [course.sections[0].model_copy(
        update={"chapters": course.sections[0].chapters[:2]})]})
    render(smaller, cache_dir=tmp_path)
    db = sqlite3.connect(tmp_path / "html" / "cache.sqlite")
    # Both pages changed (the sidebar lost a chapter), and so did the index page; the
    # three old chapter pages and the old index page are gone.
    assert db.execute("SELECT count(*) FROM pages").fetchone()[0] == 3


def test_inside_an_lms_package_the_bridge_may_reach_the_lms(complete_course: Course) -> None:
    site = render(complete_course, options=HtmlOptions(search=False, lms_bridge=True))
    html = site[P("chapters/choices.html")].decode().replace("&#39;", "'")
    assert "connect-src 'self' https: http:;" in html
    assert "connect-src 'self';" in render(complete_course)[P("chapters/choices.html")].decode(
    ).replace("&#39;", "'")


def test_course_settings_reach_cached_pages(tmp_path: Path) -> None:
    """A course-wide change (title, feedback widget, interface language) re-renders pages."""
    course = make_course(1, 2)
    first = render(course, cache_dir=tmp_path)[P("chapters/c0-0.html")]
    for change in ({"title": "Renamed course"}, {"ui_language": "pt"},
                   {"feedback": course.feedback.model_copy(update={"enabled": False})}):
        changed = course.model_copy(update=change)
        page = render(changed, cache_dir=tmp_path)[P("chapters/c0-0.html")]
        assert page != first and page == render(changed)[P("chapters/c0-0.html")], change


def test_the_index_page_is_rendered_again_only_when_the_outline_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[str] = []
    original = site_module.render_index
    monkeypatch.setattr(site_module, "render_index",
                        lambda course, *a: rendered.append(course.title) or original(course, *a))
    course = make_course(2, 3)
    render(course, cache_dir=tmp_path)
    section = course.sections[0]
    chapter = section.chapters[1]
    body = chapter.model_copy(update={"blocks": [
        chapter.blocks[0].model_copy(update={"body": "Edited."}), *chapter.blocks[1:]]})
    retitled = chapter.model_copy(update={"title": "A new title"})
    for edited, expect_render in ((body, False), (retitled, True)):
        rendered.clear()
        chapters = [section.chapters[0], edited, *section.chapters[2:]]
        changed = course.model_copy(update={"sections": [
            section.model_copy(update={"chapters": chapters}), *course.sections[1:]]})
        site = render(changed, cache_dir=tmp_path)
        assert bool(rendered) is expect_render
        assert site[P("index.html")] == render(changed)[P("index.html")]


