"""IMS QTI 1.2 as Canvas imports it: a zip of quizzes, one per chapter (or section).

Spec: IMS QTI ASI 1.2.1 plus Canvas's conventions (the layout text2qti produces, known
to import; see renderers.banks.canvas_items for the item shapes). Layout of
`<course-id>-qti12.zip`:

    imsmanifest.xml               one imsqti_xmlv1p2 resource per quiz, depending on its
                                  assessment_meta.xml (a learning-application-resource)
    <quiz>/<quiz>.xml             the quiz's questestinterop
    <quiz>/assessment_meta.xml    Canvas quiz settings, same identifier as the assessment
    media/...                     images, referenced as $IMS-CC-FILEBASE$/media/...

`renderers: {qti12: {assessment: section}}` makes one quiz per section instead.
Canvas's own exports also carry an empty `non_cc_assessments/` folder; a bundle holds
files only, and text2qti-style packages import without it being required by the
manifest, so it is left out.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import ClassVar
from urllib.parse import quote
from xml.etree.ElementTree import Element

from pydantic import BaseModel, ConfigDict

from engine.model import Course
from engine.text.choice_refs import course_with_labels
from renderers.banks import qti1
from renderers.banks.canvas_items import FILEBASE, CanvasItems
from renderers.banks.canvas_quiz import Grouping, Quiz, assessment, assessment_meta, build_items
from renderers.banks.canvas_quiz import quizzes as make_quizzes
from renderers.banks.fidelity import FidelityReport
from renderers.banks.ids import stable_id
from renderers.banks.manifest import ims_manifest, resource
from renderers.banks.markup import Markup
from renderers.banks.media import Media
from renderers.base import Bundle, RenderContext, zip_bundle
from renderers.common.xml import XSI, sub, to_bytes

CP = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
MD = "http://www.imsglobal.org/xsd/imsmd_v1p2"
SCHEMA_LOCATION = (
    f"{CP} http://www.imsglobal.org/xsd/imscp_v1p1.xsd "
    f"{MD} http://www.imsglobal.org/xsd/imsmd_v1p2p2.xsd"
)


class Qti12Options(BaseModel):
    """Options of the QTI 1.2 (Canvas) export."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    assessment: Grouping = "chapter"
    """One quiz per `chapter` or per `section`."""


class Qti12Renderer:
    """Canvas-importable QTI 1.2 quizzes."""

    name: ClassVar[str] = "qti12"
    description: ClassVar[str] = "IMS QTI 1.2 quizzes for Canvas (classic quizzes)"
    Options: ClassVar[type[Qti12Options]] = Qti12Options
    output_folder: ClassVar[str | None] = None

    def render(self, course: Course, ctx: RenderContext[Qti12Options]) -> Bundle:
        options = ctx.options
        # The LMS shuffles and shows no numbers: a reference is the option's quoted text.
        course = course_with_labels(course)
        report = FidelityReport(self.name, "QTI 1.2 (Canvas)", course, ctx)
        media = Media(course, "media", lambda rel: f"{FILEBASE}/media/{quote(rel)}")
        markup = Markup(course, media)
        builder = CanvasItems(course, markup, report)
        package: Bundle = {}
        quizzes = make_quizzes(course, options.assessment)
        for quiz in quizzes:
            build_items(quiz, builder)
            folder = PurePosixPath(quiz.ident)
            package[folder / f"{quiz.ident}.xml"] = to_bytes(assessment(quiz, quiz.items),
                                                             qti1.CONTENT)
            package[folder / "assessment_meta.xml"] = to_bytes(
                assessment_meta(course, quiz, markup))
        for path, data in media.files.items():
            package[PurePosixPath(path)] = data
        package[PurePosixPath("imsmanifest.xml")] = to_bytes(
            _manifest(course, quizzes, sorted(media.files)))
        return {
            PurePosixPath(f"{course.id}-qti12.zip"): zip_bundle(package),
            report.path: report.to_json(),
        }


def _manifest(course: Course, quizzes: list[Quiz], media: list[str]) -> Element:
    manifest, metadata = ims_manifest({
        "identifier": stable_id(course.id, "qti12-manifest"), "xmlns": CP, "xmlns:imsmd": MD,
        "xmlns:xsi": XSI, "xsi:schemaLocation": SCHEMA_LOCATION}, "IMS Content", "1.1.3")
    title = sub(sub(sub(metadata, "imsmd:lom"), "imsmd:general"), "imsmd:title")
    sub(title, "imsmd:string", course.title)
    sub(manifest, "organizations")
    resources = sub(manifest, "resources")
    for quiz in quizzes:
        meta_id = stable_id(course.id, "quiz-meta", quiz.ident)
        resource(resources, {"identifier": quiz.ident, "type": "imsqti_xmlv1p2"},
                 [f"{quiz.ident}/{quiz.ident}.xml"], [meta_id])
        resource(resources, {
            "identifier": meta_id,
            "type": "associatedcontent/imscc_xmlv1p1/learning-application-resource",
            "href": f"{quiz.ident}/assessment_meta.xml"}, [f"{quiz.ident}/assessment_meta.xml"])
    for path in media:
        resource(resources, {
            "identifier": stable_id(course.id, "media", path), "type": "webcontent",
            "href": quote(path)}, [quote(path)])
    return manifest
