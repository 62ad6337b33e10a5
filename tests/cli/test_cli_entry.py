"""The `lessonkit` program ends its one-shot commands without interpreter teardown, and
keeps every exit code and every line of output while doing so."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMPLETE_COURSE = ROOT / "tests" / "fixtures" / "courses" / "complete"

# Runs the program's entry point with an exit handler that says whether teardown ran.
PROGRAM = """\
import atexit, sys
atexit.register(lambda: print("TEARDOWN", file=sys.stderr))
from cli.main import entry
sys.argv = ["lessonkit", *sys.argv[1:]]
entry()
"""


def _lessonkit(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-c", PROGRAM, *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)


def test_a_one_shot_command_skips_teardown_and_keeps_its_output() -> None:
    done = _lessonkit("check", str(COMPLETE_COURSE), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []  # flushed whole before the process ended
    assert "TEARDOWN" not in done.stderr


def test_a_failing_one_shot_command_keeps_its_exit_code(tmp_path: Path) -> None:
    (tmp_path / "course.yaml").write_text("id: x\ntitle: [unclosed\n", encoding="utf-8")
    done = _lessonkit("check", str(tmp_path))
    assert done.returncode == 1
    assert "course.yaml:2" in done.stderr and "TEARDOWN" not in done.stderr
    usage = _lessonkit("build", str(tmp_path / "missing"))
    assert usage.returncode == 2 and "does not exist" in usage.stderr


def test_other_commands_end_normally() -> None:
    done = _lessonkit("--version")
    assert done.returncode == 0 and "lessonkit" in done.stdout
    assert "TEARDOWN" in done.stderr
