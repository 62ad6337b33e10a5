"""Items in the Common Cartridge QTI profile (a restricted QTI 1.2.1).

Spec: IMS CC 1.3 QTI profile (ccv1p3_qtiasiv1p2p1.xsd). The profile has four of our
types: single choice (`cc.multiple_choice.v0p1`), multiple response
(`cc.multiple_response.v0p1`, all-or-nothing), true/false (`cc.true_false.v0p1`) and
fill-in-the-blank short answers (`cc.fib.v0p1`, with a `case` attribute). Points go in
`cc_weighting`. Idents of items and response_lids are `xs:ID`s, so they are unique in
the file; answer idents are whole numbers (renderers.banks.answer_ids: Canvas keeps only
the digits of an ident). The other types are left out (see renderers.banks.cc).

How Canvas reads the profile (canvas-lms lib/qti/fill_in_the_blank.rb and the QTI
Migration Tool's short-answer conversion): every `varequal` text of a fill-in-the-blank
item becomes an accepted answer, whatever its condition sets, and the `case` attribute
is ignored. So known wrong answers are not written at all (their feedback is reported
as lost), and case-sensitive matching is written for the importers that read it and
reported as not kept by Canvas.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from engine.model import (
    Chapter,
    Course,
    MultipleChoice,
    QuestionType,
    SingleChoice,
    Text,
    TrueFalse,
)
from renderers.banks import qti1
from renderers.banks.answer_ids import AnswerNumbers
from renderers.banks.canvas_items import item_ident
from renderers.banks.canvas_math import keep_spaces
from renderers.banks.fidelity import FidelityReport
from renderers.banks.labels import word
from renderers.banks.markup import Markup
from renderers.common.numbers import decimal_text
from renderers.common.xml import el, sub

CC_PROFILE_TYPES = ("single", "multiple", "true_false", "text")
"""Question types the CC QTI profile can hold."""


class CcItems:
    """Builds CC-profile items, reporting what the profile cannot carry."""

    def __init__(self, course: Course, markup: Markup, report: FidelityReport) -> None:
        self.course = course
        self.markup = markup
        self.report = report
        self.numbers = AnswerNumbers(course.id)

    def item(self, q: SingleChoice | MultipleChoice | TrueFalse | Text, chapter: Chapter,
             ) -> tuple[Element, set[str]] | None:
        """The item of `q` and the package paths of its images (None: left out)."""
        self.q, self.chapter, self.images = q, chapter, set[str]()
        self.ident = item_ident(self.course, q)
        self.respident = f"{self.ident}_r"
        self.numbers.start(q.id)
        if q.hints:
            self.report.lose(q, "hints", "hints dropped: the Common Cartridge QTI profile has "
                             "no hints")
        if q.tags:
            self.report.lose(q, "tags", "tags dropped: the Common Cartridge QTI profile has "
                             "no tags")
        item = el("item", {"ident": self.ident, "title": q.id})
        metadata = sub(item, "itemmetadata")
        self.presentation = sub(item, "presentation")
        qti1.material(self.presentation, self._html(q.prompt))
        self.processing = sub(item, "resprocessing")
        qti1.outcomes(self.processing)
        self.feedbacks: list[Element] = []
        if q.explanation:
            # Canvas shows an itemfeedback as the question's general comment only under the
            # ident `general_fb` (its converters' convention); feedback idents are plain
            # strings in the CC profile (ccv1p3_qtiasiv1p2p1.xsd), so each item may use it.
            self._feedback("general_fb", q.explanation, [el("other")])
        if isinstance(q, SingleChoice | MultipleChoice):
            profile = self._choice(q)
        elif isinstance(q, TrueFalse):
            profile = self._true_false(q)
        else:
            if not q.accept:
                self.report.skip(q, "left out of the Common Cartridge QTI: its only answer is "
                                 "a regular expression, which the profile cannot express")
                return None
            profile = self._fib(q)
        qti1.qtimetadata(metadata, [("cc_profile", profile),
                                    ("cc_weighting", decimal_text(q.points))])
        item.extend(self.feedbacks)
        return item, self.images

    def _html(self, markdown: str, inline: bool = False) -> str:
        html = (self.markup.inline if inline else self.markup.block)(markdown, self.chapter)
        keep_spaces(html.tree)  # Canvas, the main CC importer, drops mspace widths
        self.images.update(html.images)
        return html.html

    def _feedback(self, ident: str, markdown: str, conditions: list[Element]) -> None:
        self.feedbacks.append(qti1.itemfeedback(el("x"), ident, self._html(markdown)))
        qti1.respcondition(self.processing, conditions, feedback=[ident])

    def _choice(self, q: SingleChoice | MultipleChoice) -> str:
        single = isinstance(q, SingleChoice)
        lid = sub(self.presentation, "response_lid", {
            "ident": self.respident, "rcardinality": "Single" if single else "Multiple"})
        render = sub(lid, "render_choice", {"shuffle": "Yes" if q.shuffle else "No"})
        ids = [self.numbers.ident(str(i)) for i in range(len(q.choices))]
        for answer, choice in zip(ids, q.choices, strict=True):
            label = qti1.response_label(render, answer, self._html(choice.text, inline=True))
            if choice.fixed:
                label.set("rshuffle", "No")
            if choice.feedback:
                self._feedback(f"{answer}_fb", choice.feedback,
                               [qti1.varequal(self.respident, answer)])
        if single:
            right = next(a for a, c in zip(ids, q.choices, strict=True) if c.correct)
            qti1.respcondition(self.processing, [qti1.varequal(self.respident, right)],
                               score="100", stop=True)
            return "cc.multiple_choice.v0p1"
        combined = el("and")
        for answer, choice in zip(ids, q.choices, strict=True):
            condition = qti1.varequal(self.respident, answer)
            if not choice.correct:
                negated = el("not")
                negated.append(condition)
                condition = negated
            combined.append(condition)
        qti1.respcondition(self.processing, [combined], score="100", stop=True)
        if isinstance(q, MultipleChoice) and q.scoring == "partial":
            self.report.lose(q, "scoring", "partial credit not kept: the Common Cartridge "
                             "profile scores multiple response all-or-nothing")
        return "cc.multiple_response.v0p1"

    def _true_false(self, q: TrueFalse) -> str:
        lid = sub(self.presentation, "response_lid", {"ident": self.respident,
                                                      "rcardinality": "Single"})
        render = sub(lid, "render_choice")
        for value, feedback in ((True, q.feedback_true), (False, q.feedback_false)):
            answer = self.numbers.ident(str(value).lower())
            qti1.response_label(render, answer, word(self.course.ui_language,
                                                     str(value).lower()), html=False)
            if feedback:
                self._feedback(f"{answer}_fb", feedback, [qti1.varequal(self.respident, answer)])
            if value == q.answer:
                qti1.respcondition(self.processing, [qti1.varequal(self.respident, answer)],
                                   score="100", stop=True)
        return "cc.true_false.v0p1"

    def _fib(self, q: Text) -> str:
        if q.pattern is not None:
            self.report.lose(q, "pattern", "regular expression dropped: the Common Cartridge "
                             "profile accepts listed texts only")
        response = sub(self.presentation, "response_str", {"ident": self.respident,
                                                          "rcardinality": "Single"})
        sub(sub(response, "render_fib"), "response_label", {"ident": self.numbers.ident("text")})
        if q.feedback:
            # Canvas would accept every text written in a varequal: a known wrong answer
            # with feedback would become a right one. Its feedback is dropped instead.
            self.report.lose(q, "wrong-answer-feedback", "feedback for known wrong answers "
                             "dropped: Canvas reads every text condition of a "
                             "fill-in-the-blank item as an accepted answer")
        if q.case_sensitive:
            self.report.lose(q, "case-sensitive", "case-sensitive matching written "
                             "(case=\"Yes\") but not kept by Canvas, which accepts "
                             "any case")
        condition = el("or")
        condition.extend(qti1.varequal(self.respident, a, q.case_sensitive) for a in q.accept)
        qti1.respcondition(self.processing, [condition], score="100", stop=True)
        return "cc.fib.v0p1"


def in_profile(question: QuestionType) -> bool:
    """Whether the CC QTI profile has the question's type."""
    return question.type in CC_PROFILE_TYPES
