"""Manifests against the official schemas and the checks the schemas miss.

These build the manifests from the course alone (a fixed list of site files), so they
pin the manifest writers; test_packages.py checks the manifests of real packages.
Every check is also shown to fail on a manifest broken on purpose.
"""

from __future__ import annotations

import re

import pytest

from engine.model import Course
from renderers.common.xml import element
from renderers.common.xml import manifest_bytes as to_bytes
from renderers.packages.cmi5 import Cmi5Options, course_structure
from renderers.packages.scorm_manifest import manifest
from renderers.packages.units import units
from tests.renderers.packages import xsd
from tests.renderers.packages.checks import cmi5_problems, manifest_problems

SITE = ["assets/course.js", "assets/lessonkit.js", "assets/lms-bridge.js", "index.html",
        "chapters/choices.html", "chapters/values.html", "chapters/structures.html",
        "media/assets/diagram svg.svg"]
SCHEMA = {"1.2": "scorm12", "2004": "scorm2004-4th"}


def _build(course: Course, version: str, layout: str) -> tuple[bytes, set[str]]:
    parts = units(course, layout, lambda ch: f"chapters/{ch.id}.html")  # type: ignore[arg-type]
    document = manifest(course, parts, SITE, version)  # type: ignore[arg-type]
    return document, {*SITE, *(u.launcher for u in parts), "imsmanifest.xml"}


@pytest.mark.parametrize("layout", ["course", "chapter"])
@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_manifest_is_valid(complete_course: Course, version: str, layout: str) -> None:
    document, names = _build(complete_course, version, layout)
    assert xsd.errors(SCHEMA[version], document) == []
    assert manifest_problems(document, names, version) == []
    text = document.decode()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<manifest ')
    assert "&lt;Choices&gt;" in text or layout == "course"  # a section title, escaped
    assert 'href="media/assets/diagram%20svg.svg"' in text


def test_mastery_and_completion_settings(complete_course: Course) -> None:
    v12, _ = _build(complete_course, "1.2", "course")
    assert "<adlcp:masteryscore>70</adlcp:masteryscore>" in v12.decode()
    v2004, _ = _build(complete_course, "2004", "chapter")
    text = v2004.decode()
    assert text.count('<imsss:minNormalizedMeasure>0.7</imsss:minNormalizedMeasure>') == 3
    assert text.count('completedByMeasure="true" minProgressMeasure="1.0"') == 3
    assert 'adlcp:scormType="sco"' in text and 'adlcp:scormType="asset"' in text


def _broken(document: bytes, old: str, new: str, count: int = 1) -> bytes:
    text = document.decode()
    assert old in text, old
    return text.replace(old, new, count).encode()


def test_the_xsds_reject_what_they_should(complete_course: Course) -> None:
    v12, _ = _build(complete_course, "1.2", "course")
    assert xsd.errors("scorm12", _broken(v12, 'identifier="ITEM-course"', 'identifier="1ITEM"'))
    renamed = v12.decode().replace("<organizations ", "<organisations ").replace(
        "</organizations>", "</organisations>")
    assert xsd.errors("scorm12", renamed.encode())
    v2004, _ = _build(complete_course, "2004", "course")
    title = re.search(r"\n\s*<title>Completeness[^<]*</title>", v2004.decode().split("<item ")[1])
    assert title is not None
    moved = v2004.decode().replace(title.group(0), "", 1).replace(
        "</imsss:sequencing>", "</imsss:sequencing>" + title.group(0), 1)
    assert xsd.errors("scorm2004-4th", moved.encode())


@pytest.mark.parametrize(
    ("version", "old", "new", "expected"),
    [
        ("1.2", 'identifierref="RES-course"', 'identifierref="RES-gone"', "names no resource"),
        ("1.2", '<file href="index.html"/>', "", "listed nowhere"),
        ("1.2", '<file href="index.html"/>', '<file href="index.html"/><file href="x.js"/>',
         "listed but not in the zip"),
        ("1.2", "<adlcp:masteryscore>70<", "<adlcp:masteryscore>170<", "outside 0-100"),
        ("1.2", 'adlcp:scormtype="sco"', 'adlcp:scormType="sco"', "lacks"),
        ("2004", 'adlcp:scormType="sco"', 'adlcp:scormtype="sco"', "lacks"),
        ("2004", "<schemaversion>2004 4th Edition<", "<schemaversion>CAM 1.3<", "schemaversion"),
        ("2004", 'identifier="ITEM-choices"', 'identifier="ITEM choices"', "not an NCName"),
        ("2004", 'identifier="SECTION-more"', 'identifier="ITEM-choices"', "not unique"),
    ],
)
def test_the_checks_catch_what_the_xsds_miss(
    complete_course: Course, version: str, old: str, new: str, expected: str
) -> None:
    layout = "chapter" if "choices" in old or "SECTION" in old else "course"
    document, names = _build(complete_course, version, layout)
    problems = manifest_problems(_broken(document, old, new), names, version)
    assert any(expected in p for p in problems), problems


def test_the_checks_catch_a_launch_resource_that_is_not_first(complete_course: Course) -> None:
    document, names = _build(complete_course, "2004", "chapter")
    text = document.decode()
    first = re.search(r"\n\s*<resource identifier=\"RES-choices\".*?</resource>", text, re.S)
    assert first is not None
    reordered = text.replace(first.group(0), "")
    reordered = reordered.replace("</resources>", first.group(0) + "</resources>")
    assert xsd.errors("scorm2004-4th", reordered.encode()) == []
    problems = manifest_problems(reordered.encode(), names, "2004")
    assert "the first item does not launch the first resource" in problems


@pytest.mark.parametrize("layout", ["course", "chapter"])
def test_cmi5_course_structure_is_valid(complete_course: Course, layout: str) -> None:
    parts = units(complete_course, layout, lambda ch: f"chapters/{ch.id}.html")  # type: ignore[arg-type]
    options = Cmi5Options.model_validate({"au": layout})
    document = course_structure(complete_course, parts, options, "urn:lessonkit:complete")
    assert xsd.errors("cmi5", document) == []
    names = {u.launcher for u in parts}
    assert cmi5_problems(document, names) == []
    text = document.decode()
    assert text.count('moveOn="CompletedAndPassed"') == len(parts)
    assert text.count('masteryScore="0.7"') == len(parts)
    assert cmi5_problems(document, names - {parts[0].launcher}) != []
    assert xsd.errors("cmi5", _broken(document, 'moveOn="CompletedAndPassed"', 'moveOn="Done"'))
    assert xsd.errors("cmi5", _broken(document, 'masteryScore="0.7"', 'masteryScore="70"'))


def test_xml_writer_escapes_and_drops_forbidden_characters() -> None:
    root = element("a", {"t": 'x"<&>\n'}, element("b", text="1 < 2 & \x00ok"))
    assert to_bytes(root).decode() == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<a t="x&quot;&lt;&amp;&gt;&#10;">\n  <b>1 &lt; 2 &amp; ok</b>\n</a>\n'
    )
