"""GIFT: Moodle's plain-text question format (one file, one `$CATEGORY` per chapter).

Spec: Moodle's GIFT importer, `question/format/gift/format.php`, and the grammar of
gift-pegjs, which the tests parse our output with. Known limits of the format, each
reported in the fidelity report rather than written wrongly:
- one answer block per question, so a cloze with several blanks is left out;
- no hints, penalty (Moodle's default 0.3333333 applies), points, units, per-question
  shuffle, all-or-nothing multiple response, regular-expression answers or
  case-sensitive short answers; no files (images);
- answer weights only below 100% in magnitude: Moodle's weight pattern reads at most
  two integer digits (`%-100%` is not a weight there), and only from Moodle's grade list.

Escaping follows Moodle's own exporter (`repchar`): a backslash before each of
`\\ ~ = # { } :` and `\\n` for a line break, in stems, answers, feedback and titles,
so no author text can open an answer block or split an answer.
"""

from __future__ import annotations

from html import escape as html_escape
from pathlib import PurePosixPath
from typing import ClassVar, assert_never

from engine.model import (
    Chapter,
    Cloze,
    Course,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    QuestionType,
    Section,
    SingleChoice,
    Text,
    TrueFalse,
)
from engine.text.choice_refs import course_with_labels
from renderers.banks.categories import category_text
from renderers.banks.fidelity import FidelityReport
from renderers.banks.grades import grade_text, is_exact_grade, nearest_grade
from renderers.banks.labels import unit_note_html, word
from renderers.banks.markup import Html, Markup
from renderers.banks.plaintext import has_math, readable_text
from renderers.base import Bundle, NoOptions, RenderContext
from renderers.common.numbers import accepted_intervals, decimal_text

MOODLE_DEFAULT_PENALTY = 0.3333333
"""The penalty Moodle gives a question whose file does not set one (question/format.php,
qformat_default::defaultquestion)."""

_SPECIAL = str.maketrans({c: "\\" + c for c in "\\~=#{}:"} | {"\n": "\\n", "\r": ""})


def escape(text: str) -> str:
    """`text` with every GIFT control character escaped (Moodle's `repchar`)."""
    return text.translate(_SPECIAL)


def escape_html(html: str) -> str:
    """Rendered HTML for a GIFT field: trimmed, escaped, no leading `%` weight look-alike."""
    html = html.strip()
    if html.startswith("%"):
        html = "&#37;" + html[1:]
    return escape(html)


def escape_answer(text: str) -> str:
    """A short-answer text: escaped, and `*` made literal (it is Moodle's wildcard)."""
    return escape(text.replace("*", "\\*"))


def category_path(course: Course, section: Section, chapter: Chapter) -> str:
    """Moodle category path, spelled as the XML export spells it (`category_text`)."""
    return category_text(course.title, section.title, chapter.title)


class GiftRenderer:
    """Every chapter's questions as GIFT, under a `$CATEGORY` line per chapter."""

    name: ClassVar[str] = "gift"
    description: ClassVar[str] = "GIFT text for Moodle's question import"
    Options: ClassVar[type[NoOptions]] = NoOptions
    output_folder: ClassVar[str | None] = None

    def render(self, course: Course, ctx: RenderContext[NoOptions]) -> Bundle:
        # The LMS shuffles and shows no numbers: a reference is the option's quoted text.
        course = course_with_labels(course)
        report = FidelityReport(self.name, "GIFT", course, ctx)
        writer = _GiftWriter(course, report)
        header = f"// {course.id} {course.version}, exported by lessonkit"
        blocks = [header]
        for _, _, section, chapter in course.numbered_chapters():
            if not chapter.questions:
                continue
            blocks.append(f"$CATEGORY: {category_path(course, section, chapter)}")
            for question in chapter.questions:
                text = writer.question(question, chapter)
                if text is not None:
                    blocks.append(text)
        return {
            PurePosixPath(f"{course.id}-gift.txt"): ("\n\n".join(blocks) + "\n").encode("utf-8"),
            report.path: report.to_json(),
        }


class _GiftWriter:
    def __init__(self, course: Course, report: FidelityReport) -> None:
        self.course = course
        self.report = report
        self.markup = Markup(course, media=None)

    def question(self, q: QuestionType, chapter: Chapter) -> str | None:
        self._common_losses(q)
        self.chapter = chapter
        stem = self._html(q, q.prompt)
        match q:
            case SingleChoice():
                answers = self._choices(q, [100.0 if c.correct else 0.0 for c in q.choices],
                                        single=True)
            case MultipleChoice():
                answers = self._multiple(q)
            case TrueFalse():
                answers = self._true_false(q)
            case Numeric():
                answers = self._numeric(q)
                if q.unit:
                    stem += escape(unit_note_html(self.course.ui_language, q.unit))
                    self.report.lose(q, "unit", f"unit '{q.unit}' shown in the question text: "
                                     "GIFT numeric questions have no unit")
            case Text():
                if not q.accept:
                    self.report.skip(q, "left out: its only answer is a regular expression, "
                                     "which GIFT cannot express")
                    return None
                answers = self._short(q, q.accept, q.pattern, q.case_sensitive, q.feedback)
            case Cloze():
                return self._cloze(q)
            case Matching():
                answers = self._matching(q, [(self._html(q, p.left, True), p.right)
                                             for p in q.pairs], q.distractors)
            case Ordering():
                answers = self._ordering(q)
            case other:
                assert_never(other)
        return self._assemble(q, stem, answers)

    # --- pieces -------------------------------------------------------------------

    def _assemble(self, q: QuestionType, stem: str, answers: list[str], after: str = "") -> str:
        # GIFT has no penalty field: qformat_gift::readquestion (question/format/gift/
        # format.php) keeps the default question's penalty 0.3333333 (true/false: 1, its
        # one try), while the Moodle XML export writes the course's hint penalty.
        if not isinstance(q, TrueFalse) and abs(q.hint_penalty - MOODLE_DEFAULT_PENALTY) > 1e-6:
            self.report.lose(q, "penalty", f"penalty {q.hint_penalty:g} per further try "
                             f"not kept: GIFT has no penalty, so Moodle applies its default "
                             f"{MOODLE_DEFAULT_PENALTY} (the Moodle XML export keeps it)")
        lines = [self._comment(q), f"::{escape(q.id)}::[html]{stem}{{"]
        lines += [f"\t{a}" for a in answers]
        if q.explanation:
            lines.append(f"\t####{self._html(q, q.explanation)}")
        lines.append("}" + after)
        return "\n".join(lines)

    def _comment(self, q: QuestionType) -> str:
        # Moodle and gift-pegjs read `[id:...]` and `[tag:...]` from comment lines.
        tags = [t for t in q.tags if "]" not in t and t.isprintable()]
        if len(tags) != len(q.tags):
            self.report.lose(q, "tags", "tags containing ']' dropped: GIFT tag comments end at ']'")
        return "// " + " ".join([f"[id:{q.id}]", *(f"[tag:{t}]" for t in tags)])

    def _html(self, q: QuestionType, markdown: str, inline: bool = False) -> str:
        rendered = (self.markup.inline if inline else self.markup.block)(markdown, self.chapter)
        self._images(q, rendered)
        return escape_html(rendered.html)

    def _images(self, q: QuestionType, rendered: Html) -> None:
        for src in rendered.dropped_images:
            self.report.lose(q, "image", f"image '{src}' replaced by its alt text: "
                             "a GIFT file cannot carry images")

    def _feedback(self, q: QuestionType, markdown: str | None) -> str:
        return f"#{self._html(q, markdown)}" if markdown else ""

    def _choices(self, q: SingleChoice | MultipleChoice, weights: list[float],
                 single: bool) -> list[str]:
        if not q.shuffle:
            self.report.lose(q, "shuffle", "'shuffle: false' dropped: GIFT cannot set "
                             "shuffling per question (Moodle's default applies)")
        elif any(c.fixed for c in q.choices):
            self.report.lose(q, "fixed", "fixed choice positions dropped: GIFT has no fixed "
                             "choices")
        answers = []
        for choice, weight in zip(q.choices, weights, strict=True):
            # Single choice marks the right answer with =; multiple response weighs each.
            right = "=" if weight == 100.0 else "~"
            mark = right if single else f"~%{grade_text(weight)}%"
            text = self._html(q, choice.text, inline=True)
            answers.append(f"{mark}{text}{self._feedback(q, choice.feedback)}")
        return answers

    def _multiple(self, q: MultipleChoice) -> list[str]:
        right = sum(c.correct for c in q.choices)
        if right == 1:
            self.report.lose(q, "question-type", "exported as single choice: its one right "
                             "option would need a 100% weight, which GIFT cannot write")
            return self._choices(q, [100.0 if c.correct else 0.0 for c in q.choices], single=True)
        if q.scoring == "all_or_nothing":
            self.report.lose(q, "scoring", "all-or-nothing scoring exported as partial credit "
                             "(+1/k per right pick, -1/k per wrong pick): GIFT has no "
                             "all-or-nothing multiple response")
        share = 100.0 / right
        weight = nearest_grade(share)
        if not is_exact_grade(share):
            self.report.lose(q, "partial-credit", f"partial credit {share:.5g}% per option "
                             f"rounded to {grade_text(weight)}% (Moodle's grade list)")
        return self._choices(q, [weight if c.correct else -weight for c in q.choices],
                             single=False)

    def _true_false(self, q: TrueFalse) -> list[str]:
        right, wrong = (
            (q.feedback_true, q.feedback_false) if q.answer else (q.feedback_false, q.feedback_true)
        )
        # Moodle reads {TRUE#feedback if wrong#feedback if right}.
        text = "TRUE" if q.answer else "FALSE"
        if wrong or right:
            text += f"#{self._html(q, wrong) if wrong else ''}"
        if right:
            text += f"#{self._html(q, right)}"
        return [text]

    def _numeric(self, q: Numeric) -> list[str]:
        intervals = accepted_intervals(q.answer, q.tolerance, q.range)
        texts = [f"{decimal_text(i.center)}:{decimal_text(i.margin)}" for i in intervals]
        if len(texts) == 1:
            return [f"#{texts[0]}"]
        return ["#", *(f"={t}" for t in texts)]

    def _short(
        self, q: QuestionType, accept: list[str], pattern: str | None, case_sensitive: bool,
        feedback: dict[str, str],
    ) -> list[str]:
        if pattern is not None:
            self.report.lose(q, "pattern", "regular expression dropped: GIFT short answers "
                             "accept listed texts only")
        if case_sensitive:
            self.report.lose(q, "case-sensitive", "case-sensitive matching dropped: GIFT "
                             "short answers ignore case")
        answers = [f"={escape_answer(a)}" for a in accept]
        answers += [f"=%0%{escape_answer(wrong)}{self._feedback(q, message)}"
                    for wrong, message in feedback.items()]
        return answers

    def _cloze(self, q: Cloze) -> str | None:
        if len(q.blanks) != 1:
            self.report.skip(q, f"left out: a cloze with {len(q.blanks)} blanks needs one "
                             "answer block each, and GIFT allows one per question "
                             "(the Moodle XML export carries it)")
            return None
        rendered, tokens = self.markup.cloze(q.prompt, self.chapter)
        self._images(q, rendered)
        name, blank = next(iter(q.blanks.items()))
        before, _, after = rendered.html.strip().partition(tokens[name])
        match blank.blank_kind:
            case "choice":
                answers = [("=" if c == blank.answer else "~")
                           + escape_html(html_escape(c, quote=False)) for c in blank.choices]
            case "text":
                if not blank.accept:
                    self.report.skip(q, "left out: its blank's only answer is a regular "
                                     "expression, which GIFT cannot express")
                    return None
                answers = self._short(q, blank.accept, blank.pattern, blank.case_sensitive, {})
            case "numeric":
                answer = float(blank.answer) if blank.answer is not None else None
                intervals = accepted_intervals(answer, blank.tolerance, blank.range)
                texts = [f"{decimal_text(i.center)}:{decimal_text(i.margin)}" for i in intervals]
                answers = [f"#{texts[0]}"] if len(texts) == 1 else ["#", *(f"={t}" for t in texts)]
            case other:
                assert_never(other)
        return self._assemble(q, escape(before), answers, escape(after))

    def _matching(
        self, q: QuestionType, pairs: list[tuple[str, str]], distractors: list[str]
    ) -> list[str]:
        if isinstance(q, Matching) and not q.shuffle:
            self.report.lose(q, "shuffle", "'shuffle: false' dropped: GIFT cannot set "
                             "shuffling per question (Moodle's default applies)")
        answers = [f"={left} -> {self._plain(q, right)}" for left, right in pairs]
        answers += [f"= -> {self._plain(q, d)}" for d in distractors]
        return answers

    def _plain(self, q: QuestionType, markdown: str) -> str:
        rendered = self.markup.inline(markdown, self.chapter)
        self._images(q, rendered)
        text = readable_text(rendered.tree)
        if has_math(rendered.tree):
            self.report.lose(q, "math", f"math in matching answers written as plain text "
                             f"(\"{text}\"): Moodle matching answers are plain text")
        if any(e.tag != "math" for e in rendered.tree):  # markup that plain text loses
            self.report.lose(q, "formatting", "formatting of matching answers dropped: "
                             "Moodle matching answers are plain text")
        return escape(text)

    def _ordering(self, q: Ordering) -> list[str]:
        self.report.lose(q, "question-type", "ordering exported as matching (each position "
                         "picks its item): GIFT has no ordering questions")
        if q.scoring == "all_or_nothing":
            self.report.lose(q, "scoring", "all-or-nothing scoring exported as partial credit "
                             "per position: GIFT matching scores each pair")
        language = self.course.ui_language
        pairs = [(escape_html(html_escape(word(language, "position", n=n), quote=False)), item)
                 for n, item in enumerate(q.items, 1)]
        return self._matching(q, pairs, [])

    def _common_losses(self, q: QuestionType) -> None:
        if q.hints:
            penalty = f" and their {q.hint_penalty:g} penalty" if q.hint_penalty else ""
            self.report.lose(q, "hints", f"{len(q.hints)} hint(s){penalty} dropped: "
                             "GIFT has no hints")
        if q.points != 1:
            self.report.lose(q, "points", f"points {q.points:g} dropped: GIFT has no points "
                             "(Moodle imports a default grade of 1)")
