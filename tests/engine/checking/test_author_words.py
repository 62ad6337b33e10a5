"""Everyday YAML slips are explained in an author's words; the parser's stay as a note."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.diagnostics import Code, Diagnostic
from engine.loading.source import load_yaml_bytes
from tests.course_files import WriteCourse
from tests.helpers import INVALID


def _only(raw: bytes) -> Diagnostic:
    loaded = load_yaml_bytes(raw, "chapter.yaml")
    assert len(loaded.diagnostics) == 1, [d.headline() for d in loaded.diagnostics]
    return loaded.diagnostics[0]


@pytest.mark.parametrize(
    ("fixture", "words", "hint"),
    [
        ("yaml-syntax-item-indented-more", "indented 1 space more than the item on line 12",
         "line up its '-'"),
        ("yaml-syntax-item-indented-less", "indented 1 space less than the item on line 11",
         "line up its '-'"),
        ("yaml-syntax-no-space-after-colon", "'feedback:no' has no space after the colon",
         "write 'feedback: no'"),
        ("yaml-syntax-unclosed-single-quote", "the quote ' that opens here is never closed",
         "doubling it"),
        ("yaml-syntax-unclosed-quote", 'the quote " that opens here is never closed', '\\"'),
        ("yaml-syntax-nul", "a NUL character (code 0)", "delete it"),
    ],
)
def test_a_slip_is_explained_and_the_parser_is_quoted(
    fixture: str, words: str, hint: str, loader: str
) -> None:
    found = _only((INVALID / f"{fixture}.yaml").read_bytes())
    assert found.code is Code.YAML_SYNTAX
    assert words in found.message
    assert found.hint is not None and hint in found.hint
    assert len(found.notes) == 1 and found.notes[0].startswith("YAML says: ")


def test_the_parser_words_for_indentation_are_kept(loader: str) -> None:
    found = _only((INVALID / "yaml-syntax-item-indented-more.yaml").read_bytes())
    # libyaml and the pure-Python parser word it differently; either is kept verbatim.
    assert ("expected '-' indicator" in found.notes[0]) or ("<block end>" in found.notes[0])


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_file_is_named_and_the_conversion_given(encoding: str, loader: str) -> None:
    raw = "id: chapter\ntitle: Fixture\nblocks: []\n".encode(encoding)
    found = _only(raw)
    assert found.code is Code.ENCODING
    assert "UTF-16" in found.message and "UTF-8" in found.message
    assert found.hint is not None and "iconv -f UTF-16 -t UTF-8" in found.hint
    assert found.span is not None and (found.span.line, found.span.column) == (1, 1)


def test_a_nul_is_found_where_it_is_not_at_a_character_position(loader: str) -> None:
    raw = b"id: a\ntitle: A\nblocks:\n  - kind: explanation\n    body: Some\x00text.\n"
    found = _only(raw)
    assert found.span is not None and (found.span.line, found.span.column) == (5, 15)
    assert "position" not in found.message


def _checked(fixture: str, tmp_path: Path) -> list[Diagnostic]:
    from engine.loading.loader import check_course
    from tests.engine.checking.test_invalid_fixtures import read_header
    from tests.helpers import make_course

    raw = (INVALID / f"{fixture}.yaml").read_bytes()
    role, _ = read_header(raw)
    return check_course(make_course(tmp_path / "course", role=role, fixture=raw)).diagnostics


@pytest.mark.parametrize(
    ("fixture", "message", "hint", "note"),
    [
        ("wrong-type-bare-choices", "choice 1 is the bare text 'x'; a choice is a mapping",
         "write '- text: x' and add 'correct: true'", None),
        ("invalid-value-passing-score-percent", "less than or equal to 1", "use 0.8 for 80%",
         None),
        ("unknown-key-answer-on-text", "unknown key 'answer'",
         "did you mean 'accept'? a text question lists the answers it accepts: accept: [no]",
         None),
        ("unknown-key-instead-of-required", "unknown key 'markdown'", "did you mean 'body'?",
         None),
        ("missing-key-kind", "needs the key 'kind'", None, "one of: explanation, code, question"),
        ("missing-key-type", "needs the key 'type'", None,
         "one of: single, multiple, true_false, numeric, text, cloze, matching, ordering"),
    ],
)
def test_the_wording_says_what_to_write(
    fixture: str, message: str, hint: str | None, note: str | None, tmp_path: Path, loader: str
) -> None:
    first = _checked(fixture, tmp_path)[0]
    assert message in first.message
    assert first.hint == hint if hint is None else (first.hint and hint in first.hint)
    if note is not None:
        assert note in first.notes


def test_a_quoted_number_is_what_the_schema_says(write_course: WriteCourse, loader: str) -> None:
    # The schema decides types, not YAML quoting: a numeric answer is a number however it
    # is written, and text stays text where the schema wants text.
    from engine.loading.loader import check_course

    chapter = (
        "id: a\ntitle: A\nblocks:\n"
        "  - {kind: question, id: n, type: numeric, prompt: P, answer: \"0.25\", explanation: E}\n"
        "  - {kind: question, id: t, type: text, prompt: P, accept: [\"0.25\", 1e3],"
        " explanation: E}\n"
    )
    course = "id: c\ntitle: C\nsections:\n  - id: s\n    title: S\n    chapters: [a.yaml]\n"
    result = check_course(write_course({"course.yaml": course, "a.yaml": chapter}))
    assert result.course is not None, [d.headline() for d in result.diagnostics]
    numeric, text = result.course.questions
    assert numeric.answer == 0.25  # type: ignore[union-attr]
    assert text.accept == ["0.25", "1e3"]  # type: ignore[union-attr]
