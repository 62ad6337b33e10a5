"""The site's own files under `assets/`: scripts, style sheets and the course data script."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import PurePosixPath

from pygments.formatters import HtmlFormatter

from engine.model import Chapter, Course
from renderers.site.i18n import Catalog
from renderers.site.markup import json_text
from renderers.site.pages import SiteView
from renderers.site.paths import ASSETS, chapter_page
from renderers.site.reuse import PerObject

STATIC_FILES = (
    "feedback.js", "grading.js", "icon.svg", "lessonkit.css", "lessonkit.js", "order.js",
    "print.css", "progress.js", "quiz.js", "responses.js", "search.js", "theme.js",
)
"""Files copied from `static/` as they are (lessonkit.css gets the code colours appended)."""

CODE_STYLES = {"light": "default", "dark": "github-dark"}
"""Pygments styles for code in the light and dark themes (both meet WCAG AA contrast on
their own backgrounds, which axe checks)."""

STORAGE_VERSION = 1
"""Bump when the shape of the learner state changes; the key changes with it."""


def storage_key(course: Course) -> str:
    """The localStorage key of a course's learner state."""
    return f"lessonkit:v{STORAGE_VERSION}:{course.id}"


def _scoped_style(style: str, scope: str) -> str:
    # Pygments also emits unscoped rules (`pre { line-height }`); keep only our scope's.
    rules: str = HtmlFormatter(style=style).get_style_defs(scope)  # type: ignore[no-untyped-call]
    return "\n".join(line for line in rules.splitlines() if line.startswith(scope))


@cache
def code_css() -> str:
    """Token colours for both themes: explicit choice first, then the system preference."""
    light = _scoped_style(CODE_STYLES["light"], ".highlight")
    dark_forced = _scoped_style(CODE_STYLES["dark"], ':root[data-theme="dark"] .highlight')
    dark_auto = _scoped_style(CODE_STYLES["dark"], ':root[data-theme="auto"] .highlight')
    return (
        "\n/* Code colours (Pygments) */\n" + light + "\n" + dark_forced
        + "\n@media (prefers-color-scheme: dark) {\n" + dark_auto + "\n}\n"
    )


@cache
def static_bundle() -> dict[PurePosixPath, bytes]:
    """The fixed files of `assets/`."""
    folder = files("renderers.site").joinpath("static")
    bundle = {ASSETS / name: folder.joinpath(name).read_bytes() for name in STATIC_FILES}
    bundle[ASSETS / "lessonkit.css"] += code_css().encode()
    return bundle


def _question_list(chapter: Chapter) -> list[dict[str, object]]:
    return [{"id": q.id, "type": q.type, "points": q.points} for q in chapter.questions]


def course_script(
    course: Course, catalog: Catalog, site: SiteView, search_shards: int,
    question_lists: PerObject[Chapter, list[dict[str, object]]],
) -> bytes:
    """`assets/course.js`: the course outline and interface strings for the scripts.

    `question_lists` holds each chapter's question list (reused in `serve` for unchanged
    chapters).

    Defines `window.LESSONKIT_COURSE` (the LMS bridge contract; see the package docstring).
    """
    chapters = []
    for si, ci, section, chapter in course.numbered_chapters():
        chapters.append({
            "id": chapter.id,
            "title": chapter.title,
            "section": section.id,
            "sectionNumber": si,
            "number": ci,
            "url": str(chapter_page(chapter)),
            "questions": question_lists.get(chapter, _question_list),
        })
    data = {
        "id": course.id,
        "title": course.title,
        "version": course.version,
        "language": site.lang,
        "uiLanguage": catalog.language,
        "passingScore": course.passing_score,
        "storageKey": storage_key(course),
        "feedback": {
            "enabled": course.feedback.enabled,
            "endpoint": course.feedback.endpoint if site.endpoint else None,
        },
        "search": {"enabled": site.search, "shards": search_shards},
        "sections": [
            {"id": s.id, "title": s.title, "number": si}
            for si, s in enumerate(course.sections, 1)
        ],
        "chapters": chapters,
        "strings": catalog.for_browser(),
    }
    return f"window.LESSONKIT_COURSE = {json_text(data)};\n".encode()
