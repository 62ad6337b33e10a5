"""QTI 2.1 assessment items: one `assessmentItem` per question, all eight types.

Spec: IMS QTI 2.1 (imsqti_v2p1.xsd). Mapping:
- single, true_false: choiceInteraction (maxChoices 1), `match_correct`;
- multiple: choiceInteraction (maxChoices 0); partial credit is a mapping of +1/k per
  right choice and -1/k per wrong one, bounded to [0, 1] (`map_response`), exactly the
  grader's rule; all-or-nothing is `match_correct`;
- numeric: textEntryInteraction with a float response, explicit tolerance/range rules;
- text: textEntryInteraction with a string mapping (`map_response`), and `patternMatch`
  for a regular expression;
- cloze: textEntryInteraction / inlineChoiceInteraction inline where the blanks were,
  one response per blank, explicit rules adding 1/n per right blank (or all-or-nothing);
- matching: matchInteraction with directedPair responses, 1/n per right pair;
- ordering: orderInteraction, `match_correct` or 1/n per item in its place.
Every item scores SCORE in [0, 1]; the question's points are the item's weight in the
test. Feedback (per choice, per true/false answer, per known wrong text, explanation)
is modalFeedback driven by a FEEDBACK outcome. Hints are not carried (reported).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import assert_never
from xml.etree.ElementTree import Element

from engine.grading.score import tolerance_of
from engine.model import (
    Blank,
    Chapter,
    Choice,
    Cloze,
    Course,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    QuestionType,
    SingleChoice,
    Text,
    TrueFalse,
)
from renderers.banks import qti21_rules as rp
from renderers.banks.fidelity import FidelityReport
from renderers.banks.ids import ncname
from renderers.banks.labels import word
from renderers.banks.markup import Html, Markup
from renderers.banks.qti21_body import to_qti_content
from renderers.banks.xhtml import FRAGMENT, split_text
from renderers.common.xml import XSI, el, sub

QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CONTENT = frozenset({"itemBody", "modalFeedback"})
"""Elements whose content is author HTML: never re-indented."""


def item_identifier(course: Course, question: QuestionType) -> str:
    """The item's identifier: readable, unique across courses, stable across builds."""
    return ncname(f"{course.id}.{question.id}", "q")


@dataclass
class _Item:
    """The parts of one item while it is being built, in schema order."""

    declarations: list[Element] = field(default_factory=list)
    body: Element = field(default_factory=lambda: el("itemBody"))
    template: str | None = None
    rules: list[Element] = field(default_factory=list)
    feedback_rules: list[Element] = field(default_factory=list)
    feedbacks: list[Element] = field(default_factory=list)
    images: set[str] = field(default_factory=set)
    used_ids: set[str] = field(default_factory=set)


class ItemBuilder:
    """Builds the item of each question, reporting what QTI 2.1 cannot carry."""

    def __init__(self, course: Course, markup: Markup, report: FidelityReport) -> None:
        self.course = course
        self.markup = markup
        self.report = report

    def build(self, q: QuestionType, chapter: Chapter) -> tuple[Element, set[str]]:
        """The `assessmentItem` element and the package paths of the images it shows."""
        self.q, self.chapter, self.item = q, chapter, _Item()
        if q.hints:
            self.report.lose(q, "hints", "hints dropped: QTI 2.1 items are exported without "
                             "hint requests (non-adaptive)")
        match q:
            case SingleChoice() | MultipleChoice():
                self._choice(q)
            case TrueFalse():
                self._true_false(q)
            case Numeric():
                self._numeric(q)
            case Text():
                self._text(q)
            case Cloze():
                self._cloze(q)
            case Matching():
                self._matching(q)
            case Ordering():
                self._ordering(q)
            case other:
                assert_never(other)
        if q.explanation:
            self._feedback("EXPLANATION", q.explanation)
            self.item.feedback_rules.append(rp.add_feedback(rp.base("identifier", "EXPLANATION")))
        return self._assemble(), self.item.images

    # --- content --------------------------------------------------------------------

    def _content(self, markdown: str, inline: bool = False) -> Element:
        html = (self.markup.inline if inline else self.markup.block)(markdown, self.chapter)
        return self._adopt(html)

    def _adopt(self, html: Html) -> Element:
        self.item.images.update(html.images)
        for tag in to_qti_content(html.tree, self.item.used_ids):
            self.report.lose(self.q, "formatting", f"<{tag}> shown as plain text: QTI 2.1 "
                             "bodies have no such element")
        return html.tree

    def _block(self, markdown: str) -> Element:
        """Block content wrapped in one <div>, which every QTI flow context accepts."""
        div = self._content(markdown)
        div.tag = "div"
        return div

    def _fill(self, target: Element, fragment: Element) -> Element:
        target.text = (target.text or "") + (fragment.text or "")
        target.extend(list(fragment))
        return target

    def _prompt(self) -> None:
        self.item.body.append(self._block(self.q.prompt))

    def _feedback(self, identifier: str, markdown: str) -> None:
        modal = el("modalFeedback", {"outcomeIdentifier": "FEEDBACK",
                                     "identifier": identifier, "showHide": "show"})
        modal.append(self._block(markdown))
        self.item.feedbacks.append(modal)

    def _declare(self, identifier: str, cardinality: str, base_type: str,
                 correct: list[str] | None = None) -> Element:
        declaration = el("responseDeclaration", {"identifier": identifier,
                                                 "cardinality": cardinality,
                                                 "baseType": base_type})
        if correct:
            values = sub(declaration, "correctResponse")
            for value in correct:
                sub(values, "value", value)
        self.item.declarations.append(declaration)
        return declaration

    def _mapping(self, declaration: Element, entries: list[tuple[str, float]],
                 case_sensitive: bool | None = None, bounded: bool = True) -> None:
        mapping = sub(declaration, "mapping", {
            "lowerBound": "0" if bounded else None, "upperBound": "1" if bounded else None,
            "defaultValue": "0"})
        for key, value in entries:
            sub(mapping, "mapEntry", {
                "mapKey": key, "mappedValue": repr(float(value)),
                "caseSensitive": None if case_sensitive is None else str(case_sensitive).lower()})

    # --- types -----------------------------------------------------------------------

    def _choice(self, q: SingleChoice | MultipleChoice) -> None:
        ids = [f"C{i}" for i in range(1, len(q.choices) + 1)]
        right = [i for i, c in zip(ids, q.choices, strict=True) if c.correct]
        single = isinstance(q, SingleChoice)
        declaration = self._declare("RESPONSE", "single" if single else "multiple",
                                    "identifier", right)
        if isinstance(q, MultipleChoice) and q.scoring == "partial":
            share = 1.0 / len(right)
            self._mapping(declaration, [(i, share if c.correct else -share)
                                        for i, c in zip(ids, q.choices, strict=True)])
            self.item.template = rp.MAP_RESPONSE
        else:
            self.item.template = rp.MATCH_CORRECT
        self._prompt()
        interaction = sub(self.item.body, "choiceInteraction", {
            "responseIdentifier": "RESPONSE", "shuffle": str(q.shuffle).lower(),
            "maxChoices": "1" if single else "0"})
        self._choices(interaction, ids, q.choices)

    def _choices(self, interaction: Element, ids: list[str], choices: list[Choice]) -> None:
        feedback = False
        for identifier, choice in zip(ids, choices, strict=True):
            attrs = {"identifier": identifier, "fixed": "true" if choice.fixed else None}
            self._fill(sub(interaction, "simpleChoice", attrs), self._content(choice.text, True))
            if choice.feedback:
                feedback = True
                self._feedback(identifier, choice.feedback)
        if feedback:
            self.item.feedback_rules.append(rp.add_feedback(rp.var("RESPONSE")))

    def _true_false(self, q: TrueFalse) -> None:
        self._declare("RESPONSE", "single", "identifier", ["true" if q.answer else "false"])
        self.item.template = rp.MATCH_CORRECT
        self._prompt()
        interaction = sub(self.item.body, "choiceInteraction", {
            "responseIdentifier": "RESPONSE", "shuffle": "false", "maxChoices": "1"})
        language = self.course.ui_language
        for value, feedback in (("true", q.feedback_true), ("false", q.feedback_false)):
            sub(interaction, "simpleChoice", {"identifier": value}, word(language, value))
            if feedback:
                self._feedback(value, feedback)
        if q.feedback_true or q.feedback_false:
            self.item.feedback_rules.append(rp.add_feedback(rp.var("RESPONSE")))

    def _numeric_condition(self, response: str, answer: float | None,
                           tolerance: float | str | None,
                           bounds: tuple[float, float] | None) -> Element:
        conditions = []
        if answer is not None:
            margin = tolerance_of(answer, tolerance)
            conditions.append(rp.in_interval(response, answer - margin, answer + margin))
        if bounds is not None:
            conditions.append(rp.in_interval(response, *bounds))
        return rp.any_of(conditions)

    def _numeric(self, q: Numeric) -> None:
        center = q.answer if q.answer is not None else sum(q.range or (0.0, 0.0)) / 2
        self._declare("RESPONSE", "single", "float", [repr(float(center))])
        condition = self._numeric_condition("RESPONSE", q.answer, q.tolerance, q.range)
        self.item.rules.append(rp.all_or_nothing(condition))
        self._prompt()
        line = sub(self.item.body, "p")
        entry = sub(line, "textEntryInteraction", {"responseIdentifier": "RESPONSE",
                                                   "expectedLength": "12"})
        if q.unit:
            entry.tail = f" {q.unit}"

    def _text_condition(self, response: str, accept: list[str], pattern: str | None,
                        case_sensitive: bool) -> Element | None:
        conditions = [rp.op("stringMatch", rp.var(response), rp.base("string", a),
                            caseSensitive=str(case_sensitive).lower()) for a in accept]
        if pattern is not None:
            converted = rp.xsd_pattern(pattern, case_sensitive)
            if converted is None:
                self.report.lose(self.q, "pattern", "regular expression dropped: it uses "
                                 "syntax that QTI's XML Schema patterns lack")
            else:
                conditions.append(rp.op("patternMatch", rp.var(response), pattern=converted))
        return rp.any_of(conditions) if conditions else None

    def _text(self, q: Text) -> None:
        declaration = self._declare("RESPONSE", "single", "string", q.accept[:1])
        if q.accept:
            self._mapping(declaration, [(a, 1.0) for a in q.accept], q.case_sensitive)
        condition = self._text_condition("RESPONSE", q.accept, q.pattern, q.case_sensitive)
        # The template only for case-sensitive answers: `mapEntry caseSensitive` is
        # ignored by some processors (pyslet), `stringMatch caseSensitive` is not.
        if q.pattern is None and q.accept and q.case_sensitive:
            self.item.template = rp.MAP_RESPONSE
        elif condition is not None:
            self.item.rules.append(rp.all_or_nothing(condition))
        for number, (wrong, message) in enumerate(q.feedback.items(), 1):
            identifier = f"F{number}"
            self._feedback(identifier, message)
            self.item.feedback_rules.append(rp.when(
                rp.op("stringMatch", rp.var("RESPONSE"), rp.base("string", wrong),
                      caseSensitive=str(q.case_sensitive).lower()),
                [rp.add_feedback(rp.base("identifier", identifier))]))
        self._prompt()
        sub(sub(self.item.body, "p"), "textEntryInteraction",
            {"responseIdentifier": "RESPONSE", "expectedLength": "30"})

    def _cloze(self, q: Cloze) -> None:
        rendered, tokens = self.markup.cloze(q.prompt, self.chapter)
        prompt = self._adopt(rendered)
        prompt.tag = "div"
        conditions: list[Element] = []
        for name, blank in q.blanks.items():
            response = f"RESPONSE_{name}"
            interaction = self._blank(response, name, blank, conditions)
            split_text(prompt, tokens[name], interaction)
        self.item.body.append(prompt)
        if q.scoring == "all_or_nothing":
            self.item.rules.append(rp.all_or_nothing(rp.op("and", *conditions)))
        else:
            share = 1.0 / len(conditions)
            self.item.rules.append(rp.score(0.0))
            self.item.rules += [rp.when(c, [rp.add_score(share)]) for c in conditions]

    def _blank(self, response: str, name: str, blank: Blank, conditions: list[Element],
               ) -> Element:
        match blank.blank_kind:
            case "choice":
                ids = [f"C_{name}_{k}" for k in range(1, len(blank.choices) + 1)]
                right = [i for i, c in zip(ids, blank.choices, strict=True) if c == blank.answer]
                self._declare(response, "single", "identifier", right)
                conditions.append(rp.op("match", rp.var(response),
                                        el("correct", {"identifier": response})))
                interaction = el("inlineChoiceInteraction",
                                 {"responseIdentifier": response, "shuffle": "false"})
                for identifier, text in zip(ids, blank.choices, strict=True):
                    sub(interaction, "inlineChoice", {"identifier": identifier}, text)
                return interaction
            case "text":
                self._declare(response, "single", "string", blank.accept[:1])
                condition = self._text_condition(response, blank.accept, blank.pattern,
                                                 blank.case_sensitive)
                conditions.append(condition if condition is not None else rp.base("boolean",
                                                                                  "false"))
            case "numeric":
                answer = float(blank.answer) if blank.answer is not None else None
                center = answer if answer is not None else sum(blank.range or (0.0, 0.0)) / 2
                self._declare(response, "single", "float", [repr(float(center))])
                conditions.append(self._numeric_condition(response, answer, blank.tolerance,
                                                          blank.range))
            case other:
                assert_never(other)
        return el("textEntryInteraction", {"responseIdentifier": response,
                                           "expectedLength": "12"})

    def _matching(self, q: Matching) -> None:
        lefts = [f"L{i}" for i in range(1, len(q.pairs) + 1)]
        rights: dict[str, str] = {}
        for text in [p.right for p in q.pairs] + list(q.distractors):
            rights.setdefault(text, f"R{len(rights) + 1}")
        pairs = [f"{left} {rights[p.right]}" for left, p in zip(lefts, q.pairs, strict=True)]
        declaration = self._declare("RESPONSE", "multiple", "directedPair", pairs)
        self._mapping(declaration, [(pair, 1.0 / len(pairs)) for pair in pairs])
        self.item.template = rp.MAP_RESPONSE
        self._prompt()
        interaction = sub(self.item.body, "matchInteraction", {
            "responseIdentifier": "RESPONSE", "shuffle": str(q.shuffle).lower(),
            "maxAssociations": str(len(pairs))})
        left_set = sub(interaction, "simpleMatchSet")
        for identifier, pair in zip(lefts, q.pairs, strict=True):
            choice = sub(left_set, "simpleAssociableChoice",
                         {"identifier": identifier, "matchMax": "1"})
            self._fill(choice, self._content(pair.left, True))
        right_set = sub(interaction, "simpleMatchSet")
        for text, identifier in rights.items():
            choice = sub(right_set, "simpleAssociableChoice",
                         {"identifier": identifier, "matchMax": str(len(pairs))})
            self._fill(choice, self._content(text, True))

    def _ordering(self, q: Ordering) -> None:
        ids = [f"I{i}" for i in range(1, len(q.items) + 1)]
        self._declare("RESPONSE", "ordered", "identifier", ids)
        if q.scoring == "all_or_nothing":
            self.item.template = rp.MATCH_CORRECT
        else:
            share = 1.0 / len(ids)
            self.item.rules.append(rp.score(0.0))
            self.item.rules += [
                rp.when(rp.op("match", rp.op("index", rp.var("RESPONSE"), n=str(n)),
                              rp.base("identifier", identifier)), [rp.add_score(share)])
                for n, identifier in enumerate(ids, 1)]
        self._prompt()
        interaction = sub(self.item.body, "orderInteraction",
                          {"responseIdentifier": "RESPONSE", "shuffle": "true"})
        for identifier, text in zip(ids, q.items, strict=True):
            self._fill(sub(interaction, "simpleChoice", {"identifier": identifier}),
                       self._content(text, True))

    # --- assembly -----------------------------------------------------------------------

    def _assemble(self) -> Element:
        item = el("assessmentItem", {
            "xmlns": QTI, "xmlns:xsi": XSI, "xsi:schemaLocation": f"{QTI} {QTI_XSD}",
            "identifier": item_identifier(self.course, self.q), "title": self.q.id,
            "adaptive": "false", "timeDependent": "false", "xml:lang": self.course.language})
        item.extend(self.item.declarations)
        for identifier, cardinality, base_type, default in (
            ("SCORE", "single", "float", "0"), ("MAXSCORE", "single", "float", "1"),
        ):
            outcome = sub(item, "outcomeDeclaration", {
                "identifier": identifier, "cardinality": cardinality, "baseType": base_type})
            sub(sub(outcome, "defaultValue"), "value", default)
        if self.item.feedback_rules:
            sub(item, "outcomeDeclaration", {"identifier": "FEEDBACK",
                                            "cardinality": "multiple", "baseType": "identifier"})
        item.append(self.item.body)
        processing = sub(item, "responseProcessing")
        if self.item.template and not self.item.feedback_rules:
            processing.set("template", self.item.template)
        else:
            processing.extend(self._scoring_rules())
            processing.extend(self.item.feedback_rules)
        item.extend(self.item.feedbacks)
        assert all(e.tag != FRAGMENT for e in item.iter())
        return item

    def _scoring_rules(self) -> list[Element]:
        if self.item.template == rp.MATCH_CORRECT:
            return rp.match_correct()
        if self.item.template == rp.MAP_RESPONSE:
            return rp.map_response()
        return self.item.rules
