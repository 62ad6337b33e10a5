"""Drives one SCORM session: the test LMS page, the package's launcher in its frame, the site.

Time is Playwright's fake clock, paused: it moves only when the test moves it, so
latencies, timestamps and session times are exact.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.renderers.packages.learner import Answer, answer, retry

T0 = datetime(2027, 1, 15, 8, 0, tzinfo=UTC)
"""When the clock starts; it is paused one second later, as the LMS page loads."""
START = T0 + timedelta(seconds=1)
STEP = 10
"""Seconds the learner spends on each answer."""


@dataclass
class Session:
    """What the LMS recorded: every call the content made, and the data model at the end."""

    calls: list[list[str]]
    final: dict[str, Any]

    def sets(self, prefix: str = "") -> list[tuple[str, str]]:
        """(element, value) of every accepted SetValue, in order."""
        return [(c[1], c[2]) for c in self.calls if c[0] == "set" and c[1].startswith(prefix)]


def find_frame(page: Any, url: str) -> Any:
    """The frame showing `url` (the bridge fills the launcher's frame once its session is open)."""
    for _ in range(1200):  # 30 s
        frame = next((f for f in page.frames if f.url == url), None)
        if frame is not None:
            frame.wait_for_load_state()
            return frame
        page.wait_for_timeout(25)
    raise AssertionError(f"no frame shows {url}: {[f.url for f in page.frames]}")


class ScormPlayer:
    """One launch of a SCORM package in the test LMS."""

    def __init__(self, page: Any, lms_base: str, version: str, package_base: str) -> None:
        self.page = page
        self.version = version
        self.package_base = package_base
        self.lms_url = f"{lms_base}/lms/player.html?v={'12' if version == '1.2' else '2004'}"
        self.chapter: str | None = None
        self.frame: Any = None

    def launch(
        self, initial: dict[str, Any], launcher: str = "lessonkit-launch.html",
        start: str = "index.html",
    ) -> Any:
        """Open the LMS page with `initial` as the learner's stored data; return the site frame."""
        self.page.add_init_script(f"window.lmsInitial = {json.dumps(initial)};")
        self.page.clock.install(time=T0)
        self.page.clock.pause_at(START)
        path = self.package_base.split("/pkg/", 1)[1]
        self.page.goto(f"{self.lms_url}&launch=/pkg/{path}/{launcher}")
        self.frame = find_frame(self.page, f"{self.package_base}/{start}")
        return self.frame

    def open_chapter(self, chapter: str) -> None:
        """Go to a chapter page, as the learner following the site's links."""
        self.frame.goto(f"{self.package_base}/chapters/{chapter}.html")
        self.frame.wait_for_selector("[data-q-actions]:not([hidden])")
        self.chapter = chapter

    def answer(self, item: Answer, again: bool = False) -> None:
        """Spend STEP seconds on the question, then answer it (after "Try again" if `again`)."""
        if self.chapter != item.chapter:
            self.open_chapter(item.chapter)
        if again:
            retry(self.frame, item)
        self.page.clock.fast_forward(STEP * 1000)
        answer(self.frame, item)

    def leave(self, linger: int = 5) -> Session:
        """Wait `linger` seconds, close the SCO the way an LMS does, and collect the session."""
        self.page.clock.fast_forward(linger * 1000)
        self.page.evaluate("document.getElementById('sco').src = 'about:blank'")
        self.page.wait_for_function("window.lmsFinal !== undefined")
        return Session(self.page.evaluate("window.lmsCalls"), self.page.evaluate("window.lmsFinal"))
