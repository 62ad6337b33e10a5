"""How Canvas reads our QTI 1.2 zip: Instructure's QTI Migration Tool converts it, then
canvas-lms's Ruby QTI converters (lib/qti/*.rb) build the quiz questions.

Rules name the converter file they come from; `announced` is the fidelity feature that
makes a change a reported one.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from engine.grading.score import tolerance_of
from engine.model import Cloze, Matching, Numeric, Ordering, Text
from engine.text.markdown import render_markdown
from tests.renderers.banks.exportkit import Export
from tests.renderers.banks.importer_rules.base import Case, Rule, fidelity

QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
META = "{http://canvas.instructure.com/xsd/cccv1p0}"

# canvas-lms lib/qti/assessment_item_converter.rb: the question types it switches on.
TYPES = frozenset({
    "multiple_choice_question", "true_false_question", "multiple_answers_question",
    "numerical_question", "short_answer_question", "fill_in_multiple_blanks_question",
    "multiple_dropdowns_question", "matching_question", "essay_question",
    "text_only_question", "calculated_question", "file_upload_question",
})
_DIGITS = re.compile(r"\d+")
_STRUCTURE = ("msqrt", "mroot", "mfrac", "msub", "msup", "msubsup", "munder", "mover")


def canvas_id(ident: str) -> int | None:
    """The answer id Canvas stores for an ident: its first run of digits
    (lib/qti/choice_interaction.rb and associate_interaction.rb read idents that way)."""
    found = _DIGITS.search(ident)
    return int(found.group(0)) if found else None


def _fields(item: etree._Element) -> dict[str, str]:
    return {f.findtext(f"{QTI}fieldlabel") or "": f.findtext(f"{QTI}fieldentry") or ""
            for f in item.iter(f"{QTI}qtimetadatafield")}


def _type(case: Case) -> str | None:
    kind = _fields(case.element).get("question_type")
    return None if kind in TYPES else f"question_type {kind!r} is not one Canvas knows"


def _answer_ids(case: Case) -> str | None:
    for render in case.element.iter(f"{QTI}render_choice"):
        idents = [label.get("ident") or "" for label in render.iter(f"{QTI}response_label")]
        stored = [canvas_id(i) for i in idents]
        if len(set(stored)) != len(stored) or None in stored:
            return f"answer idents {idents} are stored as ids {stored}: options merge"
    lids = [lid.get("ident") or "" for lid in case.element.iter(f"{QTI}response_lid")]
    if len(lids) > 1:  # matching and blanks: one lid per left item or blank
        names = [re.sub(r"^response_", "", i) for i in lids]
        if len(set(names)) != len(names):
            return f"response idents {lids} collide"
    return None


def _scored(case: Case) -> str | None:
    # lib/qti/assessment_item_converter.rb: the right answers are those a condition
    # gives SCORE for; an item with none imports without a key.
    for setvar in case.element.iter(f"{QTI}setvar"):
        if setvar.get("varname") == "SCORE" and float(setvar.text or 0) > 0:
            return None
    return "no condition sets SCORE: no right answer"


def _accepted_texts(case: Case) -> str | None:
    # lib/qti/fill_in_the_blank.rb (short answers): every varequal text becomes an
    # accepted answer, whatever its condition sets.
    q = case.question
    if not isinstance(q, Text):
        return None
    texts = [v.text or "" for v in case.element.iter(f"{QTI}varequal")]
    wrong = [t for t in texts if t not in q.accept]
    return f"wrong answers {wrong} would be accepted" if wrong else None


def _case(case: Case) -> str | None:
    # The converters compare typed answers ignoring case (no case option in Canvas).
    q = case.question
    if isinstance(q, Text) and q.case_sensitive:
        return "answers accepted in any case"
    return None


def _plain_math(case: Case) -> str | None:
    """Matching options are plain text (lib/qti/associate_interaction.rb): math in them
    shows as text; flattening it (`±1/H` for ±1/√H) changes the meaning."""
    q = case.question
    if isinstance(q, Matching):
        sources = [p.right for p in q.pairs] + list(q.distractors) + [p.left for p in q.pairs]
    elif isinstance(q, Ordering):
        sources = list(q.items)
    else:
        return None
    labels = {(m.text or "") for m in case.element.iter(f"{QTI}mattext")}
    change = None
    for source in sources:
        tree = lxml.html.fragment_fromstring(render_markdown(source, inline=True),
                                             create_parent="div")
        if not any(e.tag == "math" for e in tree.iter()):
            continue
        flat = " ".join(tree.text_content().split())
        if flat in labels and any(e.tag in _STRUCTURE for e in tree.iter()):
            return f"math flattened to {flat!r}"
        change = "math shown as plain text"
    return change


def _flattened(case: Case) -> str | None:
    change = _plain_math(case)
    return change if change and change.startswith("math flattened") else None


def _math_text(case: Case) -> str | None:
    change = _plain_math(case)
    return change if change and not change.startswith("math flattened") else None


def _numeric(case: Case) -> str | None:
    """lib/qti/numeric_interaction.rb: each scoring condition becomes an answer, an exact
    `varequal` or a `vargte`/`varlte` range; Canvas grades a number right inside any."""
    q = case.question
    if not isinstance(q, Numeric):
        return None
    ranges = []
    for condition in case.element.iter(f"{QTI}respcondition"):
        setvar = condition.find(f"{QTI}setvar")
        if setvar is None or float(setvar.text or 0) <= 0:
            continue
        low = [float(v.text or "nan") for v in condition.iter(f"{QTI}vargte")]
        high = [float(v.text or "nan") for v in condition.iter(f"{QTI}varlte")]
        exact = [float(v.text or "nan") for v in condition.iter(f"{QTI}varequal")]
        if len(low) == 1 and len(high) == 1:
            ranges.append((low[0], high[0]))
        elif exact:
            ranges.append((exact[0], exact[0]))
    wanted = []
    if q.answer is not None:
        margin = tolerance_of(q.answer, q.tolerance)
        wanted.append((q.answer - margin, q.answer + margin))
    if q.range is not None:
        wanted.append(q.range)
    close = len(ranges) == len(wanted) and all(
        abs(a - c) <= 1e-9 * max(1.0, abs(c)) and abs(b - d) <= 1e-9 * max(1.0, abs(d))
        for (a, b), (c, d) in zip(sorted(ranges), sorted(wanted), strict=True))
    return None if close else f"accepts {ranges}, the question {wanted}"


def _blanks(case: Case) -> str | None:
    """lib/qti/fill_in_the_blank.rb and multiple_dropdowns: one `response_<blank>` per
    `[blank]` of the stem; the labels a scoring condition names are its right answers,
    each worth an equal share."""
    q = case.question
    if not isinstance(q, Cloze):
        return None
    stem = case.element.findtext(f"{QTI}presentation/{QTI}material/{QTI}mattext") or ""
    shares = set()
    for name, blank in q.blanks.items():
        if f"[{name}]" not in stem:
            return f"no [{name}] in the stem"
        lids = [lid for lid in case.element.iter(f"{QTI}response_lid")
                if lid.get("ident") == f"response_{name}"]
        if len(lids) != 1:
            return f"blank '{name}' has {len(lids)} responses"
        labels = {label.get("ident"): label.findtext(f"{QTI}material/{QTI}mattext")
                  for label in lids[0].iter(f"{QTI}response_label")}
        right = []
        for condition in case.element.iter(f"{QTI}respcondition"):
            test = condition.find(f"{QTI}conditionvar/{QTI}varequal")
            setvar = condition.find(f"{QTI}setvar")
            if test is not None and test.get("respident") == f"response_{name}" and (
                    setvar is not None and float(setvar.text or 0) > 0):
                right.append(labels.get(test.text))
                shares.add(float(setvar.text or 0))
        if blank.blank_kind == "text":
            wanted = list(blank.accept)
        elif blank.blank_kind == "choice":
            wanted = [str(blank.answer)]
        else:  # a number, listed as the text the author wrote (reported as blank-kind)
            same = len(right) == 1 and float(right[0] or "nan") == float(blank.answer or 0)
            wanted = right if same else [str(blank.answer)]
        if not right or right != wanted:
            return f"blank '{name}' accepts {right}, the question {wanted}"
    if len(shares) > 1 or abs(next(iter(shares)) * len(q.blanks) - 100) > 0.01:
        return f"blank shares {sorted(shares)} do not split 100 equally"
    return None


def _feedback(case: Case) -> str | None:
    """lib/qti/assessment_item_converter.rb: feedback is found through `displayfeedback
    linkrefid` -> `itemfeedback ident`; answer comments are `<answer id>_fb`."""
    idents = {f.get("ident") for f in case.element.iter(f"{QTI}itemfeedback")}
    links = {d.get("linkrefid") for d in case.element.iter(f"{QTI}displayfeedback")}
    labels = {label.get("ident") for label in case.element.iter(f"{QTI}response_label")}
    if links - idents:
        return f"feedback {sorted(links - idents)} is linked but missing"
    stray = [i for i in idents if i not in ("general_fb", "correct_fb", "general_incorrect_fb")
             and (i or "").removesuffix("_fb") not in labels]
    return f"feedback {stray} belongs to no answer" if stray else None


def _attempts(case: Case) -> str | None:
    # The course sets no attempt limit; Canvas's allowed_attempts -1 is "no limit".
    attempts = case.package["allowed_attempts"]
    return None if attempts == "-1" else f"{attempts} allowed attempt(s), the course sets no limit"


def _hints(case: Case) -> str | None:
    return "hints dropped (classic quizzes have none)" if case.question.hints else None


def _tags(case: Case) -> str | None:
    return "tags dropped" if case.question.tags else None


RULES = (
    Rule("question-type", "lib/qti/assessment_item_converter.rb", _type),
    Rule("answer-ids", "lib/qti/choice_interaction.rb, associate_interaction.rb", _answer_ids),
    Rule("scored", "lib/qti/assessment_item_converter.rb", _scored),
    Rule("accepted-texts", "lib/qti/fill_in_the_blank.rb", _accepted_texts),
    Rule("numeric", "lib/qti/numeric_interaction.rb", _numeric),
    Rule("blanks", "lib/qti/fill_in_the_blank.rb, multiple_dropdowns.rb", _blanks),
    Rule("feedback", "lib/qti/assessment_item_converter.rb", _feedback),
    Rule("case", "lib/qti/fill_in_the_blank.rb", _case, announced="case-sensitive"),
    Rule("math-flattened", "lib/qti/associate_interaction.rb", _flattened),
    Rule("math-as-text", "lib/qti/associate_interaction.rb", _math_text, announced="math"),
    Rule("attempts", "lib/cc/importer/canvas/quiz_converter.rb (assessment_meta.xml)",
         _attempts),
    Rule("hints", "classic quizzes have no hints", _hints, announced="hints"),
    Rule("tags", "classic quiz questions have no tags", _tags, announced="tags"),
)


def cases(export: Export) -> list[Case]:
    """Every question with its item and its quiz's settings."""
    losses, skipped = fidelity(export)
    files = export.files
    items: dict[str, tuple[etree._Element, str]] = {}
    for name, data in files.items():
        if not name.endswith(".xml") or "/" not in name or name.endswith("assessment_meta.xml"):
            continue
        folder = name.split("/")[0]
        meta = etree.fromstring(files[f"{folder}/assessment_meta.xml"])
        attempts = meta.findtext(f"{META}allowed_attempts") or ""
        for item in etree.fromstring(data).iter(f"{QTI}item"):
            items[item.get("title") or ""] = (item, attempts)
    result = []
    for q in export.course.questions:
        item, attempts = items.get(q.id, (None, ""))
        result.append(Case(q, item, "", losses.get(q.id, set()), q.id in skipped,
                           {"allowed_attempts": attempts}))
    return result
