"""Put a package's content together: the site, the bridge and one launcher per unit.

SCORM and cmi5 packages differ only in their manifest (`imsmanifest.xml` or
`cmi5.xml`) and in the bridge's standard; everything else is assembled here.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any

from engine.diagnostics import Code, Diagnostic
from engine.model import Course, QuestionType
from engine.text.choice_refs import course_with_labels
from renderers.base import Bundle, RenderContext
from renderers.packages.bridge import BRIDGE_PATH, Package, bridge_script, bridge_settings
from renderers.packages.launcher import launcher_page
from renderers.packages.site import chapter_pages, site_bundle
from renderers.packages.units import Layout, Unit, units


def assemble(
    course: Course,
    ctx: RenderContext[Any],
    package: Package,
    layout: Layout,
    label: str,
    reserved: Iterable[PurePosixPath],
    question_base: str = "",
) -> tuple[Bundle, list[Unit]]:
    """Every file of the package but its manifest, and the package's units in order.

    `label` names the format in fidelity warnings; `reserved` are paths the caller adds
    itself (the manifest), which the site must not already use.
    """
    course = course_with_labels(course)  # interaction descriptions quote prompts
    site = site_bundle(course, ctx)
    pages = chapter_pages(site)
    parts = units(course, layout, lambda chapter: pages[chapter.id])

    def report(question: QuestionType, message: str) -> None:
        text = f"{label}: question '{question.id}': {message}"
        ctx.report(Diagnostic.of(Code.UNSUPPORTED, text, question.span))

    scopes = {unit.key: unit.questions for unit in parts}
    settings = bridge_settings(course, package, scopes, report, question_base)
    added = {BRIDGE_PATH: bridge_script(package, settings)}
    added.update({PurePosixPath(u.launcher): launcher_page(u, course.language) for u in parts})
    clash = sorted(str(p) for p in [*added, *reserved] if p in site)
    if clash:
        raise ValueError(f"the HTML site already uses package file names: {clash}")
    return {**site, **added}, parts
