"""Moodle XML: the question bank format Moodle imports natively.

Spec: Moodle's XML importer (`question/format/xml/format.php`) and its fixtures; no
schema exists. Each section and chapter gets a category; questions use Moodle's own
types: multichoice (single and multiple), truefalse, numerical, shortanswer, matching,
cloze (multianswer) and ordering (the qtype_ordering plugin, core in recent Moodles;
`renderers: {moodle: {ordering: false}}` exports ordering as matching instead).

Moodle quirks handled here:
- answer fractions must come from Moodle's grade list (`grades`); partial credit is
  snapped to it and the rounding reported;
- `*` is a wildcard in short answers, so literal asterisks are escaped;
- images travel base64-encoded inside the field that shows them, as `@@PLUGINFILE@@`;
- in cloze answers `} # ~ / " \\` are escaped with a backslash;
- every cloze blank is written `{1:...}`: the number is the blank's mark, and the
  question's default mark is their sum (`<defaultgrade>` is not read for cloze), so
  equal marks of 1 grade blanks equally as lessonkit does (see `_cloze`);
- every text is written as CDATA, so spaces between tags survive (renderers.banks.cdata);
- ordering questions carry `<shownumcorrect/>`, without which qtype_ordering invents
  two empty hints (see `_ordering`);
- `<` and `>` in category names are written as entities (see `category_text`).
"""

from __future__ import annotations

import base64
import posixpath
from pathlib import PurePosixPath
from typing import ClassVar, assert_never
from urllib.parse import quote
from xml.etree.ElementTree import Element

from pydantic import BaseModel, ConfigDict

from engine.model import (
    Chapter,
    Choice,
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
from engine.text.choice_refs import course_with_labels
from renderers.banks.categories import category_text
from renderers.banks.cdata import to_bytes_cdata
from renderers.banks.fidelity import FidelityReport
from renderers.banks.grades import grade_text, is_exact_grade, nearest_grade
from renderers.banks.labels import unit_note_html, word
from renderers.banks.markup import Html, Markup
from renderers.banks.media import Media
from renderers.banks.moodle_cloze import blank_mark, embedded_answers
from renderers.banks.plaintext import has_math, readable_text
from renderers.base import Bundle, RenderContext
from renderers.common.numbers import accepted_intervals, decimal_text
from renderers.common.xml import el, sub

_TEXT_FIELDS = frozenset({"text"})


class MoodleOptions(BaseModel):
    """Options of the Moodle XML export."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ordering: bool = True
    """Write ordering questions as qtype_ordering (false: as matching, for old Moodles)."""


class MoodleRenderer:
    """The course's questions as one Moodle XML file, a category per section and chapter."""

    name: ClassVar[str] = "moodle"
    description: ClassVar[str] = "Moodle XML question bank"
    Options: ClassVar[type[MoodleOptions]] = MoodleOptions
    output_folder: ClassVar[str | None] = None

    def render(self, course: Course, ctx: RenderContext[MoodleOptions]) -> Bundle:
        options = ctx.options
        # The LMS shuffles and shows no numbers: a reference is the option's quoted text.
        course = course_with_labels(course)
        report = FidelityReport(self.name, "Moodle XML", course, ctx)
        writer = _MoodleWriter(course, report, options)
        quiz = el("quiz")
        for section in course.sections:
            if not any(c.questions for c in section.chapters):
                continue
            quiz.append(_category(category_text(course.title, section.title),
                                  f"{course.id}.{section.id}"))
            for chapter in section.chapters:
                if not chapter.questions:
                    continue
                quiz.append(_category(category_text(course.title, section.title, chapter.title),
                                      f"{course.id}.{chapter.id}"))
                for question in chapter.questions:
                    element = writer.question(question, chapter)
                    if element is not None:
                        quiz.append(element)
        return {
            PurePosixPath(f"{course.id}-moodle.xml"): to_bytes_cdata(quiz, _TEXT_FIELDS,
                                                                     _TEXT_FIELDS),
            report.path: report.to_json(),
        }


def _category(path: str, idnumber: str) -> Element:
    question = el("question", {"type": "category"})
    sub(sub(question, "category"), "text", path)
    sub(sub(question, "info", {"format": "html"}), "text", "")
    sub(question, "idnumber", idnumber)
    return question


class _MoodleWriter:
    def __init__(self, course: Course, report: FidelityReport, options: MoodleOptions) -> None:
        self.course = course
        self.report = report
        self.options = options
        self.media = Media(course, "", lambda rel: "@@PLUGINFILE@@/" + quote(rel))
        self.markup = Markup(course, self.media)

    def question(self, q: QuestionType, chapter: Chapter) -> Element | None:
        self.chapter = chapter
        match q:
            case SingleChoice() | MultipleChoice():
                return self._multichoice(q)
            case TrueFalse():
                return self._truefalse(q)
            case Numeric():
                return self._numerical(q)
            case Text():
                return self._shortanswer(q)
            case Cloze():
                return self._cloze(q)
            case Matching():
                return self._matching(q, [(p.left, p.right) for p in q.pairs], q.distractors,
                                      q.shuffle)
            case Ordering():
                return self._ordering(q)
            case other:
                assert_never(other)

    # --- shared parts ---------------------------------------------------------------

    def _html(self, markdown: str, inline: bool = False) -> Html:
        return (self.markup.inline if inline else self.markup.block)(markdown, self.chapter)

    def _field(self, parent: Element, tag: str, content: Html | None, html: str | None = None,
               ) -> Element:
        """`<tag format="html"><text/><file/>...</tag>`; `html` replaces the rendered text."""
        field = sub(parent, tag, {"format": "html"})
        self._fill(field, content, html)
        return field

    def _fill(self, element: Element, content: Html | None, html: str | None = None) -> None:
        sub(element, "text", html if html is not None else (content.html if content else ""))
        for rel in sorted(set(content.images)) if content else []:
            folder = posixpath.dirname(rel)
            sub(element, "file", {
                "name": posixpath.basename(rel),
                "path": f"/{folder}/" if folder else "/",
                "encoding": "base64",
            }, base64.b64encode(self.media.files[rel]).decode("ascii"))

    def _head(self, q: QuestionType, qtype: str, stem: Html, html: str | None = None,
              hints: bool = True) -> Element:
        question = el("question", {"type": qtype})
        sub(sub(question, "name"), "text", q.id)
        self._field(question, "questiontext", stem, html)
        explanation = self._html(q.explanation) if q.explanation else None
        self._field(question, "generalfeedback", explanation)
        sub(question, "defaultgrade", decimal_text(q.points))
        # Moodle's penalty is what each further try (which reveals the next hint in
        # interactive mode) costs: the closest thing to our per-hint penalty.
        sub(question, "penalty", decimal_text(q.hint_penalty if hints else 1.0))
        sub(question, "hidden", "0")
        sub(question, "idnumber", q.id)
        return question

    def _tail(self, question: Element, q: QuestionType, hints: bool = True) -> Element:
        if hints:
            for hint in q.hints:
                self._field(question, "hint", self._html(hint))
        elif q.hints:
            self.report.lose(q, "hints", "hints dropped: Moodle true/false questions have "
                             "no hints (one try only)")
        if q.tags:
            tags = sub(question, "tags")
            for tag in q.tags:
                sub(sub(tags, "tag"), "text", tag)
        return question

    def _combined_feedback(self, question: Element) -> None:
        for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
            self._field(question, tag, None)

    def _answer(self, question: Element, fraction: str, text: Html | str,
                feedback: Html | None = None) -> Element:
        """An answer: HTML (a choice, an item) or plain text (a typed answer, a number)."""
        plain = isinstance(text, str)
        answer = sub(question, "answer", {
            "fraction": fraction, "format": "moodle_auto_format" if plain else "html"})
        if isinstance(text, str):
            sub(answer, "text", text)
        else:
            self._fill(answer, text)
        self._field(answer, "feedback", feedback)
        return answer

    # --- types --------------------------------------------------------------------------

    def _multichoice(self, q: SingleChoice | MultipleChoice) -> Element:
        question = self._head(q, "multichoice", self._html(q.prompt))
        single = isinstance(q, SingleChoice)
        sub(question, "single", "true" if single else "false")
        sub(question, "shuffleanswers", "true" if q.shuffle else "false")
        sub(question, "answernumbering", "abc")
        sub(question, "showstandardinstruction", "0")
        self._combined_feedback(question)
        if q.shuffle and any(c.fixed for c in q.choices):
            self.report.lose(q, "fixed", "fixed choice positions dropped: Moodle shuffles "
                             "all answers of a question or none")
        for choice, fraction in zip(q.choices, self._fractions(q), strict=True):
            self._choice(question, choice, fraction)
        return self._tail(question, q)

    def _fractions(self, q: SingleChoice | MultipleChoice) -> list[str]:
        if isinstance(q, SingleChoice):
            return ["100" if c.correct else "0" for c in q.choices]
        right = sum(c.correct for c in q.choices)
        share = 100.0 / right
        weight = nearest_grade(share)
        if not is_exact_grade(share):
            self.report.lose(q, "partial-credit", f"partial credit {share:.5g}% per option "
                             f"rounded to {grade_text(weight)}% (Moodle's grade list)")
        wrong = weight
        if q.scoring == "all_or_nothing":
            wrong = 100.0
            self.report.lose(q, "scoring", "all-or-nothing scoring exported as partial "
                             "credit: each right pick earns 1/k and any wrong pick scores 0 "
                             "(Moodle multiple response has no all-or-nothing mode)")
        return [grade_text(weight if c.correct else -wrong) for c in q.choices]

    def _choice(self, question: Element, choice: Choice, fraction: str) -> None:
        feedback = self._html(choice.feedback) if choice.feedback else None
        self._answer(question, fraction, self._html(choice.text, inline=True), feedback)

    def _truefalse(self, q: TrueFalse) -> Element:
        question = self._head(q, "truefalse", self._html(q.prompt), hints=False)
        for value, feedback in ((True, q.feedback_true), (False, q.feedback_false)):
            self._answer(question, "100" if value == q.answer else "0",
                         "true" if value else "false",
                         self._html(feedback) if feedback else None)
        return self._tail(question, q, hints=False)

    def _numerical(self, q: Numeric) -> Element:
        stem = self._html(q.prompt)
        html = None
        if q.unit:
            html = stem.html + unit_note_html(self.course.ui_language, q.unit)
            self.report.lose(q, "unit", f"unit '{q.unit}' shown in the question text "
                             "(Moodle accepts it typed after the number; it is not graded)")
        question = self._head(q, "numerical", stem, html)
        for interval in accepted_intervals(q.answer, q.tolerance, q.range):
            answer = self._answer(question, "100", decimal_text(interval.center))
            sub(answer, "tolerance", decimal_text(interval.margin))
        if q.unit:
            unit = sub(sub(question, "units"), "unit")
            sub(unit, "multiplier", "1")
            sub(unit, "unit_name", q.unit)
        sub(question, "unitgradingtype", "0")
        sub(question, "unitpenalty", "0")
        sub(question, "showunits", "3")
        sub(question, "unitsleft", "0")
        return self._tail(question, q)

    def _shortanswer(self, q: Text) -> Element | None:
        if not q.accept:
            self.report.skip(q, "left out: its only answer is a regular expression, which "
                             "Moodle short answers cannot express")
            return None
        question = self._head(q, "shortanswer", self._html(q.prompt))
        sub(question, "usecase", "1" if q.case_sensitive else "0")
        if q.pattern is not None:
            self.report.lose(q, "pattern", "regular expression dropped: Moodle short answers "
                             "accept listed texts (with * wildcards) only")
        for accepted in q.accept:
            self._answer(question, "100", accepted.replace("*", "\\*"))
        for wrong, message in q.feedback.items():
            self._answer(question, "0", wrong.replace("*", "\\*"), self._html(message))
        return self._tail(question, q)

    def _cloze(self, q: Cloze) -> Element | None:
        for name, blank in q.blanks.items():
            if blank.blank_kind == "text" and not blank.accept:
                self.report.skip(q, f"left out: blank '{name}' accepts only a regular "
                                 "expression, which Moodle cloze cannot express")
                return None
        rendered, tokens = self.markup.cloze(q.prompt, self.chapter)
        html = rendered.html
        mark = blank_mark(q.points, len(q.blanks))
        for name, blank in q.blanks.items():
            embedded = "{" + f"{mark or 1}:" + embedded_answers(self.report, q, name, blank) + "}"
            html = html.replace(tokens[name], embedded)
        if q.scoring == "all_or_nothing":
            self.report.lose(q, "scoring", "all-or-nothing scoring exported as partial "
                             "credit per blank: Moodle cloze grades each blank")
        if mark is None:
            self.report.lose(q, "points", f"default mark {len(q.blanks)} instead of "
                             f"{q.points:g}: Moodle sets a cloze question's mark to the sum "
                             "of its blanks' whole-number marks (1 each here); a quiz slot "
                             "rescales it")
        question = self._head(q, "cloze", rendered, html)
        return self._tail(question, q)

    def _matching(self, q: QuestionType, pairs: list[tuple[str, str]], distractors: list[str],
                  shuffle: bool) -> Element:
        question = self._head(q, "matching", self._html(q.prompt))
        sub(question, "shuffleanswers", "true" if shuffle else "false")
        self._combined_feedback(question)
        for left, right in [*pairs, *(("", d) for d in distractors)]:
            subquestion = self._field(question, "subquestion",
                                      self._html(left, inline=True) if left else None)
            sub(sub(subquestion, "answer"), "text", self._plain(q, right))
        return self._tail(question, q)

    def _plain(self, q: QuestionType, markdown: str) -> str:
        rendered = self._html(markdown, inline=True)
        text = readable_text(rendered.tree)
        if has_math(rendered.tree):
            self.report.lose(q, "math", f"math in matching answers written as plain text "
                             f"(\"{text}\"): Moodle matching answers are plain text")
        if any(e.tag != "math" for e in rendered.tree):  # markup or an image
            self.report.lose(q, "formatting", "formatting of matching answers dropped: "
                             "Moodle matching answers are plain text")
        return text

    def _ordering(self, q: Ordering) -> Element:
        if not self.options.ordering:
            self.report.lose(q, "question-type", "ordering exported as matching (each "
                             "position picks its item): ordering is switched off in options")
            if q.scoring == "all_or_nothing":
                self.report.lose(q, "scoring", "all-or-nothing scoring exported as partial "
                                 "credit per position: Moodle matching scores each pair")
            language = self.course.ui_language
            pairs = [(word(language, "position", n=n), item) for n, item in enumerate(q.items, 1)]
            return self._matching(q, pairs, [], True)
        question = self._head(q, "ordering", self._html(q.prompt))
        sub(question, "layouttype", "VERTICAL")
        sub(question, "selecttype", "ALL")
        sub(question, "selectcount", "0")
        grading = "ALL_OR_NOTHING" if q.scoring == "all_or_nothing" else "ABSOLUTE_POSITION"
        sub(question, "gradingtype", grading)
        sub(question, "showgrading", "SHOW")
        sub(question, "numberingstyle", "none")
        self._combined_feedback(question)
        # Without it qtype_ordering's import_from_xml fills in the options of two hints
        # and save_hints() stores two hints with no text and no format (PHP warnings
        # "Undefined property: stdClass::$hint"), which gives three tries in interactive
        # mode (question/type/ordering/questiontype.php, qtype_ordering::import_from_xml).
        # Moodle's own export writes it with the combined feedback.
        sub(question, "shownumcorrect")
        # qtype_ordering stores each item's position in the fraction attribute.
        for position, item in enumerate(q.items, 1):
            self._answer(question, str(position), self._html(item, inline=True))
        return self._tail(question, q)
