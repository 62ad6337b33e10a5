"""The site's pages: the shared frame (header, footer, security policy) and the page views.

A chapter page shows the sections of the course and, for its own section only, the
chapters around it (at most `sidebar_window`), so the size of each page does not grow
with the size of the course; the full outline lives on the index page.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cache
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from engine.model import Course, Section
from renderers.html.i18n import Catalog, safe_language_tag, text_direction
from renderers.html.options import HtmlOptions
from renderers.html.paths import INDEX_PAGE, PROGRESS_PAGE, chapter_page, relative_url


@cache
def environment() -> jinja2.Environment:
    """The one Jinja environment: package templates, autoescape everywhere, strict names."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("renderers.html", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates are package files; checking their mtimes per page costs
    )


def render_template(name: str, catalog: Catalog, **context: object) -> bytes:
    """A template rendered to UTF-8 bytes; it sees the catalog as `t` and its fixed
    strings, escaped, as `ui`."""
    template = environment().get_template(name)
    return template.render(t=catalog, ui=catalog.ui, **context).encode("utf-8")


def endpoint_origin(endpoint: str | None) -> str | None:
    """The `scheme://host[:port]` the feedback widget may POST to, or None when unusable."""
    if not endpoint:
        return None
    parts = urlsplit(endpoint.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if any(c in parts.netloc for c in " ;,'\"<>"):
        return None
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(
    endpoint: str | None, *, wasm: bool = False, lms: bool = False
) -> str:
    """Only the site's own files may run, style or load; the feedback endpoint may be posted to.

    The search page also needs 'wasm-unsafe-eval' for pagefind's WebAssembly. Inline
    scripts and styles are never allowed, which is what makes escaping mistakes harmless.
    Inside an LMS package (`lms`) the bridge must reach an LMS or LRS whose address is
    known only at launch (cmi5 passes it in the launch URL), so requests to any http(s)
    origin are allowed there.
    """
    connect = "'self'" + (f" {endpoint}" if endpoint else "") + (" https: http:" if lms else "")
    script = "'self'" + (" 'wasm-unsafe-eval'" if wasm else "")
    return (
        f"default-src 'none'; script-src {script}; style-src 'self'; img-src 'self'; "
        f"media-src 'self'; font-src 'self'; connect-src {connect}; form-action 'self'; "
        "base-uri 'none'"
    )


@dataclass(frozen=True)
class SiteView:
    """What every page shows of the course, and how it is built."""

    title: str
    lang: str
    dir: str
    ui_attrs: Markup
    theme: str
    lms_bridge: bool
    search: bool
    footer: tuple[str, ...]
    endpoint: str | None

    @classmethod
    def of(cls, course: Course, catalog: Catalog, options: HtmlOptions) -> SiteView:
        lang = safe_language_tag(course.language)
        ui_lang = safe_language_tag(course.ui_language)
        ui_attrs = Markup("")
        if ui_lang.lower() != lang.lower():
            # Interface strings are in another language than the content: say so, so
            # screen readers switch voices and pagefind does not mix the two.
            ui_attrs = Markup(' lang="{}" dir="{}"').format(ui_lang, text_direction(ui_lang))
        footer = [catalog.text("site.version", version=course.version)]
        if course.authors:
            footer.insert(0, catalog.text("site.authors", authors=", ".join(course.authors)))
        if course.license:
            footer.append(catalog.text("site.license", license=course.license))
        footer.append(catalog.text("site.generator"))
        return cls(
            title=course.title,
            lang=lang,
            dir=text_direction(lang),
            ui_attrs=ui_attrs,
            theme=options.theme,
            lms_bridge=options.lms_bridge,
            search=options.search,
            footer=tuple(footer),
            endpoint=endpoint_origin(course.feedback.endpoint) if course.feedback.enabled else None,
        )

    def fingerprint(self) -> dict[str, object]:
        """Everything of the frame that a cached chapter page depends on."""
        return {k: str(v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class Link:
    """A link to another chapter."""

    url: str
    title: str


@dataclass(frozen=True)
class SidebarChapter:
    """A chapter link in the sidebar."""

    id: str
    url: str
    short: str
    title: str


@dataclass(frozen=True)
class SidebarSection:
    """A section link in the sidebar."""

    id: str
    number: int
    title: str
    url: str


def section_anchor(section: Section) -> str:
    """The id of a section on the index page (internal ids start with `_`; author ids cannot)."""
    return f"_s-{section.id}"


def _window(count: int, current: int, size: int) -> tuple[int, int]:
    """[start, end) of at most `size` items around the 0-based `current`."""
    start = max(0, min(current - size // 2, count - size))
    return start, min(count, start + size)


class Outline:
    """The sidebar of every chapter page, computed once per build.

    A page lists the sections around its own (at most `window`) and, in its own section,
    the chapters around it (at most `window`); the rest is one "N more" link to the full
    outline on the index page. So a page's size does not depend on the course's size.
    Each section and chapter entry is rendered once (templates/outline.html.j2) and
    shared by every page that lists it.
    """

    def __init__(self, course: Course, catalog: Catalog, window: int) -> None:
        self.catalog = catalog
        self.window = max(1, window)
        # The template's macros, called like functions (each returns Markup).
        self.macros: Any = environment().get_template("outline.html.j2").module
        page = PurePosixPath("chapters/x.html")  # every chapter page lives in chapters/
        self.sections = [
            SidebarSection(s.id, si, s.title, relative_url(page, INDEX_PAGE, section_anchor(s)))
            for si, s in enumerate(course.sections, 1)
        ]
        self.chapters = [
            [
                SidebarChapter(c.id, chapter_page(c).name,
                               catalog.text("position.short", section=str(si), chapter=str(ci)),
                               c.title)
                for ci, c in enumerate(s.chapters, 1)
            ]
            for si, s in enumerate(course.sections, 1)
        ]
        self._section_keys = [f"{s.id}\0{s.title}" for s in self.sections]
        self._chapter_keys = [[f"{c.id}\0{c.title}" for c in chapters]
                              for chapters in self.chapters]
        self._section_html: dict[int, str] = {}
        self._chapter_html: dict[tuple[int, int], str] = {}

    def sidebar(self, section_number: int, chapter_number: int) -> Markup:
        """The sidebar entries of the page of chapter (`section_number`, `chapter_number`),
        both 1-based."""
        m, t = self.macros, self.catalog
        s_start, s_end = _window(len(self.sections), section_number - 1, self.window)
        parts: list[str] = []
        if s_start:
            parts.append(m.more(self.sections[0].url,
                                t.text("chapter.more_sections", n=s_start)))
        for section in self.sections[s_start:s_end]:
            if section.number != section_number:
                parts.append(self._section(section))
                continue
            chapters = self.chapters[section.number - 1]
            start, end = _window(len(chapters), chapter_number - 1, self.window)
            parts.append(m.open_current(section))
            if start:
                parts.append(m.more(section.url, t.text("chapter.more_chapters", n=start)))
            for i in range(start, end):
                if i == chapter_number - 1:
                    parts.append(m.chapter(chapters[i], True))
                else:
                    parts.append(self._chapter(section.number, i))
            if end < len(chapters):
                parts.append(m.more(section.url,
                                    t.text("chapter.more_chapters", n=len(chapters) - end)))
            parts.append(m.close_current())
        if s_end < len(self.sections):
            parts.append(m.more(self.sections[s_end].url,
                                t.text("chapter.more_sections", n=len(self.sections) - s_end)))
        return Markup("".join(parts))

    def _section(self, section: SidebarSection) -> str:
        html = self._section_html.get(section.number)
        if html is None:
            html = self._section_html[section.number] = str(self.macros.section(section))
        return html

    def _chapter(self, section_number: int, index: int) -> str:
        html = self._chapter_html.get((section_number, index))
        if html is None:
            item = self.chapters[section_number - 1][index]
            html = self._chapter_html[section_number, index] = str(self.macros.chapter(item, False))
        return html

    def signature(self) -> str:
        """The whole outline as text: it changes whenever a section or chapter is added,
        moved, renamed or retitled."""
        return "\n".join(
            f"{section}\n" + "\t".join(chapters)
            for section, chapters in zip(self._section_keys, self._chapter_keys, strict=True))

    def fingerprint(self, section_number: int, chapter_number: int) -> str:
        """What `sidebar` shows, as text, cheaply (for the page cache key)."""
        s_start, s_end = _window(len(self.sections), section_number - 1, self.window)
        chapters = self._chapter_keys[section_number - 1]
        start, end = _window(len(chapters), chapter_number - 1, self.window)
        return "\n".join([
            f"{section_number}:{chapter_number}:{s_start}:{s_end}:{start}:{end}:"
            f"{len(self.sections)}:{len(chapters)}",
            *self._section_keys[s_start:s_end],
            *chapters[start:end],
        ])


def index_sections(course: Course, catalog: Catalog) -> list[dict[str, object]]:
    """The full outline for the index page."""
    sections: list[dict[str, object]] = []
    for si, section in enumerate(course.sections, 1):
        sections.append({
            "id": section.id,
            "anchor": section_anchor(section),
            "label": catalog.text("index.section", section=str(si)),
            "title": section.title,
            "count": catalog.text("index.chapter_count", n=len(section.chapters)),
            "chapters": [
                {
                    "id": c.id,
                    "url": str(chapter_page(c)),  # the index is at the site root
                    "position": catalog.text("position", section=str(si), chapter=str(ci)),
                    "title": c.title,
                }
                for ci, c in enumerate(section.chapters, 1)
            ],
        })
    return sections


def render_index(
    course: Course, site: SiteView, catalog: Catalog, description: Markup
) -> bytes:
    """The start page: title, description, progress and the full course outline."""
    chapters = course.chapters
    return render_template(
        "index.html.j2",
        catalog,
        site=site,
        root="",
        page_kind="index",
        chapter_id=None,
        page_title=course.title,
        csp=content_security_policy(site.endpoint, lms=site.lms_bridge),
        description=description,
        first_url=relative_url(INDEX_PAGE, chapter_page(chapters[0])) if chapters else None,
        sections=index_sections(course, catalog),
    )


def render_progress(course: Course, site: SiteView, catalog: Catalog) -> bytes:
    """The learner's progress page: scores per section and chapter, the questions to
    review and a printable summary. `assets/progress.js` fills it in from the learner
    state; without JavaScript it says why it is empty."""
    return render_template(
        "progress.html.j2",
        catalog,
        site=site,
        root="",
        page_kind="progress",
        chapter_id=None,
        page_title=f"{catalog.text('progress.title')} · {course.title}",
        csp=content_security_policy(site.endpoint, lms=site.lms_bridge),
        index_url=relative_url(PROGRESS_PAGE, INDEX_PAGE),
    )


def render_search(course: Course, site: SiteView, catalog: Catalog) -> bytes:
    """The search page; `assets/search.js` does the work in the browser."""
    return render_template(
        "search.html.j2",
        catalog,
        site=site,
        root="",
        page_kind="search",
        chapter_id=None,
        page_title=f"{catalog.text('search.title')} · {course.title}",
        csp=content_security_policy(site.endpoint, wasm=True, lms=site.lms_bridge),
    )


def frame_key(
    course: Course,
    outline: Outline,
    position: tuple[int, int],
    neighbours: tuple[Link | None, Link | None],
) -> str:
    """A text that changes whenever the frame of a chapter page (`chapter_frame`) does;
    cheap, because a build computes it for every chapter, cached or not."""
    si, ci = position
    chapter = course.sections[si - 1].chapters[ci - 1]
    return "\n".join([chapter.title, str(position), repr(neighbours),
                      outline.fingerprint(si, ci)])


def chapter_frame(
    course: Course,
    site: SiteView,
    catalog: Catalog,
    outline: Outline,
    position: tuple[int, int],
    neighbours: tuple[Link | None, Link | None],
) -> dict[str, object]:
    """The parts of a chapter page that come from outside the chapter."""
    si, ci = position
    chapter = course.sections[si - 1].chapters[ci - 1]
    return {
        "site": site,
        "root": "../",
        "page_kind": "chapter",
        "chapter_id": chapter.id,
        "page_title": f"{chapter.title} · {course.title}",
        "csp": content_security_policy(site.endpoint, lms=site.lms_bridge),
        "position": catalog.text("position", section=str(si), chapter=str(ci)),
        "sidebar": outline.sidebar(si, ci),
        "previous": neighbours[0],
        "next": neighbours[1],
        "feedback_enabled": course.feedback.enabled,
    }


def render_chapter(frame: dict[str, object], catalog: Catalog, **content: object) -> bytes:
    """A chapter page: the frame plus the chapter's own content."""
    return render_template("chapter.html.j2", catalog, **frame, **content)


