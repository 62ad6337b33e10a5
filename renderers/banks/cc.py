"""IMS Common Cartridge 1.3: the course outline, chapter pages and quizzes in one .imscc.

Spec: IMS CC 1.3 (manifest namespace imsccv1p3/imscp_v1p1) and its QTI profile:

    imsmanifest.xml                  outline as one organization (root item > sections >
                                     chapter page + chapter quiz), resources below
    wiki_content/<chapter>.html      chapter pages (webcontent)
    web_resources/media/...          images; pages and QTI link them as
    web_resources/figures/...        $IMS-CC-FILEBASE$/..., the cartridge's file base
    <quiz>/assessment_qti.xml        the quiz in the CC QTI profile

Every importer, Canvas included, reads the quizzes from the profile: Canvas treats a
cartridge as its own export (and reads `non_cc_assessments/`) only when it has
`course_settings/canvas_export.txt` and the rest of Canvas's course files
(canvas-lms lib/canvas/migration/package_identifier.rb), which a cartridge from
elsewhere should not imitate. So the profile quizzes carry every question the profile
can express, and nothing in them may turn a wrong answer into an accepted one (see
renderers.banks.cc_items). Numeric, cloze, matching and ordering questions are outside the
profile: they are left out and listed in the fidelity report (the QTI 1.2 zip carries
them to Canvas, the Moodle XML to Moodle).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import ClassVar
from urllib.parse import quote
from xml.etree.ElementTree import Element

from engine.model import Course
from engine.text.choice_refs import course_with_labels
from renderers.banks import qti1
from renderers.banks.canvas_items import FILEBASE
from renderers.banks.canvas_quiz import Quiz, assessment, quizzes
from renderers.banks.cc_items import CcItems, in_profile
from renderers.banks.cc_pages import chapter_page
from renderers.banks.fidelity import FidelityReport
from renderers.banks.ids import stable_id
from renderers.banks.labels import word
from renderers.banks.manifest import ims_manifest, resource
from renderers.banks.markup import Markup
from renderers.banks.media import Media
from renderers.base import Bundle, NoOptions, RenderContext, zip_bundle
from renderers.common.xml import XSI, sub, to_bytes

CC = "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"
LOM_MANIFEST = "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest"
SCHEMA_LOCATION = (
    f"{CC} http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imscp_v1p2_v1p0.xsd "
    f"{LOM_MANIFEST} http://www.imsglobal.org/profile/cc/ccv1p3/LOM/ccv1p3_lommanifest_v1p0.xsd"
)
ASSESSMENT = "imsqti_xmlv1p2/imscc_xmlv1p3/assessment"
CC_EXAM = "cc.exam.v0p1"


class CommonCartridgeRenderer:
    """The course as a Common Cartridge 1.3 package."""

    name: ClassVar[str] = "cc"
    description: ClassVar[str] = "IMS Common Cartridge 1.3 (.imscc): pages and quizzes"
    Options: ClassVar[type[NoOptions]] = NoOptions
    output_folder: ClassVar[str | None] = None

    def render(self, course: Course, ctx: RenderContext[NoOptions]) -> Bundle:
        # The LMS shuffles and shows no numbers: a reference is the option's quoted text.
        course = course_with_labels(course)
        report = FidelityReport(self.name, "Common Cartridge", course, ctx)
        media = Media(course, "web_resources/media", lambda rel: f"{FILEBASE}/media/{quote(rel)}")
        markup = Markup(course, media)
        package: Bundle = {}
        chapter_quizzes = []
        for quiz in quizzes(course, "chapter"):
            files = _quiz_files(course, quiz, markup, report)
            if quiz.items:  # a chapter whose questions are all outside the profile: no quiz
                package.update(files)
                chapter_quizzes.append(quiz)
        pages: dict[str, set[str]] = {}
        for chapter in course.chapters:
            quiz_title = None
            if any(q.key == chapter.id for q in chapter_quizzes):
                quiz_title = f"{word(course.ui_language, 'quiz')}: {chapter.title}"
            html, used = chapter_page(course, chapter, ctx, markup, media,
                                      f"{FILEBASE}/figures/", quiz_title)
            package[PurePosixPath(_page_path(chapter.id))] = html.encode("utf-8")
            pages[chapter.id] = used
        for path, data in media.files.items():
            package[PurePosixPath(path)] = data
        manifest = _manifest(course, chapter_quizzes, pages, sorted(media.files))
        package[PurePosixPath("imsmanifest.xml")] = to_bytes(manifest)
        return {
            PurePosixPath(f"{course.id}.imscc"): zip_bundle(package),
            report.path: report.to_json(),
        }


def _page_path(chapter_id: str) -> str:
    return f"wiki_content/{chapter_id}.html"


def _quiz_files(course: Course, quiz: Quiz, markup: Markup, report: FidelityReport) -> Bundle:
    """The quiz in the CC QTI profile: every question of a type the profile has."""
    builder = CcItems(course, markup, report)
    items: list[Element] = []
    for question, chapter in quiz.questions:
        if not in_profile(question):
            report.skip(question, f"left out: the Common Cartridge QTI profile has no "
                        f"{question.type} questions, and importers (Canvas too) read only "
                        "the profile; the QTI 1.2 and Moodle XML exports carry it")
            continue
        built = builder.item(question, chapter)  # type: ignore[arg-type]
        if built is not None:
            items.append(built[0])
            quiz.images.update(built[1])
    quiz.items = items
    folder = PurePosixPath(quiz.ident)
    return {folder / "assessment_qti.xml": to_bytes(assessment(quiz, items, CC_EXAM),
                                                    qti1.CONTENT)}


def _id(course: Course, *parts: str) -> str:
    return stable_id(course.id, "cc", *parts)


def _manifest(course: Course, chapter_quizzes: list[Quiz], pages: dict[str, set[str]],
              media: list[str]) -> Element:
    manifest, metadata = ims_manifest({
        "identifier": _id(course, "manifest"), "xmlns": CC, "xmlns:lomimscc": LOM_MANIFEST,
        "xmlns:xsi": XSI, "xsi:schemaLocation": SCHEMA_LOCATION},
        "IMS Common Cartridge", "1.3.0")
    general = sub(sub(metadata, "lomimscc:lom"), "lomimscc:general")
    sub(sub(general, "lomimscc:title"), "lomimscc:string", {"language": course.language},
        course.title)
    if course.description:
        sub(sub(general, "lomimscc:description"), "lomimscc:string",
            {"language": course.language}, course.description.strip())
    sub(general, "lomimscc:language", course.language)
    by_chapter = {quiz.key: quiz for quiz in chapter_quizzes}
    organization = sub(sub(manifest, "organizations"), "organization", {
        "identifier": _id(course, "organization"), "structure": "rectangular"})
    root = sub(organization, "item", {"identifier": _id(course, "root")})
    for section in course.sections:
        folder = sub(root, "item", {"identifier": _id(course, "section", section.id)})
        sub(folder, "title", section.title)
        for chapter in section.chapters:
            page = sub(folder, "item", {"identifier": _id(course, "page-item", chapter.id),
                                        "identifierref": _id(course, "page", chapter.id)})
            sub(page, "title", chapter.title)
            quiz = by_chapter.get(chapter.id)
            if quiz is not None:
                entry = sub(folder, "item", {"identifier": _id(course, "quiz-item", chapter.id),
                                             "identifierref": quiz.ident})
                sub(entry, "title", f"{word(course.ui_language, 'quiz')}: {chapter.title}")
    resources = sub(manifest, "resources")
    for chapter in course.chapters:
        path = _page_path(chapter.id)
        resource(resources, {"identifier": _id(course, "page", chapter.id),
                             "type": "webcontent", "href": path},
                 [path], [_id(course, "file", used) for used in sorted(pages[chapter.id])])
    for quiz in chapter_quizzes:
        resource(resources, {"identifier": quiz.ident, "type": ASSESSMENT},
                 [f"{quiz.ident}/assessment_qti.xml"],
                 [_id(course, "file", used) for used in sorted(quiz.images)])
    for path in media:
        resource(resources, {"identifier": _id(course, "file", path),
                             "type": "webcontent", "href": quote(path)}, [quote(path)])
    return manifest
