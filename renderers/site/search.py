"""Full-text search: an index of the chapters' text, read by the search page in the
browser, over http and from file:// alike.

Each chapter page gives a record: its URL and its passages, a passage being the text from
one anchor (a heading, question or figure with an id) to the next, with that anchor's id
and label, so a result can open the passage that matched. What a learner sees only by
asking for it is left out, since search must not give it away for free: the hints (they
cost points), the feedback on each option, the answer and explanation behind "Show the
answer", and the questions' data scripts; so is what the page marks
`data-search-ignore` (its controls and their labels).

The records are cut into shards of `SHARD_SIZE` chapters, `search/<n>.js`, each a script
that hands its records to the search page (renderers/site/static/search.js); the page
loads them with `<script>` elements, which browsers allow from file:// where a fetch or
a module import is refused. Records are made where the page is rendered (on every core,
`page_record`); a shard is cached by the keys of its pages, and in `lessonkit serve` each
record by its page's key, so editing one chapter of a 5000-chapter course re-assembles one
shard from one new record and the kept ones.

The text is taken from the rendered HTML with regular expressions rather than a parser:
the pages are our own templates' output, where every tag is well formed and attribute
values never hold `>` unescaped (markupsafe escapes it); under 1 ms a page, where
pagefind, the index this one replaced, took 5.5 (half the build's CPU time).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import NamedTuple

from renderers.site.cache import BuildCache, IndexFiles
from renderers.site.paths import SEARCH_INDEX

SHARD_SIZE = 100
"""Chapters per shard: about 1.3 MB of script for real lessons; one edit re-assembles
one shard."""

INDEX_FORMAT = "lessonkit-search/1"
"""Part of every shard key: a change in the records' layout changes it."""

SHARD_CALL = "lessonkitSearchShard"
"""The function of the search page that a shard script calls with its records."""

IGNORED_MARK = "data-search-ignore"
"""The attribute marking what the index leaves out."""

BODY_MARK = "data-search-body"
"""The attribute of the element whose text is indexed (a chapter page's article)."""


def shard_count(pages: int) -> int:
    """How many shards `pages` chapter pages make."""
    return (pages + SHARD_SIZE - 1) // SHARD_SIZE


def shard_path(n: int) -> PurePosixPath:
    """Where shard `n` is in the site."""
    return SEARCH_INDEX / f"{n}.js"


_ANCHOR = re.compile(r'<(h[1-6]|section|figure)\b[^>]*?\sid="([^"_][^"]*)"')
"""An element a result can land on: ids starting with "_" belong to the page's own
controls (the objectives' heading, a question's heading), never a passage."""
_TAG_NAME = re.compile(r"<([a-z][a-z0-9]*)")
_ARTICLE = f'<article class="chapter-body" {BODY_MARK}>'
_LEFT_OUT = (f" {IGNORED_MARK}", " data-q-hints", " data-feedback-for=", " data-q-solution")
"""Attributes of the elements the index leaves out, with their content."""
_QUESTION_DATA = re.compile(r'<script type="application/json" data-q-data>[^<]*</script>')
_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1>", re.DOTALL)
_POINTS = re.compile(r'<span class="q-points"[^>]*>[^<]*</span>')
"""A question heading's points: the label of a question's passage is its number."""
_TAG = re.compile(r"<[^>]*>")
"""Any tag, taken for a space: a word cut by inline markup (un<em>done</em>) is rare in
lessons, and telling block tags from inline ones took a third of the time."""
_LOOSE = re.compile(r" (?:(?=[,.;:!?)\]])|(?<=[(\[] ))")
"""The space a tag left before punctuation or after an opening bracket (`<code>x</code>,`)."""


class Passage(NamedTuple):
    """The text of a page from one anchor to the next."""

    anchor: str
    """The anchor's id ("" for the top of the page, before the first anchor)."""
    label: str
    """The anchor's heading, as the page shows it."""
    text: str


def _text(fragment: str) -> str:
    return _LOOSE.sub("", " ".join(html.unescape(_TAG.sub(" ", fragment)).split()))


def _without_left_out(fragment: str) -> str:
    """`fragment` without the elements the index leaves out (`_LEFT_OUT`)."""
    for attribute in _LEFT_OUT:
        if attribute in fragment:
            fragment = _without(fragment, attribute)
    return fragment


def _without(fragment: str, attribute: str) -> str:
    """`fragment` without the elements that have `attribute`, their content included."""
    kept: list[str] = []
    pos = 0
    while (mark := fragment.find(attribute, pos)) >= 0:
        start = fragment.rfind("<", pos, mark)
        name = _TAG_NAME.match(fragment, start) if start >= 0 else None
        if name is None or ">" in fragment[start:mark]:  # the words, in text
            kept.append(fragment[pos:mark + len(attribute)])
            pos = mark + len(attribute)
            continue
        kept.append(fragment[pos:start])
        pos = _element_end(fragment, start, name.group(1))
    kept.append(fragment[pos:])
    return "".join(kept)


def _element_end(fragment: str, start: int, name: str) -> int:
    """Where the element `name` opening at `start` ends (after its end tag, elements of
    the same name inside it counted); the end of `fragment` when it is not closed.
    Two `str.find`s a step rather than a pattern per tag name (a page leaves out about
    seventy elements)."""
    opening, closing = f"<{name}", f"</{name}>"
    depth, pos = 0, start
    while True:
        close = fragment.find(closing, pos)
        if close < 0:
            return len(fragment)
        opened = fragment.find(opening, pos, close)
        while opened >= 0 and fragment[opened + len(opening)] not in _NAME_ENDS:
            opened = fragment.find(opening, opened + 1, close)
        if opened >= 0:
            depth += 1
            pos = opened + len(opening)
            continue
        depth -= 1
        pos = close + len(closing)
        if depth <= 0:
            return pos


_NAME_ENDS = frozenset(" \t\n\r\f/>")
"""What may follow a tag's name (so `<d` is not taken for `<details`)."""


def passages(page: str) -> list[Passage]:
    """The passages of a chapter page's article (the page's last `<article>`, found from
    the end, so a raw `</article>` an author wrote inside cannot cut it short); none when
    the page has no indexed article. The article's tag is looked for whole: the words
    of its attribute may be text before it (a chapter title in the sidebar), a tag may not
    (text is escaped)."""
    start = page.find(_ARTICLE)
    end = page.rfind("</article>")
    if start < 0 or end < start:
        return []
    article = _QUESTION_DATA.sub("", page[start:end])
    anchors = list(_ANCHOR.finditer(article))
    cuts = [0, *(a.start() for a in anchors), len(article)]
    found = []
    for n, anchor in enumerate([None, *anchors]):
        part = article[cuts[n]:cuts[n + 1]]
        heading = _HEADING.search(part) if anchor is not None else None
        label = _text(_POINTS.sub("", heading.group(2))) if heading is not None else ""
        text = _text(_without_left_out(part))
        if text or label:
            found.append(Passage(anchor.group(2) if anchor else "", label, text))
    return found


def page_record(url: PurePosixPath, page: bytes) -> bytes:
    """The index record of the chapter page at `url` (a JSON array: the URL, then each
    passage as [anchor, label, text]), ASCII-only so that a shard's encoding never
    matters."""
    return json.dumps([str(url), [list(p) for p in passages(page.decode())]],
                      ensure_ascii=True, separators=(",", ":")).encode()


def shard_script(records: Sequence[bytes]) -> bytes:
    """A shard's script: one call handing its records to the search page (which counts
    the calls, not the shards' numbers, so a cached shard may move)."""
    return b"".join((f"{SHARD_CALL}([".encode(), b",".join(records), b"]);\n"))


@dataclass
class SearchMemory:
    """The records of the last build's pages, by page key, kept by `lessonkit serve` in its
    `SiteMemory` (a one-shot build keeps none)."""

    last: dict[str, bytes] = field(default_factory=dict)
    current: dict[str, bytes] = field(default_factory=dict)

    def end_build(self) -> None:
        self.last, self.current = self.current, {}


class SearchPage(NamedTuple):
    """A chapter page to index: where it lives, its HTML, its cache key (a hash of
    everything the HTML depends on, so it can stand for the HTML in shard keys) and its
    record when the page was just rendered (None when it came from the cache)."""

    path: PurePosixPath
    html: bytes
    key: str
    record: bytes | None


def _shard_key(pages: Sequence[SearchPage]) -> str:
    digest = hashlib.sha256(INDEX_FORMAT.encode())
    for page in pages:
        digest.update(f"{page.path}\0{page.key}\0".encode())
    return digest.hexdigest()[:32]


_SHARD_FILE = PurePosixPath("shard.js")
"""A shard's one file, in the build cache (which stores a shard as files)."""


class SearchIndexer:
    """Assembles the shards as the chapter pages come, in course order.

    A shard whose pages all have the keys they had when it was cached is taken from the
    cache; another is assembled from its pages' records: the one a page was rendered
    with, else the one kept for its key, else made from its HTML.
    """

    def __init__(self, cache: BuildCache, memory: SearchMemory | None) -> None:
        self.cache = cache
        self.memory = memory
        self.pending: list[SearchPage] = []
        self.files: IndexFiles = {}

    def add(self, page: SearchPage) -> None:
        """Index `page` (the next chapter page in course order)."""
        self.pending.append(page)
        if len(self.pending) == SHARD_SIZE:
            self._shard()

    def finish(self) -> IndexFiles:
        """The index files, `search/<n>.js` for every shard."""
        if self.pending:
            self._shard()
        return self.files

    def _shard(self) -> None:
        pages, self.pending = self.pending, []
        key = _shard_key(pages)
        n = len(self.files)
        files = self.cache.shard(key)
        # In serve a page whose shard is cached keeps its record all the same: the next
        # edit may put its shard together again.
        records = [self._record(page, need=files is None) for page in pages]
        if files is None:
            files = {_SHARD_FILE: shard_script([r for r in records if r])}
            self.cache.put_shard(key, files)
        self.files[shard_path(n)] = files[_SHARD_FILE]

    def _record(self, page: SearchPage, need: bool) -> bytes | None:
        memory = self.memory
        record = page.record
        if record is None and memory is not None:
            record = memory.last.get(page.key)
        if record is None and need:
            record = page_record(page.path, page.html)
        if record is not None and memory is not None:
            memory.current[page.key] = record
        return record
