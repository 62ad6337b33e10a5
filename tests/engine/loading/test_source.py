"""The YAML loader: positions, no implicit typing, hostile input, paths that leave the course.

Every test that parses runs twice, with libyaml's C parser and with the pure-Python
fallback (the `loader` fixture), because the two report marks and errors differently.
"""

from __future__ import annotations

import os
import time
import tracemalloc
from pathlib import Path

import pytest

import engine.loading.source
from engine.diagnostics import Code, Severity
from engine.loading.loader import check_course
from engine.loading.source import load_yaml_bytes, load_yaml_file
from engine.loading.source_map import SourceMap
from engine.model import Numeric, SingleChoice, Text, TrueFalse
from engine.span import Span
from tests.course_files import WriteCourse
from tests.helpers import FIXTURE_COURSE_YAML, located

CHAPTER_HEAD = "id: chapter\ntitle: Chapter\nblocks:\n"


def codes_at(raw: bytes) -> list[tuple[int, int, str]]:
    loaded = load_yaml_bytes(raw, "f.yaml")
    return sorted((d.span.line, d.span.column, d.code.value) for d in loaded.diagnostics if d.span)


# --- positions -----------------------------------------------------------------------------


POSITIONS = """\
id: chapter
title: "Quoted: title"
blocks:
  - kind: explanation
    body: |

      First line of the text.
      Second line.
  - {kind: question, id: q1, type: true_false}
tags:
  - first
  -   second
"""


def test_positions_of_keys_and_values(loader: str) -> None:
    smap = load_yaml_bytes(POSITIONS.encode(), "f.yaml").source_map
    assert smap.key(("title",)) == Span("f.yaml", 2, 1, 2, 6)
    assert _start(smap.value(("title",))) == (2, 8)
    assert _start(smap.key(("blocks", 0, "kind"))) == (4, 5)
    assert _start(smap.value(("blocks", 0, "kind"))) == (4, 11)
    assert _start(smap.value(("blocks", 1))) == (9, 5)
    assert _start(smap.key(("blocks", 1, "type"))) == (9, _col(POSITIONS, 9, "type"))
    assert _start(smap.value(("blocks", 1, "type"))) == (9, _col(POSITIONS, 9, "true_false"))
    assert _start(smap.value(("tags", 1))) == (12, 7)


def test_block_scalar_value_starts_at_its_first_content_line(loader: str) -> None:
    smap = load_yaml_bytes(POSITIONS.encode(), "f.yaml").source_map
    # `body: |` is line 5; line 6 is blank; the text itself starts on line 7, column 7.
    assert _start(smap.value(("blocks", 0, "body"))) == (7, 7)


def test_columns_count_characters_not_bytes(loader: str) -> None:
    text = "id: ção\ntitle: éééé — ü\nlast: value\nbody: |\n  ñ text\n"
    smap = load_yaml_bytes(text.encode(), "f.yaml").source_map
    assert _start(smap.value(("last",))) == (3, 7)
    assert _start(smap.value(("body",))) == (5, 3)


def test_nodes_let_go_after_loading_come_back_with_the_same_positions(
    loader: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A loaded file's nodes are let go (they are most of a large course's memory) and
    # composed again when a position is first asked for.
    raw = (POSITIONS + "base: &base {a: 1, b: [x, y]}\nmerged:\n  <<: *base\n  b: 2\n").encode()
    smap = load_yaml_bytes(raw, "f.yaml").source_map
    assert smap._value_nodes == {} and smap._key_nodes == {}
    again = {p: (smap.exact(p), smap.exact(p, keys=True)) for p in list(smap.value_nodes)}
    builder = engine.loading.source._Builder
    with monkeypatch.context() as patch:
        # The first load as it was before nodes were let go: recorded and kept.
        patch.setattr(SourceMap, "let_go", lambda self, compose_again: None)
        patch.setattr(engine.loading.source, "_Builder",
                      lambda *args, **kwargs: builder(*args, **{**kwargs, "record": True}))
        kept = load_yaml_bytes(raw, "f.yaml").source_map
    assert kept._value_nodes
    assert again == {p: (kept.exact(p), kept.exact(p, keys=True)) for p in kept.value_nodes}
    assert smap.key_nodes.keys() == kept.key_nodes.keys() and smap.folded == kept.folded


def test_missing_path_falls_back_to_the_nearest_ancestor(loader: str) -> None:
    smap = load_yaml_bytes(POSITIONS.encode(), "f.yaml").source_map
    assert smap.value(("blocks", 1, "prompt")) == smap.value(("blocks", 1))


def _col(text: str, line: int, needle: str) -> int:
    """1-based column of `needle` on 1-based `line` of `text`."""
    return text.splitlines()[line - 1].index(needle) + 1


def _start(span: Span | None) -> tuple[int, int]:
    assert span is not None
    return span.line, span.column


# --- the schema decides types --------------------------------------------------------------

TYPING_CHAPTER = """\
id: "1.10"
title: no
objectives: [on, off, yes, 1.10, 0x1F, "~", 2001-01-01]
blocks:
  - kind: question
    id: q1
    type: single
    prompt: 1.10
    choices:
      - {text: no, correct: true}
      - {text: on, feedback: ~ is not null here}
      - {text: ~, feedback: null}
      - {text: 0x1F, feedback: ""}
    explanation: Null
  - kind: question
    id: q2
    type: text
    prompt: Type it.
    accept: [no, 1.10, 0x1F, ~, "null"]
    explanation: ok
  - kind: question
    id: q3
    type: numeric
    prompt: How much?
    answer: 1.10
    tolerance: ~
    explanation: ok
"""


def test_scalars_stay_what_the_author_typed(loader: str, write_course: WriteCourse) -> None:
    root = write_course({"course.yaml": FIXTURE_COURSE_YAML, "chapter.yaml": TYPING_CHAPTER})
    result = check_course(root)
    assert result.course is not None, [d.headline() for d in result.diagnostics]
    chapter = result.course.chapters[0]
    assert chapter.id == "1.10"
    assert chapter.title == "no"
    assert chapter.objectives == ["on", "off", "yes", "1.10", "0x1F", "~", "2001-01-01"]
    single, text, numeric = chapter.blocks
    assert isinstance(single, SingleChoice)
    assert single.prompt == "1.10"
    assert [c.text for c in single.choices] == ["no", "on", "~", "0x1F"]
    # Optional fields: an unquoted `~`/`null` means "absent"; a quoted "" stays text.
    assert [c.feedback for c in single.choices] == [None, "~ is not null here", None, ""]
    assert single.explanation is None  # `Null` is YAML's null, and explanation is optional
    assert isinstance(text, Text)
    assert text.accept == ["no", "1.10", "0x1F", "~", "null"]
    assert isinstance(numeric, Numeric)
    assert numeric.answer == pytest.approx(1.1)
    assert numeric.tolerance is None


def test_null_is_none_where_the_field_is_optional(loader: str, write_course: WriteCourse) -> None:
    course_yaml = FIXTURE_COURSE_YAML + "feedback:\n  enabled: on\n  endpoint: ~\nlicense: null\n"
    chapter = CHAPTER_HEAD + "  - kind: explanation\n    body: Text.\n"
    root = write_course({"course.yaml": course_yaml, "chapter.yaml": chapter})
    result = check_course(root)
    assert result.course is not None, [d.headline() for d in result.diagnostics]
    assert result.course.feedback.endpoint is None
    assert result.course.feedback.enabled is True
    assert result.course.license is None


def test_null_where_text_is_required_is_not_silently_accepted(
    loader: str, write_course: WriteCourse
) -> None:
    # `title: ~` keeps the two characters the author typed; it is a title, not "nothing".
    chapter = "id: chapter\ntitle: ~\nblocks: [{kind: explanation, body: Text.}]\n"
    root = write_course({"course.yaml": FIXTURE_COURSE_YAML, "chapter.yaml": chapter})
    result = check_course(root)
    assert result.course is not None
    assert result.course.chapters[0].title == "~"


# --- keys ----------------------------------------------------------------------------------


def test_duplicate_key_is_reported_at_the_second_occurrence(loader: str) -> None:
    raw = b"id: a\ntitle: one\nnested:\n  k: 1\n  k: 2\ntitle: two\n"
    loaded = load_yaml_bytes(raw, "f.yaml")
    assert codes_at(raw) == [(5, 3, "duplicate-key"), (6, 1, "duplicate-key")]
    assert loaded.data["title"] == "one"
    notes = [d.notes for d in loaded.diagnostics]
    assert ("first defined at f.yaml:2:1",) in notes
    assert ("first defined at f.yaml:4:3",) in notes


def test_anchors_aliases_and_merge_keys(loader: str, write_course: WriteCourse) -> None:
    chapter = CHAPTER_HEAD + """\
  - &base
    kind: question
    id: base
    type: true_false
    prompt: &shared Is it shared?
    answer: true
    explanation: Shared.
    points: 2
  - <<: *base
    id: derived
    answer: false
  - kind: question
    id: aliased-prompt
    type: true_false
    prompt: *shared
    answer: true
    explanation: Alias of a scalar.
"""
    root = write_course({"course.yaml": FIXTURE_COURSE_YAML, "chapter.yaml": chapter})
    result = check_course(root)
    assert result.course is not None, [d.headline() for d in result.diagnostics]
    base, derived, aliased = result.course.chapters[0].questions
    assert isinstance(base, TrueFalse)
    assert isinstance(derived, TrueFalse)
    assert (derived.id, derived.prompt, derived.points) == ("derived", "Is it shared?", 2)
    assert derived.answer is False  # explicit keys win over merged ones
    assert base.answer is True
    assert aliased.prompt == "Is it shared?"


def test_merge_key_does_not_count_as_a_duplicate(loader: str) -> None:
    raw = b"defaults: &d {a: 1, b: 2}\nthing:\n  <<: *d\n  b: 3\n"
    loaded = load_yaml_bytes(raw, "f.yaml")
    assert loaded.diagnostics == []
    assert loaded.data["thing"] == {"a": "1", "b": "3"}


# --- hostile input -------------------------------------------------------------------------


def _bomb(levels: int) -> bytes:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


def test_alias_bomb_is_refused_with_bounded_memory(loader: str) -> None:
    # How fast it is refused depends on the machine: benchmarks/bench_limits.py measures it.
    raw = _bomb(9)  # 9**9 = 387 million strings if expanded
    loaded = load_yaml_bytes(raw, "bomb.yaml")
    assert [d.code for d in loaded.diagnostics] == [Code.ALIAS_LIMIT]
    assert loaded.data is None
    tracemalloc.start()
    try:
        load_yaml_bytes(raw, "bomb.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 1024 * 1024


def test_recursive_alias_is_refused(loader: str) -> None:
    loaded = load_yaml_bytes(b"a: &a [x, *a]\n", "f.yaml")
    assert [d.code for d in loaded.diagnostics] == [Code.ALIAS_LIMIT]


def test_many_plain_values_are_not_an_alias_bomb() -> None:
    # A big file without a single alias may be too big, but it is not an alias bomb.
    count = engine.loading.source.MAX_EXPANSION + 10
    raw = ("tags: [" + ", ".join(["a"] * count) + "]\n").encode()
    assert len(raw) < engine.loading.source.MAX_BYTES
    codes = {d.code for d in load_yaml_bytes(raw, "f.yaml").diagnostics}
    assert Code.ALIAS_LIMIT not in codes


@pytest.mark.parametrize("depth", [250, 5000])
def test_deep_flow_nesting_is_a_diagnostic(loader: str, depth: int) -> None:
    raw = ("a: " + "[" * depth + "]" * depth + "\n").encode()
    loaded = load_yaml_bytes(raw, "deep.yaml")
    assert loaded.data is None
    assert [d.code for d in loaded.diagnostics] == [Code.YAML_SYNTAX]


def test_deep_block_nesting_is_a_diagnostic_not_an_alias_problem(loader: str) -> None:
    depth = engine.loading.source.MAX_DEPTH + 50
    raw = "".join(f"{'  ' * i}k{i}:\n" for i in range(depth)) + "  " * depth + "end\n"
    loaded = load_yaml_bytes(raw.encode(), "deep.yaml")
    assert loaded.data is None
    assert [d.code for d in loaded.diagnostics] == [Code.YAML_SYNTAX]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(b"id: a\nblocks:\n\t- x\n", [(3, 1, "tab-indent")], id="tab"),
        pytest.param(b"a:\n  b: 1\n  \tc: 2\n", [(3, 3, "tab-indent")], id="tab-after-spaces"),
        pytest.param(b"\xef\xbb\xbfid: a\n", [(1, 1, "bom")], id="bom"),
        pytest.param(b"id: a\ntitle: caf\xe9\n", [(2, 11, "encoding")], id="latin-1"),
        pytest.param(b"id: a\ntitle: \"open\n", [(2, 8, "yaml-syntax")], id="unclosed-quote"),
        pytest.param(b"id: [a, b\nx: y\n", [(1, 5, "yaml-syntax")], id="unclosed-bracket"),
        pytest.param(b"", [(1, 1, "empty-file")], id="empty"),
        pytest.param(b"\n\n# only a comment\n", [(1, 1, "empty-file")], id="comments-only"),
        pytest.param(b"- a\n- b\n", [(1, 1, "not-a-mapping")], id="list"),
        pytest.param(b"just text\n", [(1, 1, "not-a-mapping")], id="scalar"),
        pytest.param(b"a: 1\n---\nb: 2\n", [(2, 1, "multiple-documents")], id="two-documents"),
        pytest.param(b"[a, b]: 1\n", [(1, 1, "complex-key")], id="complex-key"),
        pytest.param(b"a: b: c\n", [(1, 4, "unquoted-colon")], id="unquoted-colon"),
    ],
)
def test_broken_bytes_become_located_diagnostics(
    loader: str, raw: bytes, expected: list[tuple[int, int, str]]
) -> None:
    assert codes_at(raw) == expected


def test_bom_does_not_shift_positions(loader: str) -> None:
    loaded = load_yaml_bytes(b"\xef\xbb\xbfid: a\ntitle: b\n", "f.yaml")
    assert loaded.data == {"id": "a", "title": "b"}
    assert _start(loaded.source_map.value(("id",))) == (1, 5)
    assert loaded.diagnostics[0].severity is Severity.WARNING


def test_ten_megabyte_file_is_refused_before_it_is_read(
    loader: str, write_course: WriteCourse
) -> None:
    line = b"# " + b"x" * 98 + b"\n"
    big = CHAPTER_HEAD.encode() + line * (10 * 1024 * 1024 // len(line))
    root = write_course({"course.yaml": FIXTURE_COURSE_YAML, "chapter.yaml": big})
    started = time.perf_counter()
    result = check_course(root)
    assert time.perf_counter() - started < 1.0
    assert located(result.diagnostics, root) == [("chapter.yaml", 1, 1, "file-too-large")]


def test_load_yaml_file_reports_a_missing_file_and_a_folder(tmp_path: Path) -> None:
    missing = load_yaml_file(tmp_path / "nope.yaml", "nope.yaml")
    assert [d.code for d in missing.diagnostics] == [Code.FILE_NOT_FOUND]
    folder = load_yaml_file(tmp_path, "folder")
    assert [d.code for d in folder.diagnostics] == [Code.FILE_UNREADABLE]


# --- chapter paths -------------------------------------------------------------------------

ONE = "id: one\ntitle: One\nblocks: [{kind: explanation, body: Text.}]\n"


def _course_listing(*chapters: str) -> str:
    listed = "".join(f"      - {c}\n" for c in chapters)
    return f"id: c\ntitle: C\nsections:\n  - id: s\n    title: S\n    chapters:\n{listed}"


@pytest.mark.parametrize(
    "listed",
    ["../../etc/passwd", "/etc/passwd", "ch/../../outside.yaml", "C:/Windows/win.ini",
     "..\\outside.yaml"],
)
def test_chapter_path_leaving_the_course_is_refused(
    loader: str, write_course: WriteCourse, listed: str
) -> None:
    root = write_course({"course.yaml": _course_listing("ch/one.yaml", f"'{listed}'"),
                         "ch/one.yaml": ONE})
    (root.parent / "outside.yaml").write_text(ONE.replace("one", "outside"), encoding="utf-8")
    result = check_course(root)
    assert located(result.diagnostics, root) == [("course.yaml", 8, 9, "path-escapes")]


def test_symlink_out_of_the_course_is_refused(loader: str, write_course: WriteCourse) -> None:
    root = write_course({"course.yaml": _course_listing("ch/one.yaml", "ch/link.yaml",
                                                        "linked/two.yaml"),
                         "ch/one.yaml": ONE})
    outside = root.parent / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(ONE.replace("one", "secret"), encoding="utf-8")
    (outside / "two.yaml").write_text(ONE.replace("one", "two"), encoding="utf-8")
    os.symlink(outside / "secret.yaml", root / "ch" / "link.yaml")
    os.symlink(outside, root / "linked")
    result = check_course(root)
    assert located(result.diagnostics, root) == [
        ("course.yaml", 8, 9, "path-escapes"),
        ("course.yaml", 9, 9, "path-escapes"),
    ]


def test_symlink_inside_the_course_is_followed(loader: str, write_course: WriteCourse) -> None:
    root = write_course({"course.yaml": _course_listing("ch/alias.yaml"), "real/one.yaml": ONE})
    (root / "ch").mkdir()
    os.symlink(root / "real" / "one.yaml", root / "ch" / "alias.yaml")
    result = check_course(root)
    assert result.diagnostics == []
    assert result.course is not None
    assert result.course.chapters[0].id == "one"


# --- course-wide checks across files -------------------------------------------------------

QUESTION = """\
  - kind: question
    id: shared-id
    type: true_false
    prompt: Is it?
    answer: true
    explanation: Because.
"""


def test_duplicate_ids_across_chapters_point_at_the_later_one(
    loader: str, write_course: WriteCourse
) -> None:
    root = write_course({
        "course.yaml": _course_listing("a.yaml", "b.yaml"),
        "a.yaml": "id: same\ntitle: A\nblocks:\n" + QUESTION,
        "b.yaml": "id: same\ntitle: B\nblocks:\n" + QUESTION,
    })
    result = check_course(root)
    assert located(result.diagnostics, root) == [
        ("b.yaml", 1, 5, "duplicate-id"),
        ("b.yaml", 5, 9, "duplicate-id"),
    ]
    notes = sorted(n for d in result.diagnostics for n in d.notes)
    assert notes[0].startswith("first used at") and "a.yaml:1:5" in notes[0]


def test_omitted_chapter_id_comes_from_the_file_name(
    loader: str, write_course: WriteCourse
) -> None:
    root = write_course({
        "course.yaml": _course_listing("01-intro/02-What is an RNN.yaml"),
        "01-intro/02-What is an RNN.yaml": "title: T\nblocks: [{kind: explanation, body: x}]\n",
    })
    result = check_course(root)
    assert result.course is not None, [d.headline() for d in result.diagnostics]
    assert result.course.chapters[0].id == "what-is-an-rnn"


def test_suppressed_warnings_are_silenced(loader: str, write_course: WriteCourse) -> None:
    chapter = CHAPTER_HEAD + QUESTION.replace("    explanation: Because.\n", "")
    quiet = FIXTURE_COURSE_YAML + "suppress: [missing-explanation]\n"
    root = write_course({"course.yaml": FIXTURE_COURSE_YAML, "chapter.yaml": chapter})
    assert [d.code for d in check_course(root).diagnostics] == [Code.MISSING_EXPLANATION]
    (root / "course.yaml").write_text(quiet, encoding="utf-8")
    result = check_course(root)
    assert result.diagnostics == []
    assert result.course is not None


def test_every_problem_of_every_file_comes_in_one_run_sorted(
    loader: str, write_course: WriteCourse
) -> None:
    bad_a = CHAPTER_HEAD + (
        "  - {kind: explaination, body: x}\n  - {kind: code, id: c, source: x, colour: red}\n"
    )
    bad_b = "id: b\ntitle: B\nblocks: []\nextra: 1\n"
    root = write_course({"course.yaml": _course_listing("a.yaml", "b.yaml", "../x.yaml"),
                         "a.yaml": bad_a, "b.yaml": bad_b})
    result = check_course(root)
    assert located(result.diagnostics, root) == [
        ("a.yaml", 4, _col(bad_a, 4, "explaination"), "unknown-kind"),
        ("a.yaml", 5, _col(bad_a, 5, "colour"), "unknown-key"),
        ("b.yaml", 4, 1, "unknown-key"),
        ("course.yaml", 9, 9, "path-escapes"),
    ]
    found = [d.sort_key() for d in result.diagnostics]
    assert found == sorted(found)
