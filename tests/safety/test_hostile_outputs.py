"""Hostile strings in every text field of the complete course, through every format.

The property: whatever mix of payloads (script tags, event handlers, `javascript:` links,
markup inside math, control characters, paths out of the course) an author's text holds,
`check` reports the path tricks at their place and lets everything else through as
warnings, and no file of any format (the site, SCORM, cmi5, QTI 1.2 and 2.1, Moodle XML,
GIFT, Common Cartridge) holds executable markup, a `javascript:` URL, a control character
or an unsafe zip entry name. The build is run as if `check` had missed the path tricks,
so the renderers' own rule is what is tested there, not only the gate in front of them.

Then Chromium opens the site and the SCORM package built from every payload at once,
answers every question, reveals every hint and opens every disclosure: no payload may set
`window.__pwned`, open a dialog or request a URL naming "pwned".
"""

from __future__ import annotations

import http.server
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import engine.checking.rules
from cli.main import main
from engine.diagnostics import Diagnostic, Severity
from engine.loading.loader import check_course
from tests.helpers import LocalServer
from tests.safety.hostile import PATH_CODES, PAYLOADS, hostile_course
from tests.safety.scan import output_problems

_check_rules = engine.checking.rules.check_rules


def build_all(course: Path, out: Path, blind_to: frozenset[str] = PATH_CODES) -> None:
    """`lessonkit build -f all`, with `check` blind to path tricks (see the module doc)."""

    def rules(*args: Any, **kwargs: Any) -> list[Diagnostic]:
        return [d for d in _check_rules(*args, **kwargs) if d.code.value not in blind_to]

    with mock.patch.object(engine.checking.rules, "check_rules", rules):
        result = CliRunner().invoke(
            main, ["build", str(course), "-f", "all", "--no-execute", "-j", "1", "-o", str(out)]
        )
    assert result.exit_code == 0, result.output


def assert_check_reports_only_path_tricks(course: Path) -> None:
    result = check_course(course)
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    assert {d.code.value for d in errors} <= PATH_CODES, [d.headline() for d in errors]
    for d in errors:
        assert d.span is not None and Path(d.span.file).is_relative_to(course), d.headline()
        assert d.span.line > 0 and d.span.column > 0


# A few examples (each is a full build of every format); no shrinking, which would build
# hundreds more: a failure prints its payloads, which is all a reader needs.
@settings(max_examples=4, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PAYLOADS), min_size=1, max_size=6))
def test_no_output_of_any_format_carries_a_payload(payloads: list[str]) -> None:
    with tempfile.TemporaryDirectory() as work:
        course = hostile_course(Path(work) / "course", payloads)
        assert_check_reports_only_path_tricks(course)
        out = Path(work) / "out"
        build_all(course, out)
        assert output_problems(out) == []
        built = {p.name for p in out.iterdir()}
        assert {"site", "complete-scorm12.zip", "complete-qti21.zip", "complete-moodle.xml",
                "complete-gift.txt", "complete.imscc", "complete-cmi5.zip"} <= built


def test_every_payload_at_once_is_reported_and_inert(hostile_build: Path) -> None:
    assert output_problems(hostile_build) == []
    site = (hostile_build / "site").rglob("*")
    leaked = [p for p in site if p.is_file() and b"root:x:0:0" in p.read_bytes()]
    assert leaked == []


# --- in a browser -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("hostile")
    course = hostile_course(work / "course", PAYLOADS)
    assert_check_reports_only_path_tricks(course)
    build_all(course, work / "out")
    return work / "out"


class _Recorder(http.server.SimpleHTTPRequestHandler):
    requested: list[str]

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.requested.append(self.path)
        super().do_GET()


@contextmanager
def serving(folder: Path) -> Iterator[tuple[str, list[str]]]:
    requested: list[str] = []
    handler = type("Handler", (_Recorder,), {"requested": requested})
    server = LocalServer(
        ("127.0.0.1", 0), lambda *a: handler(*a, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requested
    finally:
        server.shutdown()
        server.server_close()


def _exercise(frame: Any) -> None:
    """Answer every question with a payload, reveal hints, open every disclosure.

    Clicks are dispatched from script: an injected element laid over a button must not
    stop the test from doing what a learner would do.
    """
    frame.evaluate("""payload => {
      for (const q of document.querySelectorAll('[data-question]')) {
        for (const hint of q.querySelectorAll('[data-q-hint]')) {
          for (let i = 0; i < 5 && !hint.disabled; i++) hint.click();
        }
        const box = q.querySelector('input[type=radio]:enabled, input[type=checkbox]:enabled');
        if (box) box.click();
        for (const field of q.querySelectorAll('input[type=text]:enabled')) {
          field.value = payload;
          field.dispatchEvent(new Event('input', {bubbles: true}));
        }
        for (const select of q.querySelectorAll('select:enabled')) {
          select.selectedIndex = Math.min(1, select.options.length - 1);
          select.dispatchEvent(new Event('change', {bubbles: true}));
        }
        const check = q.querySelector('[data-q-check]:enabled');
        if (check) check.click();
      }
      for (const d of document.querySelectorAll('details')) d.open = true;
    }""", PAYLOADS[1])
    frame.wait_for_timeout(200)


def _chapters(site: Path) -> list[str]:
    return sorted(p.name for p in (site / "chapters").glob("*.html"))


def _browse(chromium: Any, folder: Path, first: str) -> tuple[list[str], list[str]]:
    """Open `first`, then every chapter page (exercised, then reloaded); the dialogs seen
    and the paths requested. Fails when a frame has `window.__pwned` set."""
    # The policy is bypassed so that the escaping itself is tested; a script of the
    # site's own origin (which the policy allows) waits at /pwned.js.
    (folder / "pwned.js").write_text("window.__pwned = 'script';", encoding="utf-8")
    context = chromium.new_context(bypass_csp=True)
    dialogs: list[str] = []
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.set_default_timeout(30_000)
    with serving(folder) as (base, requested):
        page.goto(f"{base}/{first}")
        page.wait_for_load_state("load")
        for chapter in _chapters(folder):
            page.goto(f"{base}/chapters/{chapter}")
            _exercise(page)
            page.reload()
            for frame in page.frames:
                assert frame.evaluate("window.__pwned") is None, (folder.name, chapter)
        page.goto(f"{base}/{first}")
        page.wait_for_timeout(300)
        for frame in page.frames:
            assert frame.evaluate("window.__pwned") is None, (folder.name, first)
    context.close()
    return dialogs, requested


@pytest.mark.browser
@pytest.mark.xdist_group("html")
def test_no_payload_runs_in_the_site_or_the_scorm_package(
    chromium: Any, hostile_build: Path, tmp_path: Path
) -> None:
    package = tmp_path / "scorm"
    with zipfile.ZipFile(hostile_build / "complete-scorm12.zip") as archive:
        archive.extractall(package)
    shutil.copytree(hostile_build / "site", tmp_path / "site")
    for folder, first in ((tmp_path / "site", "index.html"), (package, "lessonkit-launch.html")):
        dialogs, requested = _browse(chromium, folder, first)
        assert dialogs == []
        assert [path for path in requested if "pwned" in path.lower()] == [], folder.name
        assert any(path.startswith("/chapters/") for path in requested), requested
