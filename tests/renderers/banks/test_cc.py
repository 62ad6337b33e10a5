"""Common Cartridge 1.3: QTI valid against the CC 1.3 QTI profile XSD, no Canvas extension
(Canvas would not read it), the manifest checked for the structural rules of lms-formats section 8,
and the cartridge's quizzes and pages compared with the model."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote

import lxml.html
import pytest
from lxml import etree

from engine.model import MultipleChoice, SingleChoice, Text, TrueFalse
from tests.renderers.banks.exportkit import (
    COURSES,
    Export,
    canvas_spaces,
    chapter_of,
    expected_html,
)
from tests.renderers.banks.validators import CC13_QTI_XSD, parse, xsd_errors

CC = "{http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1}"
QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
RESOURCE_TYPES = {
    "webcontent", "imsqti_xmlv1p2/imscc_xmlv1p3/assessment",
    "imsqti_xmlv1p2/imscc_xmlv1p3/question-bank", "imsdt_xmlv1p3", "imswl_xmlv1p3",
    "imsbasiclti_xmlv1p3", "associatedcontent/imscc_xmlv1p3/learning-application-resource",
}
ITEM_PROFILES = {"cc.multiple_choice.v0p1", "cc.multiple_response.v0p1",
                 "cc.true_false.v0p1", "cc.fib.v0p1", "cc.pattern_match.v0p1", "cc.essay.v0p1"}
FILEBASE = re.compile(r'(?:src|href)="(?:%24|\$)IMS-CC-FILEBASE(?:%24|\$)/([^"]+)"')


@pytest.mark.parametrize("key", list(COURSES))
def test_quizzes_are_valid_cc_profile_and_nothing_else(
    key: str, export: Callable[[str, str], Export],
) -> None:
    files = export(key, "cc").files
    profile = {n: d for n, d in files.items() if n.endswith("/assessment_qti.xml")}
    assert profile
    # Canvas reads non_cc_assessments/ only in its own exports (canvas_export.txt);
    # anywhere else the files would turn up as course files.
    assert not [n for n in files if n.startswith("non_cc_assessments/")
                or n.endswith("assessment_meta.xml")]
    assert {n: xsd_errors(d, CC13_QTI_XSD) for n, d in profile.items()} == {
        n: [] for n in profile}
    for data in profile.values():
        document = parse(data)
        fields = {f.findtext(f"{QTI}fieldlabel"): f.findtext(f"{QTI}fieldentry")
                  for f in document.iter(f"{QTI}qtimetadatafield")}
        assert fields["cc_profile"] in ITEM_PROFILES | {"cc.exam.v0p1"}
        assessment = document.find(f"{QTI}assessment")
        labels = [f.findtext(f"{QTI}fieldlabel") for f in assessment.iter(f"{QTI}qtimetadatafield")
                  if f.getparent().getparent() is assessment]
        assert "cc_profile" in labels


def test_the_cc_profile_check_can_fail(export: Callable[[str, str], Export]) -> None:
    files = export("complete", "cc").files
    name = next(n for n in files if n.endswith("/assessment_qti.xml"))
    broken = files[name].replace(b"<section ", b"<sektion ", 1).replace(
        b"</section>", b"</sektion>", 1)
    assert xsd_errors(broken, CC13_QTI_XSD)


@pytest.mark.parametrize("key", list(COURSES))
def test_manifest_follows_the_cartridge_rules(key: str, export: Callable[[str, str], Export],
                                              ) -> None:
    cc = export(key, "cc")
    files = cc.files
    manifest = parse(files["imsmanifest.xml"])
    assert manifest.tag == f"{CC}manifest"
    assert manifest.findtext(f"{CC}metadata/{CC}schema") == "IMS Common Cartridge"
    assert manifest.findtext(f"{CC}metadata/{CC}schemaversion") == "1.3.0"
    identifiers = [e.get("identifier") for e in manifest.iter() if e.get("identifier")]
    assert len(identifiers) == len(set(identifiers))
    assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", i) for i in identifiers)
    (organization,) = manifest.findall(f"{CC}organizations/{CC}organization")
    assert organization.get("structure") == "rectangular"
    (root,) = organization.findall(f"{CC}item")
    assert root.get("identifierref") is None
    resources = {r.get("identifier"): r for r in manifest.iter(f"{CC}resource")}
    for item in organization.iter(f"{CC}item"):
        ref = item.get("identifierref")
        assert ref is None or ref in resources
        if item is not root:
            assert item.findtext(f"{CC}title")
    listed = set()
    for resource in resources.values():
        assert resource.get("type") in RESOURCE_TYPES
        hrefs = [unquote(f.get("href")) for f in resource.findall(f"{CC}file")]
        listed.update(hrefs)
        if resource.get("href") is not None:
            assert unquote(resource.get("href")) in hrefs
        for dependency in resource.findall(f"{CC}dependency"):
            assert dependency.get("identifierref") in resources
        if resource.get("type").endswith("/assessment"):
            assert resource.get("href") is None
            assert hrefs == [f"{resource.get('identifier')}/assessment_qti.xml"]
            assert {resources[d.get("identifierref")].get("type")
                    for d in resource.findall(f"{CC}dependency")} <= {"webcontent"}
    assert listed == set(files) - {"imsmanifest.xml"}
    # The outline: one folder per section, one page per chapter, a quiz per chapter
    # that has a question the profile can hold.
    folders = root.findall(f"{CC}item")
    assert [f.findtext(f"{CC}title") for f in folders] == [s.title for s in cc.course.sections]
    pages = [i for f in folders for i in f.findall(f"{CC}item")]
    assert len(pages) == len(cc.course.chapters) + sum(
        1 for c in cc.course.chapters if any(q.id not in cc.skipped for q in c.questions))


@pytest.mark.parametrize("key", list(COURSES))
def test_file_base_links_resolve(key: str, export: Callable[[str, str], Export]) -> None:
    files = export(key, "cc").files
    for name, data in files.items():
        if name.endswith((".html", ".xml", ".qti")):
            text = data.decode("utf-8").replace("&quot;", '"')
            text = re.sub(r"&lt;", "<", re.sub(r"&gt;", ">", text))
            for target in FILEBASE.findall(text):
                assert f"web_resources/{unquote(target)}" in files, (name, target)


@pytest.mark.parametrize("key", list(COURSES))
def test_profile_items_match_the_model(key: str, export: Callable[[str, str], Export]) -> None:
    cc = export(key, "cc")
    items = {}
    for name, data in cc.files.items():
        if name.endswith("/assessment_qti.xml"):
            for item in parse(data).iter(f"{QTI}item"):
                items[item.get("title")] = item
    profile = {"single": "cc.multiple_choice.v0p1", "multiple": "cc.multiple_response.v0p1",
               "true_false": "cc.true_false.v0p1", "text": "cc.fib.v0p1"}
    expected = [q for q in cc.course.questions if q.type in profile and q.id not in cc.skipped]
    assert sorted(items) == sorted(q.id for q in expected)
    for q in expected:
        item = items[q.id]
        fields = {f.findtext(f"{QTI}fieldlabel"): f.findtext(f"{QTI}fieldentry")
                  for f in item.iter(f"{QTI}qtimetadatafield")}
        assert fields["cc_profile"] == profile[q.type]
        assert float(fields["cc_weighting"]) == q.points
        chapter = chapter_of(cc.course, q.id)
        stem = item.find(f"{QTI}presentation/{QTI}material/{QTI}mattext").text
        assert canon_of(stem) == canvas_spaces(expected_html(
            cc.course, q.prompt, chapter=chapter, link="%24IMS-CC-FILEBASE%24/media/"))
        scoring = [c for c in item.iter(f"{QTI}respcondition")
                   if c.find(f"{QTI}setvar") is not None]
        (condition,) = scoring
        test = condition.find(f"{QTI}conditionvar")[0]
        if isinstance(q, SingleChoice | MultipleChoice | TrueFalse):
            labels = [label.get("ident") for label in item.iter(f"{QTI}response_label")]
            right = ([q.answer, not q.answer] if isinstance(q, TrueFalse)
                     else [c.correct for c in q.choices])
            if isinstance(q, MultipleChoice):
                assert test.tag == f"{QTI}and"
                got = [child.tag == f"{QTI}varequal" for child in test]
            else:
                got = [label == test.text for label in labels]
            assert got == right
        elif isinstance(q, Text):
            assert [v.text for v in test] == q.accept
            assert {v.get("case") for v in test} == {"Yes" if q.case_sensitive else "No"}


def canon_of(html: str | None) -> str | None:
    if html is None:
        return None
    root = lxml.html.fragment_fromstring(html.strip(), create_parent="div")
    return lxml.html.tostring(root, encoding="unicode")


@pytest.mark.parametrize("key", list(COURSES))
def test_chapter_pages_show_the_chapters(key: str, export: Callable[[str, str], Export]) -> None:
    cc = export(key, "cc")
    for chapter in cc.course.chapters:
        page = cc.files[f"wiki_content/{chapter.id}.html"].decode("utf-8")
        document = lxml.html.document_fromstring(page)
        assert document.findtext(".//title") == chapter.title
        assert document.findtext(".//h1") == chapter.title
        explanations = document.find_class("explanation")
        bodies = [b for b in chapter.blocks if b.kind == "explanation"]
        assert len(explanations) == len(bodies)
        cells = document.find_class("code-cell")
        assert len(cells) == len(chapter.code_cells)
        for cell, shown in zip(chapter.code_cells, cells, strict=True):
            code = shown.find(".//code")
            assert (code is not None) == cell.show_source
            if code is not None:
                assert code.text_content() == cell.source


def test_pages_are_well_formed_html(export: Callable[[str, str], Export]) -> None:
    files = export("complete", "cc").files
    page = files["wiki_content/choices.html"]
    parser = etree.HTMLParser(recover=False)
    etree.fromstring(page, parser)
    assert b"%24IMS-CC-FILEBASE%24/media/assets/diagram.svg" in page
