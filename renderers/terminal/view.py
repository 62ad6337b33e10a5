"""How a question and its verdict look on the terminal, as lines of rich Text.

Pure functions: they build text and print nothing, so the same lines serve the coloured
front end and the plain one (which prints them without styles). Every verdict is spelled
out in words ("Correct", "right", "wrong"), never by colour or a symbol alone.
"""

from __future__ import annotations

from typing import assert_never

from rich.text import Text

from engine.field_types import MARKER
from engine.grading.score import Grade, matching_options, parse_number
from engine.i18n import Catalog
from engine.model import (
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
from engine.text.choice_refs import Option, quoted, with_labels
from engine.text.cloze_math import option_label, tighten_math_around_markers
from renderers.terminal.layout import LETTERS, Layout, label
from renderers.terminal.render import hanging, render_inline, render_markdown

RIGHT = "green"
WRONG = "red"


def number(value: float) -> str:
    """A number as a person writes it: 0.25, 86400, 1.5e-06."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"


def points(value: float, t: Catalog) -> str:
    """Points rounded for display: 2, 1.5, 0.67 (1,5 in Portuguese)."""
    return t.number(round(value, 2))


def of_points(earned: float, available: float, t: Catalog) -> str:
    """`1.5 of 2 points`, `1 of 1 point`."""
    return t.text("term.of_points", n=round(available, 2), earned=points(earned, t))


def instructions(question: QuestionType, t: Catalog) -> str:
    """One line that says what to type."""
    match question:
        case SingleChoice():
            return t.text("term.how.single")
        case MultipleChoice():
            return t.text("term.how.multiple")
        case TrueFalse():
            return t.text("term.how.true_false")
        case Numeric():
            if question.unit:
                return t.text("term.how.numeric_unit", unit=question.unit)
            return t.text("term.how.numeric")
        case TextQuestion():
            return t.text("term.how.text")
        case Cloze():
            return t.text("term.how.cloze")
        case Matching():
            count = len(question.pairs)
            return t.text("term.how.matching", example=LETTERS[:count][::-1],
                          pairs=f"1{LETTERS[count - 1]} 2{LETTERS[0]}")
        case Ordering():
            count = len(question.items)
            example = " ".join(str(n) for n in range(count, 0, -1))
            return t.text("term.how.ordering", example=example)
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


def question_lines(
    question: QuestionType, layout: Layout, width: int | None, t: Catalog
) -> list[Text]:
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
            lines.append(Text(t.text("term.match_with")))
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


def as_shown(question: QuestionType, layout: Layout, t: Catalog) -> QuestionType:
    """`question` with its `{{choice: ...}}` references named as this session shows the
    options: the text and the number the learner types (a drop-down option: that number
    and its blank's, as `blank_prompt` lists them)."""

    def shown(option: Option) -> str:
        if option.blank is not None and isinstance(question, Cloze):
            order = layout.blank_order(option.blank)
            if not order:
                return quoted(option)
            return t.text("term.choice_ref_blank", text=quoted(option),
                          number=order.index(option.index) + 1,
                          blank=list(question.blanks).index(option.blank) + 1)
        if option.blank is not None or not layout.order:
            return quoted(option)
        return t.text("term.choice_ref", text=quoted(option),
                      number=layout.position(option.index) + 1)

    return with_labels(question, shown)


def blank_prompt(question: Cloze, name: str, layout: Layout, t: Catalog) -> str:
    """The prompt for one blank: its number, and its options (in `layout`'s order) if any."""
    names = list(question.blanks)
    blank = question.blanks[name]
    head = t.text("term.blank", number=names.index(name) + 1, total=len(names))
    if blank.blank_kind == "choice":
        order = layout.blank_order(name) or tuple(range(len(blank.choices)))
        # Shown as the site's drop-down shows them: math as Unicode (`W_hh` reads Wₕₕ).
        options = ", ".join(f"{label(p)} {option_label(blank.choices[a])}"
                            for p, a in enumerate(order))
        return t.text("term.blank_choice", head=head, options=options) + ": "
    return f"{head}: "


def _option(tag: str, markdown: str, width: int | None = None) -> Text:
    return hanging(Text(f"  {tag} ") + render_inline(markdown), len(tag) + 3, width)


# --- the verdict --------------------------------------------------------------------------


def verdict_lines(
    question: QuestionType, layout: Layout, response: object, grade: Grade, hints_used: int,
    t: Catalog,
) -> list[Text]:
    """Right or wrong, the points, what was right in the response, and the right answer."""
    if grade.correct:
        head = Text(t.text("term.verdict.correct"), style=f"bold {RIGHT}")
    elif grade.fraction > 0:
        head = Text(t.text("term.verdict.partial"), style="bold yellow")
    else:
        head = Text(t.text("term.verdict.wrong"), style=f"bold {WRONG}")
    head.append(f" {of_points(grade.points, grade.max_points, t)}.")
    if hints_used and question.hint_penalty:
        lost = min(grade.fraction, hints_used * question.hint_penalty) * grade.max_points
        head.append(" " + t.text("term.hint_cost", n=hints_used, lost=points(lost, t)))
    lines = [head, *_details(question, layout, response, grade, t)]
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


def _mark(ok: bool, t: Catalog) -> Text:
    if ok:
        return Text(t.text("term.mark.right"), style=RIGHT)
    return Text(t.text("term.mark.wrong"), style=WRONG)


def _details(  # the per-type verdict; long, but one case per question type
    question: QuestionType, layout: Layout, response: object, grade: Grade, t: Catalog
) -> list[Text]:
    right_answer = Text(t.text("term.right_answer") + " ", style="bold")
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
                        + _mark(part.correct, t)
                    )
            answer = Text(", ").join(
                Text(f"{label(p)} ") + render_inline(question.choices[layout.authored(p)].text)
                for p in right
            )
            return [*lines, right_answer + answer]
        case TrueFalse():
            return [right_answer + t.text("term.true" if question.answer else "term.false")]
        case Numeric():
            return [right_answer + numeric_answer(question, t)]
        case TextQuestion():
            shown = question.accept[0] if question.accept else t.text(
                "term.matching_pattern", pattern=question.pattern)
            line = right_answer + shown
            if len(question.accept) > 1:
                line.append(" " + t.text("term.also_accepted",
                                         answers=", ".join(question.accept[1:])))
            return [line]
        case Cloze():
            filled = response if isinstance(response, dict) else {}
            lines = []
            for n, part in enumerate(grade.parts, 1):
                blank = question.blanks[part.key]
                typed = filled.get(part.key)
                if typed and question.blanks[part.key].blank_kind == "choice":
                    typed = option_label(typed)
                given = typed or t.text("term.empty")
                line = Text(f"  [{n}] {given} - ") + _mark(part.correct, t)
                if not part.correct:
                    line.append("; " + t.text("term.right_is", answer=blank_answer(blank, t)))
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
                line += _mark(part.correct, t)
                if not part.correct:
                    shown_at = layout.position(options.index(pair.right))
                    line.append("; " + t.text("term.right_is",
                                              answer=f"{LETTERS[shown_at]}) {pair.right}"))
                lines.append(line)
            return lines
        case Ordering():
            order = [label(layout.position(i)).rstrip(")") for i in range(len(question.items))]
            lines = [Text(t.text("term.right_order") + " ", style="bold") + " ".join(order)]
            lines.extend(
                Text(f"  {n}. ") + render_inline(item) for n, item in enumerate(question.items, 1)
            )
            return lines
        case other:
            assert_never(other)


def numeric_answer(question: Numeric, t: Catalog) -> str:
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
        parts.append(t.text("term.between", low=number(low), high=f"{number(high)}{unit}"))
    return t.text("term.or").join(parts)


def blank_answer(blank: Blank, t: Catalog) -> str:
    """The accepted answer of one cloze blank."""
    match blank.blank_kind:
        case "choice":
            return option_label(str(blank.answer or ""))
        case "text":
            return blank.accept[0] if blank.accept else t.text("term.matching_pattern",
                                                                pattern=blank.pattern)
        case "numeric":
            value = parse_number(blank.answer)
            if value is None and blank.range is not None:
                return t.text("term.between", low=number(blank.range[0]),
                              high=number(blank.range[1]))
            return number(value) if value is not None else ""
        case other:
            assert_never(other)
