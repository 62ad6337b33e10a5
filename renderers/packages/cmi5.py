"""cmi5 packages: the HTML site, an xAPI bridge, and `cmi5.xml` (cmi5 "quartz" edition).

`<course-id>-cmi5.zip` holds `cmi5.xml` at the root (course structure, section 13 of
the cmi5 specification; namespace `https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd`),
the static site built with `lms_bridge` on, `assets/lms-bridge.js` (the course's
interaction settings plus renderers/packages/static/cmi5-bridge.js) and one launcher
page per AU, whose relative URL is the AU's `url`. The launcher runs the cmi5 launch
sequence and shows the site in a frame.

Options (`renderers: {cmi5: {...}}` in course.yaml):
- `au`: `course` (default) for one AU scored over the whole course, the shape every cmi5
  LMS handles and the one to use for a single course grade; `chapter` for one AU per
  chapter inside one `block` per section, when the LMS should track chapters separately
  (and, with `move_on`, release them in order).
- `move_on`: the AU's moveOn criterion (default `CompletedAndPassed`: every question
  answered and the passing score reached). An AU without questions can never be passed,
  so it gets `Completed` instead (unless `NotApplicable` was asked for) and no masteryScore.
- `launch_method`: `AnyWindow` (default; the LMS may use a frame) or `OwnWindow`.
- `course_iri`: the IRI the course, its AUs and its questions are named under
  (default `urn:lessonkit:<course-id>`); give an https URL you control to make
  statements from different LMSs line up.
Mastery: the course's `passing_score` is each graded AU's `masteryScore` (0-1).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import ClassVar, Literal
from xml.etree.ElementTree import Element

from pydantic import BaseModel, ConfigDict, field_validator

from engine.model import Course, Section
from engine.text.markdown_dialect import plain_text
from renderers.base import Bundle, RenderContext
from renderers.common.numbers import decimal_text
from renderers.common.xml import add, element, manifest_bytes
from renderers.packages.archive import package_zip
from renderers.packages.bridge import language_tag
from renderers.packages.package import assemble
from renderers.packages.units import Layout, Unit

COURSE_STRUCTURE = PurePosixPath("cmi5.xml")
NAMESPACE = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
MoveOn = Literal["Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed", "NotApplicable"]
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


class Cmi5Options(BaseModel):
    """How the cmi5 package is cut into AUs and when the LMS moves the learner on."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    au: Layout = "course"
    """`course`: one AU for the whole course; `chapter`: one AU per chapter."""
    move_on: MoveOn = "CompletedAndPassed"
    """When the LMS counts an AU as satisfied (cmi5 moveOn)."""
    launch_method: Literal["AnyWindow", "OwnWindow"] = "AnyWindow"
    """Whether the LMS may show the AU in a frame (`AnyWindow`) or must give it a window."""
    course_iri: str | None = None
    """The absolute IRI the course's activities are named under (default urn:lessonkit:<id>)."""

    @field_validator("course_iri")
    @classmethod
    def _absolute(cls, value: str | None) -> str | None:
        if value is not None and not _IRI.match(value):
            raise ValueError("course_iri must be an absolute IRI such as https://example.org/c")
        return value


def _iri(base: str, *parts: str) -> str:
    separator = ":" if base.startswith("urn:") else "/"
    return separator.join([base.rstrip("/"), *parts])


def _text(tag: str, text: str, lang: str) -> Element:
    attrs = {"lang": lang} if lang else {}
    return element(tag, {}, element("langstring", attrs, text=" ".join(text.split())))


def _au(unit: Unit, base: str, options: Cmi5Options, mastery: float, lang: str) -> Element:
    move_on: MoveOn = options.move_on
    attrs = {"id": _iri(base, "au", unit.key)}
    if not unit.graded and move_on != "NotApplicable":
        move_on = "Completed"
    attrs["moveOn"] = move_on
    if unit.graded:
        attrs["masteryScore"] = decimal_text(mastery)
    attrs["launchMethod"] = options.launch_method
    description = f"{len(unit.questions)} questions" if unit.questions else unit.title
    return element(
        "au", attrs,
        _text("title", unit.title, lang),
        _text("description", description, lang),
        element("url", text=unit.launcher),
    )


def course_structure(
    course: Course, aus: list[Unit], options: Cmi5Options, base: str
) -> bytes:
    """`cmi5.xml`: the course, then its AUs (inside one block per section for chapter AUs)."""
    lang = language_tag(course)
    description = plain_text(course.description, blocks=True) or course.title
    root = element(
        "courseStructure", {"xmlns": NAMESPACE},
        element("course", {"id": base},
                _text("title", course.title, lang), _text("description", description, lang)),
    )
    blocks: dict[str, Element] = {}
    for unit in aus:
        au = _au(unit, base, options, course.passing_score, lang)
        section: Section | None = unit.section
        if section is None:
            add(root, au)
            continue
        if section.id not in blocks:
            blocks[section.id] = add(root, element(
                "block", {"id": _iri(base, "section", section.id)},
                _text("title", section.title, lang), _text("description", section.title, lang),
            ))
        add(blocks[section.id], au)
    return manifest_bytes(root)


class Cmi5Renderer:
    """cmi5: xAPI statements to the LMS's LRS, launched from a cmi5-aware LMS."""

    name: ClassVar[str] = "cmi5"
    description: ClassVar[str] = "cmi5 package (zip): the site plus an xAPI/cmi5 bridge"
    Options: ClassVar[type[Cmi5Options]] = Cmi5Options
    output_folder: ClassVar[str | None] = None

    def render(self, course: Course, ctx: RenderContext[Cmi5Options]) -> Bundle:
        """The package zip, as the bundle's one entry."""
        options = ctx.options
        base = options.course_iri or f"urn:lessonkit:{course.id}"
        files, aus = assemble(
            course, ctx, "cmi5", options.au, "cmi5", [COURSE_STRUCTURE],
            question_base=_iri(base, "question", ""),
        )
        files[COURSE_STRUCTURE] = course_structure(course, aus, options, base)
        return {PurePosixPath(f"{course.id}-cmi5.zip"): package_zip(files)}
