"""Full-text search: a pagefind index built at build time, in shards.

Pagefind writes a static, chunked index that its small script and WebAssembly module
query in the browser, with no server. The pages are sent to `pagefind --service`
processes (renderers/site/pagefind.py) shard by shard while the rest of the site is still
rendering, so indexing runs on other cores meanwhile.

The chapters are indexed in shards of `SHARD_SIZE` pages, each written to
`pagefind/<n>/` and cached by the hash of its pages; the search page loads shard 0 and
merges the others (`mergeIndex`). Editing one chapter of a 5000-chapter course re-indexes
one shard, not the whole course. Only pages with `data-pagefind-body` (chapters) are
indexed; the interface files pagefind makes (its own UI) are left out.
"""

from __future__ import annotations

import hashlib
import queue
import re
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from importlib.metadata import PackageNotFoundError, version
from pathlib import PurePosixPath
from typing import NamedTuple

from renderers.site.cache import BuildCache, IndexFiles
from renderers.site.pagefind import PagefindService
from renderers.site.paths import SEARCH_INDEX

SHARD_SIZE = 100
"""Chapters per index shard: re-indexing one takes about 0.1 s; the browser merges 50
shards of a 5000-chapter course in about a second."""

_UI_FILES = ("pagefind-ui", "pagefind-component-ui", "pagefind-modular-ui", "pagefind-highlight")


def shard_count(pages: int) -> int:
    """How many shards `pages` chapter pages make."""
    return (pages + SHARD_SIZE - 1) // SHARD_SIZE


def _pagefind_version() -> str:
    try:
        return version("pagefind_bin")
    except PackageNotFoundError:
        return "unknown"


class SearchPage(NamedTuple):
    """A chapter page to index: where it lives, its HTML, and its cache key (a hash of
    everything the HTML depends on, so it can stand for the HTML in shard keys)."""

    path: PurePosixPath
    html: bytes
    key: str


def search_document(html: bytes) -> bytes:
    """The part of a page pagefind reads: the root element (its language), the title and
    the `data-pagefind-body` element.

    Pagefind indexes only that element but parses the whole page; the head's links and
    scripts, the sidebar, footer and question data around it are half the bytes of a
    chapter page, and pagefind's index of what is left is the same. The questions' data
    scripts inside the element go too. The element is the
    page's last `<article>` (the frame after it is fixed markup), found from the end, so a
    raw `</article>` an author wrote inside (with `allow_html`) cannot cut it short.
    """
    marker = html.find(b"data-pagefind-body")
    start = html.rfind(b"<article", 0, marker) if marker >= 0 else -1
    end = html.rfind(b"</article>")
    body = html.find(b"<body")
    if start < 0 or end < start or body < 0 or body > start:
        return html
    article = _QUESTION_DATA.sub(b"", html[start:end])
    return b"".join((_head(html[:body]), b"<body>", article, b"</article></body></html>"))


_QUESTION_DATA = re.compile(rb'<script type="application/json" data-q-data>[^<]*</script>')
"""A question's data (renderers/site/markup.py's `json_script`: no `<` inside): a tenth of
a chapter's article, and a script, which pagefind does not index."""


def _head(top: bytes) -> bytes:
    """The `<html>` tag and the title of a page's `top` (what comes before `<body>`), or
    all of it when they are not plain to see."""
    root = top.find(b"<html")
    root_end = top.find(b">", root)
    title = top.find(b"<title>")
    title_end = top.find(b"</title>", title)
    if min(root, root_end, title, title_end) < 0:
        return top
    return b"".join((top[root:root_end + 1], b"<head>", top[title:title_end], b"</title></head>"))


def _shard_key(pages: Sequence[SearchPage]) -> str:
    digest = hashlib.sha256(f"pagefind={_pagefind_version()}".encode())
    for page in pages:
        digest.update(f"{page.path}\0{page.key}\0".encode())
    return digest.hexdigest()[:32]


class SearchIndexer:
    """Builds the index shard by shard while the rest of the site is still rendering.

    `add` the chapter pages in course order; each full shard is looked up in the cache
    or handed to pagefind at once, and indexed there while Python renders the next
    pages. `finish` waits for the last shards and returns the index files. A pagefind
    process indexes one shard at a time on one core, so up to `processes` of them run
    side by side; none is started when every shard is in the cache.
    """

    def __init__(self, cache: BuildCache, processes: int = 1) -> None:
        self.cache = cache
        self.pending: list[SearchPage] = []
        self.shards: list[tuple[str, Future[IndexFiles]]] = []
        self.idle: queue.SimpleQueue[PagefindService] = queue.SimpleQueue()
        self.started: list[PagefindService] = []
        self.lock = threading.Lock()
        # Feeder threads send a shard's pages to a pagefind process and wait for its files.
        self.feeders = ThreadPoolExecutor(max_workers=max(1, processes),
                                          thread_name_prefix="pagefind")

    def add(self, page: SearchPage) -> None:
        """Index `page` (the next chapter page in course order)."""
        self.pending.append(page)
        if len(self.pending) == SHARD_SIZE:
            self._submit()

    def finish(self) -> IndexFiles:
        """The search index files, `pagefind/<n>/...` for every shard (PagefindError if
        pagefind failed)."""
        if self.pending:
            self._submit()
        bundle: IndexFiles = {}
        for n, (key, shard) in enumerate(self.shards):
            files = shard.result()
            self.cache.put_shard(key, files)
            prefix = f"{SEARCH_INDEX}/{n}/"
            bundle.update({PurePosixPath(prefix + str(rel)): data for rel, data in files.items()})
        return bundle

    def close(self) -> None:
        """Stop pagefind and the feeders (shards not indexed yet are dropped)."""
        # Pagefind first: a feeder waiting for its answer then fails at once instead of
        # keeping `shutdown` waiting; then again for one a feeder started meanwhile.
        with self.lock:
            running = list(self.started)
        for service in running:
            service.close()
        self.feeders.shutdown(wait=True, cancel_futures=True)
        for service in self.started:
            service.close()

    def _submit(self) -> None:
        pages, self.pending = self.pending, []
        key = _shard_key(pages)
        cached = self.cache.shard(key)
        if cached is not None:
            done: Future[IndexFiles] = Future()
            done.set_result(cached)
            self.shards.append((key, done))
        else:
            self.shards.append((key, self.feeders.submit(self._index, pages)))

    def _index(self, pages: Sequence[SearchPage]) -> IndexFiles:
        """Index one shard (in a feeder thread) on an idle pagefind process, or a new one."""
        try:
            service = self.idle.get_nowait()
        except queue.Empty:
            service = PagefindService()
            with self.lock:
                self.started.append(service)
        try:
            files = service.index([(page.path, search_document(page.html)) for page in pages])
        finally:
            self.idle.put(service)
        return {path: data for path, data in files.items()
                if not path.name.startswith(_UI_FILES)}
