"""Chapter pages filled into their kind's pieces are the template's own bytes."""

from __future__ import annotations

import itertools

from markupsafe import Markup

from renderers.site.chapterpage import render_chapter
from renderers.site.i18n import Catalog
from renderers.site.pages import Link, SiteView, render_template


def test_every_kind_of_chapter_page_is_what_the_template_renders() -> None:
    catalog = Catalog.for_language("en")
    site = SiteView(title='Course & "<co>"', lang="en", dir="ltr",
                    ui_attrs=Markup(' lang="pt" dir="ltr"'), theme="auto", lms_bridge=True,
                    search=True, footer=("a & b", "v1"), endpoint=None)
    kinds = itertools.product(
        ([], [Markup("<b>one</b>")], [Markup("one"), Markup("two &amp;"), Markup("three")]),
        (0, 3), (None, Link("p.html", "Before <1>")), (None, Link("n&.html", 'After "2"')),
        (False, True))
    for objectives, questions, previous, following, feedback in kinds:
        frame: dict[str, object] = {
            "site": site, "root": "../", "page_kind": "chapter", "chapter_id": "c<&>",
            "page_title": "Title & <x> · Course", "csp": "default-src 'none'",
            "position": "Section 1 · Chapter 2 <", "sidebar": Markup("<li>side</li>\n"),
            "previous": previous, "next": following, "feedback_enabled": feedback}
        content = {"title": 'Chapter "1" & <2>', "objectives": objectives,
                   "body": Markup("<section>body</section>\n"), "question_count": questions}
        expected = render_template("chapter.html.j2", catalog, **frame, **content)
        assert render_chapter(frame, catalog, **content) == expected  # type: ignore[arg-type]
