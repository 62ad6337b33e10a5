"""The fidelity report names every feature an export drops, and nothing else.

The tables below were written from the formats' rules, question by question of the
completeness course (every type, every option) and the special-characters course:
a change in what a renderer carries must change them on purpose.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from engine.diagnostics import Code, Severity
from tests.renderers.banks.exportkit import FORMATS, Export

COMPLETE: dict[str, set[tuple[str, str]]] = {
    "gift": {
        ("single-all-options", "hints"), ("single-all-options", "points"),
        ("single-all-options", "fixed"),  # GIFT sets neither points nor fixed positions
        ("multiple-partial", "shuffle"),  # shuffle: false cannot be said per question
        ("multiple-strict", "scoring"),  # all-or-nothing becomes partial credit
        ("numeric-abs", "unit"),  # shown in the stem instead
        ("text-accept", "pattern"), ("text-case", "case-sensitive"),
        ("cloze-all-kinds", "question"), ("cloze-strict", "question"),  # several blanks
        ("ordering-all", "question-type"), ("ordering-all", "scoring"),
        ("ordering-partial", "question-type"),  # ordering becomes matching
        # no penalty in GIFT: Moodle's default 0.3333333 replaces the course's (not for
        # true/false, one try either way; not for the left-out cloze questions)
        *((q, "penalty") for q in ("single-all-options", "multiple-partial", "multiple-strict",
                                   "numeric-abs", "numeric-rel", "numeric-range",
                                   "text-accept", "text-case", "matching", "ordering-all",
                                   "ordering-partial")),
    },
    "moodle": {
        ("single-all-options", "fixed"), ("multiple-strict", "scoring"),
        ("numeric-abs", "unit"), ("text-accept", "pattern"),
        ("cloze-strict", "pattern"), ("cloze-strict", "scoring"),
        # 1 point over 3 and 2 blanks: no whole mark per blank sums to it
        ("cloze-all-kinds", "points"), ("cloze-strict", "points"),
    },
    "qti12": {
        ("single-all-options", "hints"), ("single-all-options", "tags"),
        ("single-all-options", "fixed"),
        ("multiple-partial", "shuffle"), ("multiple-partial", "scoring"),
        ("multiple-strict", "scoring"),  # Canvas applies its own multiple-answers rule
        ("numeric-abs", "unit"),
        ("text-accept", "pattern"), ("text-accept", "wrong-answer-feedback"),
        ("text-case", "case-sensitive"),
        ("cloze-all-kinds", "blank-kind"),  # numeric and drop-down blanks become typed
        ("cloze-strict", "question"),  # a range-only blank has no listable answer
        ("ordering-all", "question-type"), ("ordering-all", "scoring"),
        ("ordering-partial", "question-type"),
    },
    "qti21": {("single-all-options", "hints")},
    "cc": {
        ("single-all-options", "hints"), ("single-all-options", "tags"),
        ("multiple-partial", "scoring"), ("text-accept", "pattern"),
        # Canvas would accept a known wrong answer written as a condition, and ignores case
        ("text-accept", "wrong-answer-feedback"), ("text-case", "case-sensitive"),
        # outside the CC QTI profile: left out
        *((q, "question") for q in ("numeric-abs", "numeric-rel", "numeric-range",
                                    "cloze-all-kinds", "cloze-strict", "matching",
                                    "ordering-all", "ordering-partial")),
    },
}

SPECIAL: dict[str, set[tuple[str, str]]] = {
    "gift": {("image-question", "image"), ("ordering-specials", "question-type"),
             *((q, "penalty") for q in ("single-specials", "multiple-specials",
                                        "numeric-specials", "text-specials", "cloze-specials",
                                        "cloze-choice-specials", "matching-specials",
                                        "ordering-specials", "image-question"))},
    "moodle": set(),
    "qti12": {("single-specials", "tags"), ("multiple-specials", "scoring"),
              ("text-specials", "wrong-answer-feedback"), ("ordering-specials", "question-type")},
    "qti21": set(),
    "cc": {("single-specials", "tags"), ("multiple-specials", "scoring"),
           ("text-specials", "wrong-answer-feedback"),
           *((q, "question") for q in ("numeric-specials", "cloze-specials",
                                       "cloze-choice-specials", "matching-specials",
                                       "ordering-specials"))},
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("key", "expected"), [("complete", COMPLETE), ("special", SPECIAL)])
def test_report_names_exactly_the_dropped_features(
    fmt: str, key: str, expected: dict[str, set[tuple[str, str]]],
    export: Callable[[str, str], Export],
) -> None:
    report = export(key, fmt).report
    assert {(loss["question"], loss["feature"]) for loss in report["losses"]} == expected[fmt]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("key", ["complete", "special", "sample"])
def test_every_loss_is_an_unsupported_warning_at_its_question(
    fmt: str, key: str, export: Callable[[str, str], Export],
) -> None:
    exported = export(key, fmt)
    spans = {q.id: q.span for q in exported.course.questions}
    losses = exported.report["losses"]
    assert len(exported.diagnostics) == len(losses)
    for loss, diagnostic in zip(losses, exported.diagnostics, strict=True):
        assert diagnostic.code is Code.UNSUPPORTED
        assert diagnostic.severity is Severity.WARNING
        assert diagnostic.span == spans[loss["question"]]
        assert loss["message"] in diagnostic.message
    summary = exported.report["summary"]
    assert summary["questions"] == len(exported.course.questions)
    assert summary["skipped"] == len(exported.skipped)
    assert summary["exported"] == summary["questions"] - summary["skipped"]
    assert summary["losses"] == len(losses)


@pytest.mark.parametrize("fmt", FORMATS)
def test_strict_build_writes_nothing_when_something_was_lost(fmt: str, tmp_path: Path,
                                                            export: Callable[[str, str], Export],
                                                            ) -> None:
    from cli.commands.build import render_format

    course = export("complete", fmt).course
    diagnostics, written = render_format(course, fmt, tmp_path, {}, strict=True)
    assert any(d.code is Code.UNSUPPORTED for d in diagnostics)
    assert written == []
    diagnostics, written = render_format(course, fmt, tmp_path, {}, strict=False)
    assert sorted(p.name for p in written) == sorted(str(p) for p in export("complete", fmt)
                                                     .bundle)
