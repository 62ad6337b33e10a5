"""Canvas quizzes: grouping questions into quizzes, the QTI assessment, and its settings.

Shared by the QTI 1.2 export (one zip of quizzes) and Common Cartridge (which takes
the grouping and the assessment wrapper for its profile quizzes). `assessment_meta.xml` is
Canvas's quiz-settings file (namespace cccv1p0); its `identifier` must equal the
assessment's `ident`, or Canvas ignores the title and settings (text2qti issue #18).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from xml.etree.ElementTree import Element

from engine.model import Chapter, Course, QuestionType
from renderers.banks import qti1
from renderers.banks.canvas_items import CanvasItems, shuffles
from renderers.banks.ids import stable_id
from renderers.banks.markup import Markup
from renderers.common.numbers import decimal_text
from renderers.common.xml import XSI, el, sub

CANVAS = "http://canvas.instructure.com/xsd/cccv1p0"
CANVAS_XSD = "https://canvas.instructure.com/xsd/cccv1p0.xsd"

Grouping = Literal["chapter", "section"]


@dataclass
class Quiz:
    """One quiz: a chapter's (or a section's) questions."""

    key: str
    """The chapter or section id the quiz comes from."""
    title: str
    description: str
    """Markdown shown as the quiz description."""
    questions: list[tuple[QuestionType, Chapter]]
    ident: str = ""
    items: list[Element] = field(default_factory=list)
    images: set[str] = field(default_factory=set)

    @property
    def points(self) -> float:
        return sum(q.points for q, _ in self.questions)

    @property
    def shuffle(self) -> bool:
        """Canvas shuffles per quiz: on when any of its choice questions asks for it."""
        return any(shuffles(q) for q, _ in self.questions)


def quizzes(course: Course, grouping: Grouping) -> list[Quiz]:
    """The course's quizzes, in course order; chapters without questions make none."""
    found: list[Quiz] = []
    if grouping == "section":
        for section in course.sections:
            questions = [(q, c) for c in section.chapters for q in c.questions]
            if questions:
                found.append(Quiz(section.id, section.title, "", questions))
    else:
        for chapter in course.chapters:
            if chapter.questions:
                objectives = "\n".join(f"- {o}" for o in chapter.objectives)
                found.append(Quiz(chapter.id, chapter.title, objectives,
                                  [(q, chapter) for q in chapter.questions]))
    for quiz in found:
        quiz.ident = stable_id(course.id, "quiz", grouping, quiz.key)
    return found


def build_items(quiz: Quiz, builder: CanvasItems) -> None:
    """Fill `quiz.items` and `quiz.images` (questions Canvas cannot take are left out)."""
    for question, chapter in quiz.questions:
        built = builder.item(question, chapter, quiz.shuffle)
        if built is not None:
            item, images = built
            quiz.items.append(item)
            quiz.images.update(images)


def assessment(quiz: Quiz, items: list[Element], profile: str | None = None) -> Element:
    """The `questestinterop` document of a quiz (`profile`: the CC exam profile or None)."""
    test = el("assessment", {"ident": quiz.ident, "title": quiz.title})
    # A course sets no attempt limit, so none is written: "unlimited" is the CC QTI
    # profile's word for it, and what Canvas's own cartridges write for -1 attempts.
    fields = [("cc_maxattempts", "unlimited")]
    if profile:
        fields = [("cc_profile", profile), ("qmd_assessmenttype", "Examination"),
                  ("qmd_scoretype", "Percentage"), *fields]
    qti1.qtimetadata(test, fields)
    section = sub(test, "section", {"ident": "root_section"})
    section.extend(items)
    return qti1.questestinterop(test)


def assessment_meta(course: Course, quiz: Quiz, markup: Markup) -> Element:
    """Canvas's settings for the quiz (what text2qti writes, with our stable ids)."""
    meta = el("quiz", {"identifier": quiz.ident, "xmlns": CANVAS, "xmlns:xsi": XSI,
                       "xsi:schemaLocation": f"{CANVAS} {CANVAS_XSD}"})
    sub(meta, "title", quiz.title)
    description = ""
    if quiz.description:
        description = markup.block(quiz.description, quiz.questions[0][1]).html
    sub(meta, "description", description)
    points = decimal_text(quiz.points)
    for tag, value in (
        ("shuffle_answers", str(quiz.shuffle).lower()), ("scoring_policy", "keep_highest"),
        ("hide_results", ""), ("quiz_type", "assignment"), ("points_possible", points),
        ("require_lockdown_browser", "false"), ("show_correct_answers", "true"),
        ("anonymous_submissions", "false"), ("could_be_locked", "false"),
        # -1 is Canvas's "no limit" (quizzes.allowed_attempts); a course sets none.
        ("allowed_attempts", "-1"), ("one_question_at_a_time", "false"),
        ("cant_go_back", "false"), ("available", "false"), ("one_time_results", "false"),
        ("show_correct_answers_last_attempt", "false"), ("only_visible_to_overrides", "false"),
        ("module_locked", "false"),
    ):
        sub(meta, tag, value)
    assignment = sub(meta, "assignment", {"identifier": stable_id(course.id, "assignment",
                                                                  quiz.ident)})
    for tag, value in (
        ("title", quiz.title), ("workflow_state", "unpublished"),
        ("quiz_identifierref", quiz.ident), ("points_possible", points),
        ("grading_type", "points"), ("submission_types", "online_quiz"),
    ):
        sub(assignment, tag, value)
    sub(meta, "assignment_group_identifierref", stable_id(course.id, "assignment-group"))
    return meta
