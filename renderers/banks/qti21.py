"""IMS QTI 2.1 content package: an item per question, a test per chapter.

Spec: IMS QTI 2.1 and IMS Content Packaging 1.1 (imscp_v1p1.xsd); the tests validate
every file against the official schemas. Layout of `<course-id>-qti21.zip`:

    imsmanifest.xml        resources: tests (imsqti_test_xmlv2p1) depending on their
                           items (imsqti_item_xmlv2p1), items depending on images (webcontent)
    items/<question>.xml   one assessmentItem each (see renderers.banks.qti21_items)
    tests/<chapter>.xml    one assessmentTest per chapter; each item weighted by its points
    media/...              images the items show, at their course-relative paths

Tags travel as IMS Metadata (LOM) keywords on each item's resource.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import ClassVar
from urllib.parse import quote
from xml.etree.ElementTree import Element

from engine.model import Chapter, Course, QuestionType
from engine.text.choice_refs import course_with_labels
from renderers.banks.fidelity import FidelityReport
from renderers.banks.ids import ncname, stable_id
from renderers.banks.manifest import ims_manifest, resource
from renderers.banks.markup import Markup
from renderers.banks.media import Media
from renderers.banks.qti21_items import CONTENT, QTI, QTI_XSD, ItemBuilder, item_identifier
from renderers.base import Bundle, NoOptions, RenderContext, zip_bundle
from renderers.common.numbers import decimal_text
from renderers.common.xml import XSI, el, sub, to_bytes

CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
MD = "http://www.imsglobal.org/xsd/imsmd_v1p2"
SCHEMA_LOCATION = (
    f"{CP} http://www.imsglobal.org/xsd/imscp_v1p1.xsd "
    f"{MD} http://www.imsglobal.org/xsd/imsmd_v1p2p4.xsd"
)


def item_path(question: QuestionType) -> str:
    return f"items/{question.id}.xml"


def test_path(chapter: Chapter) -> str:
    return f"tests/{chapter.id}.xml"


class Qti21Renderer:
    """Every question as a QTI 2.1 item, and every chapter as a QTI 2.1 test."""

    name: ClassVar[str] = "qti21"
    description: ClassVar[str] = "IMS QTI 2.1 content package (items and tests)"
    Options: ClassVar[type[NoOptions]] = NoOptions
    output_folder: ClassVar[str | None] = None

    def render(self, course: Course, ctx: RenderContext[NoOptions]) -> Bundle:
        # The LMS shuffles and shows no numbers: a reference is the option's quoted text.
        course = course_with_labels(course)
        report = FidelityReport(self.name, "QTI 2.1", course, ctx)
        # Items live in items/, so an image at media/x is ../media/x from an item.
        media = Media(course, "media", lambda rel: "../media/" + quote(rel))
        builder = ItemBuilder(course, Markup(course, media), report)
        package: Bundle = {}
        item_images: dict[str, set[str]] = {}
        for chapter in course.chapters:
            for question in chapter.questions:
                item, images = builder.build(question, chapter)
                package[PurePosixPath(item_path(question))] = to_bytes(item, CONTENT)
                item_images[question.id] = images
            if chapter.questions:
                package[PurePosixPath(test_path(chapter))] = to_bytes(_test(course, chapter))
        for path, data in media.files.items():
            package[PurePosixPath(path)] = data
        package[PurePosixPath("imsmanifest.xml")] = to_bytes(
            _manifest(course, item_images, sorted(media.files)))
        return {
            PurePosixPath(f"{course.id}-qti21.zip"): zip_bundle(package),
            report.path: report.to_json(),
        }


def _test(course: Course, chapter: Chapter) -> Element:
    test = el("assessmentTest", {
        "xmlns": QTI, "xmlns:xsi": XSI, "xsi:schemaLocation": f"{QTI} {QTI_XSD}",
        "identifier": ncname(f"{course.id}.{chapter.id}", "t"), "title": chapter.title})
    total = sum(q.points for q in chapter.questions)
    for identifier, default in (("SCORE", "0"), ("MAXSCORE", decimal_text(total))):
        outcome = sub(test, "outcomeDeclaration", {
            "identifier": identifier, "cardinality": "single", "baseType": "float"})
        sub(sub(outcome, "defaultValue"), "value", default)
    part = sub(test, "testPart", {"identifier": "P1", "navigationMode": "nonlinear",
                                  "submissionMode": "simultaneous"})
    section = sub(part, "assessmentSection", {"identifier": "S1", "title": chapter.title,
                                              "visible": "true"})
    for question in chapter.questions:
        ref = sub(section, "assessmentItemRef", {
            "identifier": item_identifier(course, question),
            "href": "../" + item_path(question)})
        # Items score 0..1; the weight turns that into the question's points.
        sub(ref, "weight", {"identifier": "W", "value": decimal_text(question.points)})
    processing = sub(test, "outcomeProcessing")
    total_score = sub(sub(processing, "setOutcomeValue", {"identifier": "SCORE"}), "sum")
    sub(total_score, "testVariables", {"variableIdentifier": "SCORE", "weightIdentifier": "W"})
    return test


def _resource_id(course: Course, kind: str, key: str) -> str:
    return stable_id(course.id, "qti21", kind, key)


def _manifest(course: Course, item_images: dict[str, set[str]], media: list[str]) -> Element:
    manifest, metadata = ims_manifest({
        "xmlns": CP, "xmlns:imsmd": MD, "xmlns:xsi": XSI, "xsi:schemaLocation": SCHEMA_LOCATION,
        "identifier": _resource_id(course, "manifest", course.id)}, "QTIv2.1 Package", "1.0.0")
    general = sub(sub(metadata, "imsmd:lom"), "imsmd:general")
    title = sub(general, "imsmd:title")
    sub(title, "imsmd:langstring", {"xml:lang": course.language}, course.title)
    sub(manifest, "organizations")
    resources = sub(manifest, "resources")
    for chapter in course.chapters:
        if not chapter.questions:
            continue
        resource(resources, {
            "identifier": _resource_id(course, "test", chapter.id),
            "type": "imsqti_test_xmlv2p1", "href": test_path(chapter)},
            [test_path(chapter)],
            [_resource_id(course, "item", question.id) for question in chapter.questions])
    for question in course.questions:
        keywords = None
        if question.tags:
            keywords = el("metadata")
            general = sub(sub(keywords, "imsmd:lom"), "imsmd:general")
            for tag in question.tags:
                keyword = sub(general, "imsmd:keyword")
                sub(keyword, "imsmd:langstring", {"xml:lang": course.language}, tag)
        resource(resources, {
            "identifier": _resource_id(course, "item", question.id),
            "type": "imsqti_item_xmlv2p1", "href": item_path(question)},
            [item_path(question)],
            [_resource_id(course, "media", path) for path in sorted(item_images[question.id])],
            metadata=keywords)
    for path in media:
        resource(resources, {
            "identifier": _resource_id(course, "media", path), "type": "webcontent",
            "href": path}, [path])
    return manifest
