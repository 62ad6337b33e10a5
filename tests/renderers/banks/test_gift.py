"""GIFT read back by gift-pegjs (an independent parser) and compared with the model.

Every exported question of every fixture course must parse, and the parsed stems,
answers, weights and feedback must be exactly the model's (rendered) texts, including
strings full of `~ = # { } :` that GIFT treats specially.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

import pytest

from engine.model import (
    Cloze,
    Course,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    QuestionType,
    SingleChoice,
    Text,
    TrueFalse,
)
from engine.text.markdown import render_markdown
from renderers.banks.gift import category_path
from renderers.banks.grades import MOODLE_GRADES
from renderers.banks.labels import word
from renderers.banks.plaintext import readable_text
from renderers.banks.xhtml import parse_fragment
from tests.renderers.banks.exportkit import (
    COURSES,
    HERE,
    NODE_MODULES,
    Export,
    canon,
    chapter_of,
    expected_html,
)

# gift-pegjs leaves its escape placeholders in matching answers (its PlainText rule
# skips escapedCharacterDecode); Moodle's importer decodes them (escapedchar_post).
PLACEHOLDERS = {"&&092;": "\\", "&&058;": ":", "&&035;": "#", "&&061;": "=", "&&123;": "{",
                "&&125;": "}", "&&126;": "~", "&&010": "\n"}


@pytest.fixture(scope="module")
def parsed(export: Callable[[str, str], Export], tmp_path_factory: pytest.TempPathFactory,
           ) -> dict[str, list[dict[str, Any]]]:
    """Each course's GIFT parsed by gift-pegjs under Node: one Node run for all courses."""
    folder = tmp_path_factory.mktemp("gift")
    files = {}
    for key in COURSES:
        path = folder / f"{key}.txt"
        path.write_bytes(export(key, "gift").main)
        files[key] = str(path)
    run = subprocess.run(["node", str(HERE / "parse_gift.js"), str(NODE_MODULES),
                          *files.values()], capture_output=True, text=True, check=True,
                         timeout=120)
    result = json.loads(run.stdout)
    return {key: result[path] for key, path in files.items()}


Html = Callable[..., str | None]


def plain(text: str) -> str:
    for placeholder, char in PLACEHOLDERS.items():
        text = text.replace(placeholder, char)
    return text


@pytest.mark.parametrize("key", list(COURSES))
def test_every_exported_question_parses_back_as_the_model(
    key: str, parsed: dict[str, Any], export: Callable[[str, str], Export],
) -> None:
    gift = export(key, "gift")
    result = parsed[key]
    assert not isinstance(result, dict), f"gift-pegjs rejected the file: {result}"
    questions = {q["title"]: q for q in result if q["type"] != "Category"}
    expected = [q for q in gift.course.questions if q.id not in gift.skipped]
    assert sorted(questions) == sorted(q.id for q in expected)
    for question in expected:
        check_question(gift.course, question, questions[question.id])


@pytest.mark.parametrize("key", list(COURSES))
def test_categories_name_each_chapter(key: str, parsed: dict[str, Any],
                                      course: Callable[[str], Course]) -> None:
    model = course(key)
    categories = [q["title"] for q in parsed[key] if q["type"] == "Category"]
    assert categories == [category_path(model, s, c) for _, _, s, c in model.numbered_chapters()
                          if c.questions]


def test_special_characters_survive_in_every_field(parsed: dict[str, Any]) -> None:
    # A direct look at the strings, not through the comparison helpers above.
    by_title = {q["title"]: q for q in parsed["special"]}
    single = by_title["single-specials"]
    assert "~ = # { } : &lt; &gt; &amp;" in single["stem"]["text"]
    assert single["choices"][0]["text"]["text"] == "Right ~ = # { } : &lt; &gt; &amp; \" '"
    assert single["tags"] == ["tag ~=#{}: & <x>"]
    short = by_title["text-specials"]["choices"]
    assert [c["text"]["text"] for c in short][:3] == [
        "a ~ b = c # d { e } : f", "x\\*y & <z> \"q\" 'r'", "back\\slash"]
    cloze = by_title["cloze-specials"]
    assert cloze["hasEmbeddedAnswers"] is True
    assert cloze["choices"][0]["text"]["text"] == "gap = ~ # } {"


def check_question(course: Course, q: QuestionType, got: dict[str, Any]) -> None:
    allow = course.allow_html
    chapter = chapter_of(course, q.id)

    def html(text: str | None, inline: bool = False) -> str | None:
        """The model's text as GIFT must carry it: images become their alt text."""
        return expected_html(course, text, chapter=chapter, link=None, inline=inline)

    assert got["id"] == q.id
    assert (got["tags"] or []) == q.tags
    general = got["globalFeedback"]
    assert canon(general["text"] if general else None) == (
        html(q.explanation) if q.explanation else None), q.id
    match q:
        case SingleChoice() | MultipleChoice():
            check_choices(q, got, html)
        case TrueFalse():
            assert got["type"] == "TF"
            assert canon(got["stem"]["text"]) == html(q.prompt)
            assert got["isTrue"] is q.answer
            right, wrong = ((q.feedback_true, q.feedback_false) if q.answer
                            else (q.feedback_false, q.feedback_true))
            # Moodle reads the first feedback as the wrong answer's, the second as the
            # right answer's (gift-pegjs names them trueFeedback / falseFeedback).
            first, second = canon(_text(got["trueFeedback"])), canon(_text(got["falseFeedback"]))
            assert first == (html(wrong) if wrong else None)
            assert second == (html(right) if right else None)
        case Numeric():
            assert got["type"] == "Numerical"
            intervals = []
            if q.answer is not None:
                margin = q.tolerance if isinstance(q.tolerance, float) else (
                    abs(q.answer) * float(q.tolerance.rstrip("% ")) / 100 if q.tolerance else 0)
                intervals.append((q.answer - margin, q.answer + margin))
            if q.range is not None:
                intervals.append(q.range)
            # One answer parses as a bare number; several as a list of choices.
            choices = got["choices"]
            answers = [choices] if isinstance(choices, dict) else [c["text"] for c in choices]
            assert all(c["isCorrect"] for c in ([] if isinstance(choices, dict) else choices))
            bounds = [b for answer in answers for b in _bounds(answer)]
            assert bounds == pytest.approx([b for pair in intervals for b in pair])
        case Text():
            assert got["type"] == "Short"
            assert canon(got["stem"]["text"]) == html(q.prompt)
            answers = [(c["text"]["text"].replace("\\*", "*"), c["weight"],
                        canon(_text(c["feedback"])))
                       for c in got["choices"]]
            assert answers == [(a, None, None) for a in q.accept] + [
                (wrong, 0, html(message)) for wrong, message in
                q.feedback.items()]
        case Cloze():
            (name, blank), = q.blanks.items()
            assert got["hasEmbeddedAnswers"] is True
            stem = render_markdown(q.prompt.replace(f"[[{name}]]", "QQBLANKQQ"))
            before, _, after = stem.strip().partition("QQBLANKQQ")
            assert canon(got["stem"]["text"]) == canon(f"{before.strip()} _____ {after.strip()}")
            texts = [c["text"]["text"] if isinstance(c["text"]["text"], str) else c["text"]
                     for c in got["choices"]]
            if blank.blank_kind == "choice":
                assert texts == [escape(c, quote=False) for c in blank.choices]
                assert [c["isCorrect"] for c in got["choices"]] == [
                    c == blank.answer for c in blank.choices]
            elif blank.blank_kind == "text":
                assert texts == blank.accept
        case Matching():
            assert got["type"] == "Matching"
            pairs = [(canon(p["subquestion"]["text"]), plain(p["subanswer"]))
                     for p in got["matchPairs"]]
            assert pairs == [(html(p.left, True), _plain(p.right, allow))
                             for p in q.pairs] + [(canon(""), _plain(d, allow))
                                                  for d in q.distractors]
        case Ordering():
            assert got["type"] == "Matching"
            pairs = [(p["subquestion"]["text"], plain(p["subanswer"])) for p in got["matchPairs"]]
            assert pairs == [(word(course.ui_language, "position", n=n), _plain(item, allow))
                             for n, item in enumerate(q.items, 1)]


def check_choices(q: SingleChoice | MultipleChoice, got: dict[str, Any], html: Html) -> None:
    assert got["type"] == "MC"
    assert canon(got["stem"]["text"]) == html(q.prompt)
    texts = [canon(_unpercent(c["text"]["text"])) for c in got["choices"]]
    assert texts == [html(c.text, True) for c in q.choices]
    assert [canon(_text(c["feedback"])) for c in got["choices"]] == [
        html(c.feedback) if c.feedback else None for c in q.choices]
    right = sum(c.correct for c in q.choices)
    if isinstance(q, SingleChoice) or right == 1:
        assert [c["isCorrect"] for c in got["choices"]] == [c.correct for c in q.choices]
        return
    weights = [c["weight"] for c in got["choices"]]
    assert all(w in MOODLE_GRADES for w in weights)
    share = min(MOODLE_GRADES, key=lambda g: abs(g - 100 / right))
    assert weights == [share if c.correct else -share for c in q.choices]


def _unpercent(text: str) -> str:
    # A choice starting with "%" is written "&#37;" so that Moodle does not read a weight.
    return "%" + text[5:] if text.startswith("&#37;") else text


def _text(value: dict[str, Any] | None) -> str | None:
    return value["text"] if value else None


def _bounds(answer: dict[str, Any]) -> tuple[float, float]:
    if answer["type"] == "range":
        return (answer["number"] - answer["range"], answer["number"] + answer["range"])
    return (answer["numberLow"], answer["numberHigh"])


def _plain(markdown: str, allow: bool) -> str:
    # Matching answers are plain text, with math written linearly (test_plaintext pins
    # that reading on its own).
    return readable_text(parse_fragment(render_markdown(markdown, allow_html=allow,
                                                        inline=True)))


def test_driver_reports_syntax_errors(tmp_path: Path) -> None:
    # The comparison above is only as good as the parser's strictness: an unescaped
    # brace in a stem must be an error, so a missed escape cannot pass silently.
    bad = tmp_path / "bad.txt"
    bad.write_text("::t::What is { here?{=yes}\n", encoding="utf-8")
    run = subprocess.run(["node", str(HERE / "parse_gift.js"), str(NODE_MODULES), str(bad)],
                         capture_output=True, text=True, check=True, timeout=60)
    assert "error" in json.loads(run.stdout)[str(bad)]
