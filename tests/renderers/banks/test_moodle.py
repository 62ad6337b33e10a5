"""Moodle XML: well-formed, grades only from Moodle's list, every question type in the
shape Moodle's importer reads (lms-formats section 6), and the same content as the model."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from engine.grading.score import tolerance_of
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
from renderers.banks.categories import category_name, category_text
from renderers.banks.grades import MOODLE_GRADES
from tests.renderers.banks.exportkit import COURSES, Export, canon, chapter_of, expected_html
from tests.renderers.banks.validators import parse

PLUGINFILE = "@@PLUGINFILE@@/"
EMBEDDED = re.compile(
    r"\{(\d+):(SHORTANSWER_C|SHORTANSWER|NUMERICAL|MULTICHOICE):((?:\\.|[^}])*)\}")


def questions(moodle: Export) -> list[etree._Element]:
    return parse(moodle.main).findall("question")


@pytest.mark.parametrize("key", list(COURSES))
def test_grades_come_from_moodles_list(key: str, export: Callable[[str, str], Export]) -> None:
    for question in questions(export(key, "moodle")):
        if question.get("type") == "ordering":
            continue  # qtype_ordering stores positions in `fraction`
        for answer in question.iter("answer"):
            if answer.get("fraction") is not None:
                assert float(answer.get("fraction")) in MOODLE_GRADES


@pytest.mark.parametrize("key", list(COURSES))
def test_categories_per_section_and_chapter(key: str, export: Callable[[str, str], Export],
                                            ) -> None:
    moodle = export(key, "moodle")
    course = moodle.course
    categories = [q.findtext("category/text") for q in questions(moodle)
                  if q.get("type") == "category"]
    expected = []
    for section in course.sections:
        chapters = [c for c in section.chapters if c.questions]
        if chapters:
            expected.append(category_text(course.title, section.title))
            expected += [category_text(course.title, section.title, c.title) for c in chapters]
    assert categories == expected
    # Each question sits under its own chapter's category.
    current = None
    for element in questions(moodle):
        if element.get("type") == "category":
            current = element.findtext("category/text")
            continue
        qid = element.findtext("idnumber")
        chapter = next(c for c in course.chapters if any(q.id == qid for q in c.questions))
        assert current is not None and current.endswith("/" + category_name(chapter.title))


@pytest.mark.parametrize("key", list(COURSES))
def test_every_question_has_moodles_shape_and_the_models_content(
    key: str, export: Callable[[str, str], Export],
) -> None:
    moodle = export(key, "moodle")
    found = {q.findtext("idnumber"): q for q in questions(moodle) if q.get("type") != "category"}
    expected = [q for q in moodle.course.questions if q.id not in moodle.skipped]
    assert sorted(found) == sorted(q.id for q in expected)
    for q in expected:
        check(moodle.course, q, found[q.id])


def text_of(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    return element.findtext("text") or None


def check(course: Course, q: QuestionType, element: etree._Element) -> None:
    chapter = chapter_of(course, q.id)

    def md(text: str | None, inline: bool = False) -> str | None:
        return expected_html(course, text, chapter=chapter, link=PLUGINFILE, inline=inline)

    assert element.findtext("name/text") == q.id
    assert float(element.findtext("defaultgrade")) == q.points
    assert canon(text_of(element.find("generalfeedback"))) == md(q.explanation)
    assert element.find("questiontext").get("format") == "html"
    answers = element.findall("answer")
    stem = text_of(element.find("questiontext"))
    match q:
        case SingleChoice() | MultipleChoice():
            assert element.get("type") == "multichoice"
            assert element.findtext("single") == str(isinstance(q, SingleChoice)).lower()
            assert element.findtext("shuffleanswers") == str(q.shuffle).lower()
            assert canon(stem) == md(q.prompt)
            assert [canon(text_of(a)) for a in answers] == [md(c.text, True) for c in q.choices]
            assert [canon(text_of(a.find("feedback"))) for a in answers] == [
                md(c.feedback) for c in q.choices]
            fractions = [float(a.get("fraction")) for a in answers]
            if isinstance(q, SingleChoice):
                assert fractions == [100.0 if c.correct else 0.0 for c in q.choices]
            else:
                right = sum(c.correct for c in q.choices)
                share = min(MOODLE_GRADES, key=lambda g: abs(g - 100 / right))
                assert [f for f in fractions if f > 0] == [share] * right
                assert sum(f for f in fractions if f > 0) == pytest.approx(100, abs=0.01)
                assert all((f > 0) == c.correct for f, c in zip(fractions, q.choices, strict=True))
        case TrueFalse():
            assert element.get("type") == "truefalse"
            assert [(a.findtext("text"), float(a.get("fraction"))) for a in answers] == [
                ("true", 100.0 if q.answer else 0.0), ("false", 0.0 if q.answer else 100.0)]
            assert [canon(text_of(a.find("feedback"))) for a in answers] == [
                md(q.feedback_true), md(q.feedback_false)]
        case Numeric():
            assert element.get("type") == "numerical"
            got = [(float(a.findtext("text")), float(a.findtext("tolerance"))) for a in answers]
            wanted = []
            if q.answer is not None:
                wanted.append((q.answer, tolerance_of(q.answer, q.tolerance)))
            if q.range is not None:
                wanted.append(((q.range[0] + q.range[1]) / 2, (q.range[1] - q.range[0]) / 2))
            assert [x for pair in got for x in pair] == pytest.approx(
                [x for pair in wanted for x in pair])
            assert all(a.get("fraction") == "100" for a in answers)
        case Text():
            assert element.get("type") == "shortanswer"
            assert element.findtext("usecase") == ("1" if q.case_sensitive else "0")
            got = [(a.findtext("text").replace("\\*", "*"), a.get("fraction"),
                    canon(text_of(a.find("feedback")))) for a in answers]
            assert got == [(a, "100", None) for a in q.accept] + [
                (w, "0", md(m)) for w, m in q.feedback.items()]
        case Cloze():
            assert element.get("type") == "cloze"
            assert stem is not None
            blanks = EMBEDDED.findall(stem)
            # The number is each blank's mark: equal for all, summing to the points
            # when whole numbers can (test_importer_rules pins Moodle's reading).
            marks = [int(n) for n, _, _ in blanks]
            assert len(marks) == len(q.blanks) and len(set(marks)) == 1
            assert sum(marks) in (q.points, len(q.blanks))
            for (_, kind, body), blank in zip(blanks, q.blanks.values(), strict=True):
                options = [unescape_cloze(o) for o in re.split(r"(?<!\\)~", body)]
                match blank.blank_kind:
                    case "choice":
                        assert kind == "MULTICHOICE"
                        assert options == [("=" if c == blank.answer else "") + c
                                           for c in blank.choices]
                    case "text":
                        assert kind == ("SHORTANSWER_C" if blank.case_sensitive
                                        else "SHORTANSWER")
                        assert options == ["=" + a for a in blank.accept]
                    case "numeric":
                        assert kind == "NUMERICAL"
                        assert all(re.fullmatch(r"=-?[0-9.]+:[0-9.]+", o) for o in options)
        case Matching() | Ordering():
            if isinstance(q, Ordering):
                assert element.get("type") == "ordering"
                assert [a.get("fraction") for a in answers] == [
                    str(n) for n in range(1, len(q.items) + 1)]
                assert [canon(text_of(a)) for a in answers] == [md(i, True) for i in q.items]
                assert element.findtext("gradingtype") == (
                    "ALL_OR_NOTHING" if q.scoring == "all_or_nothing" else "ABSOLUTE_POSITION")
                return
            assert element.get("type") == "matching"
            subquestions = element.findall("subquestion")
            lefts = [canon(text_of(s)) for s in subquestions]
            rights = [s.findtext("answer/text") for s in subquestions]
            assert lefts == [md(p.left, True) for p in q.pairs] + [None] * len(q.distractors)
            assert len(rights) == len(q.pairs) + len(q.distractors)
            assert len(subquestions) >= 2
    hints = [canon(text_of(h)) for h in element.findall("hint")]
    if not isinstance(q, TrueFalse):
        assert hints == [md(h) for h in q.hints]
        assert float(element.findtext("penalty")) == q.hint_penalty
    assert [t.findtext("text") for t in element.findall("tags/tag")] == q.tags


def unescape_cloze(text: str) -> str:
    import html
    return html.unescape(re.sub(r"\\(.)", r"\1", text))


@pytest.mark.parametrize("key", list(COURSES))
def test_embedded_files_are_the_course_files(key: str, export: Callable[[str, str], Export],
                                             ) -> None:
    moodle = export(key, "moodle")
    root = Path(moodle.course.root)
    for field in parse(moodle.main).iter():
        files = field.findall("file")
        if not files:
            continue
        text = field.findtext("text") or ""
        for file in files:
            rel = file.get("path").strip("/") + "/" + file.get("name") if file.get(
                "path") != "/" else file.get("name")
            assert base64.b64decode(file.text) == (root / rel).read_bytes()
            from urllib.parse import quote
            assert PLUGINFILE + quote(rel) in text


def test_special_course_carries_an_image(export: Callable[[str, str], Export]) -> None:
    moodle = export("special", "moodle")
    assert b"@@PLUGINFILE@@/assets/dot%20plot.svg" in moodle.main
    assert b'<file name="dot plot.svg" path="/assets/" encoding="base64">' in moodle.main


