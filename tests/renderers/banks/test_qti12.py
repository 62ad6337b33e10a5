"""QTI 1.2 (Canvas): valid against the QTI 1.2.1 DTD, Canvas types from the allow-list,
and read back with pyslet (an independent QTI 1.2 reader) to compare with the model."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pyslet.qtiv1 import common as qcommon
from pyslet.qtiv1 import core as qcore
from pyslet.qtiv1.xml import QTIDocument

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
from engine.text.markdown import render_markdown
from renderers.banks.canvas_items import CANVAS_TYPES
from renderers.banks.labels import unit_note_html, word
from renderers.banks.plaintext import readable_text
from renderers.banks.xhtml import parse_fragment
from tests.renderers.banks.exportkit import (
    COURSES,
    Export,
    canon,
    canvas_spaces,
    chapter_of,
    expected_html,
)
from tests.renderers.banks.validators import parse, qti12_errors

MANIFEST_NS = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"
META_NS = "{http://canvas.instructure.com/xsd/cccv1p0}"


def assessments(export: Export) -> dict[str, bytes]:
    return {name: data for name, data in export.files.items()
            if name.endswith(".xml") and "/" in name and not name.endswith("assessment_meta.xml")}


@pytest.mark.parametrize("key", list(COURSES))
def test_every_assessment_is_valid_against_the_dtd(
    key: str, export: Callable[[str, str], Export],
) -> None:
    files = assessments(export(key, "qti12"))
    assert files
    assert {name: qti12_errors(data) for name, data in files.items()} == {
        name: [] for name in files}


def test_the_dtd_check_can_fail() -> None:
    bad = (b'<?xml version="1.0"?><questestinterop xmlns="x"><item title="no ident">'
           b"<presentation><response_lid ident=\"r\" rcardinality=\"single\"><render_choice/>"
           b"</response_lid></presentation></item></questestinterop>")
    assert qti12_errors(bad)


@pytest.mark.parametrize("key", list(COURSES))
def test_package_layout_and_manifest(key: str, export: Callable[[str, str], Export]) -> None:
    files = export(key, "qti12").files
    manifest = parse(files["imsmanifest.xml"])
    resources = manifest.findall(f"{MANIFEST_NS}resources/{MANIFEST_NS}resource")
    ids = [r.get("identifier") for r in resources]
    assert len(ids) == len(set(ids))
    listed = {f.get("href") for r in resources for f in r.findall(f"{MANIFEST_NS}file")}
    from urllib.parse import unquote
    assert {unquote(h) for h in listed} == set(files) - {"imsmanifest.xml"}
    for resource in resources:
        for dependency in resource.findall(f"{MANIFEST_NS}dependency"):
            assert dependency.get("identifierref") in ids
        if resource.get("type") == "imsqti_xmlv1p2":
            ident = resource.get("identifier")
            meta = parse(files[f"{ident}/assessment_meta.xml"])
            qti = parse(files[f"{ident}/{ident}.xml"])
            # Canvas ignores the settings unless these identifiers match.
            assert meta.get("identifier") == ident
            assert qti[0].get("ident") == ident
            assert meta.findtext(f"{META_NS}title") == qti[0].get("title")


@pytest.mark.parametrize("key", list(COURSES))
def test_items_read_back_with_pyslet_match_the_model(
    key: str, export: Callable[[str, str], Export], tmp_path: Path,
) -> None:
    qti = export(key, "qti12")
    items: dict[str, Any] = {}
    for number, data in enumerate(assessments(qti).values()):
        path = tmp_path / f"a{number}.xml"
        path.write_bytes(data)
        document = QTIDocument(baseURI=str(path))
        document.read()
        for section in document.root.Assessment.SectionMixin:
            for item in section.SectionItemMixin:
                items[item.title] = read_item(item)
    expected = [q for q in qti.course.questions if q.id not in qti.skipped]
    assert sorted(items) == sorted(q.id for q in expected)
    for question in expected:
        check(qti.course, question, items[question.id])


# --- an independent reading of a pyslet item into plain data -------------------------


def text_of(element: Any) -> str:
    return "".join(str(m.get_value() or "") for m in element.MatThingMixin) \
        if hasattr(element, "MatThingMixin") else str(element.get_value() or "")


def material_text(material: Any) -> str:
    return "".join(str(part.get_value() or "") for part in material.get_children())


def expression(node: Any) -> Any:
    kind = type(node).__name__
    if isinstance(node, qcommon.VarThing):
        return (kind, node.responseIdentifier, str(node.get_value()))
    if kind == "Not":
        return ("Not", expression(node.ExpressionMixin))
    if kind in ("And", "Or"):
        return (kind, *[expression(child) for child in node.ExpressionMixin])
    return (kind,)


def read_item(item: Any) -> dict[str, Any]:
    fields = {f.FieldLabel.get_value(): f.FieldEntry.get_value()
              for m in item.ItemMetadata.QTIMetadata for f in m.QTIMetadataField}
    stem, responses = None, []
    for child in item.Presentation.get_children():
        if type(child).__name__ == "Material":
            stem = material_text(child)
            continue
        labels, prompt = [], None
        for part in child.get_children():
            if type(part).__name__ == "Material":
                prompt = material_text(part)
            else:
                labels = [(label.ident, "".join(material_text(m) for m in label.get_children()
                                                if type(m).__name__ == "Material"))
                          for label in part.get_children()]
        responses.append({"ident": child.ident, "prompt": prompt, "labels": labels})
    conditions = []
    for processing in item.ResProcessing:
        for condition in processing.ConditionMixin:
            conditions.append({
                "test": [expression(e) for e in condition.ConditionVar.get_children()],
                "score": [(qcore.Action.to_str(s.action), s.get_value())
                          for s in condition.SetVar],
                "feedback": [d.linkRefID for d in condition.DisplayFeedback]})
    feedback = {fb.ident: "".join(material_text(m) for flow in fb.get_children()
                                  for m in flow.get_children()) for fb in item.ItemFeedback}
    return {"fields": fields, "stem": stem, "responses": responses, "conditions": conditions,
            "feedback": feedback}


# --- comparison with the model ------------------------------------------------------------


FILEBASE = "%24IMS-CC-FILEBASE%24/media/"


def check(course: Course, q: QuestionType, got: dict[str, Any]) -> None:
    chapter = chapter_of(course, q.id)

    def md(text: str | None, course: Course, inline: bool = False) -> str | None:
        return canvas_spaces(expected_html(course, text, chapter=chapter, link=FILEBASE,
                                           inline=inline))

    fields = got["fields"]
    assert fields["question_type"] in CANVAS_TYPES
    assert float(fields["points_possible"]) == q.points
    general = [c for c in got["conditions"] if c["test"] == [("Other",)]]
    assert canon(got["feedback"].get("general_fb")) == md(q.explanation, course)
    assert bool(general) == bool(q.explanation)
    scoring = [c for c in got["conditions"] if c["score"]]
    match q:
        case SingleChoice() | MultipleChoice():
            (response,) = got["responses"]
            labels = [ident for ident, _ in response["labels"]]
            assert [canon(t) for _, t in response["labels"]] == [
                md(c.text, course, True) for c in q.choices]
            assert canon(got["stem"]) == md(q.prompt, course)
            rid = response["ident"]
            right = [a for a, c in zip(labels, q.choices, strict=True) if c.correct]
            if isinstance(q, SingleChoice):
                assert fields["question_type"] == "multiple_choice_question"
                assert [c["test"] for c in scoring] == [[("VarEqual", rid, right[0])]]
            else:
                assert fields["question_type"] == "multiple_answers_question"
                parts = [("VarEqual", rid, a) if c.correct else ("Not", ("VarEqual", rid, a))
                         for a, c in zip(labels, q.choices, strict=True)]
                assert [c["test"] for c in scoring] == [[("And", *parts)]]
            for label, choice in zip(labels, q.choices, strict=True):
                shown = [c["feedback"] for c in got["conditions"]
                         if c["test"] == [("VarEqual", rid, label)] and c["feedback"]]
                texts = [canon(got["feedback"][f]) for links in shown for f in links]
                assert texts == ([md(choice.feedback, course)] if choice.feedback else [])
        case TrueFalse():
            assert fields["question_type"] == "true_false_question"
            (response,) = got["responses"]
            assert [t for _, t in response["labels"]] == [
                word(course.ui_language, "true"), word(course.ui_language, "false")]
            right = response["labels"][0 if q.answer else 1][0]
            assert [c["test"] for c in scoring] == [[("VarEqual", response["ident"], right)]]
        case Numeric():
            assert fields["question_type"] == "numerical_question"
            stem = render_markdown(q.prompt, allow_html=course.allow_html)
            if q.unit:
                stem += unit_note_html(course.ui_language, q.unit)
            assert canon(got["stem"]) == canvas_spaces(canon(stem))
            intervals = []
            for condition in scoring:
                ((kind, exact, (_, *bounds)),) = condition["test"]
                assert kind == "Or"
                intervals.append((float(bounds[0][2]), float(bounds[1][2])))
                assert float(exact[2]) == pytest.approx(sum(intervals[-1]) / 2)
            wanted = []
            if q.answer is not None:
                margin = tolerance_of(q.answer, q.tolerance)
                wanted.append((q.answer - margin, q.answer + margin))
            if q.range is not None:
                wanted.append(q.range)
            assert [b for i in intervals for b in i] == pytest.approx(
                [b for i in wanted for b in i])
        case Text():
            assert fields["question_type"] == "short_answer_question"
            (condition,) = scoring
            # Canvas's convention: sibling varequals are alternatives.
            assert [t[2] for t in condition["test"]] == q.accept
        case Cloze():
            assert fields["question_type"] in ("fill_in_multiple_blanks_question",
                                               "multiple_dropdowns_question")
            assert [r["ident"] for r in got["responses"]] == [f"response_{n}" for n in q.blanks]
            for name in q.blanks:
                assert f"[{name}]" in got["stem"]
            assert all(s["score"][0][0] == "Add" for s in scoring)
            shares = [float(s["score"][0][1]) for s in scoring]
            assert shares == pytest.approx([100 / len(q.blanks)] * len(shares), abs=1e-3)
            for name, blank in q.blanks.items():
                rid = f"response_{name}"
                (response,) = [r for r in got["responses"] if r["ident"] == rid]
                labels = dict(response["labels"])
                right = [labels[c["test"][0][2]] for c in scoring if c["test"][0][1] == rid]
                # Canvas blanks list accepted texts; a drop-down's right option; a number
                # as the text the author wrote.
                assert right == (blank.accept if blank.blank_kind == "text" else [blank.answer])
        case Matching() | Ordering():
            assert fields["question_type"] == "matching_question"
            if isinstance(q, Matching):
                pairs = [(p.left, p.right) for p in q.pairs]
            else:
                pairs = [(word(course.ui_language, "position", n=n), i)
                         for n, i in enumerate(q.items, 1)]
            assert len(got["responses"]) == len(pairs)
            for response, (left, right) in zip(got["responses"], pairs, strict=True):
                assert response["prompt"] == plain(left, course)
                (condition,) = [c for c in scoring if c["test"][0][1] == response["ident"]]
                chosen = dict(response["labels"])[condition["test"][0][2]]
                assert chosen == plain(right, course)


def plain(markdown: str, course: Course) -> str:
    # Matching options are plain text, math written linearly (pinned in test_plaintext).
    return readable_text(parse_fragment(render_markdown(markdown, allow_html=course.allow_html,
                                                        inline=True)))
