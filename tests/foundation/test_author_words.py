"""Everyday YAML slips are explained in an author's words; the parser's stay as a note."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.diagnostics import Code, Diagnostic
from engine.source import load_yaml_bytes

INVALID = Path(__file__).resolve().parent.parent / "fixtures" / "invalid"


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
