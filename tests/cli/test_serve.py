"""`lessonkit serve`: rebuild on save, reload the browser, show diagnostics when broken."""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, expect

from cli.commands.serve import _echo_outcome, build_html, make_serve_command, serve
from cli.liveserver import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("html")]

COURSE = """\
id: tiny
title: Tiny course
sections:
  - id: only
    title: The only section
    chapters: [one.yaml]
"""
CHAPTER = """\
id: one
title: {title}
blocks:
  - kind: explanation
    body: Some text.
"""


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[LiveServer, Path]]:
    course = tmp_path / "course"
    course.mkdir()
    (course / "course.yaml").write_text(COURSE)
    (course / "one.yaml").write_text(CHAPTER.format(title="First title"))
    out = tmp_path / "out"
    server = LiveServer(out / "site", functools.partial(build_html, course, out), [course],
                        ignore=[out], debounce_ms=100)
    assert server.build_once() == []
    server.start()
    yield server, course
    server.stop()


def test_rebuilds_on_save_and_shows_problems(chromium: Browser,
                                             live: tuple[LiveServer, Path]) -> None:
    server, course = live
    context = chromium.new_context()
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url + "chapters/one.html")
    expect(page.locator("h1")).to_have_text("First title")

    (course / "one.yaml").write_text(CHAPTER.format(title="Second title"))
    expect(page.locator("h1")).to_have_text("Second title")  # the page reloaded itself

    (course / "one.yaml").write_text("id: one\ntitle: [unclosed\nblocks: []\n")
    overlay = page.locator("#lessonkit-live")
    expect(overlay).to_be_visible()
    expect(overlay).to_contain_text("one.yaml:")
    expect(overlay).to_contain_text("error[")
    expect(page.locator("h1")).to_have_text("Second title")  # the last good build stays

    # The "did you mean" and the notes come along, as `check` prints them.
    (course / "one.yaml").write_text(CHAPTER.format(title="T").replace("body:", "bodi:"))
    expect(overlay).to_contain_text("help: did you mean 'body'?")
    expect(overlay).to_contain_text("note: allowed keys: body, id, kind")

    (course / "one.yaml").write_text(CHAPTER.format(title="Third title"))
    expect(page.locator("h1")).to_have_text("Third title")
    expect(overlay).to_be_hidden()
    context.close()
    assert errors == []


def test_the_status_carries_hints_and_notes(live: tuple[LiveServer, Path]) -> None:
    server, course = live
    (course / "one.yaml").write_text(CHAPTER.format(title="T").replace("body:", "bodi:"))
    # A watcher may report the start-up files once more, or start watching only after the
    # first save: save again until the attempt that failed comes.
    deadline = time.monotonic() + 30
    status: dict[str, Any] = server.state.wait(1, 5)
    while not status["errors"] and time.monotonic() < deadline:
        (course / "one.yaml").write_text(CHAPTER.format(title="T").replace("body:", "bodi:"))
        status = server.state.wait(status["attempt"], 5)
    [error] = status["errors"]
    assert error["code"] == "unknown-key"
    assert error["hint"] == "did you mean 'body'?"
    assert error["notes"] == ["allowed keys: body, id, kind"]


def test_status_long_poll_reports_builds(live: tuple[LiveServer, Path]) -> None:
    server, _ = live
    assert server.state.wait(None, 0) == {"build": 1, "attempt": 1, "errors": []}
    assert server.state.wait(1, 0.05) == {"build": 1, "attempt": 1, "errors": []}


def test_the_command_line(tmp_path: Path) -> None:
    assert serve.name == "serve"
    result = CliRunner().invoke(serve, ["--help"])
    assert result.exit_code == 0
    for option in ("--port", "--out", "--open / --no-open"):
        assert option in result.output
    calls: list[tuple[Path, Path]] = []

    def factory(course_dir: Path, out: Path):  # type: ignore[no-untyped-def]
        calls.append((course_dir, out))
        raise KeyboardInterrupt  # stop right after the first build would start

    command = make_serve_command(factory)
    result = CliRunner().invoke(command, [str(tmp_path), "--port", "0", "--out", "o"])
    assert calls == [(tmp_path, Path("o"))]


def test_each_rebuild_says_how_long_it_took(capsys: pytest.CaptureFixture[str]) -> None:
    _echo_outcome([], 0.314)
    assert re.fullmatch(r"\[\d\d:\d\d:\d\d\] rebuilt in 0\.31 s\n", capsys.readouterr().err)
