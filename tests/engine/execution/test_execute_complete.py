"""The completeness course: its cells run, hidden and `run: false` cells behave, answers check."""

from __future__ import annotations

import shutil
from pathlib import Path

from engine.execution.execute import execute_course
from engine.loading.loader import load_course

COMPLETE = Path(__file__).resolve().parents[2] / "fixtures" / "courses" / "complete"


def test_the_completeness_course_runs_clean(tmp_path: Path) -> None:
    folder = tmp_path / "complete"
    # Leave out a cache another test may have left in the fixture folder: this run is cold.
    shutil.copytree(COMPLETE, folder, ignore=shutil.ignore_patterns(".lessonkit-cache"))
    course = load_course(folder)
    result = execute_course(course)
    assert result.diagnostics == []
    assert result.executed == ["values"]
    assert result.outputs["compute"].stdout == "value = 0.25\n"
    assert result.outputs["hidden-cell"].stdout == "hidden-cell\n"  # hidden source still runs
    assert "not-run" not in result.outputs
    assert result.verified == {"numeric-abs": 0.25, "text-accept": "bptt"}
    assert execute_course(course).cached == ["values"]
