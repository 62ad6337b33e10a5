"""Two builds are byte-identical, and identifiers survive edits, so an LMS re-import
updates the questions it already has instead of duplicating them."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from engine.loading.loader import load_course
from engine.model import Course
from renderers import get
from renderers.base import Bundle, RenderContext
from tests.renderers.banks.exportkit import COURSES, FORMATS

IDENTIFIER = re.compile(rb'\s(?:ident|identifier|identifierref)="([^"]+)"')


def build(course: Course, fmt: str) -> Bundle:
    renderer = get(fmt)
    return renderer.render(course, RenderContext(options=renderer.Options()))


@pytest.mark.parametrize("fmt", FORMATS)
def test_two_builds_are_byte_identical(fmt: str) -> None:
    for key in ("complete", "special"):
        first = build(load_course(COURSES[key]), fmt)
        second = build(load_course(COURSES[key]), fmt)
        assert first == second


def identifiers(bundle: Bundle) -> set[bytes]:
    found: set[bytes] = set()
    for data in bundle.values():
        contents = [data]
        if data[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                contents = [archive.read(n) for n in archive.namelist()]
        for content in contents:
            found.update(IDENTIFIER.findall(content))
            found.update(re.findall(rb"<idnumber>([^<]+)</idnumber>", content))
            found.update(re.findall(rb"\[id:([^\]]+)\]", content))
    return found


@pytest.mark.parametrize("fmt", FORMATS)
def test_identifiers_survive_edits_to_the_text(fmt: str, tmp_path: Path) -> None:
    copy = tmp_path / "complete"
    shutil.copytree(COURSES["complete"], copy)
    chapter = copy / "01-basics" / "01-choices.yaml"
    text = chapter.read_text(encoding="utf-8")
    edited = text.replace("Which of these is a **recurrent** network?",
                          "Which one of these networks is recurrent?")
    edited = edited.replace("It has no loop through time.", "No loop through time here.")
    assert edited != text
    chapter.write_text(edited, encoding="utf-8")
    before = build(load_course(COURSES["complete"]), fmt)
    after = build(load_course(copy), fmt)
    assert before != after
    assert identifiers(before) == identifiers(after)
    assert len(identifiers(before)) > 10 or fmt == "gift"
