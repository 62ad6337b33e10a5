"""Every question of every fixture course, read by each importer's rules (importer_rules),
imports exactly as written or as the fidelity report says; and each rule does fire on
the defects it describes (an export changed back to what the importers mangled)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import PurePosixPath
from types import ModuleType

import pytest

from renderers.base import zip_bundle
from tests.renderers.banks.exportkit import COURSES, MAIN_FILE, Export
from tests.renderers.banks.importer_rules import canvas_qti12, cc_qti, gift, moodle_xml
from tests.renderers.banks.importer_rules.base import judge

TABLES: dict[str, ModuleType] = {"moodle": moodle_xml, "gift": gift, "qti12": canvas_qti12,
                                 "cc": cc_qti}


def problems(exported: Export) -> dict[str, list[str]]:
    table = TABLES[exported.format]
    return {q: p for q, p in judge(table.RULES, table.cases(exported)).items() if p}


@pytest.mark.parametrize("fmt", list(TABLES))
@pytest.mark.parametrize("key", list(COURSES))
def test_every_question_imports_as_written_or_as_reported(
    key: str, fmt: str, export: Callable[[str, str], Export],
) -> None:
    assert problems(export(key, fmt)) == {}


@pytest.mark.parametrize("fmt", list(TABLES))
def test_only_what_a_format_cannot_express_is_left_out(
    fmt: str, export: Callable[[str, str], Export],
) -> None:
    exported = export("sample", fmt)
    for q in exported.course.questions:
        regex_only = (getattr(q, "pattern", None) is not None and not getattr(q, "accept", 1)
                      ) or any(b.blank_kind == "text" and not b.accept
                               for b in getattr(q, "blanks", {}).values())
        if fmt == "cc":
            assert (q.id in exported.skipped) == (not cc_qti.expressible(q)), q.id
        elif q.id in exported.skipped:
            several_blanks = fmt == "gift" and len(getattr(q, "blanks", {})) > 1
            assert regex_only or several_blanks, q.id


def changed(exported: Export, edit: Callable[[str], str], member: str | None = None) -> Export:
    """`exported` with its main file (or one member of its zip) edited."""
    main = PurePosixPath(MAIN_FILE[exported.format].format(id=exported.course.id))
    if member is None:
        data = edit(exported.main.decode("utf-8")).encode("utf-8")
    else:
        files = {PurePosixPath(n): d for n, d in exported.files.items()}
        names = [n for n in files if re.fullmatch(member, str(n))]
        assert names
        for name in names:
            files[name] = edit(files[name].decode("utf-8")).encode("utf-8")
        data = zip_bundle(files)
    return replace(exported, bundle={**exported.bundle, main: data})


def rule_hits(exported: Export) -> set[str]:
    return {p.split(":")[0] for found in problems(exported).values() for p in found}


def test_moodle_rules_catch_the_defects_moodle_showed(
    export: Callable[[str, str], Export],
) -> None:
    sample = export("sample", "moodle")
    # blanks numbered 1, 2, 3 (read as marks), no <shownumcorrect/>, escaped HTML text
    numbered = iter(range(1, 10_000))

    def number_blanks(text: str) -> str:
        return re.sub(r"\{1:", lambda _: "{" + f"{next(numbered) % 4 + 1}:", text)

    assert "cloze-marks" in rule_hits(changed(sample, number_blanks))
    assert rule_hits(changed(sample, lambda t: t.replace("<shownumcorrect />", ""))) == {
        "ordering-hints"}

    def escaped(text: str) -> str:
        from html import escape
        return re.sub(r"<!\[CDATA\[(.*?)\]\]>", lambda m: escape(m.group(1), quote=False),
                      text, flags=re.S)

    broken = problems(changed(sample, escaped))
    assert {q for q, p in broken.items() if any(x.startswith("whitespace") for x in p)} == {
        "state-name", "sufficient-vanishing", "post-padding-trap"}
    complete = export("complete", "moodle")

    def tags_in_categories(text: str) -> str:
        return re.sub(r"<category>\s*<text>.*?</text>",
                      lambda m: m.group(0).replace("&lt;", "<").replace("&gt;", ">"),
                      text, flags=re.S)

    assert "category-names" in rule_hits(changed(complete, tags_in_categories))
    assert "penalty" in rule_hits(changed(complete, lambda t: t.replace(
        "<penalty>0.25</penalty>", "<penalty>0</penalty>")))


def test_gift_rules_catch_unreported_defaults(export: Callable[[str, str], Export]) -> None:
    complete = export("complete", "gift")
    quiet = replace(complete, bundle={**complete.bundle, PurePosixPath(
        f"{complete.course.id}-gift-fidelity.json"): complete.bundle[PurePosixPath(
            f"{complete.course.id}-gift-fidelity.json")].replace(b'"penalty"', b'"other"')})
    assert "penalty" in rule_hits(quiet)
    assert "weights" in rule_hits(changed(complete, lambda t: t.replace("~%50%", "~%55%", 1)))


def test_canvas_rules_catch_merged_ids_flat_math_and_one_attempt(
    export: Callable[[str, str], Export],
) -> None:
    sample = export("sample", "qti12")
    # hash-shaped idents: Canvas keeps the first run of digits, so options merge
    merged = changed(sample, lambda t: re.sub(r'ident="(\d+)"',
                                              lambda m: f'ident="g{m[1][-4]}a{m[1]}"', t),
                     r"g[0-9a-f]+/g[0-9a-f]+\.xml")
    assert "answer-ids" in rule_hits(merged)
    flat = changed(sample, lambda t: t.replace("±1/√H", "±1/H"), r"g[0-9a-f]+/g[0-9a-f]+\.xml")
    assert "math-flattened" in rule_hits(flat)
    once = changed(sample, lambda t: t.replace("<allowed_attempts>-1<", "<allowed_attempts>1<"),
                   r"g[0-9a-f]+/assessment_meta\.xml")
    assert "attempts" in rule_hits(once)
    complete = export("complete", "qti12")
    items = r"g[0-9a-f]+/g[0-9a-f]+\.xml"
    wider = changed(complete, lambda t: re.sub(r"(<varlte[^>]*>)([^<]+)",
                                               lambda m: m[1] + str(float(m[2]) + 1), t), items)
    assert "numeric" in rule_hits(wider)
    uneven = changed(complete, lambda t: t.replace('action="Add" varname="SCORE">33.3333<',
                                                   'action="Add" varname="SCORE">50<', 1), items)
    assert "blanks" in rule_hits(uneven)
    unlinked = changed(complete, lambda t: t.replace('linkrefid="general_fb"',
                                                     'linkrefid="nowhere"', 1), items)
    assert "feedback" in rule_hits(unlinked)


def test_cc_rules_catch_wrong_answers_accepted(export: Callable[[str, str], Export]) -> None:
    sample = export("sample", "cc")

    def wrong_as_condition(text: str) -> str:
        return re.sub(r"(<or>)", r'\1<varequal respident="x" case="No">output</varequal>',
                      text, count=1)

    hits = rule_hits(changed(sample, wrong_as_condition, r"g[0-9a-f]+/assessment_qti\.xml"))
    assert "accepted-texts" in hits
