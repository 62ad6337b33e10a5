"""`{{choice: ...}}` naming a drop-down option in the terminal: the reference gives the
number the option is shown under in its blank's prompt, and the blank's number, whatever
the session's seed shuffled, in the course's interface language."""

from __future__ import annotations

import re

import pytest

from engine.i18n import Catalog
from engine.model import Cloze, Course
from renderers.terminal.layout import layout_for
from renderers.terminal.view import as_shown, blank_prompt


def _cloze_with_reference(course: Course) -> Cloze:
    question = next(q for q in course.questions if q.id == "cloze-all-kinds")
    assert isinstance(question, Cloze) and list(question.blanks)[2] == "which"
    return question.model_copy(update={
        "explanation": "The reset gate is in {{choice: GRU}}; {{choice: LSTM}} has none."})


def _shown_number(prompt: str, text: str) -> int:
    found = re.search(rf"(\d+)\) {re.escape(text)}\b", prompt)
    assert found, prompt
    return int(found.group(1))


@pytest.mark.parametrize(("language", "word", "blank_word"),
                         [("en", "option", "of blank"), ("pt", "opção", "da lacuna")])
def test_a_drop_down_option_is_named_with_the_number_its_blank_shows(
        course: Course, language: str, word: str, blank_word: str) -> None:
    question = _cloze_with_reference(course)
    t = Catalog.for_language(language, "terminal")
    numbers = set()
    for seed in range(6):
        layout = layout_for(question, seed)
        prompt = blank_prompt(question, "which", layout, t)
        explanation = as_shown(question, layout, t).explanation
        gru, lstm = _shown_number(prompt, "GRU"), _shown_number(prompt, "LSTM")
        assert explanation == (f"The reset gate is in “GRU” ({word} {gru} {blank_word} 3); "
                               f"“LSTM” ({word} {lstm} {blank_word} 3) has none.")
        numbers.add(gru)
    assert len(numbers) > 1  # the seeds moved the option, so a fixed number could not pass
