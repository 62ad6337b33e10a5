"""How importers read our Common Cartridge quizzes: the CC 1.3 QTI profile
(ccv1p3_qtiasiv1p2p1.xsd and the profile's item types), as Canvas reads it.

Canvas treats a cartridge as a Canvas export, and reads Canvas's own quiz copies in
`non_cc_assessments/`, only when `course_settings/canvas_export.txt` is present
(canvas-lms lib/canvas/migration/package_identifier.rb); otherwise it converts the
profile quizzes with the same QTI converters as a QTI zip (lib/qti/*.rb).
"""

from __future__ import annotations

from lxml import etree

from engine.model import MultipleChoice, SingleChoice, Text, TrueFalse
from tests.renderers.banks.exportkit import Export
from tests.renderers.banks.importer_rules.base import Case, Rule, fidelity
from tests.renderers.banks.importer_rules.canvas_qti12 import (
    QTI,
    _accepted_texts,
    _answer_ids,
    _case,
    _feedback,
    _hints,
    _tags,
)

# The CC 1.3 QTI profile's item types (cc_profile values).
PROFILES = frozenset({"cc.multiple_choice.v0p1", "cc.multiple_response.v0p1",
                      "cc.true_false.v0p1", "cc.fib.v0p1", "cc.pattern_match.v0p1",
                      "cc.essay.v0p1"})


def expressible(question: object) -> bool:
    """Whether the profile can hold the question: choice, true/false, and short answers
    with listed texts (a regular expression is no profile condition)."""
    if isinstance(question, Text):
        return bool(question.accept)
    return isinstance(question, SingleChoice | MultipleChoice | TrueFalse)


def _profile(case: Case) -> str | None:
    fields = {f.findtext(f"{QTI}fieldlabel"): f.findtext(f"{QTI}fieldentry")
              for f in case.element.iter(f"{QTI}qtimetadatafield")}
    profile = fields.get("cc_profile")
    return None if profile in PROFILES else f"cc_profile {profile!r} is outside the profile"


def _attempts(case: Case) -> str | None:
    # cc_maxattempts: a number or "unlimited"; the course sets no limit.
    attempts = case.package["cc_maxattempts"]
    return None if attempts == "unlimited" else f"{attempts} attempt(s), the course sets no limit"


def _extension(case: Case) -> str | None:
    files = case.package["files"]
    if any(n.startswith("non_cc_assessments/") for n in files) and (
            "course_settings/canvas_export.txt" not in files):
        return "non_cc_assessments/ is never read and its files become course files"
    return None


def _partial(case: Case) -> str | None:
    # cc.multiple_response.v0p1 is scored all or nothing.
    q = case.question
    if isinstance(q, MultipleChoice) and q.scoring == "partial":
        return "partial credit scored all or nothing"
    return None


RULES = (
    Rule("profile", "CC 1.3 QTI profile: cc_profile item types", _profile),
    Rule("answer-ids", "canvas-lms lib/qti/choice_interaction.rb", _answer_ids),
    Rule("accepted-texts", "canvas-lms lib/qti/fill_in_the_blank.rb", _accepted_texts),
    Rule("case", "canvas-lms lib/qti/fill_in_the_blank.rb", _case, announced="case-sensitive"),
    Rule("feedback", "canvas-lms lib/qti/assessment_item_converter.rb", _feedback),
    Rule("attempts", "CC 1.3 QTI profile: cc_maxattempts", _attempts),
    Rule("extension", "canvas-lms lib/canvas/migration/package_identifier.rb", _extension),
    Rule("partial-credit", "CC 1.3 QTI profile: cc.multiple_response.v0p1", _partial,
         announced="scoring"),
    Rule("hints", "the CC QTI profile has no hints", _hints, announced="hints"),
    Rule("tags", "the CC QTI profile has no tags", _tags, announced="tags"),
)


def cases(export: Export) -> list[Case]:
    """Every question with its profile item; one the profile could hold but the
    cartridge lacks counts as missing even when the report says it was left out."""
    losses, skipped = fidelity(export)
    files = export.files
    items: dict[str, tuple[etree._Element, str]] = {}
    for name, data in files.items():
        if name.endswith("/assessment_qti.xml"):
            document = etree.fromstring(data)
            assessment = document.find(f"{QTI}assessment")
            fields = {f.findtext(f"{QTI}fieldlabel"): f.findtext(f"{QTI}fieldentry")
                      for f in assessment.findall(f"{QTI}qtimetadata/{QTI}qtimetadatafield")}
            for item in document.iter(f"{QTI}item"):
                items[item.get("title") or ""] = (item, fields.get("cc_maxattempts") or "")
    result = []
    for q in export.course.questions:
        item, attempts = items.get(q.id, (None, ""))
        left_out = q.id in skipped and not expressible(q)
        result.append(Case(q, item, "", losses.get(q.id, set()), left_out,
                           {"cc_maxattempts": attempts, "files": files}))
    return result
