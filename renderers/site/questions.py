"""Questions as page data: what each of the eight types shows (grader.py: what it grades).

Shuffled orders are decided at build time from the question id (so two builds are
byte-identical), and every control carries the index the author wrote, so responses
have the shapes of `engine.grading.score` whatever the order on screen.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import assert_never

from markupsafe import Markup, escape

from engine.field_types import MARKER
from engine.grading.answer_key import correct_response
from engine.grading.score import matching_options, parse_number
from engine.model import (
    Blank,
    Choice,
    Cloze,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    QuestionType,
    SingleChoice,
    Text,
    TrueFalse,
)
from engine.text.cloze_math import option_label, tighten_math_around_markers
from renderers.site.grader import grader_data
from renderers.site.i18n import Catalog
from renderers.site.markup import PageMarkdown, json_script


@dataclass(frozen=True)
class ChoiceView:
    """One option of a choice question, as shown."""

    index: int
    html: Markup
    text: str
    correct: bool
    feedback: Markup | None
    fixed: bool = False
    """Keeps its place whatever the order (engine.model.Choice.fixed)."""


@dataclass(frozen=True)
class Note:
    """Feedback shown for one possible answer (`true`/`false`, or a known wrong text)."""

    key: str
    html: Markup


@dataclass(frozen=True)
class RowView:
    """One left-hand item of a matching question."""

    index: int
    html: Markup
    answer: Markup


@dataclass(frozen=True)
class OptionView:
    """One entry of a drop-down (the value is what the grader receives)."""

    value: str
    text: str


@dataclass(frozen=True)
class AnswerLine:
    """One line of the worked answer shown behind the disclosure."""

    label: str
    html: Markup


@dataclass(frozen=True)
class QuestionView:
    """Everything the question template needs; the fields a type does not use stay empty."""

    id: str
    type: str
    number: int
    title: str
    """"Question 2 of 8": its place in the chapter, in the interface language."""
    points: str
    prompt: Markup
    instruction: str
    hints: tuple[Markup, ...]
    hint_button: str
    explanation: Markup | None
    data: Markup
    answer: tuple[AnswerLine, ...]
    choices: tuple[ChoiceView, ...] = ()
    notes: tuple[Note, ...] = ()
    unit: str | None = None
    cloze: Markup | None = None
    rows: tuple[RowView, ...] = ()
    options: tuple[OptionView, ...] = ()
    items: tuple[ChoiceView, ...] = ()
    shuffle: bool = False
    """The options may be put in another order for each learner (order.js); the order
    here is the one shown without scripts."""


def display_order(question_id: str, count: int, salt: str = "") -> list[int]:
    """A shuffled order of `range(count)` that depends only on the question id."""

    def key(i: int) -> bytes:
        return hashlib.sha256(f"{question_id}\0{salt}\0{i}".encode()).digest()

    return sorted(range(count), key=key)


def choice_order(question_id: str, choices: Sequence[Choice], shuffle: bool) -> list[int]:
    """Shuffle the movable choices among their own slots; `fixed` ones keep their place."""
    order = list(range(len(choices)))
    if not shuffle:
        return order
    movable = [i for i, c in enumerate(choices) if not c.fixed]
    for slot, picked in zip(movable, display_order(question_id, len(movable)), strict=True):
        order[slot] = movable[picked]
    return order


def blank_option_order(question_id: str, blank_name: str, blank: Blank) -> list[int]:
    """The order a drop-down blank's options are shown in without scripts: shuffled per
    question and blank, as choices are (order.js then draws each learner's own order).

    Authors tend to write the right option first; unshuffled, "pick the first" would
    score full marks.
    """
    return display_order(question_id, len(blank.choices), f"blank:{blank_name}")


def ordering_order(question: Ordering) -> list[int]:
    """The order items are shown in: shuffled, and never already the right one."""
    order = display_order(question.id, len(question.items))
    if [question.items[i] for i in order] == list(question.items) and len(order) > 1:
        order = order[1:] + order[:1]
    return order


class QuestionBuilder:
    """Builds `QuestionView`s for one page."""

    def __init__(self, md: PageMarkdown, catalog: Catalog, chapter_id: str) -> None:
        self.md = md
        self.t = catalog
        self.chapter_id = chapter_id

    def build(self, question: QuestionType, number: int, total: int) -> QuestionView:
        """The page data of `question`, the `number`th of the `total` of its chapter."""
        t = self.t
        hint_button = (
            t.text("question.show_hint_cost", percent=t.percent(question.hint_penalty))
            if question.hint_penalty > 0 else t.text("question.show_hint")
        )
        common: dict[str, object] = {
            "id": question.id,
            "type": question.type,
            "number": number,
            "title": t.text("question.title", n=total, number=str(number)),
            "points": t.text("question.points", n=question.points),
            "prompt": self.md.block(question.prompt),
            "instruction": t.text(f"question.instruction.{question.type}"),
            "hints": tuple(self.md.block(h) for h in question.hints),
            "hint_button": hint_button,
            "explanation": self.md.block(question.explanation) if question.explanation else None,
        }
        # The fields each type shows beyond the common ones (one QuestionView made at the
        # end: `dataclasses.replace` costs more than the rest of a small question).
        fields: dict[str, object]
        match question:
            case SingleChoice() | MultipleChoice():
                fields, labels = self._choice_question(question)
            case TrueFalse():
                fields, labels = self._true_false(question)
            case Numeric():
                answer = self._numeric_answer(
                    question.answer, question.tolerance, question.range, question.unit)
                fields = {"unit": question.unit, "answer": (self._answer(answer),)}
                labels = {}
            case Text():
                notes = tuple(Note(str(i), self.md.block(message))
                              for i, message in enumerate(question.feedback.values()))
                answer = self._text_answer(
                    question.accept, question.pattern, question.case_sensitive)
                fields = {"notes": notes, "answer": (self._answer(answer),)}
                labels = {}
            case Cloze():
                fields, labels = self._cloze(question)
            case Matching():
                fields, labels = self._matching(question)
            case Ordering():
                fields, labels = self._ordering(question)
            case other:
                assert_never(other)
        data = {
            "chapter": self.chapter_id,
            "question": grader_data(question),
            "correctResponse": correct_response(question),
            "labels": labels,
        }
        common.update(fields, data=json_script(data))
        return QuestionView(**common)  # type: ignore[arg-type]

    def _answer(self, html: Markup) -> AnswerLine:
        return AnswerLine(self.t.text("question.answer"), html)

    def _choice_question(
        self, question: SingleChoice | MultipleChoice
    ) -> tuple[dict[str, object], dict[str, object]]:
        choices = self._choices(question.id, question.choices, question.shuffle)
        right = tuple(self._answer(c.html) for c in sorted(choices, key=lambda c: c.index)
                      if c.correct)
        labels: dict[str, object] = {"choices": [self.md.text(c.text) for c in question.choices]}
        return {"choices": choices, "answer": right, "shuffle": question.shuffle}, labels

    def _true_false(self, question: TrueFalse) -> tuple[dict[str, object], dict[str, object]]:
        t = self.t
        notes = []
        if question.feedback_true:
            notes.append(Note("true", self.md.block(question.feedback_true)))
        if question.feedback_false:
            notes.append(Note("false", self.md.block(question.feedback_false)))
        truth = t.text("question.true" if question.answer else "question.false")
        labels: dict[str, object] = {
            "values": {"true": t.text("question.true"), "false": t.text("question.false")}}
        return {"notes": tuple(notes), "answer": (self._answer(escape(truth)),)}, labels

    def _cloze(self, question: Cloze) -> tuple[dict[str, object], dict[str, object]]:
        answer = tuple(
            AnswerLine(self.t.text("question.blank", number=str(i)), self._blank_answer(blank))
            for i, blank in enumerate(question.blanks.values(), 1)
        )
        # The prompt is shown once, with its controls, inside the form.
        fields: dict[str, object] = {
            "prompt": Markup(""), "cloze": self._cloze_prompt(question), "answer": answer}
        return fields, {"blanks": list(question.blanks)}

    def _matching(self, question: Matching) -> tuple[dict[str, object], dict[str, object]]:
        options = matching_options(question)
        order = (display_order(question.id, len(options), "options")
                 if question.shuffle else list(range(len(options))))
        fields: dict[str, object] = {
            "shuffle": question.shuffle,
            "options": tuple(OptionView(str(i), self.md.text(options[i])) for i in order),
            "rows": tuple(RowView(i, self.md.inline(p.left), self.md.inline(p.right))
                          for i, p in enumerate(question.pairs)),
            "answer": tuple(AnswerLine(self.md.text(p.left), self.md.inline(p.right))
                            for p in question.pairs),
        }
        labels: dict[str, object] = {
            "lefts": [self.md.text(p.left) for p in question.pairs],
            "options": [self.md.text(o) for o in options],
        }
        return fields, labels

    def _ordering(self, question: Ordering) -> tuple[dict[str, object], dict[str, object]]:
        items = tuple(
            ChoiceView(i, self.md.inline(question.items[i]), self.md.text(question.items[i]),
                       False, None)
            for i in ordering_order(question)
        )
        answer = tuple(AnswerLine(f"{position}.", self.md.inline(item))
                       for position, item in enumerate(question.items, 1))
        labels: dict[str, object] = {"items": [self.md.text(item) for item in question.items]}
        return {"items": items, "answer": answer}, labels

    # --- per-type pieces -------------------------------------------------------------

    def _choices(
        self, question_id: str, choices: Sequence[Choice], shuffle: bool
    ) -> tuple[ChoiceView, ...]:
        return tuple(
            self._choice(i, choices[i]) for i in choice_order(question_id, choices, shuffle)
        )

    def _choice(self, index: int, choice: Choice) -> ChoiceView:
        feedback = self.md.block(choice.feedback) if choice.feedback is not None else None
        return ChoiceView(index, self.md.inline(choice.text), self.md.text(choice.text),
                          choice.correct, feedback, choice.fixed)

    def _number(self, value: float) -> str:
        text = format(value, ".12g")
        return text.replace(".", str(self.t.entries["_decimal"]))

    def _numeric_answer(
        self,
        answer: float | None,
        tolerance: float | str | None,
        bounds: tuple[float, float] | None,
        unit: str | None,
    ) -> Markup:
        parts: list[str] = []
        if answer is not None:
            shown = self._number(answer)
            if tolerance is not None:
                tol = tolerance.strip() if isinstance(tolerance, str) else self._number(tolerance)
                shown = self.t.text("question.plus_minus", answer=shown, tolerance=tol)
            parts.append(shown + (f" {unit}" if unit else ""))
        if bounds is not None:
            parts.append(self.t.text("question.between", low=self._number(bounds[0]),
                                     high=self._number(bounds[1]))
                         + (f" {unit}" if unit else ""))
        return Markup("<br>").join(escape(p) for p in parts)

    def _text_answer(self, accept: Sequence[str], pattern: str | None, case: bool) -> Markup:
        parts: list[Markup] = []
        if accept:
            parts.append(escape(self.t.text("question.accepted", answers=", ".join(accept))))
        elif pattern is not None:
            parts.append(self.t.markup("question.pattern", pattern=Markup(
                "<code>{}</code>").format(pattern)))
        if case:
            parts.append(escape(self.t.text("question.case_sensitive")))
        return Markup(" ").join(parts)

    def _blank_answer(self, blank: Blank) -> Markup:
        match blank.blank_kind:
            case "choice":
                return escape(blank.answer or "")
            case "text":
                return self._text_answer(blank.accept, blank.pattern, blank.case_sensitive)
            case "numeric":
                value = parse_number(blank.answer)
                return self._numeric_answer(value, blank.tolerance, blank.range, None)
            case other:
                assert_never(other)

    def _cloze_prompt(self, question: Cloze) -> Markup:
        """The prompt with each `[[name]]` marker turned into an input or a drop-down.

        Markers become private-use placeholders before Markdown runs (so emphasis rules
        cannot split them) and controls after; a marker Markdown swallowed (inside math,
        say) gets its control after the prompt, so every blank stays answerable.
        """
        names = list(question.blanks)
        placeholders = {name: f"\ue000{i}\ue001" for i, name in enumerate(names)}
        source = MARKER.sub(
            lambda m: placeholders.get(m.group(1), m.group(0)),
            tighten_math_around_markers(question.prompt))
        html = str(self.md.block(source))
        leftovers = []
        for i, name in enumerate(names):
            control = str(self._blank_control(question.id, i, name, question.blanks[name]))
            if placeholders[name] in html:
                html = html.replace(placeholders[name], control, 1)
                html = html.replace(placeholders[name], "")
            else:
                leftovers.append(control)
        if leftovers:
            html += '<p class="cloze-extra">' + " ".join(leftovers) + "</p>"
        return Markup(html)

    def _blank_control(self, question_id: str, i: int, name: str, blank: Blank) -> Markup:
        # Written with f-strings, every value escaped: what Markup.format does, faster.
        label = escape(self.t.text("question.blank", number=str(i + 1)))
        ident = escape(f"_q-{question_id}-b{i}")
        named = escape(name)
        if blank.blank_kind == "choice":
            # data-part: the authored index, from which order.js shuffles per learner.
            options = "".join(
                f'<option value="{escape(blank.choices[k])}" data-part="{k}">'
                f"{escape(option_label(blank.choices[k]))}</option>"
                for k in blank_option_order(question_id, name, blank))
            return Markup(
                f'<select class="blank" id="{ident}" data-blank="{named}" '
                f'data-shuffle="{named}" aria-label="{label}"><option value="">'
                f'{escape(self.t.text("question.choose"))}</option>{options}</select>')
        mode = "decimal" if blank.blank_kind == "numeric" else "text"
        return Markup(
            f'<input class="blank" type="text" id="{ident}" data-blank="{named}" '
            f'aria-label="{label}" inputmode="{mode}" autocomplete="off" spellcheck="false" '
            'size="10">')
