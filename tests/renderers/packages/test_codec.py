"""The SCORM bridge's suspend_data encoding: exact round trips, and compact enough for 1.2.

SCORM 1.2 gives a SCO 4096 characters of suspend_data, and the bridge writes nothing
larger (scorm-bridge.js). A learner who answered every question of the sample course
(with the state the site keeps, in the shape documented in renderers/site/__init__.py)
must still fit. With 22 chapters and 141 questions that state takes about 3,900
characters, about 27 per question (mostly the question's hash token and answer time,
which do not compress). When the whole state does not fit, the bridge sheds details the
site never shows (answer times, attempt counts, chapter dates; scorm-bridge.js) and keeps
every mark and score, which takes a one-SCO package to roughly 200 questions; a larger
course needs one SCO per chapter (``renderers: {scorm12: {sco: chapter}}``).
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from engine.grading.answer_key import correct_response
from engine.model import Course
from renderers.packages.bridge import bridge_script, bridge_settings

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("lms-browser")]

SCORM12_SUSPEND_LIMIT = 4096  # cmi.suspend_data, SCORM 1.2 run-time environment


def _bridge_page(page: Any, course: Course) -> None:
    settings = bridge_settings(course, "scorm12", {"course": course.questions}, lambda q, m: None)
    page.set_content(f"<script>{bridge_script('scorm12', settings).decode()}</script>")


def _full_state(course: Course) -> dict[str, Any]:
    """Every question answered (some twice, some with hints), every chapter done and rated."""
    rng = random.Random(5)
    at = 1_800_000_000_000
    state: dict[str, Any] = {"version": 1, "course": course.id, "answers": {}, "hints": {},
                             "chapters": {}, "feedback": {}}
    for question in course.questions:
        at += rng.randint(8_000, 180_000)
        response = correct_response(question)
        hints = rng.choice([0, 0, 0, 1])
        if hints:
            state["hints"][question.id] = hints
        state["answers"][question.id] = {
            "response": response, "fraction": 1, "score": 1 - hints * question.hint_penalty,
            "points": question.points * (1 - hints * question.hint_penalty),
            "maxPoints": question.points, "hintsUsed": hints,
            "attempts": rng.choice([1, 1, 2]), "at": at,
        }
    for chapter in course.chapters:
        state["chapters"][chapter.id] = {"completed": True, "score": 4.5, "maxScore": 6, "at": at}
        state["feedback"][chapter.id] = {"clear": rng.random() < 0.8,
                                         "comment": rng.choice(["", "", "The figure helped."]),
                                         "sent": False, "at": at}
    return state


_SUSPEND = """([state, limit]) => {
  const text = window.LessonkitBridge.suspendText(state, limit);
  const whole = window.LessonkitBridge.codec.encode([1, state]);
  return {length: text.length, wholeLength: whole.length, tag: text[0],
          back: window.LessonkitBridge.codec.decode(text)};
}"""

# What resuming needs: every mark the learner sees and every score the LMS hears.
_KEPT = {
    "answers": ("response", "fraction", "score", "points", "maxPoints", "hintsUsed"),
    "chapters": ("completed", "score", "maxScore"),
    "feedback": ("clear", "comment", "sent"),
}


def test_a_finished_sample_course_resumes_from_scorm12_suspend_data(
    page: Any, sample_course: Course
) -> None:
    _bridge_page(page, sample_course)
    state = _full_state(sample_course)
    raw = len(json.dumps(state, separators=(",", ":")))
    result = page.evaluate(_SUSPEND, [state, SCORM12_SUSPEND_LIMIT])
    assert raw > 20_000
    assert result["tag"] == "L"
    assert result["length"] <= SCORM12_SUSPEND_LIMIT, (raw, result["length"])
    version, back = result["back"]
    assert version == 1 and back["hints"] == state["hints"]
    for part, fields in _KEPT.items():
        assert back[part].keys() == state[part].keys()
        for key, record in state[part].items():
            assert {f: back[part][key][f] for f in fields} == {f: record[f] for f in fields}
    if result["wholeLength"] <= SCORM12_SUSPEND_LIMIT:
        assert back == state


def test_a_state_that_fits_is_stored_whole(page: Any, complete_course: Course) -> None:
    _bridge_page(page, complete_course)
    state = _full_state(complete_course)
    result = page.evaluate(_SUSPEND, [state, SCORM12_SUSPEND_LIMIT])
    assert result["length"] == result["wholeLength"] <= SCORM12_SUSPEND_LIMIT
    assert result["back"] == [1, state]


def test_details_are_shed_in_order_until_the_state_fits(
    page: Any, sample_course: Course
) -> None:
    """Answer times go first, then attempt counts, then chapter dates."""
    _bridge_page(page, sample_course)
    state = _full_state(sample_course)
    whole = page.evaluate(_SUSPEND, [state, 10**6])
    assert whole["back"] == [1, state]
    limits = range(whole["length"], 1000, -20)
    shed: list[tuple[bool, bool, bool]] = []
    for limit in limits:
        result = page.evaluate(_SUSPEND, [state, limit])
        if result["length"] > limit:
            break
        back = result["back"][1]
        answer = next(iter(back["answers"].values()))
        chapter = next(iter(back["chapters"].values()))
        shed.append(("at" not in answer, "attempts" not in answer, "at" not in chapter))
    assert shed[0] == (False, False, False)
    assert shed == sorted(shed)
    assert len(set(shed)) == 4, shed


def test_round_trips_are_exact(page: Any, complete_course: Course) -> None:
    _bridge_page(page, complete_course)
    cases = [
        None, {}, [], "", "~", "~~x", {"~": "~1", "~~": ["~t", [], {}]},
        ["~t", ["a"], {"b": [1]}],
        {"choices": {"a": 1}, "tf-true": "2027-01-15T08:00:00.000Z", "n": 1_800_000_000_123},
        {"x": [{"a": 1, "b": "é ☃ \u2028"}, {"a": 2, "b": "</script>"}, {"a": 3, "b": None}]},
        {"10": 1, "2": 2, "b": [1_700_000_000_000, 1_600_000_000_000, "2000-01-01T00:00:00Z"]},
        {"big": "abc" * 3000, "neg": -0.5, "float": 1e-7, "t": True},
    ]
    results = page.evaluate(
        """cases => cases.map(value => {
          const codec = window.LessonkitBridge.codec;
          const text = codec.encode(value);
          return [/^[LJR][\\x20-\\x7e]*$/.test(text),
                  JSON.stringify(codec.decode(text)) === JSON.stringify(value)];
        })""",
        cases,
    )
    assert results == [[True, True]] * len(cases)


def test_foreign_or_damaged_data_starts_afresh(page: Any, complete_course: Course) -> None:
    _bridge_page(page, complete_course)
    decoded = page.evaluate(
        """() => ["", "hello", "L", "L@@@", "J{", "Lzzzz", "R[1"].map(
          t => window.LessonkitBridge.codec.decode(t))"""
    )
    assert decoded == [None] * 7
