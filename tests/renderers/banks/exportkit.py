"""What the export tests share: the fixture courses, and each export rendered once."""

from __future__ import annotations

import io
import json
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, unquote

import lxml.html

from engine.diagnostics import Diagnostic
from engine.loading.loader import load_course
from engine.model import Course
from engine.text.choice_refs import course_with_labels
from renderers import get
from renderers.base import Bundle, RenderContext

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SCHEMAS = ROOT / "tests" / "schemas"
NODE_MODULES = ROOT / ".tools" / "npm" / "node_modules"
COURSES = {
    "complete": ROOT / "tests" / "fixtures" / "courses" / "complete",
    "special": HERE / "fixtures" / "special",
    "sample": ROOT / "content" / "intro-to-rnns",
}
FORMATS = ("qti12", "qti21", "moodle", "gift", "cc")
MAIN_FILE = {
    "qti12": "{id}-qti12.zip", "qti21": "{id}-qti21.zip", "moodle": "{id}-moodle.xml",
    "gift": "{id}-gift.txt", "cc": "{id}.imscc",
}


@dataclass
class Export:
    """One format's export of one course, with what the renderer reported."""

    course: Course
    format: str
    bundle: Bundle
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def main(self) -> bytes:
        return self.bundle[PurePosixPath(MAIN_FILE[self.format].format(id=self.course.id))]

    @property
    def files(self) -> dict[str, bytes]:
        """The files inside the main zip (for zipped formats)."""
        with zipfile.ZipFile(io.BytesIO(self.main)) as archive:
            return {name: archive.read(name) for name in archive.namelist()}

    @property
    def report(self) -> dict[str, Any]:
        path = PurePosixPath(f"{self.course.id}-{self.format}-fidelity.json")
        data: dict[str, Any] = json.loads(self.bundle[path])
        return data

    @property
    def skipped(self) -> set[str]:
        return {loss["question"] for loss in self.report["losses"]
                if loss["feature"] == "question"}


@cache
def load(key: str) -> Course:
    return load_course(COURSES[key])


@cache
def render(key: str, fmt: str) -> Export:
    course = load(key)
    renderer = get(fmt)
    ctx = RenderContext(options=renderer.Options())
    bundle = renderer.render(course, ctx)
    # Compared with the course as the LMS shows it: `{{choice: ...}}` as the quoted text.
    return Export(course_with_labels(course), fmt, bundle, ctx.diagnostics)


def canon(html: str | None) -> str | None:
    """HTML in one canonical spelling (lxml's), so `&quot;` and `"` in text compare equal.

    Exports re-serialize the Markdown renderer's HTML; what must match is the markup and
    text, not the renderer's choice among equivalent escapes.
    """
    if html is None:
        return None
    root = lxml.html.fragment_fromstring(html.strip(), create_parent="div")
    return lxml.html.tostring(root, encoding="unicode")


def chapter_of(course: Course, question_id: str) -> str:
    """The path of the chapter file that holds a question (relative to the course)."""
    return next(c.path for c in course.chapters if any(q.id == question_id for q in c.questions))


def expected_html(course: Course, markdown: str | None, *, chapter: str, link: str | None,
                  inline: bool = False) -> str | None:
    """The model's Markdown as an export must show it: rendered, with each course image's
    `src` replaced by `link` + its course-relative path (URL-quoted), canonical spelling.
    With `link=None` (a format that cannot carry files) an image becomes its alt text."""
    if not markdown:
        return None
    from engine.text.markdown import render_markdown

    html = render_markdown(markdown, allow_html=course.allow_html, inline=inline)
    root = lxml.html.fragment_fromstring(html.strip(), create_parent="div")
    for image in list(root.iter("img")):
        src = image.get("src", "")
        if "://" in src or src.startswith(("/", "#", "data:")):
            continue
        if link is None:
            image.tail = image.get("alt", "") + (image.tail or "")
            image.drop_tree()
            continue
        rel = posixpath.normpath(posixpath.join(posixpath.dirname(chapter), unquote(src)))
        image.set("src", link + quote(rel))
    return lxml.html.tostring(root, encoding="unicode")


_MSPACE = re.compile(r'<mspace width="([^"]*)"></mspace>')


def canvas_spaces(html: str | None) -> str | None:
    """Expected HTML as written for Canvas: each `<mspace width>` as an `<mtext>` holding
    the spacing characters (Canvas's sanitizer drops the width; see
    renderers.banks.canvas_math, whose widths test_plain_fields pins)."""
    from renderers.banks.canvas_math import space_text

    if html is None:
        return None
    return _MSPACE.sub(lambda m: f"<mtext>{space_text(m.group(1))}</mtext>", html)
