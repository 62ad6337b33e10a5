"""A chapter that runs past `code.timeout` is stopped, with everything it started."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from engine.diagnostics import Code
from engine.execution.execute import execute_course
from engine.loading.loader import load_course
from tests.engine.execution.execute_helpers import processes_naming, wait_for


def helper_of(folder: Path) -> str:
    """What only the command line of the sleeper's helper process contains."""
    return f"time.sleep(120)\0{folder}\0"


def test_a_cell_past_the_timeout_is_killed_with_its_children(
    fixture_copy: Callable[[str], Path],
) -> None:
    folder = fixture_copy("slow")
    course = load_course(folder)
    assert course.code.timeout == 3
    started = time.perf_counter()
    result = execute_course(course)
    elapsed = time.perf_counter() - started
    assert 3 <= elapsed < 30  # not before the timeout; the upper bound only catches a hang

    [diagnostic] = result.diagnostics
    sleeper = course.chapters[0].code_cells[1]
    assert diagnostic.code is Code.CELL_TIMEOUT
    assert diagnostic.span == sleeper.span
    assert "3 s timeout" in diagnostic.message and "'sleeper'" in diagnostic.message
    assert "cells that did not run: never" in diagnostic.notes
    assert result.outputs["quick"].stdout == "quick\n"
    assert (result.outputs["sleeper"].error or "").startswith("Timeout:")
    assert "never" not in result.outputs
    assert result.failed == ["sleepy"]

    # The process the cell spawned went down with the chapter.
    assert processes_naming(helper_of(folder)) == []


def test_an_interrupt_stops_the_running_chapters_at_once(
    fixture_copy: Callable[[str], Path],
) -> None:
    folder = fixture_copy("slow")
    loaded = load_course(folder)
    # A long timeout: only stopping the children can make this test end quickly.
    course = loaded.model_copy(update={"code": loaded.code.model_copy(update={"timeout": 60})})
    helper = helper_of(folder)

    interrupted: list[float] = []

    def interrupt(line: str) -> None:
        assert wait_for(lambda: bool(processes_naming(helper)), 30)
        interrupted.append(time.perf_counter())
        raise KeyboardInterrupt(line)

    with pytest.raises(KeyboardInterrupt, match="quick: executed"):
        execute_course(course, jobs=2, progress=interrupt)
    # Measured from the interrupt, not from the start: starting the chapters may take long
    # on a busy machine, stopping them must not wait for their 60 s timeout.
    assert time.perf_counter() - interrupted[0] < 30
    assert processes_naming(helper) == []


def test_the_cells_die_with_a_killed_parent(fixture_copy: Callable[[str], Path]) -> None:
    folder = fixture_copy("slow")
    script = (
        "import sys\n"
        "from engine.execution.execute import execute_course\n"
        "from engine.loading.loader import load_course\n"
        "course = load_course(sys.argv[1])\n"
        "code = course.code.model_copy(update={'timeout': 60})\n"
        "execute_course(course.model_copy(update={'code': code}))\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script, str(folder)])
    helper = helper_of(folder)
    try:
        assert wait_for(lambda: bool(processes_naming(helper)), 30)
    finally:
        parent.kill()
        parent.wait()
    # SIGKILL gives lessonkit no chance to stop anything: the cells' supervisor sees its
    # lifeline pipe close and ends the tree.
    assert wait_for(lambda: not processes_naming(helper), 30)
