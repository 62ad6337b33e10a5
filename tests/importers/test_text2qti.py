"""text2qti import: every Markdown form text2qti reads, and located errors."""

from __future__ import annotations

from pathlib import Path

from importers import detect
from tests.importers.handwritten import FIXTURES, check_warnings, located, run_import, written

T2Q = FIXTURES / "text2qti"


def test_hand_written_quiz_gives_the_expected_chapter(tmp_path: Path) -> None:
    source = T2Q / "quiz.md"
    code, err = run_import(source, tmp_path / "c")
    assert code == 0, err
    expected = {p.relative_to(T2Q / "expected").as_posix(): p.read_text(encoding="utf-8")
                for p in sorted((T2Q / "expected").rglob("*.yaml"))}
    assert written(tmp_path / "c") == expected
    assert sorted(located(err, source)) == [
        "29:1 import-unsupported", "46:1 import-unsupported", "60:1 import-unsupported",
        "63:1 import-unsupported",
    ]
    for kind in ("pools", "scripting", "combined-feedback", "essay"):
        assert f"x {kind}" in err
    assert check_warnings(tmp_path / "c") <= {"missing-explanation", "missing-feedback"}


def test_malformed_answers_are_located_errors(tmp_path: Path) -> None:
    source = T2Q / "broken.md"
    code, err = run_import(source, tmp_path / "c", "--format", "text2qti")
    assert code == 1
    # The line that mixes forms is refused, which leaves question 2 one choice short.
    assert located(err, source) == ["8:1 import-syntax", "3:1 import-syntax",
                                    "6:1 import-unsupported"]


def test_detection_tells_text2qti_from_gift() -> None:
    assert detect((T2Q / "quiz.md").read_bytes(), "quiz.md") == "text2qti"
    assert detect(b"::t::Q?{T}\n", "quiz.txt") == "gift"
