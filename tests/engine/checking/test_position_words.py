"""The words that name an option by its position (engine/checking/position_words.py): what counts,
and prose that only looks alike, in English and Portuguese."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.checking import position_words as position_words_module
from engine.checking.position_words import ordinal_index, position_words


def found(text: str, portuguese: bool = False) -> list[tuple[str, int | None]]:
    return [(" ".join(m.group(0).split()), ordinal_index(m))
            for m in position_words(text, portuguese)]


@pytest.mark.parametrize(("text", "expected"), [
    ("0.9 for the first case and 0.75 for the second.",
     [("the first case", 0), ("the second", 1)]),
    ("The second one is wrong.", [("The second one", 1)]),
    ("the last option is a trap", [("the last option", -1)]),
    ("the first and the third", [("the first", 0), ("the third", 2)]),
    ("Option 2 ignores the bias.", [("Option 2", 1)]),
    ("See choice B.", [("choice B", 1)]),
    ("alternative (c) is right", [("alternative (c)", 2)]),
    ("option d) is right", [("option d)", 3)]),
    ("Compare (b) with (a) and (d).", [("(b)", 1), ("(a)", 0), ("(d)", 3)]),
    ("The first\ncase holds.", [("The first case", 0)]),
])
def test_positions_are_found(text: str, expected: list[tuple[str, int | None]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "The first layer sees the input; the last step gets the loss.",
    "Every layer except the last is dropped.",
    "the choice a learner makes matters",
    "option 1.5 of the paper; choice 12 of them",
    "The first two blocks of columns are swapped.",
    "It computes the gradient twice: (a) with the backward recursion, and (b) by "
    "multiplying the Jacobians; (a) and (b) agree.",
    "aluno(a) and f(a) and `(b)` and $x_{(c)}$ and ```\n(d) the first case\n```",
    "{{choice: the first case}} is a reference, not a position.",
    "at the first step, the second layer, the third epoch",
    "a primeira opção",
])
def test_prose_that_only_looks_alike_is_left_alone(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("0,9 no primeiro caso e 0,75 no segundo.", [("no primeiro caso", 0), ("no segundo", 1)]),
    ("A segunda opção está errada.", [("A segunda opção", 1)]),
    ("Veja a alternativa B e (c).", [("alternativa B", 1), ("(c)", 2)]),
    ("a primeira e a terceira", [("a primeira", 0), ("a terceira", 2)]),
])
def test_portuguese_positions(text: str, expected: list[tuple[str, int | None]]) -> None:
    assert found(text, portuguese=True) == expected


@pytest.mark.parametrize("text", [
    "A primeira camada vê a entrada; a última camada dá a saída.",
    "Todas as camadas menos a última.",
    "o(a) aluno(a) escolhe",
    "the first case",
])
def test_portuguese_prose_left_alone(text: str) -> None:
    assert found(text, portuguese=True) == []


_FRAGMENTS = [
    "the", "The", "first", "FIRST", "second", "last", "one", "case", "option", "Option",
    "choice", "alternative", "B", "2", "(b)", "(B)", "b)", "and", "or", ".", ",", "`x`",
    "`the first`", "$x$", "$the$", "```\nthe first\n```", "{{choice: a}}", "a", "o", "na",
    "primeira", "Última", "opção", "alternativa", "segundo", "caso", "e", "ou", "\n", " ",
    "first`", "`", "$", "the last one", "the first case", "the second.", "option B",
    "choice 2", "a primeira opção", "na última alternativa", "o segundo.", "alternativa C",
    "opção B", "o último caso", "the ſecond.", "OPTİON B", "PRIMEIRA", "ÚLTIMA",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=14), st.booleans())
def test_texts_without_a_cue_have_no_match(pieces: list[str], portuguese: bool) -> None:
    """The cue search that passes most texts over never hides a match: the same matches
    come out as when every text is scanned."""
    text = " ".join(pieces)
    gated = [(m.start(), m.end()) for m in position_words(text, portuguese)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(position_words_module, "_has_cue", lambda text, portuguese: True)
        position_words_module._position_words.cache_clear()  # (found once per text)
        scanned = [(m.start(), m.end()) for m in position_words(text, portuguese)]
    position_words_module._position_words.cache_clear()
    assert gated == scanned


def test_the_cue_search_passes_plain_prose_over() -> None:
    # Would fail if the cue search matched everything (then it would save nothing).
    assert not position_words_module._has_cue("A gradient shrinks at every step.", False)
    assert not position_words_module._has_cue("O gradiente diminui a cada passo.", True)
    assert not position_words_module._has_cue("Ô gradiente diminui a cada passo.", True)


def test_the_cue_search_is_case_blind_beyond_ascii() -> None:
    # The case-blind search matches `ſ` to `s`, and `İ` to `i`: lower case does not.
    assert position_words_module._has_cue("the ſecond.", False)
    assert position_words_module._has_cue("OPTİON B", False)
    assert position_words_module._has_cue("ÚLTIMA", True)
