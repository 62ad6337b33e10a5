"""`{{choice: ...}}` in the terminal quiz, in a real pty: the explanation names an option
by its text and the number this session shows it under, whatever the seed shuffled."""

from __future__ import annotations

import re
from pathlib import Path

from tests.learner.helpers import COMPLETE, isolated_env, lessonkit
from tests.learner.terminal import Terminal


def shown_numbers(screen: str) -> dict[str, int]:
    """The number each option of the question on screen is shown under."""
    return {text.strip(): int(number)
            for number, text in re.findall(r"^\s+(\d)\) (.+)$", screen, re.MULTILINE)}


def test_the_explanation_names_options_by_the_numbers_shown(tmp_path: Path) -> None:
    seen: set[tuple[int, int]] = set()
    for seed in (3, 4, 5):
        env = isolated_env(tmp_path / str(seed))
        term = Terminal([*lessonkit(), "quiz", str(COMPLETE), "--chapter", "choices",
                         "--questions-only", "--seed", str(seed)], env, 40, 100)
        options = shown_numbers(term.wait("Keys: h hint"))
        rnn, none = options["An RNN"], options["None of the above"]
        term.answer(str(rnn))
        term.wait("Correct.")
        term.wait(f"only “An RNN” (option {rnn})")
        term.wait(f"“None of the above” (option {none})")
        term.answer("q")
        assert term.exit_status() == 0
        seen.add((rnn, none))
    # The seeds put "An RNN" in different places, so a fixed number could not pass.
    assert len({rnn for rnn, _ in seen}) > 1, seen
