"""The shared shape of the importer-rule tables (see the package docstring)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.model import QuestionType
from tests.renderers.banks.exportkit import Export


@dataclass
class Case:
    """One question as an importer meets it in one export."""

    question: QuestionType
    element: Any
    """The format's element for the question (an lxml element, or a GIFT text block);
    None when the export does not carry the question."""
    raw: str = ""
    """The question's bytes as written (for rules about how text is tokenized)."""
    losses: set[str] = field(default_factory=set)
    """Features the fidelity report lists for this question."""
    skipped: bool = False
    """Whether the fidelity report says the question was left out."""
    package: dict[str, Any] = field(default_factory=dict)
    """Package-level facts a rule may need (quiz settings, files present)."""


@dataclass(frozen=True)
class Rule:
    """One thing an importer does with what we write."""

    name: str
    source: str
    """The importer file (and function) the rule comes from."""
    check: Callable[[Case], str | None]
    """What the importer would change in the question, or None."""
    announced: str | None = None
    """The fidelity feature that makes the change acceptable (None: never acceptable)."""


def judge(rules: Sequence[Rule], cases: Sequence[Case]) -> dict[str, list[str]]:
    """Each question's unannounced changes: `rule: what changes` (empty: imports as written)."""
    found: dict[str, list[str]] = {}
    for case in cases:
        problems = found.setdefault(case.question.id, [])
        if case.element is None:
            if not case.skipped:
                problems.append("missing: not in the export and not reported as left out")
            continue
        for rule in rules:
            change = rule.check(case)
            if change is None or (rule.announced and rule.announced in case.losses):
                continue
            problems.append(f"{rule.name}: {change}")
    return found


def fidelity(export: Export) -> tuple[dict[str, set[str]], set[str]]:
    """The features the report lists per question, and the questions it says were left out."""
    losses: dict[str, set[str]] = {}
    for loss in export.report["losses"]:
        losses.setdefault(loss["question"], set()).add(loss["feature"])
    return losses, export.skipped


_TAG = re.compile(r"<[A-Za-z/!?][^>]*>?")


def strip_tags(text: str) -> str:
    """PHP's strip_tags as it matters here: anything from `<` + letter, `/`, `!` or `?`
    up to the next `>` goes (a `<` before a space or digit stays)."""
    return _TAG.sub("", text)
