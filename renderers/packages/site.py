"""The package content: the HTML site, built with its LMS hook on.

The static site is the learning content; a package adds `assets/lms-bridge.js`, which
every site page loads before its own script when `lms_bridge` is on, and the launcher
pages (renderers/packages/launcher.py).
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

from engine.model import Course
from renderers.base import Bundle, RenderContext
from renderers.site import HtmlRenderer

COURSE_DATA = PurePosixPath("assets/course.js")
COURSE_GLOBAL = "window.LESSONKIT_COURSE"


def site_bundle(course: Course, ctx: RenderContext[Any]) -> Bundle:
    """The course's HTML site, rendered with the author's `html` options and the LMS hook."""
    options = HtmlRenderer.Options.model_validate(
        {**course.renderers.get("html", {}), "lms_bridge": True}
    )
    site_ctx = RenderContext(
        options=options,
        outputs=ctx.outputs,
        strict=ctx.strict,
        cache_dir=None if ctx.cache_dir is None else ctx.cache_dir / "html",
        jobs=ctx.jobs,
        progress=ctx.progress,
    )
    bundle = HtmlRenderer().render(course, site_ctx)
    for diagnostic in site_ctx.diagnostics:
        ctx.report(diagnostic)
    return bundle


def chapter_pages(site: Bundle) -> dict[str, str]:
    """Chapter id -> site page, read from `assets/course.js` (the site/bridge contract).

    Reading the contract rather than the HTML renderer's internals keeps the one thing
    a package relies on in one place: what the site itself tells its scripts.
    """
    text = site[COURSE_DATA].decode("utf-8")
    start = text.index("=", text.index(COURSE_GLOBAL)) + 1
    data, _ = json.JSONDecoder().raw_decode(text[start:].lstrip())
    return {str(ch["id"]): str(ch["url"]) for ch in data["chapters"]}
