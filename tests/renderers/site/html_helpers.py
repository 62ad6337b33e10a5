"""Small helpers shared by the static-site tests: courses built in memory, HTML parsing."""

from __future__ import annotations

import functools
import http.server
import json
import os
import posixpath
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any

from engine.model import Course
from renderers.base import Bundle, RenderContext
from renderers.site import HtmlOptions, HtmlRenderer
from tests.helpers import LocalServer

ROOT = Path(__file__).resolve().parents[3]
COMPLETE = ROOT / "tests" / "fixtures" / "courses" / "complete"
SAMPLE = ROOT / "content" / "intro-to-rnns"
NPM = ROOT / ".tools" / "npm" / "node_modules"
CHROMIUM = os.environ.get("HARNESS_CHROMIUM", "/usr/bin/chromium")
AXE_JS = Path(os.environ.get("HARNESS_AXE_JS", NPM / "axe-core" / "axe.min.js"))
VNU_JAR = Path(os.environ.get("HARNESS_VNU_JAR", NPM / "vnu-jar" / "build" / "dist" / "vnu.jar"))
ARTIFACTS = Path(os.environ.get("LESSONKIT_ARTIFACTS", ROOT / "_build" / "test-artifacts"))
"""Screenshots land here (kept after the run for people to look at)."""

BROWSER_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TIMEOUT_MS = 30_000
"""Generous: the CI machine has two cores shared by two test workers."""


def make_course(
    sections: int,
    chapters: int,
    *,
    root: str = ".",
    blocks: list[dict[str, Any]] | None = None,
    **meta: Any,
) -> Course:
    """A course built in memory: `sections` sections of `chapters` chapters each."""
    data: dict[str, Any] = {"id": "mem", "title": "In memory", **meta, "sections": []}
    for s in range(sections):
        data["sections"].append({
            "id": f"s{s}",
            "title": f"Section {s}",
            "chapters": [
                {
                    "id": f"c{s}-{c}",
                    "title": f"Chapter {s}.{c}",
                    "blocks": blocks if blocks is not None else [
                        {"kind": "explanation", "body": f"Text of chapter {s}.{c}."},
                        {"kind": "question", "id": f"q{s}-{c}", "type": "true_false",
                         "prompt": "Is it?", "answer": True, "explanation": "Yes."},
                    ],
                }
                for c in range(chapters)
            ],
        })
    course = Course.model_validate(data)
    course._root = root
    for s in course.sections:
        for chapter in s.chapters:
            chapter._path = f"{s.id}/{chapter.id}.yaml"
    return course


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, and the text of script elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs)
            self.scripts.append((self._script, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)


def parse(html: bytes) -> Elements:
    parser = Elements()
    parser.feed(html.decode("utf-8"))
    return parser


def resolve(page: PurePosixPath, url: str) -> PurePosixPath:
    """The bundle path a relative URL on `page` points at (query and fragment dropped)."""
    path = url.split("#", 1)[0].split("?", 1)[0]
    return PurePosixPath(posixpath.normpath(posixpath.join(str(page.parent), path)))


def course_data(bundle: dict[PurePosixPath, bytes]) -> dict[str, Any]:
    """`window.LESSONKIT_COURSE` as Python data."""
    text = bundle[PurePosixPath("assets/course.js")].decode()
    prefix = "window.LESSONKIT_COURSE = "
    assert text.startswith(prefix) and text.endswith(";\n")
    data: dict[str, Any] = json.loads(text[len(prefix):-2])
    return data


@dataclass
class Site:
    """A built site on disk and the course it came from."""

    course: Course
    folder: Path
    bundle: Bundle

    def pages(self) -> list[str]:
        return sorted(str(p) for p in self.bundle if str(p).endswith(".html"))


@dataclass
class Endpoint:
    """A feedback endpoint on 127.0.0.1 that records what it receives."""

    url: str
    received: list[dict[str, object]] = field(default_factory=list)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging every request."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving(handler: Callable[..., http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """A threaded web server on a free port of 127.0.0.1; yields its base URL."""
    server = LocalServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def folder_handler(folder: Path) -> Callable[..., http.server.BaseHTTPRequestHandler]:
    """A handler serving `folder`."""
    return functools.partial(QuietHandler, directory=str(folder))


def render(course: Course, options: HtmlOptions | None = None, **ctx: object) -> Bundle:
    """The site bundle of a course."""
    context = RenderContext(options=options or HtmlOptions(), **ctx)  # type: ignore[arg-type]
    return HtmlRenderer().render(course, context)
