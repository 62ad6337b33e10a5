"""Canvas-flavoured QTI 1.2 items: what Canvas's quiz importer reads.

Canvas decides an item's kind from the `question_type` metadata field (an allow-list
below; the DTD accepts any string, Canvas does not) and finds right answers from the
`respcondition`s that set SCORE. Shapes follow what Canvas exports and what text2qti
(known to import) writes:
- choice items: `response_lid` + `render_choice`, a `varequal` setting SCORE 100;
  multiple answers: one condition, an `<and>` of `varequal` (right) and `<not>` (wrong);
- numerical: `response_str` + `render_fib fibtype="Decimal"`, `vargte`/`varlte` ranges;
- short answer: `response_str`, one `varequal` per accepted text;
- matching, fill in multiple blanks, multiple dropdowns: one `response_lid` per left
  item or per blank (`response_<blank>`), each right label adding its share of 100.
Canvas has no ordering type (ordering becomes matching), no hints, no tags, and
shuffles answers per quiz, not per question; all of that is reported, not hidden.
Images are packaged under the file base, `$IMS-CC-FILEBASE$` (written URL-encoded,
as Canvas does).
"""

from __future__ import annotations

from typing import assert_never
from xml.etree.ElementTree import Element

from engine.model import (
    Blank,
    Chapter,
    Cloze,
    Course,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    QuestionType,
    SingleChoice,
    Text,
    TrueFalse,
)
from renderers.banks import qti1
from renderers.banks.answer_ids import AnswerNumbers
from renderers.banks.canvas_math import keep_spaces
from renderers.banks.fidelity import FidelityReport
from renderers.banks.ids import stable_id
from renderers.banks.labels import unit_note_html, word
from renderers.banks.markup import Html, Markup
from renderers.banks.plaintext import has_math, readable_text
from renderers.common.numbers import accepted_intervals, decimal_text
from renderers.common.xml import el, sub

CANVAS_TYPES = frozenset({
    "multiple_choice_question", "true_false_question", "multiple_answers_question",
    "numerical_question", "short_answer_question", "fill_in_multiple_blanks_question",
    "multiple_dropdowns_question", "matching_question", "essay_question",
    "text_only_question", "calculated_question", "file_upload_question",
})
"""Canvas classic-quiz question types (what its importer switches on)."""

FILEBASE = "%24IMS-CC-FILEBASE%24"
"""The file-base token, URL-encoded as Canvas writes it in `src` attributes."""


def item_ident(course: Course, question: QuestionType) -> str:
    return stable_id(course.id, "item", question.id)


def shuffles(question: QuestionType) -> bool | None:
    """Whether the question asks for shuffled answers (None: not a choice question)."""
    match question:
        case SingleChoice() | MultipleChoice() | Matching():
            return question.shuffle
        case _:
            return None


class CanvasItems:
    """Builds Canvas QTI 1.2 items, reporting what Canvas cannot carry."""

    def __init__(self, course: Course, markup: Markup, report: FidelityReport) -> None:
        self.course = course
        self.markup = markup
        self.report = report
        self.numbers = AnswerNumbers(course.id)

    def item(self, q: QuestionType, chapter: Chapter, quiz_shuffles: bool,
             ) -> tuple[Element, set[str]] | None:
        """The item of `q` and the package paths of its images, or None when left out."""
        self.q, self.chapter, self.images = q, chapter, set[str]()
        self.ident = item_ident(self.course, q)
        self.numbers.start(q.id)
        self._common_losses(q, quiz_shuffles)
        item = el("item", {"ident": self.ident, "title": q.id})
        self.metadata = sub(item, "itemmetadata")
        self.presentation = sub(item, "presentation")
        self.processing = el("resprocessing")
        qti1.outcomes(self.processing)
        self.feedbacks: list[Element] = []
        self.answer_ids: list[str] = []
        stem = self._html(q.prompt).html
        kind: str | None
        match q:
            case SingleChoice() | MultipleChoice():
                kind = self._choice(q, stem)
            case TrueFalse():
                kind = self._true_false(q, stem)
            case Numeric():
                kind = self._numeric(q, stem)
            case Text():
                kind = self._short_answer(q, stem)
            case Cloze():
                kind = self._cloze(q)
            case Matching():
                kind = self._matching(stem, [(p.left, p.right) for p in q.pairs], q.distractors)
            case Ordering():
                kind = self._ordering(q, stem)
            case other:
                assert_never(other)
        if kind is None:
            return None
        if q.explanation:
            self._general_feedback(q.explanation)
        qti1.qtimetadata(self.metadata, [
            ("question_type", kind),
            ("points_possible", decimal_text(q.points)),
            ("original_answer_ids", ",".join(self.answer_ids)),
            ("assessment_question_identifierref", stable_id(self.course.id, "bank", q.id)),
        ])
        item.append(self.processing)
        item.extend(self.feedbacks)
        return item, self.images

    # --- pieces -------------------------------------------------------------------------

    def _html(self, markdown: str, inline: bool = False) -> Html:
        html = (self.markup.inline if inline else self.markup.block)(markdown, self.chapter)
        keep_spaces(html.tree)  # Canvas drops mspace widths
        self.images.update(html.images)
        return html

    def _answer_id(self, key: str) -> str:
        answer = self.numbers.ident(key)
        self.answer_ids.append(answer)
        return answer

    def _feedback(self, ident: str, markdown: str) -> None:
        self.feedbacks.append(qti1.itemfeedback(el("x"), ident, self._html(markdown).html))

    def _general_feedback(self, markdown: str) -> None:
        self._feedback("general_fb", markdown)
        # Canvas shows general feedback whatever the answer: an unconditional condition.
        condition = qti1.respcondition(self.processing, [el("other")], feedback=["general_fb"])
        self.processing.remove(condition)
        self.processing.insert(1, condition)

    def _plain(self, markdown: str) -> str:
        html = self._html(markdown, inline=True)
        text = readable_text(html.tree)
        if has_math(html.tree):
            self.report.lose(self.q, "math", f"math in matching items written as plain text "
                             f"(\"{text}\"): Canvas matching items are plain text")
        if any(e.tag != "math" for e in html.tree):  # markup or an image
            self.report.lose(self.q, "formatting", "formatting of matching items dropped: "
                             "Canvas matching items are plain text")
        return text

    def _common_losses(self, q: QuestionType, quiz_shuffles: bool) -> None:
        if q.hints:
            self.report.lose(q, "hints", "hints dropped: Canvas quizzes have no hints")
        if q.tags:
            self.report.lose(q, "tags", "tags dropped: Canvas quiz questions have no tags")
        wanted = shuffles(q)
        if wanted is not None and wanted != quiz_shuffles:
            state = "on" if quiz_shuffles else "off"
            self.report.lose(q, "shuffle", f"'shuffle: {str(wanted).lower()}' not kept: Canvas "
                             f"shuffles answers per quiz, and this quiz has it {state}")
        if (isinstance(q, SingleChoice | MultipleChoice) and quiz_shuffles
                and any(c.fixed for c in q.choices)):
            self.report.lose(q, "fixed", "fixed choice positions dropped: Canvas shuffles "
                             "all answers of a quiz or none")

    # --- types --------------------------------------------------------------------------

    def _choice(self, q: SingleChoice | MultipleChoice, stem: str) -> str:
        single = isinstance(q, SingleChoice)
        qti1.material(self.presentation, stem)
        respident = "response1"
        lid = sub(self.presentation, "response_lid", {
            "ident": respident, "rcardinality": "Single" if single else "Multiple"})
        render = sub(lid, "render_choice")
        ids = []
        for index, choice in enumerate(q.choices):
            answer = self._answer_id(str(index))
            ids.append(answer)
            qti1.response_label(render, answer, self._html(choice.text, inline=True).html)
            if choice.feedback:
                self._feedback(f"{answer}_fb", choice.feedback)
                qti1.respcondition(self.processing, [qti1.varequal(respident, answer)],
                                   feedback=[f"{answer}_fb"])
        right = [a for a, c in zip(ids, q.choices, strict=True) if c.correct]
        if single:
            qti1.respcondition(self.processing, [qti1.varequal(respident, right[0])],
                               score="100", stop=True)
            return "multiple_choice_question"
        parts = [qti1.varequal(respident, a) if c.correct else
                 _not(qti1.varequal(respident, a)) for a, c in zip(ids, q.choices, strict=True)]
        qti1.respcondition(self.processing, [_and(parts)], score="100", stop=True)
        if isinstance(q, MultipleChoice) and q.scoring == "all_or_nothing":
            self.report.lose(q, "scoring", "all-or-nothing scoring not kept: Canvas gives "
                             "partial credit on multiple-answers questions")
        else:
            self.report.lose(q, "scoring", "partial credit computed by Canvas's own "
                             "multiple-answers rule, not +1/k and -1/k per pick")
        return "multiple_answers_question"

    def _true_false(self, q: TrueFalse, stem: str) -> str:
        qti1.material(self.presentation, stem)
        lid = sub(self.presentation, "response_lid", {"ident": "response1",
                                                      "rcardinality": "Single"})
        render = sub(lid, "render_choice")
        language = self.course.ui_language
        for value, feedback in ((True, q.feedback_true), (False, q.feedback_false)):
            answer = self._answer_id(str(value).lower())
            qti1.response_label(render, answer, word(language, str(value).lower()), html=False)
            if feedback:
                self._feedback(f"{answer}_fb", feedback)
                qti1.respcondition(self.processing, [qti1.varequal("response1", answer)],
                                   feedback=[f"{answer}_fb"])
            if value == q.answer:
                qti1.respcondition(self.processing, [qti1.varequal("response1", answer)],
                                   score="100", stop=True)
        return "true_false_question"

    def _numeric(self, q: Numeric, stem: str) -> str:
        if q.unit:
            stem += unit_note_html(self.course.ui_language, q.unit)
            self.report.lose(q, "unit", f"unit '{q.unit}' shown in the question text: Canvas "
                             "numerical questions have no unit")
        qti1.material(self.presentation, stem)
        response = sub(self.presentation, "response_str", {"ident": "response1",
                                                          "rcardinality": "Single"})
        sub(sub(response, "render_fib", {"fibtype": "Decimal"}), "response_label",
            {"ident": self._answer_id("value")})
        for interval in accepted_intervals(q.answer, q.tolerance, q.range):
            low, high = decimal_text(interval.low), decimal_text(interval.high)
            inside = [el("vargte", {"respident": "response1"}, low),
                      el("varlte", {"respident": "response1"}, high)]
            exact = qti1.varequal("response1", decimal_text(interval.center))
            qti1.respcondition(self.processing, [_or([exact, _and(inside)])], score="100",
                               stop=True)
        return "numerical_question"

    def _short_answer(self, q: Text, stem: str) -> str | None:
        if not q.accept:
            self.report.skip(q, "left out: its only answer is a regular expression, which "
                             "Canvas short answers cannot express")
            return None
        self._text_losses(q.pattern, q.case_sensitive, "")
        if q.feedback:
            self.report.lose(q, "wrong-answer-feedback", "feedback for known wrong answers "
                             "dropped: Canvas short answers comment on accepted answers only")
        qti1.material(self.presentation, stem)
        response = sub(self.presentation, "response_str", {"ident": "response1",
                                                          "rcardinality": "Single"})
        sub(sub(response, "render_fib"), "response_label", {"ident": self._answer_id("text")})
        # Canvas's convention (its exports, text2qti): the accepted texts as sibling
        # varequals of one condition, which its importer reads as alternatives.
        qti1.respcondition(self.processing, [qti1.varequal("response1", a) for a in q.accept],
                           score="100", stop=True)
        return "short_answer_question"

    def _text_losses(self, pattern: str | None, case_sensitive: bool, where: str) -> None:
        if pattern is not None:
            self.report.lose(self.q, "pattern", f"regular expression{where} dropped: Canvas "
                             "accepts listed texts only")
        if case_sensitive:
            self.report.lose(self.q, "case-sensitive", f"case-sensitive matching{where} "
                             "dropped: Canvas compares typed answers ignoring case")

    def _cloze(self, q: Cloze) -> str | None:
        kinds = {b.blank_kind for b in q.blanks.values()}
        dropdowns = kinds == {"choice"}
        for name, blank in q.blanks.items():
            listable = blank.accept if blank.blank_kind == "text" else [blank.answer]
            if not [a for a in listable if a is not None]:
                self.report.skip(q, f"left out: blank '{name}' has no answer Canvas can "
                                 "list (only a regular expression or a range)")
                return None
        answers = {name: self._blank_answers(name, blank, dropdowns)
                   for name, blank in q.blanks.items()}
        rendered, tokens = self.markup.cloze(q.prompt, self.chapter)
        self.images.update(rendered.images)
        stem = rendered.html
        for name, token in tokens.items():
            stem = stem.replace(token, f"[{name}]")
        qti1.material(self.presentation, stem)
        share = qti1.score_text(100.0 / len(q.blanks))
        for name, blank in q.blanks.items():
            respident = f"response_{name}"
            lid = sub(self.presentation, "response_lid", {"ident": respident})
            qti1.material(lid, name, html=False)
            render = sub(lid, "render_choice")
            options = blank.choices if dropdowns else answers[name]
            for index, text in enumerate(options):
                answer = self._answer_id(f"{name}.{index}")
                qti1.response_label(render, answer, text, html=False)
                if text in answers[name]:
                    qti1.respcondition(self.processing, [qti1.varequal(respident, answer)],
                                       score=share, action="Add")
        if q.scoring == "all_or_nothing":
            self.report.lose(q, "scoring", "all-or-nothing scoring not kept: Canvas gives "
                             "partial credit per blank")
        return "multiple_dropdowns_question" if dropdowns else "fill_in_multiple_blanks_question"

    def _blank_answers(self, name: str, blank: Blank, dropdowns: bool) -> list[str]:
        match blank.blank_kind:
            case "choice":
                if not dropdowns:
                    self.report.lose(self.q, "blank-kind", f"drop-down blank '{name}' exported "
                                     "as a typed blank: Canvas cannot mix drop-downs with "
                                     "typed blanks")
                return [str(blank.answer)]
            case "text":
                self._text_losses(blank.pattern, blank.case_sensitive, f" of blank '{name}'")
                return list(blank.accept)
            case "numeric":
                assert blank.answer is not None
                text = blank.answer if isinstance(blank.answer, str) else decimal_text(
                    blank.answer)
                self.report.lose(self.q, "blank-kind", f"numeric blank '{name}' exported as "
                                 f"the text '{text}': Canvas blanks have no tolerance")
                return [text]
            case other:
                assert_never(other)

    def _matching(self, stem: str, pairs: list[tuple[str, str]], distractors: list[str],
                  ) -> str:
        qti1.material(self.presentation, stem)
        rights: dict[str, str] = {}
        for text in [self._plain(r) for _, r in pairs] + [self._plain(d) for d in distractors]:
            rights.setdefault(text, "")
        for index, text in enumerate(rights):
            rights[text] = self._answer_id(f"right.{index}")
        share = qti1.score_text(100.0 / len(pairs))
        for index, (left, right) in enumerate(pairs):
            respident = f"response_{self._answer_id(f'left.{index}')}"
            lid = sub(self.presentation, "response_lid", {"ident": respident})
            qti1.material(lid, self._plain(left), html=False)
            render = sub(lid, "render_choice")
            for text, answer in rights.items():
                qti1.response_label(render, answer, text, html=False)
            qti1.respcondition(self.processing,
                               [qti1.varequal(respident, rights[self._plain(right)])],
                               score=share, action="Add")
        return "matching_question"

    def _ordering(self, q: Ordering, stem: str) -> str:
        self.report.lose(q, "question-type", "ordering exported as matching (each position "
                         "picks its item): Canvas classic quizzes have no ordering")
        if q.scoring == "all_or_nothing":
            self.report.lose(q, "scoring", "all-or-nothing scoring exported as partial credit "
                             "per position: Canvas matching scores each pair")
        language = self.course.ui_language
        pairs = [(word(language, "position", n=n), item) for n, item in enumerate(q.items, 1)]
        return self._matching(stem, pairs, [])


def _and(children: list[Element]) -> Element:
    element = el("and")
    element.extend(children)
    return element


def _or(children: list[Element]) -> Element:
    element = el("or")
    element.extend(children)
    return element


def _not(child: Element) -> Element:
    element = el("not")
    element.append(child)
    return element
