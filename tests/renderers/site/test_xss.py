"""A corpus of XSS payloads through every author field: nothing may execute.

The course puts a payload in every string an author controls (titles, Markdown, choices,
feedback, hints, blanks, pairs, items, code, captions, metadata). Every page is opened
with the Content-Security-Policy bypassed, so the test proves the escaping itself, not
the policy; each question is answered, hints revealed, disclosures opened, the feedback
widget used and the search page queried with a payload. A payload that runs sets
`window.__xss` or opens a dialog.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, expect

from cli.output import write_bundle
from engine.model import Course
from renderers.base import RenderContext
from renderers.site import HtmlOptions, HtmlRenderer
from tests.renderers.site.html_helpers import TIMEOUT_MS, folder_handler, serving

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("html")]

PAYLOADS = [
    "<script>window.__xss=1;alert(1)</script>",
    '"><img src=x onerror="window.__xss=2;alert(2)">',
    "'><svg onload=window.__xss=3;alert(3)>",
    "</script><script>window.__xss=4;alert(4)</script>",
    "</textarea></title></style><img src=x onerror=window.__xss=5>",
    "[click](javascript:window.__xss=6;alert(6))",
    '<a href="javascript:window.__xss=7">x</a>',
    "![x](data:text/html,<script>window.__xss=8</script>)",
    "\u2028\u2029<iframe srcdoc='<script>parent.__xss=9</script>'></iframe>",
    "{{7*7}} {% raw %} ${alert(10)} `<img src=x onerror=window.__xss=10>`",
    "<details open ontoggle=window.__xss=11>",
    "&lt;img src=x onerror=window.__xss=12&gt; "
    "&#x3C;script&#x3E;window.__xss=13&#x3C;/script&#x3E;",
]


def payload_course(root: Path, payloads: list[str]) -> Course:
    p: Iterator[str] = itertools.cycle(payloads)

    def n() -> str:
        return next(p)

    questions: list[dict[str, Any]] = [
        {"kind": "question", "id": "qs", "type": "single", "prompt": n(), "hints": [n(), n()],
         "hint_penalty": 0.1, "explanation": n(), "tags": [n()],
         "choices": [{"text": n(), "correct": True, "feedback": n()},
                     {"text": n(), "feedback": n()}, {"text": n(), "fixed": True}]},
        {"kind": "question", "id": "qm", "type": "multiple", "prompt": n(), "explanation": n(),
         "choices": [{"text": n(), "correct": True}, {"text": n(), "feedback": n()}]},
        {"kind": "question", "id": "qt", "type": "true_false", "prompt": n(), "answer": True,
         "feedback_true": n(), "feedback_false": n(), "explanation": n()},
        {"kind": "question", "id": "qn", "type": "numeric", "prompt": n(), "answer": 1,
         "unit": n(), "explanation": n()},
        {"kind": "question", "id": "qx", "type": "text", "prompt": n(), "accept": [n(), n()],
         "feedback": {n(): n(), "<b>": n()}, "explanation": n()},
        {"kind": "question", "id": "qc", "type": "cloze", "prompt": f"{n()} [[a]] {n()} [[b]]",
         "blanks": {"a": {"choices": [n(), n()], "answer": PAYLOADS[0]},
                    "b": {"accept": [n()]}}, "explanation": n()},
        {"kind": "question", "id": "qp", "type": "matching", "prompt": n(), "explanation": n(),
         "pairs": [{"left": n(), "right": n()}, {"left": n(), "right": n()}],
         "distractors": [n()]},
        {"kind": "question", "id": "qo", "type": "ordering", "prompt": n(), "explanation": n(),
         "items": [n(), n(), n()]},
    ]
    data = {
        "id": "xss", "title": n(), "description": n(), "authors": [n(), n()], "license": n(),
        "version": n(), "language": n(), "ui_language": "en",
        # A `javascript:` endpoint is refused by the model itself (invalid-value-endpoint).
        "feedback": {"enabled": True, "endpoint": "https://feedback.example.org/x?q=1"},
        "sections": [{"id": "s1", "title": n(), "chapters": [
            {"id": "c1", "title": n(), "objectives": [n(), n()], "blocks": [
                {"kind": "explanation", "id": "e1", "body": "\n\n".join(PAYLOADS)},
                {"kind": "code", "id": "k1", "source": n(), "caption": n()},
                *questions[:4],
            ]},
            {"id": "c2", "title": n(), "blocks": questions[4:]},
        ]}],
    }
    course = Course.model_validate(data)
    course._root = str(root)
    for i, chapter in enumerate(course.chapters, 1):
        chapter._path = f"c{i}.yaml"
    return course


def exercise(page: Page) -> None:
    """Answer every question (wrongly and then again), reveal hints, open everything."""
    for question in page.locator("[data-question]").all():
        hint = question.locator("[data-q-hint]")
        while hint.count() and hint.is_enabled():
            hint.click()
        for box in question.locator("input[type=radio], input[type=checkbox]").all()[:1]:
            box.check()
        for field in question.locator("input[type=text]").all():
            field.fill(PAYLOADS[1])
        for select in question.locator("select").all():
            select.select_option(index=1)
        question.get_by_role("button", name="Check").click()
        for details in question.locator("details").all():
            if details.is_visible():
                details.evaluate("d => { d.open = true; }")
    page.locator("[data-feedback-answer=no]").click()
    page.locator("[data-feedback-form] textarea").fill(PAYLOADS[0])
    page.locator("[data-feedback-form] button").click()


@pytest.mark.parametrize(
    "payloads",
    [PAYLOADS, PAYLOADS[:1], PAYLOADS[1:2], PAYLOADS[2:3]],
    ids=["mixed", "script-everywhere", "img-everywhere", "svg-everywhere"],
)
def test_no_payload_executes(browser: Browser, tmp_path: Path, payloads: list[str]) -> None:
    course = payload_course(tmp_path, payloads)
    ctx = RenderContext(options=HtmlOptions())
    bundle = HtmlRenderer().render(course, ctx)
    write_bundle(bundle, tmp_path / "site")
    pages = b"".join(data for path, data in bundle.items() if path.suffix == ".html").decode()
    assert "49 {% raw %}" not in pages  # author strings are data, never template code

    context = browser.new_context(bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    dialogs: list[str] = []
    context.on("page", lambda p: p.on("dialog", lambda d: (dialogs.append(d.message),
                                                             d.dismiss())))
    page = context.new_page()
    with serving(folder_handler(tmp_path / "site")) as base:
        page.goto(f"{base}/index.html")
        expect(page.locator("html")).to_have_class("js")
        for chapter in ("c1", "c2"):
            page.goto(f"{base}/chapters/{chapter}.html")
            expect(page.locator("html")).to_have_class("js")
            exercise(page)
            page.reload()  # answers restored from storage go through the same code
            expect(page.locator("html")).to_have_class("js")
            assert page.evaluate("window.__xss") is None
        for query in payloads:
            page.goto(f"{base}/search.html?q={quote(query)}")
            expect(page.locator("[data-search-status]")).not_to_be_empty()
            assert page.evaluate("window.__xss") is None
        page.goto(f"{base}/index.html")
        assert page.evaluate("window.__xss") is None
    context.close()
    assert dialogs == []
