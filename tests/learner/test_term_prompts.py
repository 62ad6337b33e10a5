"""Reading typed answers: every form each type accepts, and the hint when it is wrong."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.grading.answer_key import correct_response
from engine.grading.score import grade
from engine.model import Cloze, Course, QuestionType
from engine.text.cloze_math import option_label
from learner.prompts import AnswerError, parse_answer, parse_blank
from learner.screen import terminal_words
from renderers.terminal.layout import Layout, layout_for
from renderers.terminal.view import blank_answer, blank_prompt
from tests.learner.helpers import right_lines


def _question(course: Course, question_id: str) -> QuestionType:
    return next(q for q in course.questions if q.id == question_id)


def test_single_choice_maps_the_shown_number_and_letter_to_the_authored_index(
    course: Course,
) -> None:
    question = _question(course, "single-all-options")
    layout = Layout((2, 0, 1, 3))  # shown: "no", "An RNN", "feed-forward", "None"
    assert parse_answer(question, layout, "2") == 0
    assert parse_answer(question, layout, "b") == 0
    assert parse_answer(question, layout, " B) ") == 0
    assert parse_answer(question, layout, "1") == 2
    for bad in ("5", "e", "0", "1,2", "An RNN"):
        with pytest.raises(AnswerError, match="from 1 to 4 or a letter from a to d"):
            parse_answer(question, layout, bad)


def test_multiple_choice_takes_numbers_or_letters_in_any_separator(course: Course) -> None:
    question = _question(course, "multiple-partial")
    layout = Layout((3, 2, 1, 0))
    expected = [1, 2]  # shown at positions 2 and 3
    for typed in ("2,3", "2 3", "3, 2", "bc", "b c", "23", "c;b", "2,2,3"):
        assert parse_answer(question, layout, typed) == expected, typed
    for bad in ("5", "2,x", "ae", ""):
        with pytest.raises(AnswerError):
            parse_answer(question, layout, bad)


def test_true_false_words(course: Course) -> None:
    question = _question(course, "tf-true")
    for word in ("t", "T", "true", "yes", "y"):
        assert parse_answer(question, Layout(), word) is True
    for word in ("f", "False", "no", "n"):
        assert parse_answer(question, Layout(), word) is False
    with pytest.raises(AnswerError, match="t for true or f for false"):
        parse_answer(question, Layout(), "maybe")


def test_numeric_is_locale_tolerant_and_accepts_the_unit(course: Course) -> None:
    question = _question(course, "numeric-abs")  # unit: units
    assert parse_answer(question, Layout(), "0,25") == 0.25
    assert parse_answer(question, Layout(), "0.25 units") == 0.25
    assert parse_answer(question, Layout(), "−0.5") == -0.5
    assert _question(course, "numeric-rel").id == "numeric-rel"
    assert parse_answer(_question(course, "numeric-rel"), Layout(), "86 400") == 86400
    with pytest.raises(AnswerError, match="Type a number"):
        parse_answer(question, Layout(), "a quarter")
    # 1,440 is 1440 to some readers and 1.44 to others: the learner is asked which.
    with pytest.raises(AnswerError, match=r"1,440 can be read as 1440 or as 1\.44"):
        parse_answer(question, Layout(), "1,440")
    assert parse_answer(question, Layout(), "1,440,000") == 1440000


def test_matching_takes_letters_in_order_or_pairs(course: Course) -> None:
    question = _question(course, "matching")  # options: LSTM, GRU, Plain RNN, Transformer
    layout = Layout((3, 2, 1, 0))  # shown: a) Transformer b) Plain RNN c) GRU d) LSTM
    right = [0, 1, 2]
    for typed in ("dcb", "d c b", "1d 2c 3b", "3b, 1-d, 2=c", "1:d 2:c 3:b"):
        assert parse_answer(question, layout, typed) == right, typed
    for bad in ("dc", "dcbx", "1d 2c", "1d 2c 3b 4a", "zzz"):
        with pytest.raises(AnswerError, match="one letter"):
            parse_answer(question, layout, bad)


def test_ordering_needs_every_item_once(course: Course) -> None:
    question = _question(course, "ordering-partial")  # items 0.1, 1, 10
    layout = Layout((2, 0, 1))  # shown: 10, 0.1, 1
    assert parse_answer(question, layout, "2 3 1") == [0, 1, 2]
    assert parse_answer(question, layout, "231") == [0, 1, 2]
    assert parse_answer(question, layout, "bca") == [0, 1, 2]
    for bad in ("2 3", "2 2 1", "1 2 3 4", "x"):
        with pytest.raises(AnswerError, match="all 3 numbers once each"):
            parse_answer(question, layout, bad)


def test_cloze_blanks_are_read_one_by_one(course: Course) -> None:
    question = _question(course, "cloze-all-kinds")
    assert question.type == "cloze"
    blanks = question.blanks
    shown = (2, 0, 1)  # RNN, GRU, LSTM: numbers and letters are positions on screen
    assert parse_blank(blanks["which"], shown, "1") == "RNN"
    assert parse_blank(blanks["which"], shown, "b") == "GRU"
    assert parse_blank(blanks["which"], shown, "lstm") == "LSTM"
    assert parse_blank(blanks["bound"], (), "1,0") == "1,0"
    assert parse_blank(blanks["cell"], (), " LSTM ") == "LSTM"
    with pytest.raises(AnswerError, match="Type a number"):
        parse_blank(blanks["bound"], (), "one")
    with pytest.raises(AnswerError, match="can be read as 1000 or as 1"):
        parse_blank(blanks["bound"], (), "1,000")
    with pytest.raises(AnswerError, match="one option"):
        parse_blank(blanks["which"], shown, "CNN")
    with pytest.raises(AnswerError, match="one blank at a time"):
        parse_answer(question, Layout(), "LSTM")


def test_layout_is_stable_per_seed_and_keeps_fixed_choices(course: Course) -> None:
    question = _question(course, "single-all-options")
    orders = {layout_for(question, seed).order for seed in range(40)}
    assert len(orders) > 1  # it does shuffle
    assert all(order[3] == 3 for order in orders)  # "None of the above" is fixed: stays last
    assert layout_for(question, 7) == layout_for(question, 7)
    unshuffled = _question(course, "multiple-partial")  # shuffle: false
    assert {layout_for(unshuffled, s).order for s in range(10)} == {(0, 1, 2, 3)}


def test_drop_down_options_are_shuffled_per_seed(course: Course) -> None:
    question = _question(course, "cloze-all-kinds")
    orders = {layout_for(question, seed).blank_order("which") for seed in range(40)}
    assert len(orders) == 6  # every order of the three options turns up
    assert layout_for(question, 7) == layout_for(question, 7)
    assert layout_for(question, 7).blank_order("cell") == ()  # a typed blank has no options


def test_ordering_is_never_shown_already_solved(course: Course) -> None:
    question = _question(course, "ordering-partial")
    assert all(layout_for(question, seed).order != (0, 1, 2) for seed in range(200))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**31 - 1))
def test_typing_the_shown_right_answer_scores_like_the_answer_key(
    course: Course, seed: int
) -> None:
    """Whatever the shuffle, the terminal's score equals the engine's for the same answer."""
    for question in course.questions:
        lines = right_lines(question, seed)
        if question.type == "cloze":
            response: object = {
                name: parse_blank(blank, layout_for(question, seed).blank_order(name), line)
                for (name, blank), line in zip(question.blanks.items(), lines, strict=True)
            }
        else:
            response = parse_answer(question, layout_for(question, seed), lines[0])
        ours = grade(question, response)  # type: ignore[arg-type]
        assert ours.correct and ours.points == question.points, question.id
        if question.type in {"single", "multiple", "matching", "ordering"}:
            # The authored indices, whatever the order on screen: the same response the
            # website's grader receives for the same choice.
            assert response == correct_response(question), question.id


def test_drop_down_options_show_math_as_the_site_does(sample_course: Course) -> None:
    # The sample course's drop-downs offer `W_hh`, `h_{t-1}`...: the prompt shows Wₕₕ and
    # hₜ₋₁, the verdict too, and typing what is shown picks the option.
    words = terminal_words()
    clozes = [q for q in sample_course.questions if isinstance(q, Cloze)]
    shown_math = 0
    for question in clozes:
        layout = layout_for(question, 1)
        for name, blank in question.blanks.items():
            if blank.blank_kind != "choice":
                continue
            prompt = blank_prompt(question, name, layout, words)
            assert not re.search(r"[_^\\$]", prompt), prompt
            for choice in blank.choices:
                label = option_label(choice)
                shown_math += label != choice
                assert parse_blank(blank, layout.blank_order(name), label) == choice
            assert "_" not in blank_answer(blank, words)
    assert shown_math >= 3
