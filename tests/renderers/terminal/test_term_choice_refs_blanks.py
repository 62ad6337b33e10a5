"""`{{choice: ...}}` naming a drop-down option in the terminal: the reference gives the
number the option is shown under in its blank's prompt, and the blank's number, whatever
the session's seed shuffled, in the course's interface language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.i18n import Catalog
from engine.loading.loader import load_course
from engine.model import Cloze, Course
from renderers.terminal.layout import layout_for
from renderers.terminal.view import as_shown, blank_prompt
from tests.helpers import INVALID, make_course


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
        complete_course: Course, language: str, word: str, blank_word: str) -> None:
    question = _cloze_with_reference(complete_course)
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


def test_a_blank_name_picks_which_drop_down_a_shared_text_means(tmp_path: Path) -> None:
    fixture = (INVALID / "ambiguous-choice.yaml").read_bytes()
    root = make_course(tmp_path / "course", role="chapter", fixture=fixture)
    question = load_course(root).questions[0]
    assert isinstance(question, Cloze)
    t = Catalog.for_language("en", "terminal")
    for seed in range(4):
        layout = layout_for(question, seed)
        shown = as_shown(question, layout, t)
        lstm = _shown_number(blank_prompt(question, "other", layout, t), "LSTM")
        gru = _shown_number(blank_prompt(question, "which", layout, t), "GRU")
        assert shown.hints[1] == f"“LSTM” (option {lstm} of blank 2) keeps a separate memory."
        # Without a blank, the first blank offering the text (check warns about it).
        assert shown.explanation == f"The reset gate is “GRU” (option {gru} of blank 1)'s.\n"
