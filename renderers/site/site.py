"""Assembling the whole site: every page, the course files they use, search and assets."""

from __future__ import annotations

import gc
import hashlib
import posixpath
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from engine.diagnostics import Code, Diagnostic
from engine.model import Chapter, Course
from engine.parallel import ordered_map
from engine.text.anchors import PageAnchors
from renderers.base import Bundle, RenderContext
from renderers.site.assets import course_script, static_bundle
from renderers.site.blockhtml import BlockHtml
from renderers.site.blocks import build_blocks, cell_figures
from renderers.site.cache import BuildCache, CachedPage, page_key
from renderers.site.chapterpage import render_chapter
from renderers.site.i18n import Catalog, available_languages, primary_subtag
from renderers.site.markup import PageMarkdown
from renderers.site.options import HtmlOptions
from renderers.site.pageinput import ChapterPageInput, InputDigests, SiteInput
from renderers.site.pages import (
    Link,
    Outline,
    SiteView,
    chapter_frame,
    render_index,
    render_progress,
    render_search,
)
from renderers.site.paths import (
    ASSETS,
    INDEX_PAGE,
    MEDIA,
    PROGRESS_PAGE,
    SEARCH_PAGE,
    LinkResolver,
    chapter_page,
    is_course_file,
)
from renderers.site.reuse import SiteMemory
from renderers.site.search import (
    SearchIndexer,
    SearchPage,
    page_record,
    shard_count,
)
from renderers.site.version import renderer_version


class _PagePlan:
    """A chapter page to make: what it is rendered from, and its cache key."""

    __slots__ = ("input", "key")

    def __init__(self, page: ChapterPageInput, key: str) -> None:
        self.input = page
        self.key = key


def _model_digest(chapter: Chapter) -> str:
    return hashlib.sha256(chapter.model_dump_json().encode()).hexdigest()


class SiteBuilder:
    """Builds the bundle of one course; `build()` is the whole job."""

    def __init__(self, course: Course, ctx: RenderContext[HtmlOptions]) -> None:
        self.course = course
        self.ctx = ctx
        self.options = options = ctx.options
        self.catalog = Catalog.for_language(course.ui_language)
        self.site = SiteView.of(course, self.catalog, options)
        self.root = Path(course.root)
        self.chapter_pages = {c.path: chapter_page(c) for c in course.chapters if c.path}
        # What the last build of this course left, in `serve`; empty in a one-shot build.
        self.memory = ctx.kept(SiteMemory)
        self.cache = BuildCache(ctx.cache_dir, self.memory.recent)
        self.outline = self.memory.same_outline(
            Outline(course, self.catalog, options.sidebar_window))
        self.media: set[str] = set()
        self.bundle: Bundle = {}
        self.site_input = SiteInput(
            self.site, course.title, self.catalog.language, course.allow_html,
            course.feedback.enabled, options, tuple(sorted(self.chapter_pages.items())))
        self.digests = InputDigests(
            lambda chapter: self.memory.chapter_digests.get(chapter, _model_digest),
            self.memory.page_keys)

    def build(self) -> Bundle:
        self._report_settings()
        # Only `serve` keeps records for the next build: a one-shot build has no next one.
        records = self.memory.search_records if self.ctx.memory is not None else None
        indexer = SearchIndexer(self.cache, records) if self.options.search else None
        pages = self._chapters(indexer)
        self._other_pages()
        shards = 0
        if indexer is not None:
            self.bundle.update(indexer.finish())
            shards = shard_count(pages)
        self.bundle[ASSETS / "course.js"] = course_script(
            self.course, self.catalog, self.site, shards, self.memory.chapter_entries)
        self.cache.close()
        self.memory.end_build()
        # By the paths' parts, the order paths compare in: the same order, without a
        # Python-level comparison of paths for each step of the sort (a tenth of an edit's
        # rebuild in `serve` at 1000 chapters).
        return dict(sorted(self.bundle.items(), key=lambda item: item[0].parts))

    def _other_pages(self) -> None:
        """The index and search pages, the static files and the course files pages use."""
        resolver = LinkResolver(self.root, ".", INDEX_PAGE, self.chapter_pages)
        description = PageMarkdown(self.course.allow_html, resolver).block(
            self.course.description)
        self.media.update(resolver.media)
        # The index page shows the whole outline and nothing of the chapters' content:
        # editing a chapter does not change it, and a big course's index takes a while.
        key = page_key(self.digests.of(self.site_input).hex(), self.outline.signature(),
                       str(description), str(sorted(resolver.media)))
        index = self.cache.page(key)
        if index is None:
            index = CachedPage(render_index(self.course, self.site, self.catalog, description),
                               (), ())
            self.cache.put_page(key, index)
        self.bundle[INDEX_PAGE] = index.html
        self.bundle[PROGRESS_PAGE] = render_progress(self.course, self.site, self.catalog)
        if self.options.search:
            self.bundle[SEARCH_PAGE] = render_search(self.course, self.site, self.catalog)
        self.bundle.update(static_bundle())
        for rel in sorted(self.media):
            self.bundle[MEDIA / rel] = (self.root / rel).read_bytes()

    def _report_settings(self) -> None:
        course = self.course
        if primary_subtag(course.ui_language) not in available_languages():
            self.ctx.report(Diagnostic.of(
                Code.UNKNOWN_UI_LANGUAGE,
                f"no interface strings for ui_language '{course.ui_language}'; using English",
                course.span_of("ui_language"),
                notes=(f"available: {', '.join(available_languages())}",),
            ))
        endpoint = course.feedback.endpoint
        if course.feedback.enabled and endpoint and self.site.endpoint is None:
            self.ctx.report(Diagnostic.of(
                Code.UNSAFE_LINK,
                "feedback endpoint is not an http(s) URL; feedback stays in the browser",
                course.feedback.span_of("endpoint"),
            ))

    def _chapters(self, indexer: SearchIndexer | None) -> int:
        """Render every chapter page into the bundle (and the indexer); how many there are.

        Pages whose key is in the cache are taken from it; the others are rendered, on
        several cores when `ctx.jobs` allows (engine/parallel.py).
        """
        numbered = self.course.numbered_chapters()
        # Chapter pages share one folder, so a link between them is the file name.
        links = [Link(chapter_page(c).name, c.title) for _, _, _, c in numbered]
        plans = []
        for i, (si, ci, _, chapter) in enumerate(numbered):
            neighbours = (links[i - 1] if i > 0 else None,
                          links[i + 1] if i + 1 < len(links) else None)
            plans.append(self._plan(chapter, (si, ci), neighbours))
        self.cache.prefetch([plan.key for plan in plans])
        cached = [self._cached(plan.key) for plan in plans]
        todo = [plan for plan, page in zip(plans, cached, strict=True) if page is None]
        rendered = ordered_map(self._render, todo, self.ctx.jobs)
        try:
            for plan, known in zip(plans, cached, strict=True):
                page, record = known, None
                if page is None:
                    page, record = next(rendered)
                    self.cache.put_page(plan.key, page)
                self.media.update(page.media)
                self.bundle[plan.input.page] = page.html
                self.bundle.update(cell_figures(plan.input.chapter, self.ctx.outputs))
                if indexer is not None:
                    indexer.add(SearchPage(plan.input.page, page.html, plan.key, record))
                if self.ctx.progress is not None:
                    self.ctx.progress(1)
        finally:
            rendered.close()
        return len(plans)

    def _plan(
        self,
        chapter: Chapter,
        position: tuple[int, int],
        neighbours: tuple[Link | None, Link | None],
    ) -> _PagePlan:
        """What the page of `chapter` is rendered from, and its cache key: a digest of it."""
        page = ChapterPageInput(
            self.site_input, chapter, chapter.path, chapter_page(chapter), position,
            neighbours, self.outline.window_of(*position),
            ChapterPageInput.outputs_of(chapter, self.ctx.outputs))
        return _PagePlan(page, self.digests.key(page, renderer_version()))

    def _cached(self, key: str) -> CachedPage | None:
        cached = self.cache.page(key)
        return cached if cached is not None and self._still_valid(cached) else None

    def _render(self, plan: _PagePlan) -> tuple[CachedPage, bytes | None]:
        """The page of one chapter with the course files it links to, and its search
        record when the site has search (it may run in a forked worker: it only reads
        the builder's state; so the records are made on every core)."""
        page = render_chapter_page(plan.input, self.root, self.catalog, self.outline)
        record = page_record(plan.input.page, page.html) if self.options.search else None
        return page, record

    def _still_valid(self, cached: CachedPage) -> bool:
        """Whether the course files a cached page links to are still there (and the missing
        ones still missing): the page's HTML depends on it."""
        return all(is_course_file(self.root, rel) for rel in cached.media) and not any(
            is_course_file(self.root, rel) for rel in cached.missing)


def render_chapter_page(page: ChapterPageInput, root: Path, catalog: Catalog,
                        outline: Outline) -> CachedPage:
    """The page of one chapter, from its input alone (its cache key is a digest of that
    input); `root` is where the course files it links to are looked up, `catalog` the
    interface strings of `page.site.ui_language` and `outline` the sidebar's renderer."""
    site = page.site
    resolver = LinkResolver(root, posixpath.dirname(page.source) or ".", page.page,
                            site.page_of)
    # Headings must not take an id a question or a code cell of the page already has.
    anchors = PageAnchors(block.id for block in page.chapter.blocks if block.id)
    md = PageMarkdown(site.allow_html, resolver, anchors)
    outputs = {output.cell_id: output for output in page.outputs}
    blocks = build_blocks(page.chapter, page.page, md, catalog, outputs)
    html = render_chapter(
        chapter_frame(page, catalog, outline),
        catalog,
        title=page.chapter.title,
        objectives=[md.inline(o) for o in page.chapter.objectives],
        body=BlockHtml(catalog, site.view.ui_attrs).body(blocks),
        question_count=len(page.chapter.questions),
    )
    return CachedPage(html, tuple(sorted(resolver.media)), tuple(sorted(resolver.missing)))


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    # A loaded 5000-chapter course is millions of live objects; every few thousand
    # allocations the cyclic collector would walk them all again (4 s of a 5 s warm
    # build in a long-running `serve`). Rendering makes no reference cycles worth
    # collecting: reference counting frees its garbage.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_site(course: Course, ctx: RenderContext[HtmlOptions]) -> Bundle:
    """The whole static site of `course`.

    The site shows options without numbers, so `{{choice: ...}}` becomes the option's own
    text, in quotes, whatever order the page shows the options in.
    """
    with _without_cyclic_gc():
        return SiteBuilder(ctx.kept(SiteMemory).labelled_course(course), ctx).build()
