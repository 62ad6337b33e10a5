"""How Moodle's GIFT importer reads our file (question/format/gift/format.php, Moodle 5.x).

GIFT carries fewer settings than Moodle XML; what the importer then fills in with its
own defaults is a change, acceptable only when the fidelity report lists it.
"""

from __future__ import annotations

import re

from engine.model import TrueFalse
from tests.renderers.banks.exportkit import Export
from tests.renderers.banks.importer_rules.base import Case, Rule, fidelity, strip_tags
from tests.renderers.banks.importer_rules.moodle_xml import GRADES

# qformat_default::defaultquestion (question/format.php): what a question gets for
# every setting the file does not give.
DEFAULT_PENALTY = 0.3333333
DEFAULT_MARK = 1.0

_TITLE = re.compile(r"^::((?:\\.|[^:\\])*)::", re.M)
# qformat_gift::answerweightparser: a weight is `%` + optional minus + digits + `%`;
# the weight must then be on Moodle's list
# (question_bank::fraction_options_full), or the answer is refused.
_WEIGHT = re.compile(r"^\t[~=]%(-?[0-9.]+)%", re.M)


def _penalty(case: Case) -> str | None:
    # qformat_gift::readquestion never sets a penalty, except true/false (1: one try).
    if isinstance(case.question, TrueFalse):
        return None
    wanted = case.question.hint_penalty
    if abs(wanted - DEFAULT_PENALTY) < 1e-6:
        return None
    return f"penalty {DEFAULT_PENALTY} (Moodle's default), not {wanted:g}"


def _hints(case: Case) -> str | None:
    return f"{len(case.question.hints)} hints dropped" if case.question.hints else None


def _mark(case: Case) -> str | None:
    points = case.question.points
    return None if points == DEFAULT_MARK else f"default mark 1, not {points:g}"


def _weights(case: Case) -> str | None:
    bad = [w for w in _WEIGHT.findall(case.element)
           if not re.fullmatch(r"-?[0-9]{1,2}(?:\.[0-9]+)?", w) or float(w) not in GRADES]
    return f"weights {bad} are refused" if bad else None


def _categories(case: Case) -> str | None:
    # qformat_default::create_category_path: clean_param(PARAM_TEXT) strips tags.
    changed = [n for n in case.package["category"].split("/") if strip_tags(n) != n]
    return f"category names {changed} lose their tag-like parts" if changed else None


RULES = (
    Rule("penalty", "question/format.php, qformat_default::defaultquestion", _penalty,
         announced="penalty"),
    Rule("hints", "question/format/gift/format.php, readquestion (no hint syntax)", _hints,
         announced="hints"),
    Rule("default-mark", "question/format.php, qformat_default::defaultquestion", _mark,
         announced="points"),
    Rule("weights", "question/format/gift/format.php, answerweightparser", _weights),
    Rule("category-names", "question/format.php, create_category_path", _categories),
)


def cases(export: Export) -> list[Case]:
    """Every question with its GIFT block (a blank line separates questions)."""
    losses, skipped = fidelity(export)
    blocks: dict[str, tuple[str, str]] = {}
    category = ""
    for block in export.main.decode("utf-8").split("\n\n"):
        if block.startswith("$CATEGORY:"):
            category = block.removeprefix("$CATEGORY:").strip()
            continue
        if (title := _TITLE.search(block)) is not None:
            blocks[re.sub(r"\\(.)", r"\1", title.group(1))] = (block, category)
    result = []
    for q in export.course.questions:
        block, path = blocks.get(q.id, (None, ""))
        result.append(Case(q, block, block or "", losses.get(q.id, set()), q.id in skipped,
                           {"category": path}))
    return result
