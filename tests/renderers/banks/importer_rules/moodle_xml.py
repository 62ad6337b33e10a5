"""How Moodle's XML importer (and the question types' save-time code) reads our file.

Sources are paths in github.com/moodle/moodle (5.x) and the qtype_ordering plugin
(question/type/ordering, core since Moodle 4.4). Each rule says what the importer
would change in a question as written; `announced` names the fidelity feature that
makes the change a reported one.
"""

from __future__ import annotations

import html
import re

from lxml import etree

from engine.model import Cloze, Ordering, TrueFalse
from tests.renderers.banks.exportkit import Export
from tests.renderers.banks.importer_rules.base import Case, Rule, fidelity, strip_tags

# Moodle's grade list (question/engine/bank.php, question_bank::fraction_options_full);
# any other fraction makes qformat_xml::import_answer fail the question unless the
# teacher chose "nearest grade" (question/format.php, qformat_default::match_grade_options).
_GRADES = (100.0, 90.0, 83.33333, 80.0, 75.0, 70.0, 66.66667, 60.0, 50.0, 40.0, 33.33333,
           30.0, 25.0, 20.0, 16.66667, 14.28571, 12.5, 11.11111, 10.0, 5.0, 0.0)
GRADES = frozenset({*_GRADES, *(-g for g in _GRADES)})

# qtype_multianswer's syntax (question/type/multianswer/questiontype.php): the regex
# constants ANSWER_START_REGEX, ANSWER_TYPE_DEF_REGEX, ANSWER_ALTERNATIVE_*_REGEX used by
# qtype_multianswer_extract_question. The number before the colon is the blank's mark
# (empty means 1); the question's default mark is the sum of the marks.
_START = re.compile(
    r"\{([0-9]*):(NUMERICAL|NM|MULTICHOICE_VS|MCVS|MULTICHOICE_HS|MCHS|MULTICHOICE_V|MCV|"
    r"MULTICHOICE_H|MCH|MULTICHOICE_S|MCS|MULTICHOICE|MC|MULTIRESPONSE_HS|MRHS|"
    r"MULTIRESPONSE_H|MRH|MULTIRESPONSE_S|MRS|MULTIRESPONSE|MR|SHORTANSWER_C|SAC|MWC|"
    r"SHORTANSWER|SA|MW):")
_FRACTION = re.compile(r"=|%(-?[0-9]+(?:[.,][0-9]*)?)%")
# ANSWER_ALTERNATIVE_ANSWER_REGEX is `.+?(?<!\\|&|&amp;)(?=[~#}]|$)`.
_ANSWER = re.compile(r".+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$)", re.S)
_FEEDBACK = re.compile(r".*?(?<!\\)(?=[~}]|$)", re.S)

_TEXT = re.compile(r"<text>(.*?)</text>", re.S)
_PIECE = re.compile(r"<!\[CDATA\[.*?\]\]>|&[^;&]+;|[^&<]+", re.S)
_QUESTION = re.compile(r'<question type="([a-z]+)">.*?</question>', re.S)


def blanks(text: str) -> list[tuple[int, str, list[tuple[float, str]]]]:
    """The embedded answers of a cloze text as qtype_multianswer reads them:
    (mark, type, [(fraction, answer)]) per blank, in order."""
    found = []
    position = 0
    while (start := _START.search(text, position)) is not None:
        mark = int(start.group(1) or 1)
        index = start.end()
        answers: list[tuple[float, str]] = []
        while index < len(text):
            fraction = 0.0
            if (f := _FRACTION.match(text, index)) is not None:
                fraction = 100.0 if f.group(0) == "=" else float(f.group(1).replace(",", "."))
                index = f.end()
            answer = _ANSWER.match(text, index)
            if answer is None:
                break
            index = answer.end()
            if text.startswith("#", index):
                feedback = _FEEDBACK.match(text, index + 1)
                index = feedback.end() if feedback else index + 1
            answers.append((fraction, _unescape(answer.group(0))))
            if text.startswith("~", index):
                index += 1
                continue
            break
        if not text.startswith("}", index):
            found.append((mark, "BROKEN", answers))
            position = index
            continue
        found.append((mark, start.group(2), answers))
        position = index + 1
    return found


def _unescape(answer: str) -> str:
    # qtype_multianswer_extract_question strips the backslash escapes, then the text is
    # HTML (the question text's format).
    return html.unescape(re.sub(r"\\(.)", r"\1", answer))


_BLOCK = re.compile(r"</?(?:p|div|li|ul|ol|table|thead|tbody|tr|td|th|pre|h[1-6]|blockquote|"
                    r"hr|br|figure|figcaption|dl|dt|dd)\b[^>]*>$|^</?(?:p|div|li|ul|ol|table|"
                    r"thead|tbody|tr|td|th|pre|h[1-6]|blockquote|hr|br|figure|figcaption|dl|"
                    r"dt|dd)\b")


def xmlize_chunks(raw: str) -> list[str]:
    """A `<text>` content in the chunks PHP's XML parser hands to lib/xmlize.php.

    Each entity or character reference is its own chunk, a CDATA section is one, and
    xmlize's character-data handler drops a chunk that is only whitespace (what the
    issue-14 import run showed: "hidden state</strong><math").
    """
    return [piece[9:-3] if piece.startswith("<![CDATA[") else html.unescape(piece)
            for piece in _PIECE.findall(raw)]


def lost_spaces(raw: str) -> list[str]:
    """The visible spaces xmlize drops from a text: whitespace-only chunks between two
    inline parts (not at either end, and not next to a block tag, where HTML ignores it)."""
    chunks = xmlize_chunks(raw)
    lost = []
    for index, chunk in enumerate(chunks):
        if chunk.strip() or index in (0, len(chunks) - 1):
            continue
        before, after = "".join(chunks[:index]), "".join(chunks[index + 1:])
        tail = before[before.rfind("<"):] if before.endswith(">") else ""
        head = after[:after.find(">") + 1] if after.startswith("<") else ""
        if _BLOCK.search(tail) or _BLOCK.search(head):
            continue
        lost.append(before[-30:] + "|" + after[:20])
    return lost


def _whitespace(case: Case) -> str | None:
    for raw in _TEXT.findall(case.raw):
        if lost := lost_spaces(raw):
            return f"spaces between tags dropped at {lost}"
    return None


def _fractions(case: Case) -> str | None:
    if case.element.get("type") == "ordering":
        return None  # qtype_ordering keeps each item's position in `fraction`
    bad = [a.get("fraction") for a in case.element.findall("answer")
           if float(a.get("fraction")) not in GRADES]
    return f"fractions {bad} are not on Moodle's grade list" if bad else None


def _cloze_marks(case: Case) -> str | None:
    q = case.question
    if not isinstance(q, Cloze):
        return None
    marks = [mark for mark, _, _ in blanks(case.element.findtext("questiontext/text") or "")]
    if len(set(marks)) > 1:
        return (f"blank marks {marks}: blanks weigh differently than "
                "engine.grading.score's equal shares")
    return None


def _cloze_default_mark(case: Case) -> str | None:
    q = case.question
    if not isinstance(q, Cloze):
        return None
    marks = [mark for mark, _, _ in blanks(case.element.findtext("questiontext/text") or "")]
    if sum(marks) != q.points:
        return f"default mark {sum(marks)} (sum of blank marks {marks}), not {q.points:g}"
    return None


def _cloze_answers(case: Case) -> str | None:
    q = case.question
    if not isinstance(q, Cloze):
        return None
    found = blanks(case.element.findtext("questiontext/text") or "")
    if len(found) != len(q.blanks):
        return f"{len(found)} blanks read, the question has {len(q.blanks)}"
    for (_, kind, answers), (name, blank) in zip(found, q.blanks.items(), strict=True):
        right = [a for f, a in answers if f == 100.0]
        if kind == "BROKEN":
            return f"blank '{name}' does not parse"
        if blank.blank_kind == "choice":
            # qtype_multianswer_validate_question: a MULTICHOICE needs two choices and a
            # 100% one.
            if not kind.startswith(("MULTICHOICE", "MC")) or len(answers) < 2:
                return f"blank '{name}' is not a choice of two or more"
            if right != [blank.answer] or [a for _, a in answers] != blank.choices:
                return f"blank '{name}' reads as {answers}"
        elif blank.blank_kind == "text":
            if right != blank.accept:
                return f"blank '{name}' accepts {right}, not {blank.accept}"
            if (kind in ("SHORTANSWER_C", "SAC", "MWC")) != blank.case_sensitive:
                return f"blank '{name}' case sensitivity differs"
        elif kind not in ("NUMERICAL", "NM") or not right:
            return f"blank '{name}' is not numeric"
    return None


def _ordering_hints(case: Case) -> str | None:
    # qtype_ordering::import_from_xml (question/type/ordering/questiontype.php): without
    # <shownumcorrect> it fills in the options of two hints, and question_type::save_hints
    # (question/type/questiontypebase.php) stores two hints with no text.
    if case.element.get("type") == "ordering" and case.element.find("shownumcorrect") is None:
        return "two empty hints created (three tries in interactive mode)"
    return None


def _hints(case: Case) -> str | None:
    # qformat_xml::import_hints reads every <hint>; truefalse has none (its save code
    # ignores them), so hints there are lost.
    written = len(case.element.findall("hint"))
    if isinstance(case.question, TrueFalse):
        return "hints dropped (true/false has none)" if case.question.hints else None
    if written != len(case.question.hints):
        return f"{written} hints imported, the question has {len(case.question.hints)}"
    if any(not (h.findtext("text") or "").strip() for h in case.element.findall("hint")):
        return "an empty hint is imported"
    return None


def _penalty(case: Case) -> str | None:
    # qformat_xml::import_headers reads <penalty>; qtype_truefalse always has one try.
    penalty = float(case.element.findtext("penalty") or "nan")
    wanted = 1.0 if isinstance(case.question, TrueFalse) else case.question.hint_penalty
    return None if abs(penalty - wanted) < 1e-6 else f"penalty {penalty:g}, not {wanted:g}"


def _default_grade(case: Case) -> str | None:
    if isinstance(case.question, Cloze):
        return None  # not read for cloze: see the cloze rules
    grade = float(case.element.findtext("defaultgrade") or "nan")
    return None if grade == case.question.points else f"default mark {grade:g}"


def _wildcards(case: Case) -> str | None:
    # qtype_shortanswer_question::compare_string_with_wildcard: `*` matches anything
    # unless written `\*`.
    if case.element.get("type") != "shortanswer":
        return None
    loose = [a.findtext("text") for a in case.element.findall("answer")
             if re.search(r"(?<!\\)\*", a.findtext("text") or "")]
    return f"answers {loose} contain a wildcard" if loose else None


def _categories(case: Case) -> str | None:
    # qformat_default::create_category_path (question/format.php) cleans each name with
    # clean_param(PARAM_TEXT), i.e. strip_tags.
    path = case.package["category"]
    changed = [n for n in path.split("/") if strip_tags(n) != n]
    return f"category names {changed} lose their tag-like parts" if changed else None


def _ordering_items(case: Case) -> str | None:
    q = case.question
    if not isinstance(q, Ordering) or case.element.get("type") != "ordering":
        return None
    positions = [a.get("fraction") for a in case.element.findall("answer")]
    return None if positions == [str(n) for n in range(1, len(q.items) + 1)] else (
        f"positions {positions}")


RULES = (
    Rule("whitespace", "lib/xmlize.php, xml_format::cdata", _whitespace),
    Rule("fractions", "question/engine/bank.php, fraction_options_full", _fractions),
    Rule("cloze-marks", "question/type/multianswer/questiontype.php, "
         "qtype_multianswer_extract_question", _cloze_marks),
    Rule("cloze-default-mark", "question/format/xml/format.php, import_multianswer",
         _cloze_default_mark, announced="points"),
    Rule("cloze-answers", "question/type/multianswer/questiontype.php, ANSWER_*_REGEX",
         _cloze_answers),
    Rule("ordering-hints", "question/type/ordering/questiontype.php, import_from_xml",
         _ordering_hints),
    Rule("ordering-positions", "question/type/ordering/questiontype.php, import_from_xml",
         _ordering_items),
    Rule("hints", "question/format/xml/format.php, import_hints", _hints, announced="hints"),
    Rule("penalty", "question/format/xml/format.php, import_headers", _penalty),
    Rule("default-mark", "question/format/xml/format.php, import_headers", _default_grade),
    Rule("wildcards", "question/type/shortanswer/question.php, "
         "compare_string_with_wildcard", _wildcards),
    Rule("category-names", "question/format.php, create_category_path", _categories),
)


def cases(export: Export) -> list[Case]:
    """Every question of the course with its element, raw text and category path."""
    text = export.main.decode("utf-8")
    losses, skipped = fidelity(export)
    found: dict[str, tuple[etree._Element, str, str]] = {}
    category = ""
    for match in _QUESTION.finditer(text):
        element = etree.fromstring(match.group(0).encode("utf-8"))
        if match.group(1) == "category":
            category = element.findtext("category/text") or ""
            continue
        found[element.findtext("idnumber") or ""] = (element, match.group(0), category)
    result = []
    for q in export.course.questions:
        element, raw, path = found.get(q.id, (None, "", ""))
        result.append(Case(q, element, raw, losses.get(q.id, set()), q.id in skipped,
                           {"category": path}))
    return result
