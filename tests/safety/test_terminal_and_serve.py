"""Findings 6, 9 and 12 of issue 12: control characters on the terminal and in `check`,
an unwritable progress database, `serve`'s Host header and closed tabs."""

from __future__ import annotations

import functools
import http.client
import io
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from cli.commands.serve import build_html
from cli.liveserver import LIVE_PREFIX, LiveServer
from cli.main import main
from engine.loading.loader import load_course
from engine.safety.controls import CONTROL
from learner.screen import Screen
from learner.store import ProgressStore, StoreError
from tests.safety.hostile import COMPLETE, hostile_course
from tests.safety.hostile import CONTROL as CONTROL_PAYLOADS

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.learner.helpers import isolated_env, lessonkit, right_lines

SEED = 7


def test_the_plain_quiz_prints_no_control_character(tmp_path: Path) -> None:
    course_dir = hostile_course(tmp_path / "course", CONTROL_PAYLOADS)
    course = load_course(course_dir)  # loaded: the escapes are gone (and were warned about)
    chapter = next(c for c in course.chapters if c.id == "choices")
    lines = [line for q in chapter.questions for line in right_lines(q, SEED)]
    answers = tmp_path / "answers.txt"
    answers.write_text("\n".join([*lines, "y"]) + "\n", encoding="utf-8")
    with answers.open() as stdin:
        done = subprocess.run(
            [*lessonkit(), "quiz", str(course_dir), "--seed", str(SEED), "--chapter", "choices",
             "--plain"], stdin=stdin, capture_output=True, text=True, timeout=120,
            env=isolated_env(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "pwned" in done.stdout  # the payloads' text is shown ...
    assert not CONTROL.search(done.stdout), repr(CONTROL.search(done.stdout))  # ... inert
    assert not CONTROL.search(done.stderr)


def test_the_rich_screen_never_passes_a_control_sequence_through() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="standard", width=80)
    screen = Screen(console, io.StringIO(), plain=False)
    screen.say("title \x1b]0;pwned\x07 and \x1b[2J clear", style="bold")
    shown = buffer.getvalue()
    assert "pwned" in shown
    assert "\x1b]0;" not in shown and "\x1b[2J" not in shown and "\x07" not in shown


def test_check_shows_control_characters_escaped(tmp_path: Path) -> None:
    root = tmp_path / "course"
    shutil.copytree(COMPLETE, root)
    chapter = root / "01-basics" / "01-choices.yaml"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace("title: Choices", '"ti\\etle\\x9b2J": x\ntitle: Choices', 1),
                       encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    assert "error[unknown-key]" in result.output
    assert "ti\\x1btle\\x9b2J" in result.output
    assert not CONTROL.search(result.output)


# --- the progress database -----------------------------------------------------------------


def test_an_unwritable_progress_database_is_a_sentence(tmp_path: Path) -> None:
    store = ProgressStore.open(tmp_path / "progress.sqlite3")
    # As a read-only file does for a user who is not root: every write is refused.
    store._db.execute("PRAGMA query_only = ON")
    with pytest.raises(StoreError, match=r"cannot save progress to .*progress\.sqlite3"):
        store.start_session("complete", "chapter:choices", "quiz", 1, ["q"],
                            datetime(2027, 1, 1, tzinfo=UTC))
    store.close()


def test_the_quiz_says_when_it_cannot_open_the_progress_database(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    env = isolated_env(tmp_path, LESSONKIT_PROGRESS_DB=str(blocker / "progress.sqlite3"))
    done = subprocess.run([*lessonkit(), "quiz", str(COMPLETE), "--plain"], input="",
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 1
    assert "cannot open the progress database" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_read_only_database_file_is_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    ProgressStore.open(path).close()
    read_only = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    store = ProgressStore(read_only, path)
    with pytest.raises(StoreError, match="readonly"):
        store.start_session("complete", "all", "quiz", 1, ["q"], datetime(2027, 1, 1, tzinfo=UTC))
    store.close()


# --- serve -----------------------------------------------------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> LiveServer:
    course = tmp_path / "course"
    shutil.copytree(COMPLETE, course)
    out = tmp_path / "out"
    live = LiveServer(out / "site", functools.partial(build_html, course, out), [course],
                      ignore=[out], debounce_ms=100)
    live.build_once()
    live.start()
    yield live  # type: ignore[misc]
    live.stop()


def _get(live: LiveServer, host: str | None, path: str = "/index.html") -> int:
    port = live.httpd.server_address[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.putrequest("GET", path, skip_host=True)
    if host is not None:
        connection.putheader("Host", host)
    connection.endheaders()
    status = connection.getresponse().status
    connection.close()
    return status


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]", "LOCALHOST."])
def test_serve_answers_this_machine(server: LiveServer, host: str) -> None:
    port = server.httpd.server_address[1]
    assert _get(server, f"{host}:{port}") == 200
    assert _get(server, host) == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example",
                                  "localhost.evil.example", "[::2]", "", None])
def test_serve_refuses_any_other_host(server: LiveServer, host: str | None) -> None:
    # DNS rebinding: evil.example resolves to 127.0.0.1, its page reads the preview.
    assert _get(server, host) == 403
    assert _get(server, host, f"{LIVE_PREFIX}status") == 403


def test_a_closed_tab_is_no_traceback(server: LiveServer,
                                      capfd: pytest.CaptureFixture[str]) -> None:
    for error in (BrokenPipeError(32, "Broken pipe"), ConnectionResetError(104, "reset")):
        try:
            raise error
        except ConnectionError:
            server.httpd.handle_error(None, ("127.0.0.1", 1))  # type: ignore[arg-type]
    assert capfd.readouterr().err == ""
    try:
        raise ValueError("a real bug")
    except ValueError:
        server.httpd.handle_error(None, ("127.0.0.1", 1))  # type: ignore[arg-type]
    assert "a real bug" in capfd.readouterr().err  # bugs still show
