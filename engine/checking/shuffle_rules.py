"""Rules about shuffled options: answer keys that all sit in one authored position, texts
that name an option by its position, and `{{choice: ...}}` references that name nothing.

The codes are documented in engine/diagnostics.py; the reference syntax in
engine/text/choice_refs.py, the position words in engine/checking/position_words.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from engine.checking.markdown_rules import span_at
from engine.checking.position_words import ordinal_index, position_words
from engine.diagnostics import Code, Diagnostic, did_you_mean
from engine.loading.scalar_map import value_offset_span
from engine.model import Cloze, Course, MultipleChoice, QuestionType, SingleChoice
from engine.node import Node, source_of
from engine.span import Span
from engine.text.choice_refs import (
    Path,
    explained_texts,
    matching_options,
    options_of,
    references,
    referring_texts,
)

KEYED_AT_LEAST = 5
"""A course with fewer keyed questions (or blanks) of one kind may well have them all in one
position by chance: 1 in 4**(n-1) with four options."""


def shuffle_rules(course: Course) -> Iterator[Diagnostic]:
    """Course-wide: answer keys in one position; per question: references and positions."""
    questions = course.questions  # (a list built on each call)
    yield from _key_positions(questions)
    portuguese = course.language.lower().startswith("pt")
    for question in questions:
        yield from _reference_rules(question)
        if shuffled(question):
            yield from _position_words(question, portuguese)


def shuffled(question: QuestionType) -> bool:
    """Whether some renderer shows the options of `question` in another order than written.

    Ordering and matching explanations say "the first step" of the right order, or "the
    first pair" of the unshuffled left side: positions that mean what they say.
    """
    match question:
        case SingleChoice() | MultipleChoice():
            return question.shuffle and sum(not c.fixed for c in question.choices) > 1
        case Cloze():
            return any(b.blank_kind == "choice" for b in question.blanks.values())
        case _:
            return False


class _Key(NamedTuple):
    position: int
    node: Node
    field: str


def _key_positions(questions: list[QuestionType]) -> Iterator[Diagnostic]:
    singles: list[_Key] = []
    blanks: list[_Key] = []
    for q in questions:
        if isinstance(q, SingleChoice):
            right = [i for i, c in enumerate(q.choices) if c.correct]
            if len(right) == 1:
                singles.append(_Key(right[0], q.choices[right[0]], "correct"))
        elif isinstance(q, Cloze):
            for blank in q.blanks.values():
                if blank.blank_kind == "choice" and blank.answer in blank.choices:
                    blanks.append(_Key(blank.choices.index(str(blank.answer)), blank, "answer"))
    for keys, what, of in ((singles, "single-choice questions", "choice"),
                           (blanks, "drop-down blanks", "option")):
        if len(keys) < KEYED_AT_LEAST or len({k.position for k in keys}) != 1:
            continue
        first = keys[0]
        yield Diagnostic.of(
            Code.ANSWER_KEY_POSITION,
            f"the right {of} is {of} {first.position + 1} in all {len(keys)} {what}: "
            f"where options are not shuffled, always picking {of} {first.position + 1} "
            "scores full marks",
            first.node.span_of(first.field) or first.node.span,
            hint="reorder some options in the YAML so the right ones are spread out",
        )


def _reference_rules(question: QuestionType) -> Iterator[Diagnostic]:
    ids: list[str | None] = []
    if isinstance(question, SingleChoice | MultipleChoice):
        ids = [c.id for c in question.choices]
        for i, ident in enumerate(ids):
            if ident is not None and ident in ids[:i]:
                yield Diagnostic.of(
                    Code.DUPLICATE_ID,
                    f"choice id '{ident}' is already used in question '{question.id}'",
                    question.choices[i].span_of("id"))
    names: list[str] | None = None  # made only for a reference that names nothing
    for parts, text in referring_texts(question):
        if "{{" not in text:
            continue  # the start of every reference (most texts hold none)
        for match in references(text):
            target = match.group("target")
            found = matching_options(question, target)
            if len({option.blank for option in found}) > 1:
                yield Diagnostic.of(
                    Code.AMBIGUOUS_CHOICE,
                    f"'{{{{choice: {target}}}}}' could be the option of blank "
                    + " or ".join(f"'{option.blank}'" for option in found),
                    _span(question, parts, match.start(), match.end()),
                    hint=f"name the blank: '{{{{choice: {found[0].blank}: {target}}}}}'")
            if found:
                continue
            if names is None:
                names = [ident for ident in ids if ident] + [
                    o.text.strip() for _, o in options_of(question)]
            guess = did_you_mean(target, names)
            yield Diagnostic.of(
                Code.UNKNOWN_CHOICE,
                f"'{{{{choice: {target}}}}}' names no choice of question '{question.id}'"
                if names else
                f"question '{question.id}' has no choices for '{{{{choice: ...}}}}' to name",
                _span(question, parts, match.start(), match.end()),
                hint=f"did you mean '{{{{choice: {guess}}}}}'?" if guess else None,
            )


def _position_words(question: QuestionType, portuguese: bool) -> Iterator[Diagnostic]:
    for parts, text in explained_texts(question):
        for match in position_words(text, portuguese):
            yield Diagnostic.of(
                Code.POSITION_REFERENCE,
                f"'{' '.join(match.group(0).split())}' names an option by its position, but "
                f"the options of question '{question.id}' are shuffled",
                _span(question, parts, match.start(), match.end()),
                hint=_suggestion(question, ordinal_index(match)),
            )


def _suggestion(question: QuestionType, index: int | None) -> str:
    generic = "name the option instead: {{choice: its id}} or {{choice: its text}}"
    if not isinstance(question, SingleChoice | MultipleChoice) or index is None:
        return generic
    if not -len(question.choices) <= index < len(question.choices):
        return generic
    choice, number = question.choices[index], index % len(question.choices) + 1
    if choice.id:
        return f"if you mean choice {number}: '{{{{choice: {choice.id}}}}}'"
    if len(choice.text) <= 40 and "}}" not in choice.text and "\n" not in choice.text:
        return f"if you mean choice {number}: '{{{{choice: {choice.text.strip()}}}}}'"
    return f"give choice {number} an id (id: ...) and write '{{{{choice: that-id}}}}'"


def _span(question: QuestionType, parts: Path, start: int, end: int) -> Span | None:
    """The words from `start` to `end` of the text at `parts` (underlined when on one line)."""
    src = source_of(question)
    if src is not None:
        first = value_offset_span(src[0], (*src[1], *parts), start)
        last = value_offset_span(src[0], (*src[1], *parts), end - 1)
        if first is not None and last is not None and last.line == first.line:
            return Span(first.file, first.line, first.column, last.line, last.column + 1)
        if first is not None:
            return first
    return span_at(question, *parts) or question.span
