"""The site's pages: the shared frame (header, footer, security policy) and the page views.

A chapter page shows the sections of the course and, for its own section only, the
chapters around it (at most `sidebar_window`), so the size of each page does not grow
with the size of the course; the full outline lives on the index page.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from engine.model import Course, Section
from renderers.site.i18n import Catalog, safe_language_tag, text_direction
from renderers.site.options import HtmlOptions
from renderers.site.paths import INDEX_PAGE, PROGRESS_PAGE, chapter_page, relative_url

if TYPE_CHECKING:
    from renderers.site.pageinput import ChapterPageInput


@cache
def environment() -> jinja2.Environment:
    """The one Jinja environment: package templates, autoescape everywhere, strict names."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("renderers.site", "templates"),
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
    endpoint: str | None, *, lms: bool = False
) -> str:
    """Only the site's own files may run, style or load; the feedback endpoint may be posted to.

    Inline scripts and styles are never allowed, which is what makes escaping mistakes
    harmless.
    Inside an LMS package (`lms`) the bridge must reach an LMS or LRS whose address is
    known only at launch (cmi5 passes it in the launch URL), so requests to any http(s)
    origin are allowed there.
    """
    connect = "'self'" + (f" {endpoint}" if endpoint else "") + (" https: http:" if lms else "")
    script = "'self'"
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
            # screen readers switch voices.
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


@dataclass(frozen=True)
class SidebarWindow:
    """What the sidebar of one chapter page lists: the sections around the page's own,
    and in its own section the chapters around it; the rest is counted, not listed."""

    section_number: int
    chapter_number: int
    """The page's chapter (both 1-based)."""
    sections: tuple[SidebarSection, ...]
    sections_before: int
    sections_after: int
    before_url: str | None
    """Where the "N more sections" link before the list goes (None: nothing before)."""
    after_url: str | None
    chapters: tuple[SidebarChapter, ...]
    """The chapters listed of the page's section."""
    chapters_before: int
    chapters_after: int


class OutlineSlice(tuple[Any, ...]):
    """`whole[start:end]` of an outline list, knowing `whole` and `start`: a page key's digest
    of it reuses the digests of the whole list's entries, made once per build (InputDigests)."""

    whole: tuple[Any, ...]
    start: int

    def __new__(cls, whole: tuple[Any, ...], start: int, end: int) -> OutlineSlice:
        listed = super().__new__(cls, whole[start:end])
        listed.whole, listed.start = whole, start
        return listed


class Outline:
    """The sidebar of every chapter page, computed once per build.

    A page lists the sections around its own (at most `window`) and, in its own section,
    the chapters around it (at most `window`); the rest is one "N more" link to the full
    outline on the index page. So a page's size does not depend on the course's size.
    Each piece (a section or chapter entry, a "more" link) is rendered once
    (templates/outline.html.j2) and shared by every page that shows it.
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
        self._pieces: dict[tuple[object, ...], str] = {}
        self._slices: dict[tuple[int, int, int], OutlineSlice] = {}
        self._wholes: dict[int, tuple[Any, ...]] = {-1: tuple(self.sections)} | {
            n: tuple(chapters) for n, chapters in enumerate(self.chapters, 1)}

    def window_of(self, section_number: int, chapter_number: int) -> SidebarWindow:
        """What the sidebar of the page of chapter (`section_number`, `chapter_number`),
        both 1-based, lists."""
        s_start, s_end = _window(len(self.sections), section_number - 1, self.window)
        chapters = self.chapters[section_number - 1]
        start, end = _window(len(chapters), chapter_number - 1, self.window)
        return SidebarWindow(
            section_number, chapter_number, self._listed(-1, s_start, s_end),
            s_start, len(self.sections) - s_end,
            self.sections[0].url if s_start else None,
            self.sections[s_end].url if s_end < len(self.sections) else None,
            self._listed(section_number, start, end), start, len(chapters) - end)

    def _listed(self, list_number: int, start: int, end: int) -> OutlineSlice:
        """Slice of list `list_number` (-1: sections, n: section n's chapters), shared."""
        listed = self._slices.get((list_number, start, end))
        if listed is None:
            listed = self._slices[list_number, start, end] = OutlineSlice(
                self._wholes[list_number], start, end)
        return listed

    def sidebar(self, window: SidebarWindow) -> Markup:
        """The sidebar entries `window` lists."""
        m, t = self._piece, self.catalog
        parts: list[str] = []
        if window.before_url is not None:
            parts.append(m("more", window.before_url,
                           t.text("chapter.more_sections", n=window.sections_before)))
        for section in window.sections:
            if section.number != window.section_number:
                parts.append(m("section", section))
                continue
            parts.append(m("open_current", section))
            if window.chapters_before:
                parts.append(m("more", section.url, t.text("chapter.more_chapters",
                                                           n=window.chapters_before)))
            for number, chapter in enumerate(window.chapters, window.chapters_before + 1):
                parts.append(m("chapter", chapter, number == window.chapter_number))
            if window.chapters_after:
                parts.append(m("more", section.url, t.text("chapter.more_chapters",
                                                           n=window.chapters_after)))
            parts.append(m("close_current"))
        if window.after_url is not None:
            parts.append(m("more", window.after_url,
                           t.text("chapter.more_sections", n=window.sections_after)))
        return Markup("".join(parts))

    def _piece(self, macro: str, *args: object) -> str:
        """What one of the template's macros makes of `args`, once per build."""
        html = self._pieces.get((macro, *args))
        if html is None:
            html = self._pieces[macro, *args] = str(getattr(self.macros, macro)(*args))
        return html

    def signature(self) -> str:
        """The whole outline as text: it changes whenever a section or chapter is added,
        moved, renamed or retitled."""
        return "\n".join(
            f"{section}\n" + "\t".join(chapters)
            for section, chapters in zip(self._section_keys, self._chapter_keys, strict=True))


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
        csp=content_security_policy(site.endpoint, lms=site.lms_bridge),
    )


def chapter_frame(page: ChapterPageInput, catalog: Catalog, outline: Outline
                  ) -> dict[str, object]:
    """The parts of a chapter page that come from outside the chapter, from its input."""
    site, (si, ci) = page.site, page.position
    return {
        "site": site.view,
        "root": "../",
        "page_kind": "chapter",
        "chapter_id": page.chapter.id,
        "page_title": f"{page.chapter.title} · {site.course_title}",
        "csp": content_security_policy(site.view.endpoint, lms=site.view.lms_bridge),
        "position": catalog.text("position", section=str(si), chapter=str(ci)),
        "sidebar": outline.sidebar(page.sidebar),
        "previous": page.neighbours[0],
        "next": page.neighbours[1],
        "feedback_enabled": site.feedback_enabled,
    }
