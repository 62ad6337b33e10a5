"""A hostile cell cannot write outside its scratch folder, read the user's secrets, reach the
network, outlive the build, or get past the memory, time and output limits.

Each test runs one chapter of tests/engine/execution/fixtures/hostile/. Where the file
system and the network are confined only by bubblewrap, the test needs it: it is skipped without it,
except in CI (`CI=true`), where a missing or broken bubblewrap fails it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from engine.diagnostics import Code
from engine.execution import sandbox as sandboxes
from engine.execution.execute import ExecutionResult, execute_course
from engine.execution.sandbox import Sandbox
from engine.loading.loader import check_course, load_course
from tests.engine.execution.execute_helpers import processes_naming


@pytest.fixture
def bubblewrap() -> Sandbox:
    found = sandboxes.detect()
    if found.bwrap is None:
        if sandboxes.required():
            pytest.fail("CI=true, but bubblewrap is missing or cannot create namespaces here "
                        "(scripts/install-tools.sh installs it)")
        pytest.skip("bubblewrap is not installed or cannot create namespaces here")
    return found


@pytest.fixture
def hostile(fixture_copy: Callable[[str], Path]) -> Path:
    return fixture_copy("hostile")


def run(folder: Path, chapter: str, sandbox: Sandbox | None = None,
        timeout: float | None = None) -> ExecutionResult:
    course = load_course(folder)
    if timeout is not None:
        code = course.code.model_copy(update={"timeout": timeout})
        course = course.model_copy(update={"code": code})
    return execute_course(course, chapters={chapter}, cache_dir=folder / ".cache",
                          sandbox=sandbox)


def test_a_cell_writes_only_in_its_scratch_folder(hostile: Path, bubblewrap: Sandbox) -> None:
    result = run(hostile, "writes", bubblewrap)
    [refused] = result.diagnostics
    assert refused.code is Code.CELL_ERROR and "Read-only file system" in refused.message
    assert "scratch folder" in (refused.hint or "")
    assert result.outputs["scratch"].stdout == "scratch ok\n"
    assert result.outputs["outside"].stdout == "refused Read-only file system\n" * 2
    assert not (hostile / "escaped.txt").exists()
    assert not (hostile.parent / "escaped.txt").exists()


def test_a_cell_sees_none_of_the_users_environment(
    hostile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECRET_TOKEN", "hunter2-do-not-publish")
    # Without bubblewrap too: the environment is built from nothing either way.
    result = run(hostile, "secrets", Sandbox(None, processes_enforced=False))
    names, secret = result.outputs["environment"].stdout.splitlines()
    assert secret == "None"
    assert "hunter2" not in names
    assert set(eval(names)) <= set(sandboxes.environment(Path("/scratch")))


def test_a_cell_cannot_reach_the_network(hostile: Path, bubblewrap: Sandbox) -> None:
    accepted: list[object] = []
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(5)
        port = server.getsockname()[1]
        chapter = hostile / "network.yaml"
        chapter.write_text(chapter.read_text(encoding="utf-8").replace("PORT", str(port)),
                           encoding="utf-8")

        def accept() -> None:
            with contextlib.suppress(OSError):
                accepted.append(server.accept())

        listener = threading.Thread(target=accept)
        listener.start()
        result = run(hostile, "network", bubblewrap)
        server.close()
        listener.join()
    assert result.outputs["connect"].stdout == "refused Connection refused\n"
    assert accepted == []


@pytest.mark.parametrize("confined", ["bubblewrap", "subreaper"])
def test_no_process_outlives_its_chapter(
    hostile: Path, confined: str, request: pytest.FixtureRequest
) -> None:
    # fork(); setsid(); fork(): the grandchild is in no process group of the chapter's.
    sandbox = (request.getfixturevalue("bubblewrap") if confined == "bubblewrap"
               else Sandbox(None, processes_enforced=False))
    result = run(hostile, "survivor", sandbox)
    finished = time.monotonic()
    assert result.outputs["escape"].stdout == "escaped\n"
    assert processes_naming(f"{hostile}\0") == []
    # Past the moment it would have written its file, had it survived.
    time.sleep(max(0.0, finished + 2.0 - time.monotonic()))
    assert not (hostile / "survived.txt").exists()


def test_memory_is_limited(hostile: Path) -> None:
    result = run(hostile, "memory")
    [diagnostic] = result.diagnostics
    assert diagnostic.code is Code.CELL_ERROR
    assert "MemoryError" in diagnostic.message and "2 GiB" in (diagnostic.hint or "")
    assert result.outputs["allocate"].stdout == ""


def test_time_is_limited(hostile: Path) -> None:
    result = run(hostile, "spin", timeout=1)
    [diagnostic] = result.diagnostics
    assert diagnostic.code is Code.CELL_TIMEOUT
    assert "1 s timeout" in diagnostic.message


def test_a_timeout_past_the_maximum_is_refused(hostile: Path) -> None:
    course_file = hostile / "course.yaml"
    text = course_file.read_text(encoding="utf-8")
    course_file.write_text(text.replace("timeout: 10", "timeout: 1e12"), encoding="utf-8")
    [diagnostic] = check_course(hostile).diagnostics
    assert diagnostic.code is Code.INVALID_VALUE
    assert "less than or equal to 3600" in diagnostic.message
    line = text.splitlines().index("  timeout: 10") + 1
    assert (diagnostic.span.file, diagnostic.span.line, diagnostic.span.column) == (
        str(course_file), line, 12)


def test_output_written_to_the_descriptors_is_cut(hostile: Path) -> None:
    result = run(hostile, "flood")
    [diagnostic] = result.diagnostics
    assert diagnostic.code is Code.CELL_OUTPUT_LIMIT  # cut, not stopped by the chapter's timeout
    assert f"more than {sandboxes.DESCRIPTOR_OUTPUT_LIMIT:,} bytes" in diagnostic.message
    assert "'flood' was running" in diagnostic.message
    assert "flooded" not in result.outputs["flood"].stdout


def test_the_limits_are_what_the_message_says() -> None:
    sandbox = Sandbox("/usr/bin/bwrap", processes_enforced=True)
    limits = sandbox.limits(120)
    assert limits["memory"] == 2 * 1024**3 and limits["cpu_seconds"] == 121
    assert limits["processes"] > sandboxes.PROCESS_LIMIT
    assert sandbox.describe(120) == (
        "in a sandbox (bubblewrap: no network, read-only files; 2 GiB memory, "
        "120 s per chapter)")
    assert "install bubblewrap" in Sandbox(None, False).describe(60)



def test_build_says_what_is_about_to_run_and_how(fixture_copy: Callable[[str], Path],
                                                 tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cli.main import main

    folder = fixture_copy("cached")
    line = (f"running 3 code cells of 2 chapters from cached "
            f"{sandboxes.detect().describe(30)}")
    quiet = CliRunner().invoke(main, ["build", str(folder), "-o", str(tmp_path / "q"),
                                      "-f", "gift", "--quiet"])
    assert quiet.exit_code == 0, quiet.output
    assert "running" not in quiet.stderr
    again = CliRunner().invoke(main, ["build", str(folder), "-o", str(tmp_path / "o"),
                                      "-f", "gift", "--refresh"])
    assert again.exit_code == 0, again.output
    assert line in again.stderr.splitlines()
