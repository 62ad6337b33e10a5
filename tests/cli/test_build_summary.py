"""The build prints one line per format saying what it could not carry, counted by kind
(issue 11: `make demo` printed 672 fidelity lines); every loss stays in the JSON and
`--verbose` lists them all."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from click.testing import CliRunner

from cli.commands.fidelity_summary import summary_line
from cli.main import main
from engine.loading.loader import load_course
from tests.renderers.banks.exportkit import COURSES


def test_summary_counts_questions_per_kind_and_left_out_per_type() -> None:
    course = load_course(COURSES["complete"])
    report = {"format": "gift", "losses": [
        {"question": "single-all-options", "feature": "hints"},
        {"question": "single-all-options", "feature": "penalty"},
        {"question": "matching", "feature": "penalty"},
        {"question": "matching", "feature": "penalty"},  # one question counts once
        {"question": "cloze-strict", "feature": "question"},
        {"question": "cloze-strict", "feature": "hints"},  # left out: not counted again
        {"question": "ordering-all", "feature": "question-type"},
    ]}
    assert summary_line(course, report) == (
        f"gift: 1 of {len(course.questions)} questions left out (cloze 1); "
        "penalty not kept in 2; hints dropped in 1; type changed in 1")
    assert summary_line(course, {"format": "qti21", "losses": []}) is None


def _build(tmp_path: Path, *extra: str) -> tuple[str, Path]:
    out = tmp_path / "out"
    with contextlib.chdir(tmp_path):
        result = CliRunner().invoke(main, ["build", str(COURSES["sample"]), "--no-execute",
                                           "-o", str(out), "-f", "gift", "-f", "cc",
                                           "-f", "qti12", *extra])
    assert result.exit_code == 0, result.output
    return result.stderr, out


def test_build_prints_one_line_per_format_and_verbose_every_loss(tmp_path: Path) -> None:
    stderr, out = _build(tmp_path)
    lines = [line for line in stderr.splitlines() if line.endswith("(--verbose lists them)")]
    assert [line.split(":")[0] for line in lines] == ["gift", "cc", "qti12"]
    course = load_course(COURSES["sample"])
    clozes = sum(1 for q in course.questions if q.type == "cloze" and len(q.blanks) > 1)
    assert f"{clozes} of {len(course.questions)} questions left out (cloze {clozes})" in lines[0]
    assert "question '" not in stderr
    assert len(stderr.splitlines()) < 20
    losses = sum(len(json.loads(p.read_text())["losses"])
                 for p in out.glob("*-fidelity.json"))
    verbose, _ = _build(tmp_path, "--verbose")
    assert verbose.count("question '") == losses
