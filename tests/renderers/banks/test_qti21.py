"""QTI 2.1: items, tests and manifest valid against the official XSDs, and every item
scored by pyslet's QTI 2.1 response processing exactly as engine.grading.score scores it."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from lxml import etree
from pyslet.qtiv2 import variables
from pyslet.qtiv2.xml import QTIDocument

from engine.grading.answer_key import correct_response
from engine.grading.score import Response, grade, matching_options, parse_number
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
from engine.text.markdown import render_markdown
from tests.renderers.banks.exportkit import COURSES, Export, chapter_of, expected_html
from tests.renderers.banks.validators import QTI21_XSD, cp_manifest_errors, parse, xsd_errors

QTI = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"

# The two standard templates, as the QTI 2.1 rptemplates define them; pyslet cannot
# fetch them, so the test substitutes their rules for the template reference.
TEMPLATES = {
    "match_correct": """<responseProcessing xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1">
      <responseCondition><responseIf><match><variable identifier="RESPONSE"/>
      <correct identifier="RESPONSE"/></match><setOutcomeValue identifier="SCORE">
      <baseValue baseType="float">1</baseValue></setOutcomeValue></responseIf><responseElse>
      <setOutcomeValue identifier="SCORE"><baseValue baseType="float">0</baseValue>
      </setOutcomeValue></responseElse></responseCondition></responseProcessing>""",
    "map_response": """<responseProcessing xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1">
      <responseCondition><responseIf><isNull><variable identifier="RESPONSE"/></isNull>
      <setOutcomeValue identifier="SCORE"><baseValue baseType="float">0</baseValue>
      </setOutcomeValue></responseIf><responseElse><setOutcomeValue identifier="SCORE">
      <mapResponse identifier="RESPONSE"/></setOutcomeValue></responseElse>
      </responseCondition></responseProcessing>""",
}

# Extra typed answers that exercise regular expressions (beyond the accepted texts).
PROBES = {"text-accept": ["back prop through time", "Backprop through time"],
          "cloze-strict": ["FOUR"],
          # sample-course questions whose patterns convert (unused if the ids change)
          "cec-name": ["Constant Error Carousel", "constant-error-carosel"],
          "window-shape": ["(30, 128, 2)", "30x128x2", "30 X 128 X 2"],
          "unk-token": ["<UNK>", "oov", "[unk]"], "state-name": ["the hidden state vector"]}


@pytest.mark.parametrize("key", list(COURSES))
def test_items_and_tests_are_valid_against_the_qti21_xsd(
    key: str, export: Callable[[str, str], Export],
) -> None:
    files = export(key, "qti21").files
    documents = {n: d for n, d in files.items() if n.startswith(("items/", "tests/"))}
    assert len([n for n in documents if n.startswith("items/")]) == len(
        export(key, "qti21").course.questions)
    assert {n: xsd_errors(d, QTI21_XSD) for n, d in documents.items()} == {
        n: [] for n in documents}


def test_the_xsd_check_can_fail(export: Callable[[str, str], Export]) -> None:
    item = export("complete", "qti21").files["items/single-all-options.xml"]
    broken = item.replace(b'baseType="identifier"', b'baseType="identifer"', 1)
    assert xsd_errors(broken, QTI21_XSD)


@pytest.mark.parametrize("key", list(COURSES))
def test_manifest_is_valid_and_complete(key: str, export: Callable[[str, str], Export],
                                        tmp_path: Path) -> None:
    qti = export(key, "qti21")
    files = qti.files
    assert cp_manifest_errors(files["imsmanifest.xml"], tmp_path) == []
    manifest = parse(files["imsmanifest.xml"])
    resources = manifest.findall(f"{CP}resources/{CP}resource")
    by_id = {r.get("identifier"): r for r in resources}
    assert len(by_id) == len(resources)
    listed = {unquote(f.get("href")) for r in resources for f in r.findall(f"{CP}file")}
    assert listed == set(files) - {"imsmanifest.xml"}
    for resource in resources:
        for dependency in resource.findall(f"{CP}dependency"):
            assert dependency.get("identifierref") in by_id
    types = {r.get("href"): r.get("type") for r in resources}
    for name in files:
        if name.startswith("items/"):
            assert types[name] == "imsqti_item_xmlv2p1"
        elif name.startswith("tests/"):
            assert types[name] == "imsqti_test_xmlv2p1"
    for resource in resources:
        if resource.get("type") == "imsqti_test_xmlv2p1":
            test = parse(files[resource.get("href")])
            refs = {r.get("href").removeprefix("../")
                    for r in test.iter(f"{QTI}assessmentItemRef")}
            deps = {by_id[d.get("identifierref")].get("href")
                    for d in resource.findall(f"{CP}dependency")}
            assert refs == deps


@pytest.mark.parametrize("key", list(COURSES))
def test_tests_weight_items_by_points(key: str, export: Callable[[str, str], Export]) -> None:
    qti = export(key, "qti21")
    for chapter in qti.course.chapters:
        if not chapter.questions:
            continue
        test = parse(qti.files[f"tests/{chapter.id}.xml"])
        weights = [float(w.get("value")) for w in test.iter(f"{QTI}weight")]
        assert weights == [q.points for q in chapter.questions]


@pytest.mark.parametrize("key", list(COURSES))
def test_item_text_is_the_models(key: str, export: Callable[[str, str], Export]) -> None:
    qti = export(key, "qti21")
    for q in qti.course.questions:
        item = parse(qti.files[f"items/{q.id}.xml"])
        chapter = chapter_of(qti.course, q.id)
        feedback = {m.get("identifier"): m for m in item.iter(f"{QTI}modalFeedback")}
        explanation = feedback.get("EXPLANATION")
        assert (explanation is not None) == bool(q.explanation)
        if isinstance(q, SingleChoice | MultipleChoice):
            choices = list(item.iter(f"{QTI}simpleChoice"))
            assert [inner_html(c) for c in choices] == [
                expected_html(qti.course, c.text, chapter=chapter, link="../media/",
                              inline=True) for c in q.choices]
            assert [c.get("fixed") == "true" for c in choices] == [c.fixed for c in q.choices]
            for number, choice in enumerate(q.choices, 1):
                shown = feedback.get(f"C{number}")
                assert (shown is not None) == bool(choice.feedback)


def inner_html(element: etree._Element) -> str:
    """An element's content as HTML (namespaces dropped), in canonical spelling."""
    import lxml.html

    copy = etree.fromstring(etree.tostring(element))
    for node in copy.iter():
        if isinstance(node.tag, str) and node.tag.startswith(QTI):
            node.tag = node.tag[len(QTI):]
    etree.cleanup_namespaces(copy)
    inner = (copy.text or "") + "".join(etree.tostring(c, encoding="unicode") for c in copy)
    root = lxml.html.fragment_fromstring(inner.strip(), create_parent="div")
    return lxml.html.tostring(root, encoding="unicode")


# --- scoring by an independent QTI 2.1 processor -----------------------------------------


@pytest.mark.parametrize("key", list(COURSES))
def test_pyslet_scores_every_item_like_the_grader(
    key: str, export: Callable[[str, str], Export], tmp_path: Path,
) -> None:
    qti = export(key, "qti21")
    checked = 0
    for q in qti.course.questions:
        item = load_item(qti.files[f"items/{q.id}.xml"], tmp_path / f"{q.id}.xml")
        for response in responses(q):
            expected = grade(q, response).fraction
            assert score(item, q, response) == pytest.approx(expected), (q.id, response)
            checked += 1
    assert checked >= 3 * len(qti.course.questions)


def load_item(data: bytes, path: Path) -> Any:
    root = parse(data)
    processing = root.find(f"{QTI}responseProcessing")
    template = processing.get("template") if processing is not None else None
    if template:
        name = template.rsplit("/", 1)[1]
        root.replace(processing, etree.fromstring(TEMPLATES[name]))
    # pyslet rejects MathML inside choices (the XSD allows it, see the test above);
    # the body does not take part in scoring, so the math goes.
    for math in list(root.iter("{http://www.w3.org/1998/Math/MathML}math")):
        parent = math.getparent()
        parent.remove(math)
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    document = QTIDocument(baseURI=str(path))
    document.read()
    return document.root


def score(item: Any, q: QuestionType, response: Response) -> float:
    state = variables.ItemSessionState(item)
    state.begin_session()
    for identifier, value in qti_values(q, response).items():
        state[identifier].set_value(value)
    item.ResponseProcessing.run(state)
    return float(state["SCORE"].value or 0.0)


def qti_values(q: QuestionType, response: Response) -> dict[str, Any]:
    """Our grader's response as QTI response variables (identifiers as documented in
    renderers.banks.qti21_items: C1.., true/false, L/R pairs, I1.., RESPONSE_<blank>)."""
    match q:
        case SingleChoice():
            return {"RESPONSE": f"C{response + 1}"}  # type: ignore[operator]
        case MultipleChoice():
            return {"RESPONSE": [f"C{i + 1}" for i in response]}  # type: ignore[union-attr]
        case TrueFalse():
            return {"RESPONSE": "true" if response else "false"}
        case Numeric():
            return {"RESPONSE": float(response)}  # type: ignore[arg-type]
        case Text():
            return {"RESPONSE": response}
        case Cloze():
            values: dict[str, Any] = {}
            for name, text in response.items():  # type: ignore[union-attr]
                blank = q.blanks[name]
                if blank.blank_kind == "choice":
                    values[f"RESPONSE_{name}"] = f"C_{name}_{blank.choices.index(text) + 1}"
                elif blank.blank_kind == "numeric":
                    values[f"RESPONSE_{name}"] = parse_number(text)
                else:
                    values[f"RESPONSE_{name}"] = text
            return values
        case Matching():
            options = matching_options(q)
            rights: dict[str, str] = {}
            for text in options:
                rights.setdefault(text, f"R{len(rights) + 1}")
            return {"RESPONSE": [(f"L{i + 1}", rights[options[pick]])
                                 for i, pick in enumerate(response)]}  # type: ignore[arg-type]
        case Ordering():
            return {"RESPONSE": [f"I{i + 1}" for i in response]}  # type: ignore[union-attr]
    raise AssertionError(q)


def responses(q: QuestionType) -> list[Response]:
    """Right, wrong and partly right answers to try on a question."""
    right = correct_response(q)
    match q:
        case SingleChoice():
            return list(range(len(q.choices)))
        case MultipleChoice():
            n = len(q.choices)
            subsets = [list(s) for k in (1, 2, n) for s in itertools.combinations(range(n), k)]
            return [right, *subsets[:12]]
        case TrueFalse():
            return [True, False]
        case Numeric():
            probes = []
            if q.answer is not None:
                from engine.grading.score import tolerance_of
                margin = tolerance_of(q.answer, q.tolerance)
                probes += [q.answer, q.answer + 0.9 * margin, q.answer - 0.9 * margin,
                           q.answer + 2 * margin + 1, q.answer - 2 * margin - 1]
            if q.range is not None:
                low, high = q.range
                probes += [low, high, (low + high) / 2, low - 1, high + 1]
            return probes
        case Text():
            return [*q.accept, *(a.upper() for a in q.accept), "zz wrong zz",
                    *q.feedback, *PROBES.get(q.id, [])]
        case Cloze():
            wrong = {name: ("9999" if b.blank_kind == "numeric" else
                            (b.choices[-1] if b.choices[-1] != b.answer else b.choices[0])
                            if b.blank_kind == "choice" else "zz wrong zz")
                     for name, b in q.blanks.items()}
            mixes = [right, wrong]
            for name in q.blanks:
                mixes.append({**right, name: wrong[name]})  # type: ignore[dict-item]
            for probe in PROBES.get(q.id, []):
                text_blanks = [n for n, b in q.blanks.items() if b.blank_kind == "text"]
                mixes.append({**right, text_blanks[0]: probe})  # type: ignore[dict-item]
            return mixes
        case Matching():
            n = len(q.pairs)
            options = len(matching_options(q))
            swapped = [1, 0, *range(2, n)]
            return [right, swapped, [options - 1] * n]
        case Ordering():
            n = len(q.items)
            return [right, list(reversed(range(n))), [1, 0, *range(2, n)]]
    raise AssertionError(q)


def test_prompt_math_and_markup_survive(export: Callable[[str, str], Export]) -> None:
    qti = export("complete", "qti21")
    item = parse(qti.files["items/cloze-all-kinds.xml"])
    body = item.find(f"{QTI}itemBody")
    # The three blanks sit inside the prompt's paragraph, in order.
    interactions = [e.get("responseIdentifier") for e in body.iter()
                    if e.get("responseIdentifier")]
    assert interactions == ["RESPONSE_cell", "RESPONSE_bound", "RESPONSE_which"]
    expected = render_markdown("$\\tanh'$", inline=True)
    assert ("<math" in expected) == (body.find(".//{http://www.w3.org/1998/Math/MathML}math")
                                     is not None)


