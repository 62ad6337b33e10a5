"""How a question and its verdict look on the terminal, as lines of rich Text.

Pure functions: they build text and print nothing, so the same lines serve the coloured
front end and the plain one (which prints them without styles). Every verdict is spelled
out in words ("Correct", "right", "wrong"), never by colour or a symbol alone.
"""

from __future__ import annotations

from typing import assert_never

from rich.text import Text

from engine.cloze_math import tighten_math_around_markers
from engine.grading import Grade, matching_options, parse_number
from engine.model import (
    MARKER,
    Blank,
    Cloze,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    QuestionType,
    SingleChoice,
    TrueFalse,
)
from engine.model import Text as TextQuestion
from renderers.terminal.prompts import LETTERS, Layout, label
from renderers.terminal.render import hanging, render_inline, render_markdown

RIGHT = "green"
WRONG = "red"


def number(value: float) -> str:
    """A number as a person writes it: 0.25, 86400, 1.5e-06."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"


def points(value: float) -> str:
    """Points rounded for display: 2, 1.5, 0.67."""
    return number(round(value, 2))


def of_points(earned: float, available: float) -> str:
    """`1.5 of 2 points`, `1 of 1 point`."""
    return f"{points(earned)} of {counted(available, 'point')}"


def counted(n: float, noun: str, plural: str | None = None) -> str:
    """`1 hint`, `2 hints`, `0 questions`: the noun agrees with the number."""
    return f"{points(n)} {noun if n == 1 else plural or noun + 's'}"


def instructions(question: QuestionType) -> str:
    """One line that says what to type."""
    match question:
        case SingleChoice():
            return "Answer with one number, such as 2 (or its letter, b)."
        case MultipleChoice():
            return "Answer with every right number, such as 1,3 (or letters, ac)."
        case TrueFalse():
            return "Answer t (true) or f (false)."
        case Numeric():
            unit = f" in {question.unit}" if question.unit else ""
            return f"Answer with a number{unit}, such as 0.25 (or 0,25)."
        case TextQuestion():
            return "Type your answer."
        case Cloze():
            return "Fill in each blank at its own prompt."
        case Matching():
            count = len(question.pairs)
            return (
                f"Answer with one letter per numbered item, in order, such as "
                f"{LETTERS[:count][::-1]} (or pairs: 1{LETTERS[count - 1]} 2{LETTERS[0]} ...)."
            )
        case Ordering():
            count = len(question.items)
            example = " ".join(str(n) for n in range(count, 0, -1))
            return f"Answer with all the numbers in the right order, such as {example}."
        case other:
            assert_never(other)


def cloze_prompt(question: Cloze) -> str:
    """The prompt with each `[[name]]` marker replaced by a numbered gap."""
    names = list(question.blanks)

    def gap(match: object) -> str:
        name = match.group(1)  # type: ignore[attr-defined]
        number_ = names.index(name) + 1 if name in names else "?"
        return f"\\[{number_}: \\_\\_\\_\\_\\]"

    # A formula cut by a blank is written tight around it, as on the site: `$h_t = $` is
    # not math in the course's dialect (a `$` span may not end with a space).
    return MARKER.sub(gap, tighten_math_around_markers(question.prompt))


def question_lines(question: QuestionType, layout: Layout, width: int | None) -> list[Text]:
    """The prompt and the options, as shown before the learner answers."""
    prompt = cloze_prompt(question) if isinstance(question, Cloze) else question.prompt
    lines = render_markdown(prompt, width)
    match question:
        case SingleChoice() | MultipleChoice():
            for position, authored in enumerate(layout.order):
                lines.append(_option(label(position), question.choices[authored].text, width))
        case Matching():
            lines.extend(
                _option(f"{n}.", pair.left, width) for n, pair in enumerate(question.pairs, 1)
            )
            lines.append(Text("Match each with one of:"))
            options = matching_options(question)
            lines.extend(
                _option(f"{LETTERS[position]})", options[authored], width)
                for position, authored in enumerate(layout.order)
            )
        case Ordering():
            lines.extend(
                _option(label(position), question.items[authored], width)
                for position, authored in enumerate(layout.order)
            )
        case TrueFalse() | Numeric() | TextQuestion() | Cloze():
            pass
        case other:
            assert_never(other)
    return lines


def blank_prompt(question: Cloze, name: str) -> str:
    """The prompt for one blank: its number, and its options when it has any."""
    names = list(question.blanks)
    blank = question.blanks[name]
    head = f"Blank {names.index(name) + 1} of {len(names)}"
    if blank.blank_kind == "choice":
        options = ", ".join(f"{n}) {c}" for n, c in enumerate(blank.choices, 1))
        return f"{head}, one of [{options}]: "
    return f"{head}: "


def _option(tag: str, markdown: str, width: int | None = None) -> Text:
    return hanging(Text(f"  {tag} ") + render_inline(markdown), len(tag) + 3, width)


# --- the verdict --------------------------------------------------------------------------


def verdict_lines(
    question: QuestionType, layout: Layout, response: object, grade: Grade, hints_used: int
) -> list[Text]:
    """Right or wrong, the points, what was right in the response, and the right answer."""
    if grade.correct:
        head = Text("Correct.", style=f"bold {RIGHT}")
    elif grade.fraction > 0:
        head = Text("Partly right.", style="bold yellow")
    else:
        head = Text("Incorrect.", style=f"bold {WRONG}")
    head.append(f" {of_points(grade.points, grade.max_points)}.")
    if hints_used and question.hint_penalty:
        lost = min(grade.fraction, hints_used * question.hint_penalty) * grade.max_points
        head.append(f" {points(lost)} taken off for {counted(hints_used, 'hint')}.")
    lines = [head, *_details(question, layout, response, grade)]
    verdict = head.plain.split(" ", 1)[0]
    for message in grade.feedback:
        lines.append(Text("  ") + render_inline(_without_verdict(message, verdict)))
    return lines


def _without_verdict(message: str, verdict: str) -> str:
    """The author's feedback without a first word that repeats the verdict just shown.

    A `feedback_false: "Correct. ..."` would otherwise read "Correct. ... Correct. ...".
    """
    first, _, rest = message.partition(" ")
    if rest and first.rstrip(".!:,").lower() == verdict.rstrip(".!:,").lower():
        return rest[:1].upper() + rest[1:]
    return message


def _mark(ok: bool) -> Text:
    return Text("right", style=RIGHT) if ok else Text("wrong", style=WRONG)


def _details(  # the per-type verdict; long, but one case per question type
    question: QuestionType, layout: Layout, response: object, grade: Grade
) -> list[Text]:
    match question:
        case SingleChoice() | MultipleChoice():
            right = [p for p, a in enumerate(layout.order) if question.choices[a].correct]
            lines = []
            if isinstance(question, MultipleChoice):
                # In the order the learner saw the options, not the authored order.
                for part in sorted(grade.parts, key=lambda p: layout.position(int(p.key))):
                    position = layout.position(int(part.key))
                    choice = question.choices[int(part.key)]
                    lines.append(
                        Text(f"  {label(position)} ") + render_inline(choice.text) + " - "
                        + _mark(part.correct)
                    )
            answer = Text(", ").join(
                Text(f"{label(p)} ") + render_inline(question.choices[layout.authored(p)].text)
                for p in right
            )
            return [*lines, Text("Right answer: ", style="bold") + answer]
        case TrueFalse():
            return [Text("Right answer: ", style="bold") + ("true" if question.answer else "false")]
        case Numeric():
            return [Text("Right answer: ", style="bold") + numeric_answer(question)]
        case TextQuestion():
            shown = question.accept[0] if question.accept else f"matching /{question.pattern}/"
            line = Text("Right answer: ", style="bold") + shown
            if len(question.accept) > 1:
                line.append(f" (also accepted: {', '.join(question.accept[1:])})")
            return [line]
        case Cloze():
            filled = response if isinstance(response, dict) else {}
            lines = []
            for n, part in enumerate(grade.parts, 1):
                blank = question.blanks[part.key]
                given = filled.get(part.key) or "(empty)"
                line = Text(f"  [{n}] {given} - ") + _mark(part.correct)
                if not part.correct:
                    line.append(f"; right: {blank_answer(blank)}")
                lines.append(line)
            return lines
        case Matching():
            options = matching_options(question)
            chosen = response if isinstance(response, list) else []
            lines = []
            for n, (pair, part) in enumerate(zip(question.pairs, grade.parts, strict=False), 1):
                pick = chosen[n - 1] if n - 1 < len(chosen) else None
                picked = "-"
                if pick is not None:
                    picked = f"{LETTERS[layout.position(pick)]}) {options[pick]}"
                line = Text(f"  {n}. ") + render_inline(pair.left) + f" -> {picked} - "
                line += _mark(part.correct)
                if not part.correct:
                    shown_at = layout.position(options.index(pair.right))
                    line.append(f"; right: {LETTERS[shown_at]}) {pair.right}")
                lines.append(line)
            return lines
        case Ordering():
            order = [label(layout.position(i)).rstrip(")") for i in range(len(question.items))]
            lines = [Text("Right order: ", style="bold") + " ".join(order)]
            lines.extend(
                Text(f"  {n}. ") + render_inline(item) for n, item in enumerate(question.items, 1)
            )
            return lines
        case other:
            assert_never(other)


def numeric_answer(question: Numeric) -> str:
    """The accepted answer of a numeric question, in words a learner reads."""
    unit = f" {question.unit}" if question.unit else ""
    parts = []
    if question.answer is not None:
        tolerance = question.tolerance
        if isinstance(tolerance, str):
            parts.append(f"{number(question.answer)}{unit} ± {tolerance.strip()}")
        elif tolerance:
            parts.append(f"{number(question.answer)} ± {number(tolerance)}{unit}")
        else:
            parts.append(f"{number(question.answer)}{unit}")
    if question.range is not None:
        low, high = question.range
        parts.append(f"anything from {number(low)} to {number(high)}{unit}")
    return " or ".join(parts)


def blank_answer(blank: Blank) -> str:
    """The accepted answer of one cloze blank."""
    match blank.blank_kind:
        case "choice":
            return str(blank.answer or "")
        case "text":
            return blank.accept[0] if blank.accept else f"matching /{blank.pattern}/"
        case "numeric":
            value = parse_number(blank.answer)
            if value is None and blank.range is not None:
                return f"anything from {number(blank.range[0])} to {number(blank.range[1])}"
            return number(value) if value is not None else ""
        case other:
            assert_never(other)
