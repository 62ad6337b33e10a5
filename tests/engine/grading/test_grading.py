"""The one scoring model, tested by its properties (hypothesis) and its documented boundaries."""

from __future__ import annotations

import math
import re
import string
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engine.grading.answer_key import correct_response
from engine.grading.score import (
    grade,
    matching_options,
    normalise_text,
    number_is_right,
    number_readings,
    parse_number,
    text_is_right,
)
from engine.loading.loader import load_course
from engine.model import (
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
from tests.helpers import COMPLETE_COURSE

SETTINGS = settings(deadline=None, max_examples=150,
                    suppress_health_check=[HealthCheck.too_slow])

# --- strategies ----------------------------------------------------------------------------

words = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=8)
phrases = st.lists(words, min_size=1, max_size=3).map(" ".join)
labels = st.text(min_size=1, max_size=12).filter(str.strip)
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
common: dict[str, Any] = {"kind": "question", "prompt": "Answer it.", "explanation": "Because."}


@st.composite
def extras(draw: st.DrawFn) -> dict[str, Any]:
    """The fields every question type shares: points, hints, hint penalty."""
    hints = draw(st.lists(labels, max_size=3))
    return {
        "id": "q",
        "points": draw(st.sampled_from([0, 0.5, 1, 2, 10])),
        "hints": hints,
        "hint_penalty": draw(st.floats(min_value=0, max_value=1)),
    }


@st.composite
def single_questions(draw: st.DrawFn) -> SingleChoice:
    texts = draw(st.lists(labels, min_size=2, max_size=6, unique=True))
    right = draw(st.integers(0, len(texts) - 1))
    choices = [{"text": t, "correct": i == right} for i, t in enumerate(texts)]
    return SingleChoice.model_validate(
        {**common, **draw(extras()), "type": "single", "choices": choices}
    )


@st.composite
def multiple_questions(draw: st.DrawFn) -> MultipleChoice:
    flags = draw(st.lists(st.booleans(), min_size=2, max_size=7).filter(any))
    choices = [{"text": f"choice {i}", "correct": c} for i, c in enumerate(flags)]
    scoring = draw(st.sampled_from(["partial", "all_or_nothing"]))
    return MultipleChoice.model_validate(
        {**common, **draw(extras()), "type": "multiple", "choices": choices, "scoring": scoring}
    )


@st.composite
def true_false_questions(draw: st.DrawFn) -> TrueFalse:
    return TrueFalse.model_validate(
        {**common, **draw(extras()), "type": "true_false", "answer": draw(st.booleans())}
    )


@st.composite
def tolerances(draw: st.DrawFn) -> float | str | None:
    kind = draw(st.sampled_from(["none", "absolute", "relative"]))
    if kind == "absolute":
        return draw(st.floats(min_value=0, max_value=1e3))
    if kind == "relative":
        return f"{draw(st.integers(0, 50))}%"
    return None


@st.composite
def numeric_questions(draw: st.DrawFn) -> Numeric:
    fields: dict[str, Any] = {}
    if draw(st.booleans()):
        fields["answer"] = draw(finite)
        fields["tolerance"] = draw(tolerances())
    if "answer" not in fields or draw(st.booleans()):
        low, high = sorted((draw(finite), draw(finite)))
        fields["range"] = [low, high]
    return Numeric.model_validate({**common, **draw(extras()), "type": "numeric", **fields})


@st.composite
def text_questions(draw: st.DrawFn) -> Text:
    accept = draw(st.lists(phrases, min_size=1, max_size=3))
    fields: dict[str, Any] = {"accept": accept, "case_sensitive": draw(st.booleans())}
    if draw(st.booleans()):
        fields["pattern"] = re.escape(draw(phrases)) + "s?"
    return Text.model_validate({**common, **draw(extras()), "type": "text", **fields})


@st.composite
def blanks(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["choice", "text", "numeric", "range"]))
    if kind == "choice":
        options = draw(st.lists(words, min_size=2, max_size=4, unique=True))
        return {"choices": options, "answer": draw(st.sampled_from(options))}
    if kind == "text":
        return {"accept": draw(st.lists(phrases, min_size=1, max_size=2))}
    if kind == "numeric":
        return {"answer": repr(draw(finite)), "tolerance": draw(tolerances())}
    low, high = sorted((draw(finite), draw(finite)))
    return {"range": [low, high]}


@st.composite
def cloze_questions(draw: st.DrawFn) -> Cloze:
    names = draw(st.lists(st.text(string.ascii_lowercase, min_size=1, max_size=6),
                          min_size=1, max_size=4, unique=True))
    prompt = " and ".join(f"[[{n}]]" for n in names)
    scoring = draw(st.sampled_from(["partial", "all_or_nothing"]))
    return Cloze.model_validate({
        **common, **draw(extras()), "type": "cloze", "prompt": prompt, "scoring": scoring,
        "blanks": {n: draw(blanks()) for n in names},
    })


@st.composite
def matching_questions(draw: st.DrawFn) -> Matching:
    lefts = draw(st.lists(labels, min_size=2, max_size=5, unique=True))
    rights = draw(st.lists(labels, min_size=len(lefts), max_size=len(lefts), unique=True))
    distractors = draw(st.lists(labels.filter(lambda t: t not in rights), max_size=2))
    pairs = [{"left": a, "right": b} for a, b in zip(lefts, rights, strict=True)]
    return Matching.model_validate({
        **common, **draw(extras()), "type": "matching", "pairs": pairs,
        "distractors": distractors,
    })


@st.composite
def ordering_questions(draw: st.DrawFn) -> Ordering:
    items = draw(st.lists(labels, min_size=2, max_size=6, unique=True))
    scoring = draw(st.sampled_from(["partial", "all_or_nothing"]))
    return Ordering.model_validate(
        {**common, **draw(extras()), "type": "ordering", "items": items, "scoring": scoring}
    )


questions = st.one_of(
    single_questions(), multiple_questions(), true_false_questions(), numeric_questions(),
    text_questions(), cloze_questions(), matching_questions(), ordering_questions(),
)

scalars = (
    st.none() | st.booleans() | st.integers(-3, 12) | st.floats() | st.text(max_size=12)
    | st.binary(max_size=4)
)
responses = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=6) | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=6), inner, max_size=4)
        | st.frozensets(st.integers(-2, 9), max_size=4)
    ),
    max_leaves=12,
)


# --- properties ----------------------------------------------------------------------------


@SETTINGS
@given(questions)
def test_the_correct_response_scores_full_marks(question: QuestionType) -> None:
    result = grade(question, correct_response(question))
    assert result.answered
    assert result.fraction == 1.0
    assert result.score == 1.0
    assert result.correct
    assert result.points == pytest.approx(question.points)


@SETTINGS
@given(questions, responses, st.integers(-3, 10))
def test_any_response_scores_within_zero_and_one(
    question: QuestionType, response: Any, hints_used: int
) -> None:
    result = grade(question, response, hints_used)
    assert 0.0 <= result.fraction <= 1.0
    assert 0.0 <= result.score <= result.fraction
    assert result.points == pytest.approx(result.score * question.points)
    assert result.max_points == question.points


@SETTINGS
@given(multiple_questions(), st.lists(st.integers(0, 8), max_size=10), st.randoms())
def test_order_and_repetition_of_a_multiple_selection_do_not_matter(
    question: MultipleChoice, picks: list[int], rnd: Any
) -> None:
    shuffled = list(picks) * 2
    rnd.shuffle(shuffled)
    assert grade(question, shuffled).score == grade(question, picks).score
    assert grade(question, set(picks)).score == grade(question, picks).score


@SETTINGS
@given(multiple_questions(), st.sets(st.integers(0, 6)))
def test_partial_multiple_scoring_follows_the_documented_formula(
    question: MultipleChoice, picked: set[int]
) -> None:
    picked = {i for i in picked if i < len(question.choices)}
    assume(picked)
    right = {i for i, c in enumerate(question.choices) if c.correct}
    result = grade(question, sorted(picked))
    if question.scoring == "all_or_nothing":
        assert result.score == (1.0 if picked == right else 0.0)
    else:
        expected = max(0.0, (len(picked & right) - len(picked - right)) / len(right))
        assert result.score == pytest.approx(expected)


@SETTINGS
@given(questions, st.integers(-3, 10))
def test_each_hint_costs_its_penalty_down_to_zero(question: QuestionType, hints_used: int) -> None:
    result = grade(question, correct_response(question), hints_used)
    counted = min(max(hints_used, 0), len(question.hints))
    assert result.fraction == 1.0
    assert result.score == pytest.approx(max(0.0, 1.0 - counted * question.hint_penalty))


@SETTINGS
@given(matching_questions(), st.randoms())
def test_matching_scores_the_fraction_of_pairs_right(question: Matching, rnd: Any) -> None:
    order = list(range(len(question.pairs)))
    rnd.shuffle(order)
    options = matching_options(question)
    right = sum(options[pick] == pair.right for pick, pair in zip(order, question.pairs,
                                                                   strict=True))
    assert grade(question, order).fraction == pytest.approx(right / len(question.pairs))


@SETTINGS
@given(ordering_questions(), st.randoms())
def test_ordering_scores_positions_or_all(question: Ordering, rnd: Any) -> None:
    order = list(range(len(question.items)))
    rnd.shuffle(order)
    in_place = sum(i == j for j, i in enumerate(order))
    expected = in_place / len(order) if question.scoring == "partial" else float(
        in_place == len(order))
    assert grade(question, order).fraction == pytest.approx(expected)


@SETTINGS
@given(cloze_questions(), st.data())
def test_cloze_scores_the_fraction_of_blanks_right(question: Cloze, data: st.DataObject) -> None:
    full = correct_response(question)
    assert isinstance(full, dict)
    kept = data.draw(st.sets(st.sampled_from(sorted(full))))
    response = {name: (value if name in kept else "") for name, value in full.items()}
    if not kept:
        assert not grade(question, response).answered
        return
    right = len(kept)
    expected = right / len(full) if question.scoring == "partial" else float(right == len(full))
    assert grade(question, response).fraction == pytest.approx(expected)


# --- numeric tolerance boundaries ----------------------------------------------------------


def _just_over(value: float) -> float:
    """A distance clearly beyond the grader's rounding slack (1e-9 relative)."""
    return 1e-6 * max(1.0, abs(value))


@SETTINGS
@given(finite, st.floats(min_value=0, max_value=1e4))
def test_absolute_tolerance_is_inclusive(answer: float, tolerance: float) -> None:
    assert number_is_right(answer + tolerance, answer, tolerance, None)
    assert number_is_right(answer - tolerance, answer, tolerance, None)
    outside = tolerance + _just_over(answer) + _just_over(tolerance)
    assert not number_is_right(answer + outside, answer, tolerance, None)
    assert not number_is_right(answer - outside, answer, tolerance, None)


@SETTINGS
@given(finite.filter(lambda a: abs(a) > 1e-3), st.integers(0, 50))
def test_relative_tolerance_is_inclusive(answer: float, percent: int) -> None:
    width = abs(answer) * percent / 100
    assert number_is_right(answer + width, answer, f"{percent}%", None)
    assert number_is_right(answer - width, answer, f"{percent}%", None)
    outside = width + _just_over(answer)
    assert not number_is_right(answer + outside, answer, f"{percent}%", None)
    assert not number_is_right(answer - outside, answer, f"{percent}%", None)


@SETTINGS
@given(finite, finite)
def test_range_is_inclusive(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert number_is_right(low, None, None, (low, high))
    assert number_is_right(high, None, None, (low, high))
    beyond = _just_over(max(abs(low), abs(high)))  # the slack scales with the larger bound
    assert not number_is_right(low - beyond, None, None, (low, high))
    assert not number_is_right(high + beyond, None, None, (low, high))


def test_documented_numeric_examples() -> None:
    two_percent = Numeric.model_validate({**common, "id": "q", "type": "numeric",
                                          "answer": 86400, "tolerance": "2%"})
    assert grade(two_percent, 86400 * 1.02).correct
    assert grade(two_percent, "84672").correct  # exactly 2% below
    assert not grade(two_percent, 86400 * 1.0201).correct
    decimal = Numeric.model_validate({**common, "id": "q", "type": "numeric", "answer": 0.3})
    assert grade(decimal, 0.1 + 0.2).correct  # binary rounding is not the learner's fault
    assert grade(decimal, "0,3").correct
    assert not grade(decimal, 0.3001).correct
    assert not grade(decimal, "zero point three").correct
    assert not grade(decimal, math.nan).correct
    assert not grade(decimal, math.inf).correct


# --- text matching -------------------------------------------------------------------------

whitespace = st.text(alphabet=" \t\n\u00a0", min_size=1, max_size=3)


@SETTINGS
@given(st.lists(words, min_size=1, max_size=4), st.data())
def test_text_ignores_case_and_whitespace_unless_case_sensitive(
    parts: list[str], data: st.DataObject
) -> None:
    accepted = " ".join(parts)
    gaps = [data.draw(whitespace) for _ in range(len(parts) + 1)]
    spaced = gaps[0] + "".join(p + g for p, g in zip(parts, gaps[1:], strict=True))
    recased = "".join(data.draw(st.sampled_from([c.lower(), c.upper()])) for c in spaced)
    loose = Text.model_validate({**common, "id": "q", "type": "text", "accept": [accepted]})
    strict = Text.model_validate({**common, "id": "q", "type": "text", "accept": [accepted],
                                  "case_sensitive": True})
    assert grade(loose, recased).correct
    assert grade(strict, spaced).correct
    assert grade(strict, recased).correct == (recased.split() == accepted.split())


def test_text_pattern_must_match_the_whole_answer() -> None:
    question = Text.model_validate({**common, "id": "q", "type": "text",
                                    "pattern": "back ?prop(agation)? through time"})
    assert grade(question, "Backprop  through TIME").correct
    assert not grade(question, "backprop through time, I think").correct
    assert not grade(question, "not backprop through time").correct


def test_text_feedback_for_a_known_wrong_answer() -> None:
    question = Text.model_validate({**common, "id": "q", "type": "text", "accept": ["BPTT"],
                                    "feedback": {"Backprop": "Close, but through time."}})
    result = grade(question, "  backprop ")
    assert not result.correct
    assert result.feedback == ["Close, but through time."]


def test_normalise_text_is_nfc() -> None:
    assert normalise_text("Cafe\u0301") == normalise_text("Café")


# --- parse_number --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("0.25", 0.25), ("0,25", 0.25), ("1 000,5", 1000.5), ("1\u202f000,5", 1000.5),
        ("1,000.5", 1000.5), ("1.000,5", 1000.5), ("\u22123", -3.0), ("-3", -3.0),
        ("+4", 4.0), (" 42 ", 42.0), ("1e3", 1000.0), ("2.5E-3", 0.0025), (".5", 0.5),
        ("\uff13", 3.0), (7, 7.0), (0.5, 0.5),
    ],
)
def test_parse_number_reads_what_people_type(typed: str | float, value: float) -> None:
    assert parse_number(typed) == pytest.approx(value)


@pytest.mark.parametrize(
    "typed",
    ["", "   ", "abc", "1,2,3", "1..2", "--1", "1e", "e3", "inf", "nan", "0x1F", "1/2", "12%",
     None, True, math.inf, math.nan],
)
def test_parse_number_rejects_garbage(typed: str | float | None) -> None:
    assert parse_number(typed) is None


@SETTINGS
@given(finite)
def test_parse_number_round_trips_floats(value: float) -> None:
    assert parse_number(repr(value)) == value


@SETTINGS
@given(st.text(max_size=20))
def test_parse_number_never_raises(text: str) -> None:
    result = parse_number(text)
    assert result is None or math.isfinite(result)


# --- responses that are not answers --------------------------------------------------------


@pytest.mark.parametrize("empty", [None, "", "   ", [], {}, {"a": ""}, [None, None]])
def test_empty_responses_are_not_answered(empty: Any) -> None:
    for question in _complete_questions():
        result = grade(question, empty)
        assert not result.answered, question.id
        assert result.score == 0.0


def test_false_is_an_answer_to_a_true_false_question() -> None:
    question = TrueFalse.model_validate({**common, "id": "q", "type": "true_false",
                                         "answer": False, "feedback_false": "Yes."})
    result = grade(question, False)
    assert result.answered and result.correct
    assert result.feedback == ["Yes."]


def test_a_bool_is_not_a_choice_index() -> None:
    question = SingleChoice.model_validate({**common, "id": "q", "type": "single", "choices": [
        {"text": "A"}, {"text": "B", "correct": True}]})
    assert grade(question, 1).correct
    assert not grade(question, True).correct
    assert not grade(question, [1]).correct


# --- the completeness course ---------------------------------------------------------------


def _complete_questions() -> list[QuestionType]:
    return load_course(COMPLETE_COURSE).questions


def test_every_question_of_the_completeness_course_has_a_full_mark_response() -> None:
    for question in _complete_questions():
        result = grade(question, correct_response(question))
        assert result.score == 1.0, f"{question.id}: correct_response scores {result.score}"


def test_correct_response_of_pattern_answers_is_the_first_example() -> None:
    # Answer keys for LMS exports come from correct_response. A pattern always comes with
    # at least one example in `accept` (the pattern-without-example rule), and the key is
    # that example.
    text = Text.model_validate({**common, "id": "q", "type": "text", "pattern": "4|four",
                                "accept": ["four"]})
    cloze = Cloze.model_validate({**common, "id": "q", "type": "cloze", "prompt": "[[n]]",
                                  "blanks": {"n": {"pattern": "colou?r", "accept": ["color"]}}})
    assert correct_response(text) == "four"
    assert grade(text, correct_response(text)).correct
    assert grade(cloze, correct_response(cloze)).correct


# --- what a learner types and what the course shows ---------------------------------------


@pytest.mark.parametrize(
    ("typed", "readings"),
    [
        ("1,440", (1.44, 1440.0)),
        ("-1,500", (-1.5, -1500.0)),
        ("1,44", (1.44,)),  # two decimals: only a decimal comma
        ("0,440", (0.44,)),  # thousands never start with 0
        ("1,4400", (1.44,)),
        ("1.440", (1.44,)),  # a point is a decimal point
        ("1,440,000", (1440000.0,)),  # a separator used twice groups thousands
        ("1.440.000", (1440000.0,)),
        ("1,440.5", (1440.5,)),
        ("abc", ()),
    ],
)
def test_number_readings_name_every_meaning(typed: str, readings: tuple[float, ...]) -> None:
    assert number_readings(typed) == pytest.approx(readings)


@pytest.mark.parametrize("typed", ["h₀", "h_0", "h_{0}", "H₀", "h0"])
def test_a_subscript_is_accepted_as_displayed_or_as_typed_in_tex(typed: str) -> None:
    assert text_is_right(typed, ["h_0"], None, case_sensitive=False)
    assert text_is_right(typed, ["h₀"], None, case_sensitive=False)


def test_folding_subscripts_does_not_merge_different_answers() -> None:
    assert not text_is_right("h_1", ["h_0"], None, case_sensitive=False)
    assert text_is_right("h₀", ["h_0"], None, case_sensitive=True)
    assert not text_is_right("H₀", ["h_0"], None, case_sensitive=True)
