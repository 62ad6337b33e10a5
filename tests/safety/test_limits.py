"""Findings 5, 7, 9 and 10 of issue 12: alias amplification, package names, numbers that
pass `check` and crash later, regular expressions that hang a grader."""

from __future__ import annotations

import re
import shutil
import tracemalloc
from importlib.resources import files
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from click.testing import CliRunner

from cli.main import main
from engine.diagnostics import Code
from engine.grading.patterns import MATCH_SECONDS, MAX_ANSWER, pattern_matches, slow_pattern_reason
from engine.grading.score import grade
from engine.loading.loader import check_course
from engine.loading.source import load_yaml_bytes
from engine.model import Text
from engine.safety.names import is_safe_entry, unsafe_path_reason
from renderers.base import zip_bundle
from renderers.site.grader import grader_data
from tests.safety.hostile import COMPLETE
from tests.safety.scan import output_problems

# --- 5: alias amplification ----------------------------------------------------------------


def _amplifier(aliases: int, block_chars: int = 100_000) -> bytes:
    block = "x" * 79
    lines = block_chars // 80
    body = "\n".join(f"    {block}" for _ in range(lines))
    head = f"id: c\ntitle: T\nbig: &big |\n{body}\nblocks:\n"
    uses = "".join("  - {kind: explanation, body: *big}\n" for _ in range(aliases))
    return (head + uses).encode()


def test_one_big_block_named_by_2000_aliases_is_refused_with_bounded_memory() -> None:
    # How fast it is refused depends on the machine: benchmarks/bench_limits.py measures it.
    raw = _amplifier(2000)
    assert len(raw) < 200_000  # the file: about 114 KB
    loaded = load_yaml_bytes(raw, "amplified.yaml")
    assert [d.code for d in loaded.diagnostics] == [Code.ALIAS_LIMIT]
    assert "characters" in loaded.diagnostics[0].message
    assert loaded.data is None
    tracemalloc.start()
    try:
        load_yaml_bytes(raw, "amplified.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 200 * 1024 * 1024


def test_a_few_aliases_of_a_block_are_fine() -> None:
    loaded = load_yaml_bytes(_amplifier(10), "reused.yaml")
    assert loaded.diagnostics == []
    assert len(loaded.data["blocks"]) == 10


# --- 7: package names ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["..\\..\\evil.svg", "a\x1bb.png", "C:evil.png", "nul.txt",
                                  "a/con/b.png", "trailing. /x.png", "x\x00.png"])
def test_unsafe_file_names_have_a_reason(name: str) -> None:
    assert unsafe_path_reason(name) is not None


@pytest.mark.parametrize("name", ["../assets/x.svg", "a b/c-d_e.f.png", "ünïcode/ß.png"])
def test_ordinary_file_names_are_fine(name: str) -> None:
    assert unsafe_path_reason(name) is None


@pytest.mark.parametrize("entry", ["../x", "/x", "a/../x", "C:/x", "a\\x", "a/\x1b"])
def test_zip_writer_refuses_unsafe_entries(entry: str) -> None:
    assert not is_safe_entry(entry)
    with pytest.raises(ValueError, match="unsafe package entry name"):
        zip_bundle({PurePosixPath(entry): b"x"})


def test_ids_that_differ_only_in_case_are_reported_not_a_traceback(tmp_path: Path) -> None:
    root = tmp_path / "course"
    shutil.copytree(COMPLETE, root)
    chapter = root / "02-more" / "01-structures.yaml"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(
        "id: structures", "id: Choices"), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(root), "-f", "scorm12", "-f", "qti21",
                                       "--no-execute", "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "error[duplicate-id]" in result.output and "only in case" in result.output
    assert "Traceback" not in result.output


def test_a_backslash_file_name_is_reported_at_its_source(tmp_path: Path) -> None:
    root = tmp_path / "course"
    shutil.copytree(COMPLETE, root)
    (root / "assets" / "..\\..\\evil.svg").write_bytes(b"<svg/>")
    chapter = root / "01-basics" / "01-choices.yaml"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(
        "](../assets/diagram.svg)", "](../assets/..%5C..%5Cevil.svg)"), encoding="utf-8")
    found = [(d.code, d.span.line if d.span else 0) for d in check_course(root).diagnostics
             if d.code is Code.UNSAFE_FILE_NAME]
    assert found == [(Code.UNSAFE_FILE_NAME, 23)]


# --- 9: numbers that pass check must not crash later ----------------------------------------


def test_the_largest_accepted_numbers_build_every_format_and_grade(tmp_path: Path) -> None:
    root = tmp_path / "course"
    shutil.copytree(COMPLETE, root)
    chapter = root / "01-basics" / "02-values.yaml"
    text = chapter.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(\s+)points: .*$", r"\1points: 1000000", text)
    text = re.sub(r"(?m)^(\s+)answer: 0\.25$", r"\1answer: 1e100", text)
    text = re.sub(r"(?m)^(\s+)tolerance: (0\.\d+|\d+%)$", r"\1tolerance: 1e100", text)
    chapter.write_text(text, encoding="utf-8")
    assert "answer: 1e100" in text and "tolerance: 1e100" in text
    assert check_course(root).errors == []
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(root), "-f", "all", "--no-execute",
                                       "-j", "1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert output_problems(out) == []


def test_points_are_bounded_so_a_total_stays_finite() -> None:
    loaded = check_course(COMPLETE)
    assert loaded.course is not None
    question = loaded.course.chapters[0].questions[0]
    worth = question.model_copy(update={"points": 1_000_000})
    assert grade(worth, 0).max_points == 1_000_000
    assert not is_safe_entry("a//x")  # an empty part


# --- 10: regular expressions -----------------------------------------------------------------

SLOW = ["(a+)+b", "(a*)*b", "(a|aa)*b", "(x+x+)+y", "(.*,)*x", r"^(\s*\w+)*$",
        r"(?:[a-z]+\s?)+!", "(a|a)*b", r"(\w|\d)+!"]
FINE = [r"back-?prop(agation)?", r"[A-Za-z]+ [0-9]+", r"(ab|cd)+", r"\d+(\.\d+)?",
        r"([a-z]+, )*[a-z]+", r"(\d+\.)+\d+", r"(?:the )?(?:vanishing|exploding) gradients?",
        r"4|four", r"[\w-]+", r"((ab)*c)*"]


@pytest.mark.parametrize("pattern", SLOW)
def test_catastrophic_patterns_are_flagged(pattern: str) -> None:
    assert slow_pattern_reason(pattern) is not None


@pytest.mark.parametrize("pattern", FINE)
def test_ordinary_patterns_are_not_flagged(pattern: str) -> None:
    assert slow_pattern_reason(pattern) is None


# That a flagged pattern backtracks exponentially in `re` while the accepted ones stay fast
# on their worst answers, and how soon the Python grader gives up, are timings:
# benchmarks/bench_limits.py measures them against peers in the same run.


def test_the_python_grader_matches_with_a_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    import engine.grading.patterns

    seen: list[object] = []
    real = engine.grading.patterns.regex.fullmatch

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs.get("timeout"))
        return real(*args, **kwargs)

    monkeypatch.setattr(engine.grading.patterns.regex, "fullmatch", spy)
    assert pattern_matches("a{1,300}", "a" * MAX_ANSWER, ignore_case=False)
    assert seen == [MATCH_SECONDS]


def test_the_python_grader_cannot_hang() -> None:
    # Exponential for `regex` too: without the time limit (above) this would not return.
    assert not pattern_matches("(a|a)+b", "a" * 40, ignore_case=False)
    assert not pattern_matches("(a+)+b", "a" * 45, ignore_case=True)
    assert not pattern_matches("(x+x+)+y", "x" * 200, ignore_case=False)
    assert pattern_matches("a{1,300}", "a" * MAX_ANSWER, ignore_case=False)
    assert not pattern_matches("a+", "a" * (MAX_ANSWER + 1), ignore_case=False)


def test_a_timed_out_match_is_a_wrong_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    import engine.grading.patterns

    def too_slow(*_args: Any, **_kwargs: Any) -> None:
        raise TimeoutError("regex timed out")

    monkeypatch.setattr(engine.grading.patterns.regex, "fullmatch", too_slow)
    assert not pattern_matches("abc", "abc", ignore_case=False)


def _text_question(pattern: str) -> Text:
    return Text.model_validate({"kind": "question", "id": "q", "type": "text", "prompt": "?",
                                "accept": ["b"], "pattern": pattern})


@pytest.mark.browser
@pytest.mark.xdist_group("html")
def test_the_browser_grader_caps_the_answer_as_the_python_one_does(chromium: Any) -> None:
    source = files("renderers.site").joinpath("static", "grading.js").read_text("utf-8")
    cases = [("(a+)+b", "a" * 400), ("a{1,300}", "a" * MAX_ANSWER),
             ("a+", "a" * (MAX_ANSWER + 1))]
    page = chromium.new_page()
    try:
        page.set_content("<!DOCTYPE html><title>cap</title>")
        page.add_script_tag(content=source)
        # Without the cap, (a+)+b on 400 characters would not return.
        got = page.evaluate("cases => cases.map(c => lessonkitGrade(c.q, c.r, 0).fraction)",
                            [{"q": grader_data(_text_question(p)), "r": r} for p, r in cases])
    finally:
        page.close()
    expected = [grade(_text_question(p), r).fraction for p, r in cases]
    assert got == expected == [0.0, 1.0, 0.0]
