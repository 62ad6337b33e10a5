"""The course-wide settings of course.yaml (everything but its outline of sections): the
course's identity and languages, how code cells run, the feedback widget, the passing score.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field

from engine.field_types import Id, Markdown
from engine.node import Node

MAX_TIMEOUT = 3600.0
"""The largest `code.timeout` a course may ask for, in seconds."""


class CodeSettings(Node):
    """How code cells run."""

    python_path: list[str] = Field(default_factory=lambda: ["."])
    """Folders, relative to the course folder, put on `sys.path` for code cells."""
    timeout: float = Field(default=60.0, gt=0, le=MAX_TIMEOUT)
    """Seconds one chapter's cells may take in all (at most an hour: a runaway cell must
    not hold a build, or `serve`, for days)."""
    requires: list[str] = Field(default_factory=list)
    """Python packages the cells need (for documentation and cache keys)."""


def _http_url(value: str) -> str:
    # The site's Content-Security-Policy names this URL's origin, and the widget POSTs to
    # it: anything but a plain http(s) URL (`javascript:`, a path, a typo) is refused here
    # rather than silently left out of the site.
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or any(
        c in value.strip() for c in " \t\n;,'\"<>\\"
    ):
        raise ValueError("use an http:// or https:// URL, such as https://example.org/feedback")
    return value


class FeedbackSettings(Node):
    """The "Was everything clear?" widget after each chapter."""

    enabled: bool = True
    """Show the widget."""
    endpoint: Annotated[str, AfterValidator(_http_url)] | None = None
    """URL the static site POSTs feedback to (http or https); feedback is kept locally when
    absent."""


class CourseMeta(Node):
    """Course-wide settings written in course.yaml."""

    id: Id
    """Course id; progress and LMS packages are keyed by it."""
    title: str
    """Course title."""
    description: Markdown = ""
    """What the course is about."""
    language: str = "en"
    """Language of the content (BCP 47 tag)."""
    ui_language: str = "en"
    """Language of the interface strings (`en`, `pt`, ...)."""
    authors: list[str] = Field(default_factory=list)
    """Authors, as they want to be credited."""
    license: str | None = None
    """Licence of the content (SPDX identifier)."""
    version: str = "1.0.0"
    """Version of the course."""
    code: CodeSettings = Field(default_factory=CodeSettings)
    """How code cells run."""
    feedback: FeedbackSettings = Field(default_factory=FeedbackSettings)
    """The feedback widget."""
    passing_score: float = Field(default=0.8, ge=0, le=1)
    """Fraction of the points a learner needs to pass (SCORM mastery score, cmi5 masteryScore)."""
    allow_html: bool = False
    """Let raw HTML in Markdown through (escaped otherwise)."""
    suppress: list[str] = Field(default_factory=list)
    """Warning codes to silence, such as `missing-explanation`."""
    renderers: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Options per renderer, validated by each renderer, e.g. `scorm12: {sco: chapter}`."""
