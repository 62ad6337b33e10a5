"""The site's pages: the shared frame (header, footer, security policy) and the page views.

A chapter page shows the sections of the course and, for its own section only, the
chapters around it (at most `sidebar_window`), so the size of each page does not grow
with the size of the course; the full outline lives on the index page.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from functools import cache
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from engine.model import Course, Section
from renderers.html.i18n import Catalog, safe_language_tag, text_direction
from renderers.html.options import HtmlOptions
from renderers.html.paths import INDEX_PAGE, chapter_page, relative_url


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
    )


def render_template(name: str, **context: object) -> bytes:
    """A template rendered to UTF-8 bytes."""
    return environment().get_template(name).render(**context).encode("utf-8")


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
    current: bool


@dataclass(frozen=True)
class SidebarSection:
    """A section in the sidebar (with its chapters when it is the current one); an empty
    `id` marks an "N more sections" entry."""

    id: str
    number: int
    title: str
    url: str
    current: bool
    chapters: tuple[SidebarChapter, ...] = ()
    before: str = ""
    after: str = ""


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
    """

    def __init__(self, course: Course, catalog: Catalog, window: int) -> None:
        self.catalog = catalog
        self.window = max(1, window)
        page = PurePosixPath("chapters/x.html")  # every chapter page lives in chapters/
        self.sections = [
            SidebarSection(s.id, si, s.title, relative_url(page, INDEX_PAGE, section_anchor(s)),
                           False)
            for si, s in enumerate(course.sections, 1)
        ]
        self.chapters = [
            [
                SidebarChapter(c.id, chapter_page(c).name,
                               catalog.text("position.short", section=str(si), chapter=str(ci)),
                               c.title, False)
                for ci, c in enumerate(s.chapters, 1)
            ]
            for si, s in enumerate(course.sections, 1)
        ]
        self._section_keys = [f"{s.id}\0{s.title}" for s in self.sections]
        self._chapter_keys = [[f"{c.id}\0{c.title}" for c in chapters]
                              for chapters in self.chapters]

    def sidebar(self, section_number: int, chapter_number: int) -> list[SidebarSection]:
        """The sidebar of the page of chapter (`section_number`, `chapter_number`), 1-based."""
        s_start, s_end = _window(len(self.sections), section_number - 1, self.window)
        result = []
        if s_start:
            result.append(self._more_sections(s_start, self.sections[0].url))
        for section in self.sections[s_start:s_end]:
            if section.number != section_number:
                result.append(section)
                continue
            chapters = self.chapters[section.number - 1]
            start, end = _window(len(chapters), chapter_number - 1, self.window)
            shown = tuple(
                replace(c, current=True) if i == chapter_number - 1 else c
                for i, c in enumerate(chapters[start:end], start)
            )
            t = self.catalog
            before = t.text("chapter.more_chapters", n=start) if start else ""
            after = (t.text("chapter.more_chapters", n=len(chapters) - end)
                     if end < len(chapters) else "")
            result.append(replace(section, current=True, chapters=shown, before=before,
                                  after=after))
        if s_end < len(self.sections):
            result.append(self._more_sections(len(self.sections) - s_end,
                                              self.sections[s_end].url))
        return result

    def _more_sections(self, count: int, url: str) -> SidebarSection:
        return SidebarSection("", 0, self.catalog.text("chapter.more_sections", n=count), url,
                              False)

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
        site=site,
        t=catalog,
        root="",
        page_kind="index",
        chapter_id=None,
        page_title=course.title,
        csp=content_security_policy(site.endpoint, lms=site.lms_bridge),
        description=description,
        first_url=relative_url(INDEX_PAGE, chapter_page(chapters[0])) if chapters else None,
        sections=index_sections(course, catalog),
    )


def render_search(course: Course, site: SiteView, catalog: Catalog) -> bytes:
    """The search page; `assets/search.js` does the work in the browser."""
    return render_template(
        "search.html.j2",
        site=site,
        t=catalog,
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
    return render_template("chapter.html.j2", t=catalog, **frame, **content)


