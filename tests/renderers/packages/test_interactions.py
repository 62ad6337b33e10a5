"""Each question type as an LMS interaction in the three vocabularies (completeness course)."""

from __future__ import annotations

import pytest

from engine.model import Course, QuestionType, SingleChoice, Text
from engine.text.markdown_dialect import plain_text as dialect_plain_text
from renderers.packages.interactions import Interaction, Standard, describe

# (question id) -> (interaction type, SCORM 1.2 patterns, SCORM 2004 / xAPI patterns)
EXPECTED: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "single-all-options": ("choice", ("a",), ("a",)),
    "multiple-partial": ("choice", ("a,b,c",), ("a[,]b[,]c",)),
    "multiple-strict": ("choice", ("a,b",), ("a[,]b",)),
    "tf-true": ("true-false", ("t",), ("true",)),
    "numeric-abs": ("numeric", ("0.25",), ("0.24[:]0.26",)),
    "numeric-rel": ("numeric", ("86400",), ("84672[:]88128",)),
    "numeric-range": ("numeric", ("1.5",), ("1[:]2",)),
    "text-accept": (
        "fill-in",
        ("BPTT", "backpropagation through time"),
        ("{case_matters=false}BPTT", "{case_matters=false}backpropagation through time"),
    ),
    "text-case": ("fill-in", ("h_t",), ("{case_matters=true}h_t",)),
    "cloze-all-kinds": (
        "fill-in", ("LSTM,1,GRU",), ("{case_matters=false}{order_matters=true}LSTM[,]1[,]GRU",)
    ),
    "cloze-strict": ("fill-in", (), ()),
    "matching": ("matching", ("a.a,b.b,c.c",), ("a[.]a[,]b[.]b[,]c[.]c",)),
    "ordering-all": ("sequencing", ("a,b,c,d,e",), ("a[,]b[,]c[,]d[,]e",)),
    "ordering-partial": ("sequencing", ("a,b,c",), ("a[,]b[,]c",)),
}
LOSSES = {"cloze-strict"}
"""A pattern- or range-only blank leaves the cloze without any correct-response pattern."""


def _describe_all(course: Course, standard: Standard) -> tuple[dict[str, Interaction], set[str]]:
    lost: set[str] = set()

    def report(question: QuestionType, message: str) -> None:
        assert message
        lost.add(question.id)

    return {q.id: describe(q, standard, report) for q in course.questions}, lost


def test_every_question_of_the_course_is_covered(complete_course: Course) -> None:
    assert sorted(q.id for q in complete_course.questions) == sorted(EXPECTED)


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004", "xapi"])
def test_types_and_correct_patterns(complete_course: Course, standard: Standard) -> None:
    described, lost = _describe_all(complete_course, standard)
    for qid, (kind, old, new) in EXPECTED.items():
        interaction = described[qid]
        assert interaction.type == kind, qid
        assert interaction.correct == (old if standard == "scorm12" else new), qid
    assert lost == LOSSES


def test_descriptions_are_plain_one_line_text(complete_course: Course) -> None:
    described, _ = _describe_all(complete_course, "scorm2004")
    single = described["single-all-options"]
    assert single.description == "Which of these is a recurrent network?"
    cloze = described["cloze-all-kinds"]
    assert cloze.description.startswith("An ___ has a forget gate;")
    assert cloze.blanks == ("cell", "bound", "which")
    matching = described["matching"]
    assert [t for _, t in matching.targets] == ["LSTM", "GRU", "Plain RNN", "Transformer"]


def test_a_pattern_only_text_question_is_reported(complete_course: Course) -> None:
    text = next(q for q in complete_course.questions if q.id == "text-accept")
    assert isinstance(text, Text)
    messages: list[str] = []
    only_pattern = text.model_copy(update={"accept": []})
    interaction = describe(only_pattern, "scorm2004", lambda q, m: messages.append(m))
    assert interaction.correct == () and len(messages) == 1
    assert "no correct response can be listed" in messages[0]


def plain_text(text: str, limit: int | None = None) -> str:
    return dialect_plain_text(text, limit, blocks=True)


def test_plain_text_strips_markdown_and_cuts() -> None:
    assert plain_text("Is **this** `code` [a link](x)?\n\nNext *para*") == (
        "Is this code a link? Next para"
    )
    assert plain_text("x" * 300, 250) == "x" * 249 + "…"


def test_too_many_choices_keep_the_result_but_not_the_response(complete_course: Course) -> None:
    single = next(q for q in complete_course.questions if q.id == "single-all-options")
    assert isinstance(single, SingleChoice)
    many = single.model_copy(
        update={"choices": [single.choices[0].model_copy(update={"text": f"c{i}"})
                            for i in range(40)]}
    )
    messages: list[str] = []
    interaction = describe(many, "scorm12", lambda q, m: messages.append(m))
    assert interaction.responses is False and interaction.correct == ()
    assert messages and "40 choices exceed the 36" in messages[0]
