"""`{{choice: ...}}`: naming an option of the same question so that the name survives
shuffling.

Options are shown in a shuffled order (per learner on the site, per session in the
terminal, by the LMS in the packages), so "the first case" in an explanation names
whatever the learner happens to see first. A reference names the option itself, by its
`id` (choices of single/multiple questions may carry one) or by its text (any choice, or
a drop-down option of a cloze blank), in the prompt, the explanation, a hint or a
choice's feedback. Every renderer resolves it to what the learner sees: the option's own
text in quotes where options carry no number (the site, the LMS formats), and the text
with the number it is shown under in the terminal, where options are typed by number (a
drop-down option: with its blank's number too).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from engine.model import Chapter, Cloze, Course, MultipleChoice, QuestionType, SingleChoice

REFERENCE = re.compile(r"\{\{\s*choice\s*:\s*(?P<target>.+?)\s*\}\}")
"""`{{choice: ID-or-text}}` on one line (the text may hold math; the first `}}` ends it)."""

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Option:
    """An option a reference can name: its authored index, in a drop-down blank or not."""

    index: int
    text: str
    blank: str | None = None
    """The cloze blank whose drop-down holds it; None for a choice question."""


Label = Callable[[Option], str]
"""How a renderer names a resolved option (Markdown, put where the reference was)."""


def options_of(question: QuestionType) -> list[tuple[str | None, Option]]:
    """Every option of `question` that a reference can name, with its id (if any)."""
    match question:
        case SingleChoice() | MultipleChoice():
            return [(c.id, Option(i, c.text)) for i, c in enumerate(question.choices)]
        case Cloze():
            return [(None, Option(i, text, name))
                    for name, blank in question.blanks.items()
                    for i, text in enumerate(blank.choices)]
        case _:
            return []


def find_option(question: QuestionType, target: str) -> Option | None:
    """The option `target` names: by id, else by its exact text, else ignoring case and
    runs of spaces. In a cloze, `BLANK: text` names an option of that blank's drop-down
    (the same text may be offered by several blanks; without a blank, the first)."""
    matches = matching_options(question, target)
    return matches[0] if matches else None


def matching_options(question: QuestionType, target: str) -> list[Option]:
    """Every option `target` could name, best rule first: several only when options of
    different drop-downs share the text (`check` warns: `ambiguous-choice`)."""
    options = options_of(question)
    blank, _, rest = target.partition(":")
    if isinstance(question, Cloze) and rest and blank.strip() in question.blanks:
        found = _matching([(i, o) for i, o in options if o.blank == blank.strip()],
                          rest.strip())
        if found:
            return found
    return _matching(options, target)


def _matching(options: list[tuple[str | None, Option]], target: str) -> list[Option]:
    for ident, option in options:
        if ident is not None and ident == target:
            return [option]
    for rule in (str.strip, _loosely):
        wanted = rule(target)
        found = [option for _, option in options if rule(option.text) == wanted]
        if found:
            return found
    return []


def _loosely(text: str) -> str:
    return " ".join(text.split()).casefold()


def references(text: str) -> Iterator[re.Match[str]]:
    """Every reference in `text`."""
    if "{{" in text:
        yield from REFERENCE.finditer(text)


def resolve(text: str, question: QuestionType, label: Label) -> str:
    """`text` with every reference replaced by `label(option)`; an unknown one stays as the
    author wrote it (`check` reports it as `unknown-choice`)."""
    if "{{" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        option = find_option(question, match.group("target"))
        return match.group(0) if option is None else label(option)

    return REFERENCE.sub(replace, text)


def quoted(option: Option) -> str:
    """The label where options carry no number (the site, the LMS formats): the option's
    own text in quotes, so it reads the same in whatever order the options are shown."""
    return f"“{' '.join(option.text.split())}”"


def explained_texts(question: QuestionType) -> Iterator[tuple[Path, str]]:
    """The texts that comment on the options (explanation, hints, choice feedback), each
    with its path below the question: where naming an option by position misleads."""
    if question.explanation:
        yield ("explanation",), question.explanation
    for i, hint in enumerate(question.hints):
        yield ("hints", i), hint
    if isinstance(question, SingleChoice | MultipleChoice):
        for i, choice in enumerate(question.choices):
            if choice.feedback:
                yield ("choices", i, "feedback"), choice.feedback


def referring_texts(question: QuestionType) -> Iterator[tuple[Path, str]]:
    """Every text a reference may stand in: the prompt and the explained texts."""
    yield ("prompt",), question.prompt
    yield from explained_texts(question)


def has_references(question: QuestionType) -> bool:
    """Whether any text of `question` holds `{{`, the start of a reference."""
    return any("{{" in text for _, text in referring_texts(question))


def with_labels(question: QuestionType, label: Label) -> QuestionType:
    """A copy of `question` whose references are resolved by `label` (the same object if
    it has none). Only texts change: options keep their indices and grading is the same."""
    if not has_references(question):
        return question

    def fix(text: str | None) -> str | None:
        return None if text is None else resolve(text, question, label)

    update: dict[str, object] = {
        "prompt": resolve(question.prompt, question, label),
        "explanation": fix(question.explanation),
        "hints": [resolve(h, question, label) for h in question.hints],
    }
    if isinstance(question, SingleChoice | MultipleChoice):
        update["choices"] = [c.model_copy(update={"feedback": fix(c.feedback)})
                             for c in question.choices]
    return question.model_copy(update=update)


def chapter_with_labels(chapter: Chapter, label: Label = quoted) -> Chapter:
    """`chapter` with every reference resolved by `label` (the same object if none)."""
    if not any(has_references(q) for q in chapter.questions):
        return chapter
    blocks = [with_labels(b, label) if b.kind == "question" else b for b in chapter.blocks]
    return chapter.model_copy(update={"blocks": blocks})


def course_with_labels(course: Course, label: Label = quoted,
                       chapter_labels: Callable[[Chapter], Chapter] | None = None) -> Course:
    """The course with every reference resolved by `label` (the same object if none), for
    the renderers whose options carry no number. `chapter_labels` may stand in for
    `chapter_with_labels(chapter, label)`: `serve` reuses the chapters it labelled last time."""
    labelled = chapter_labels or (lambda c: chapter_with_labels(c, label))
    chapters = [[labelled(c) for c in s.chapters] for s in course.sections]
    if all(new is old for s, listed in zip(course.sections, chapters, strict=True)
           for old, new in zip(s.chapters, listed, strict=True)):
        return course
    sections = [s.model_copy(update={"chapters": listed})
                for s, listed in zip(course.sections, chapters, strict=True)]
    return course.model_copy(update={"sections": sections})
