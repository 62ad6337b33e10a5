"""Chapter pages from their template rendered once per kind of page, then filled in.

Every chapter page of a site has the same frame (head, header, footer, the markup around
the chapter) and differs only in a few values: its title, position, sidebar, content and
pager. So templates/chapter.html.j2 is rendered once for each kind of page (with or
without objectives, questions, a previous or a next chapter), with a marker in place of
each value that differs, and cut at the markers; a page is those pieces joined with its
own values, escaped as the template's autoescape escapes them. The template stays the
one source of the page's markup, and the bytes are the template's own.

The markers hold a random token: no course text can contain one, so a value or a fixed
string of the site cannot be taken for a marker.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence

from markupsafe import Markup, escape

from renderers.site.i18n import Catalog
from renderers.site.pages import Link, render_template

_TOKEN = secrets.token_hex(8)
_MARKER = re.compile(f"\x00{_TOKEN}([a-z_]+)\x00")
_SLOTS = ("page_title", "chapter_id", "position", "sidebar", "title", "objectives", "body",
          "previous_url", "previous_title", "next_url", "next_title")
"""The values that differ between the pages of one kind (the rest is the site's)."""

_MAX_KINDS = 64
"""A bound on the kinds kept (a long `serve` session makes a catalog per build)."""

_kinds: dict[tuple[object, ...], tuple[Catalog, list[str]]] = {}


def _marker(slot: str) -> str:
    return f"\x00{_TOKEN}{slot}\x00"


def render_chapter(frame: dict[str, object], catalog: Catalog, *, title: str,
                   objectives: Sequence[Markup], body: Markup, question_count: int) -> bytes:
    """A chapter page: the frame (renderers/site/pages.py, `chapter_frame`) plus the
    chapter's own content, as templates/chapter.html.j2 makes it."""
    previous, following = frame["previous"], frame["next"]
    assert previous is None or isinstance(previous, Link)
    assert following is None or isinstance(following, Link)
    fixed = {k: v for k, v in frame.items() if k not in _SLOTS and k not in (
        "previous", "next")}
    key = (id(catalog), bool(frame["chapter_id"]), bool(objectives), bool(question_count),
           previous is not None, following is not None, *sorted(fixed.items()))
    known = _kinds.get(key)
    if known is None or known[0] is not catalog:
        if len(_kinds) >= _MAX_KINDS:
            _kinds.clear()
        known = _kinds[key] = catalog, _pieces(fixed, catalog, key)
    values = {
        "page_title": escape(frame["page_title"]),
        "chapter_id": escape(frame["chapter_id"]),
        "position": escape(frame["position"]),
        "sidebar": escape(frame["sidebar"]),
        "title": escape(title),
        # The template lists them one per item: the marker stands in for one item.
        "objectives": "</li>\n<li>".join(escape(o) for o in objectives),
        "body": escape(body),
        "previous_url": escape(previous.url) if previous else "",
        "previous_title": escape(previous.title) if previous else "",
        "next_url": escape(following.url) if following else "",
        "next_title": escape(following.title) if following else "",
    }
    pieces = known[1]
    out = pieces[:]
    for at in range(1, len(out), 2):
        out[at] = values[pieces[at]]
    return "".join(out).encode("utf-8")


def _pieces(fixed: dict[str, object], catalog: Catalog, key: tuple[object, ...]
            ) -> list[str]:
    """The kind's page cut at its markers: fixed text, slot name, fixed text, ..."""
    _, has_id, has_objectives, has_questions, has_previous, has_next = key[:6]
    m = _marker
    html = render_template(
        "chapter.html.j2", catalog, **fixed,
        chapter_id=m("chapter_id") if has_id else "",
        page_title=m("page_title"), position=m("position"), sidebar=Markup(m("sidebar")),
        previous=Link(m("previous_url"), m("previous_title")) if has_previous else None,
        next=Link(m("next_url"), m("next_title")) if has_next else None,
        title=m("title"), objectives=[Markup(m("objectives"))] if has_objectives else [],
        body=Markup(m("body")), question_count=1 if has_questions else 0,
    ).decode("utf-8")
    return _MARKER.split(html)
