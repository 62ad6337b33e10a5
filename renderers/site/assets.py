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


ChapterPlace = tuple[str, int, int]
"""Where a chapter is in the course: its section's id, the section's number, its own."""


def _chapter_entry(chapter: Chapter, place: ChapterPlace) -> str:
    """The chapter's entry of `course.js`'s "chapters", as JSON."""
    section, section_number, number = place
    return json_text({
        "id": chapter.id,
        "title": chapter.title,
        "section": section,
        "sectionNumber": section_number,
        "number": number,
        "url": str(chapter_page(chapter)),
        "questions": [{"id": q.id, "type": q.type, "points": q.points}
                      for q in chapter.questions],
    })


def _kept_entry(kept: PerObject[Chapter, tuple[ChapterPlace, str]], chapter: Chapter,
                place: ChapterPlace) -> str:
    entry = kept.get(chapter, lambda c: (place, _chapter_entry(c, place)))
    if entry[0] != place:  # the same chapter, moved
        entry = kept.put(chapter, (place, _chapter_entry(chapter, place)))
    return entry[1]


def course_script(
    course: Course, catalog: Catalog, site: SiteView, search_shards: int,
    chapter_entries: PerObject[Chapter, tuple[ChapterPlace, str]],
) -> bytes:
    """`assets/course.js`: the course outline and interface strings for the scripts.

    `chapter_entries` holds each chapter's entry, as JSON, with the place it was made for:
    in `serve` an unchanged chapter in the same place keeps its entry, and the file is
    put together from the entries rather than written whole again (0.04 s of an edit's
    0.44 s at 5000 chapters). It is what `json_text` writes of the whole: JSON text of a
    part is the same inside the whole, escapes and all.

    Defines `window.LESSONKIT_COURSE` (the LMS bridge contract; see the package docstring).
    """
    entries = [_kept_entry(chapter_entries, chapter, (section.id, si, ci))
               for si, ci, section, chapter in course.numbered_chapters()]
    before = {
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
    }
    after = {"strings": catalog.for_browser()}
    # {...before, "chapters": [...entries], ...after}, written as json_text writes it.
    data = "".join((json_text(before)[:-1], ',"chapters":[', ",".join(entries), "],",
                    json_text(after)[1:]))
    return f"window.LESSONKIT_COURSE = {data};\n".encode()
