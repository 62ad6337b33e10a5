"""SCORM 1.2 and SCORM 2004 4th edition packages: the HTML site, a runtime bridge, a manifest.

A package is `<course-id>-scorm12.zip` or `<course-id>-scorm2004.zip` holding:
- `imsmanifest.xml` at the zip root (see renderers/packages/scorm_manifest.py);
- the static site, built by the HTML renderer with `lms_bridge` on;
- `assets/lms-bridge.js`: the course's interaction settings and the SCORM runtime
  bridge (renderers/packages/static/), which every site page loads;
- one launcher page per SCO (`lessonkit-launch.html`, or `lessonkit-launch-<chapter>.html`),
  which holds the LMS session and shows the site in a frame.

Option `sco` (in course.yaml: `renderers: {scorm12: {sco: chapter}}`):
- `course` (default): one SCO for the whole course, scored over all questions. Use it
  for Open edX (its SCORM XBlock launches only the first resource, so a package is one
  unit there), Moodle (one SCORM activity, one grade; Moodle's 2004 sequencing support
  is partial, so one SCO avoids depending on it), Canvas and most corporate LMSs, and
  whenever the course should have one grade.
- `chapter`: one SCO per chapter, each scored over its own questions, grouped by section
  in the LMS's table of contents. Use it where the LMS shows the organization as a menu
  and tracks each SCO (SCORM Cloud, Rustici Engine, Cornerstone, Docebo, ILIAS,
  Moodle with its table of contents shown) and per-chapter results are wanted. In
  SCORM 2004 the course result is then rolled up by the LMS from the chapters.
  Chapters without questions complete when opened. The site's own links still reach
  other chapters, but a chapter SCO reports only its own questions.

Mastery: `passing_score` of the course (0-1) becomes `adlcp:masteryscore` (0-100) in
1.2 and the primary objective's `minNormalizedMeasure` in 2004; the bridge judges
passed/failed with the same number unless the LMS passes in its own.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from engine.model import Course
from renderers.base import Bundle, RenderContext
from renderers.packages.archive import package_zip
from renderers.packages.bridge import Package
from renderers.packages.package import assemble
from renderers.packages.scorm_manifest import Version, manifest
from renderers.packages.units import Layout

MANIFEST = PurePosixPath("imsmanifest.xml")


class ScormOptions(BaseModel):
    """Packaging options shared by SCORM 1.2 and 2004."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    sco: Layout = "course"
    """`course`: one SCO for the whole course; `chapter`: one SCO per chapter."""


class _ScormRenderer:
    """The SCORM renderers differ only in their version."""

    package: ClassVar[Package]
    version: ClassVar[Version]
    label: ClassVar[str]
    Options: ClassVar[type[ScormOptions]] = ScormOptions
    output_folder: ClassVar[str | None] = None

    def render(self, course: Course, ctx: RenderContext[ScormOptions]) -> Bundle:
        """The package zip, as the bundle's one entry."""
        options = ctx.options
        files, scos = assemble(course, ctx, self.package, options.sco, self.label, [MANIFEST])
        launchers = {sco.launcher for sco in scos}
        shared = sorted(str(p) for p in files if str(p) not in launchers)
        files[MANIFEST] = manifest(course, scos, shared, self.version)
        return {PurePosixPath(f"{course.id}-{self.package}.zip"): package_zip(files)}


class Scorm12Renderer(_ScormRenderer):
    """SCORM 1.2: the version every LMS supports (Moodle, Open edX, Canvas, Blackboard)."""

    name: ClassVar[str] = "scorm12"
    description: ClassVar[str] = "SCORM 1.2 package (zip): the site plus an LMS runtime bridge"
    package: ClassVar[Package] = "scorm12"
    version: ClassVar[Version] = "1.2"
    label: ClassVar[str] = "SCORM 1.2"


class Scorm2004Renderer(_ScormRenderer):
    """SCORM 2004 4th edition: separate completion and success, scaled scores, sequencing."""

    name: ClassVar[str] = "scorm2004"
    description: ClassVar[str] = (
        "SCORM 2004 4th edition package (zip): the site plus an LMS runtime bridge"
    )
    package: ClassVar[Package] = "scorm2004"
    version: ClassVar[Version] = "2004"
    label: ClassVar[str] = "SCORM 2004"
