"""Unit tests of the shared export helpers (renderers/banks) and of format rules that the
fixture courses do not reach (grade rounding, regular-expression conversion)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from lxml import etree

from engine.model import Course
from renderers import get
from renderers.banks.gift import escape
from renderers.banks.grades import MOODLE_GRADES, grade_text, is_exact_grade, nearest_grade
from renderers.banks.ids import ncname, stable_id
from renderers.banks.moodle_cloze import cloze_escape
from renderers.banks.qti21_body import to_qti_content
from renderers.banks.qti21_rules import xsd_pattern
from renderers.banks.xhtml import parse_fragment, split_text, to_html
from renderers.base import NoOptions, RenderContext
from renderers.common.numbers import accepted_intervals, decimal_text
from renderers.common.xml import el


def test_gift_escape_covers_every_special_character() -> None:
    assert escape("a~b=c#d{e}f:g\\h\ni") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h\\ni"
    assert escape("plain text, (ok) & <fine>") == "plain text, (ok) & <fine>"


def test_moodle_cloze_escape() -> None:
    assert cloze_escape('a}b#c~d/e"f\\g<h') == 'a\\}b\\#c\\~d\\/e\\"f\\\\g&lt;h'


def test_grades() -> None:
    assert len(MOODLE_GRADES) == 41
    assert nearest_grade(100 / 3) == 33.33333
    assert is_exact_grade(100 / 3) and is_exact_grade(100 / 7) and not is_exact_grade(100 / 11)
    assert nearest_grade(100 / 11) == 10.0
    assert nearest_grade(-100 / 6) == -16.66667
    assert [grade_text(g) for g in (100.0, 33.33333, -50.0, 0.0, -0.0)] == [
        "100", "33.33333", "-50", "0", "0"]


def test_decimal_text_never_uses_an_exponent() -> None:
    assert decimal_text(5.2e-3) == "0.0052"
    assert decimal_text(86400.0) == "86400"
    assert decimal_text(-7.5) == "-7.5"
    assert decimal_text((0.26 - 0.24) / 2) == "0.01"
    assert decimal_text(1e-20) == "0.00000000000000000001"
    assert decimal_text(1.5e20) == "150000000000000000000"


def test_accepted_intervals() -> None:
    assert accepted_intervals(86400, "2%", None)[0].margin == pytest.approx(1728)
    both = accepted_intervals(0.25, 0.01, (1.0, 2.0))
    assert [b for i in both for b in (i.low, i.high)] == pytest.approx([0.24, 0.26, 1.0, 2.0])


def test_stable_ids() -> None:
    first = stable_id("course", "item", "q1")
    assert first == stable_id("course", "item", "q1") != stable_id("course2", "item", "q1")
    assert re.fullmatch(r"g[0-9a-f]{32}", first)
    assert ncname("1-two:three") == "x1-two_three"
    assert ncname("ok.id") == "ok.id"


@pytest.mark.parametrize(("pattern", "sensitive", "expected"), [
    ("4|four", False, "4|[fF][oO][uU][rR]"),
    ("back ?prop(agation)? through", True, "back ?prop(agation)? through"),
    ("^h_t$", True, "h_t"),
    ("(?i)abc", True, None),
    (r"\bword\b", True, None),
    ("a+?", True, None),
    ("[a-z]+", False, "[a-zA-Z]+"),
    ("[a-z]+", True, "[a-z]+"),
    ("constant[- ]error[- ]carou?sell?", False,
     "[cC][oO][nN][sS][tT][aA][nN][tT][- ][eE][rR][rR][oO][rR][- ][cC][aA][rR][oO][uU]?"
     "[sS][eE][lL][lL]?"),
    (r"^[<\[]?(unk|oov)[>\]]?$", False, r"[<\[]?([uU][nN][kK]|[oO][oO][vV])[>\]]?"),
    (r"^\(?\s*30\s*[,x×]\s*2\s*\)?$", False, r"\(?\s*30\s*[,x×X]\s*2\s*\)?"),
    ("[^q]{2}", False, "[^qQ]{2}"),
])
def test_xsd_pattern(pattern: str, sensitive: bool, expected: str | None) -> None:
    assert xsd_pattern(pattern, sensitive) == expected
    if expected is not None:
        # The result is a valid XML Schema pattern and matches like Python's fullmatch.
        schema = etree.XMLSchema(etree.fromstring(
            '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="v">'
            '<xs:simpleType><xs:restriction base="xs:string">'
            f'<xs:pattern value="{html.escape(expected)}"/></xs:restriction></xs:simpleType>'
            "</xs:element></xs:schema>"))
        for probe in ("four", "FOUR", "4", "back prop through", "h_t", "abc", "x4", "Aa",
                      "constant error carousel", "Constant-Error-Carosel", "<UNK>", "[oov",
                      "(30 X 2)", "30,2", "ab", "qq"):
            python = re.fullmatch(pattern, probe, 0 if sensitive else re.IGNORECASE)
            element = etree.Element("v")
            element.text = probe
            assert schema.validate(element) == (python is not None), probe


def test_html_fragments_round_trip_as_well_formed_markup() -> None:
    tree = parse_fragment('a<br><img src="x.png" alt="&lt;x&gt;"><p>b &amp; c<span></span>'
                          "<em>unclosed")
    html = to_html(tree)
    assert html == ('a<br /><img src="x.png" alt="&lt;x&gt;" /><p>b &amp; c<span></span>'
                    "<em>unclosed</em></p>")
    etree.fromstring(f"<root>{html}</root>")


def test_split_text_puts_an_element_where_a_token_was() -> None:
    tree = parse_fragment("<p>An TOKEN1 and <em>TOKEN2</em> end</p>")
    assert split_text(tree, "TOKEN1", el("gap1"))
    assert split_text(tree, "TOKEN2", el("gap2"))
    assert not split_text(tree, "TOKEN3", el("gap3"))
    assert to_html(tree) == "<p>An <gap1></gap1> and <em><gap2></gap2></em> end</p>"


def test_qti_content_keeps_the_allowed_xhtml_and_reports_the_rest() -> None:
    tree = parse_fragment('<p style="x" id="1bad">a <s>b</s> <input type="checkbox"> '
                          '<img src="i.png"></p><section id="ok"><p>c</p></section>'
                          '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">'
                          "<mi>x</mi></math>")
    used: set[str] = set()
    assert to_qti_content(tree, used) == ["input", "s", "section"]
    assert to_html(tree) == (
        '<p>a <span class="s">b</span>  <img src="i.png" alt="" /></p>'
        '<div id="ok" class="section"><p>c</p></div>'
        '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline"><mi>x</mi></math>')
    assert used == {"ok"}


def course_with(question: dict[str, Any]) -> Course:
    return Course.model_validate({
        "id": "tiny", "title": "Tiny", "sections": [{"id": "s", "title": "S", "chapters": [
            {"id": "c", "title": "C", "blocks": [{"kind": "question", "id": "q",
                                                 "prompt": "Pick", **question}]}]}]})


def test_partial_credit_off_moodles_list_is_rounded_and_reported() -> None:
    choices = [{"text": f"right {n}", "correct": True} for n in range(11)] + [
        {"text": "wrong"}]
    course = course_with({"type": "multiple", "choices": choices})
    for fmt in ("moodle", "gift"):
        renderer = get(fmt)
        ctx = RenderContext(options=renderer.Options())
        bundle = renderer.render(course, ctx)
        main = next(data for path, data in bundle.items() if "fidelity" not in str(path))
        assert b"-10" in main and b"9.09" not in main
        (diagnostic,) = [d for d in ctx.diagnostics if "rounded" in d.message]
        assert "9.0909% per option rounded to 10%" in diagnostic.message


def test_multiple_response_with_one_right_option_in_gift() -> None:
    course = course_with({"type": "multiple", "choices": [
        {"text": "yes", "correct": True}, {"text": "no"}]})
    ctx = RenderContext(options=NoOptions())
    text = next(iter(get("gift").render(course, ctx).values()))
    assert b"=yes" in text and b"~no" in text
    assert any("single choice" in d.message for d in ctx.diagnostics)


def test_qti12_quiz_per_section_option() -> None:
    from renderers.banks.qti12 import Qti12Options
    from tests.renderers.banks.exportkit import Export, load
    from tests.renderers.banks.validators import qti12_errors

    course = load("complete")
    ctx = RenderContext(options=Qti12Options(assessment="section"))
    bundle = get("qti12").render(course, ctx)
    files = Export(course, "qti12", bundle).files
    quizzes = [n for n in files if n.endswith(".xml") and "/" in n
               and not n.endswith("assessment_meta.xml")]
    assert len(quizzes) == len(course.sections)
    assert all(qti12_errors(files[n]) == [] for n in quizzes)


def test_moodle_ordering_switched_off_exports_matching() -> None:
    from renderers.banks.moodle import MoodleOptions
    from tests.renderers.banks.exportkit import load

    course = load("complete")
    ctx = RenderContext(options=MoodleOptions(ordering=False))
    xml = next(iter(get("moodle").render(course, ctx).values()))
    assert b'type="ordering"' not in xml and b"Position 1" in xml
    features = {(d.message.split("'")[1], "ordering") for d in ctx.diagnostics
                if "ordering exported as matching" in d.message}
    assert features == {("ordering-all", "ordering"), ("ordering-partial", "ordering")}
