"""Moodle's embedded answer syntax for cloze questions (qtype_multianswer).

Spec: question/type/multianswer/questiontype.php (qtype_multianswer_extract_question and
its ANSWER_*_REGEX constants) and https://docs.moodle.org/en/Cloze.
"""

from __future__ import annotations

from html import escape
from typing import assert_never

from engine.model import Blank, Cloze
from renderers.banks.fidelity import FidelityReport
from renderers.common.numbers import accepted_intervals, decimal_text


def cloze_escape(text: str) -> str:
    """An answer inside Moodle's embedded cloze syntax: HTML-escaped, then backslash-escaped."""
    text = escape(text, quote=False)
    for char in '\\}#~/"':
        text = text.replace(char, "\\" + char)
    return text


def blank_mark(points: float, blanks: int) -> int | None:
    """The mark of each cloze blank, or None when no whole number makes them sum to `points`.

    The number in `{1:SHORTANSWER:...}` is the blank's mark, not its position
    (question/type/multianswer/questiontype.php, qtype_multianswer_extract_question reads
    it with ANSWER_START_REGEX `\\{([0-9]*):` into the subquestion's defaultmark), and the
    question's default mark becomes their sum: `<defaultgrade>` is not read for cloze
    (question/format/xml/format.php, qformat_xml::import_multianswer). Every blank gets
    the same mark, since engine.grading.score weighs blanks equally.
    """
    share = points / blanks
    return int(share) if share >= 1 and share == int(share) else None


def embedded_answers(report: FidelityReport, q: Cloze, name: str, blank: Blank) -> str:
    """A blank's answers in Moodle's embedded syntax (what follows `{1:`)."""
    match blank.blank_kind:
        case "choice":
            options = [("=" if c == blank.answer else "") + cloze_escape(c)
                       for c in blank.choices]
            return "MULTICHOICE:" + "~".join(options)
        case "text":
            if blank.pattern is not None:
                report.lose(q, "pattern", f"regular expression of blank '{name}' "
                            "dropped: Moodle cloze accepts listed texts only")
            kind = "SHORTANSWER_C" if blank.case_sensitive else "SHORTANSWER"
            return kind + ":" + "~".join("=" + cloze_escape(a.replace("*", "\\*"))
                                         for a in blank.accept)
        case "numeric":
            answer = float(blank.answer) if blank.answer is not None else None
            intervals = accepted_intervals(answer, blank.tolerance, blank.range)
            return "NUMERICAL:" + "~".join(
                f"={decimal_text(i.center)}:{decimal_text(i.margin)}" for i in intervals)
        case other:
            assert_never(other)
