"""QTI 2.1 -> chapters: one per assessment test, items in their tests' order.

An item's interaction decides its type: `choiceInteraction` (one or many choices, or
true/false when the choices are True and False), `orderInteraction`, `matchInteraction`,
a lone `textEntryInteraction` (text, or numeric for a float response, with the words
after the box as its unit), and inline `textEntryInteraction`/`inlineChoiceInteraction`
among the text (a cloze whose blanks keep the response names). What is right comes from
`correctResponse`, the mapping and the response processing (`importers.qti21_rules`);
`modalFeedback` tied to a choice is that choice's feedback, and the rest is the
explanation. Tests give chapter titles and points (`weight`); the manifest's keywords
give tags.
"""

from __future__ import annotations

import copy
import posixpath
from collections.abc import Callable
from typing import Any

from lxml import etree

from importers.bank import Bank, Chapter
from importers.markup import html_to_markdown
from importers.qti21_rules import Rules, read_rules, uncase
from importers.questions import fnum, number
from importers.safe import child, children, descendants, line, local

Resolver = Callable[[str], str | None] | None

_INTERACTIONS = {"choiceInteraction", "orderInteraction", "matchInteraction",
                 "textEntryInteraction", "inlineChoiceInteraction", "extendedTextInteraction",
                 "associateInteraction", "gapMatchInteraction", "hotspotInteraction",
                 "hottextInteraction", "sliderInteraction", "uploadInteraction",
                 "drawingInteraction", "graphicOrderInteraction", "selectPointInteraction",
                 "positionObjectInteraction", "mediaInteraction", "customInteraction",
                 "endAttemptInteraction", "graphicAssociateInteraction",
                 "graphicGapMatchInteraction"}


def _html(el: etree._Element) -> str:
    """The XHTML of an element's content, without QTI's namespace."""
    clone = copy.deepcopy(el)
    for node in clone.iter():
        if isinstance(node.tag, str):
            node.tag = etree.QName(node).localname
    etree.cleanup_namespaces(clone)
    inner = (clone.text or "") + "".join(
        etree.tostring(c, encoding="unicode", with_tail=True) for c in clone)
    return inner


class Qti21Reader:
    """Reads QTI 2.1 items into a Bank."""

    def __init__(self, bank: Bank) -> None:
        self.bank = bank

    def _md(self, html: str, what: str, at: int, images: Resolver) -> str:
        converted = html_to_markdown(html, images)
        for kind in converted.dropped:
            if kind != "image":
                self.bank.unsupported(kind, f"{what}: {kind} content dropped", at)
        return converted.markdown

    def item(self, item: etree._Element, chapter: Chapter, images: Resolver,
             points: float | None = None, tags: list[str] | None = None) -> None:
        bank = self.bank
        at = line(item)
        if local(item) != "assessmentItem":
            bank.error(f"expected a QTI 2.1 <assessmentItem>, found <{local(item)}>", at)
            return
        name = item.get("title") or item.get("identifier") or ""
        what = f"item '{name}'"
        body = child(item, "itemBody")
        if body is None:
            bank.error(f"{what} has no itemBody", at)
            return
        interactions = [el for el in body.iter() if isinstance(el.tag, str)
                        and local(el) in _INTERACTIONS]
        if not interactions:
            text = self._md(_html(body), what, at, images)
            if text:
                qid = bank.unique_id(name.lower(), f"{chapter.id}-{len(chapter.blocks) + 1}")
                bank.add(chapter, {"kind": "explanation", "id": qid, "body": text}, at)
            return
        kinds = {local(i) for i in interactions}
        unknown = kinds - {"choiceInteraction", "orderInteraction", "matchInteraction",
                           "textEntryInteraction", "inlineChoiceInteraction"}
        if unknown:
            kind = sorted(unknown)[0].removesuffix("Interaction")
            bank.unsupported("essay" if kind == "extendedText" else kind,
                             f"{what} left out: {sorted(unknown)[0]} has no lessonkit "
                             "equivalent", at)
            return
        qid = bank.unique_id(name.lower() if name != item.get("identifier") else name,
                             f"{chapter.id}-q{len(chapter.blocks) + 1}")
        q: dict[str, Any] = {"kind": "question", "id": qid}
        rules = read_rules(item)
        declarations = {d.get("identifier", ""): d
                        for d in descendants(item, "responseDeclaration")}
        feedback = {f.get("identifier", ""): (self._md(_html(f), what, line(f), images))
                    for f in children(item, "modalFeedback")}
        used: set[str] = set()
        first = interactions[0]
        built: dict[str, Any] | None
        if kinds <= {"textEntryInteraction", "inlineChoiceInteraction"}:
            built = self._entries(q, body, interactions, declarations, rules, feedback, used,
                                  what, at, images)
        elif len(interactions) > 1:
            bank.unsupported("interactions", f"{what} left out: several block interactions "
                             "in one item", at)
            return
        else:
            prompt_el = child(first, "prompt")
            stem = copy.deepcopy(body)
            for el in [e for e in stem.iter() if isinstance(e.tag, str)
                       and local(e) in _INTERACTIONS]:
                el.getparent().remove(el)
            html = _html(stem) + (_html(prompt_el) if prompt_el is not None else "")
            q["prompt"] = self._md(html, what, at, images)
            decl = declarations.get(first.get("responseIdentifier", ""))
            built = self._block(q, first, decl, rules, feedback, used, what, at, images)
        if built is None:
            return
        rest = [text for ident, text in feedback.items() if ident not in used and text]
        if rest:
            built["explanation"] = "\n\n".join(rest)
        if points is not None and points != 1 and points >= 0:
            built["points"] = fnum(points)
        if tags:
            built["tags"] = tags
        bank.add(chapter, built, at)

    @staticmethod
    def _correct(decl: etree._Element | None) -> list[str]:
        cr = child(decl, "correctResponse") if decl is not None else None
        return [(v.text or "").strip() for v in children(cr, "value")] if cr is not None else []

    def _block(
        self, q: dict[str, Any], inter: etree._Element, decl: etree._Element | None,
        rules: Rules, feedback: dict[str, str], used: set[str], what: str, at: int,
        images: Resolver,
    ) -> dict[str, Any] | None:
        kind = local(inter)
        correct = self._correct(decl)
        mapping = child(decl, "mapping") if decl is not None else None
        if kind == "choiceInteraction":
            choices = children(inter, "simpleChoice")
            texts = {c.get("identifier", ""): self._md(_html(c), what, at, images)
                     for c in choices}
            if sorted(t.lower() for t in texts.values()) == ["false", "true"] and \
                    inter.get("maxChoices") == "1":
                q["type"] = "true_false"
                q["answer"] = any(texts.get(c, "").lower() == "true" for c in correct)
                for ident, text in texts.items():
                    if feedback.get(ident):
                        q[f"feedback_{text.lower()}"] = feedback[ident]
                        used.add(ident)
                return q
            single = inter.get("maxChoices") == "1"
            q["type"] = "single" if single else "multiple"
            q["choices"] = []
            for c in choices:
                ident = c.get("identifier", "")
                entry: dict[str, Any] = {"text": texts[ident]}
                if ident in correct:
                    entry["correct"] = True
                if feedback.get(ident):
                    entry["feedback"] = feedback[ident]
                    used.add(ident)
                if c.get("fixed") == "true":
                    entry["fixed"] = True
                q["choices"].append(entry)
            if inter.get("shuffle") == "false":
                q["shuffle"] = False
            if not single and mapping is None:
                q["scoring"] = "all_or_nothing"
            return q
        if kind == "orderInteraction":
            texts = {c.get("identifier", ""): self._md(_html(c), what, at, images)
                     for c in children(inter, "simpleChoice")}
            q["type"] = "ordering"
            q["items"] = [texts[i] for i in correct if i in texts]
            if rules.positional or mapping is not None:
                q["scoring"] = "partial"
            return q
        if kind == "matchInteraction":
            sets = children(inter, "simpleMatchSet")
            if len(sets) != 2:
                self.bank.error(f"{what}: a matchInteraction needs two simpleMatchSets", at)
                return None
            left = {c.get("identifier", ""): self._md(_html(c), what, at, images)
                    for c in children(sets[0], "simpleAssociableChoice")}
            right = {c.get("identifier", ""): self._md(_html(c), what, at, images)
                     for c in children(sets[1], "simpleAssociableChoice")}
            pairs = [v.split() for v in correct if len(v.split()) == 2]
            q["type"] = "matching"
            q["pairs"] = [{"left": left[a], "right": right[b]} for a, b in pairs
                          if a in left and b in right]
            matched = {b for _, b in pairs}
            distractors = [t for i, t in right.items() if i not in matched]
            if distractors:
                q["distractors"] = distractors
            if inter.get("shuffle") == "false":
                q["shuffle"] = False
            return q
        return None

    def _entries(
        self, q: dict[str, Any], body: etree._Element, interactions: list[etree._Element],
        declarations: dict[str, etree._Element], rules: Rules, feedback: dict[str, str],
        used: set[str], what: str, at: int, images: Resolver,
    ) -> dict[str, Any] | None:
        """Text entries and inline choices: a text or numeric question, or a cloze."""
        stem = copy.deepcopy(body)
        boxes = [e for e in stem.iter() if isinstance(e.tag, str) and local(e) in _INTERACTIONS]
        single = len(boxes) == 1 and local(boxes[0]) == "textEntryInteraction"
        if single:
            box = boxes[0]
            ident = box.get("responseIdentifier", "")
            decl = declarations.get(ident)
            holder = box.getparent()
            before = (holder.text or "").strip() if holder is not None else ""
            unit = (box.tail or "").strip()
            if holder is not None and local(holder) == "p" and not before and \
                    len(holder) == 1 and holder.getparent() is not None:
                holder.getparent().remove(holder)
                q["prompt"] = self._md(_html(stem), what, at, images)
                spec = self._blank(ident, decl, rules, None, what, at)
                if spec is None:
                    return None
                if "accept" in spec:
                    q["type"] = "text"
                    q.update(spec)
                    wrong = {text: feedback[f] for text, f in rules.of(ident).feedback.items()
                             if feedback.get(f)}
                    used.update(rules.of(ident).feedback.values())
                    if wrong:
                        q["feedback"] = wrong
                else:
                    q["type"] = "numeric"
                    q.update(spec)
                    if unit:
                        q["unit"] = unit
                return q
        blanks: dict[str, dict[str, Any]] = {}
        for box in boxes:
            ident = box.get("responseIdentifier", "")
            name = ident.removeprefix("RESPONSE_").removeprefix("RESPONSE") or f"b{len(blanks) + 1}"
            spec = self._blank(ident, declarations.get(ident), rules, box, what, at)
            if spec is None:
                return None
            blanks[name] = spec
            marker = etree.Element("span")
            marker.text = f"[[{name}]]"
            marker.tail = box.tail
            box.getparent().replace(box, marker)
        q["prompt"] = self._md(_html(stem), what, at, images)
        q["type"] = "cloze"
        q["blanks"] = blanks
        if not rules.per_part and rules.template != "map_response":
            q["scoring"] = "all_or_nothing"
        return q

    def _blank(
        self, ident: str, decl: etree._Element | None, rules: Rules,
        box: etree._Element | None, what: str, at: int,
    ) -> dict[str, Any] | None:
        correct = self._correct(decl)
        base = decl.get("baseType", "string") if decl is not None else "string"
        acc = rules.of(ident)
        if box is not None and local(box) == "inlineChoiceInteraction":
            texts = {c.get("identifier", ""): "".join(c.itertext()).strip()
                     for c in children(box, "inlineChoice")}
            if not correct or correct[0] not in texts:
                self.bank.unsupported("no-answer", f"{what}: drop-down '{ident}' has no right "
                                      "choice; left out", at)
                return None
            return {"choices": list(texts.values()), "answer": texts[correct[0]]}
        if base in ("float", "integer"):
            value = number(correct[0]) if correct else (acc.exact[0] if acc.exact else None)
            if acc.low is not None and acc.high is not None:
                if value is not None and abs((value - acc.low) - (acc.high - value)) <= \
                        1e-9 * max(1.0, abs(value)):
                    return {"answer": fnum(value), "tolerance": fnum(acc.high - value)}
                return {"range": [fnum(acc.low), fnum(acc.high)]}
            if value is None:
                self.bank.unsupported("no-answer", f"{what}: '{ident}' has no right number; "
                                      "left out", at)
                return None
            return {"answer": fnum(value)}
        mapping = child(decl, "mapping") if decl is not None else None
        accepted = list(acc.texts)
        case = acc.case_sensitive
        for entry in children(mapping, "mapEntry") if mapping is not None else []:
            if (number(entry.get("mappedValue", "0")) or 0) >= 0.999:
                accepted.append(entry.get("mapKey", ""))
                case = case or entry.get("caseSensitive") == "true"
        accepted = list(dict.fromkeys(accepted or correct))
        if not accepted:
            self.bank.unsupported("no-answer", f"{what}: '{ident}' accepts nothing; left out",
                                  at)
            return None
        spec: dict[str, Any] = {"accept": accepted}
        if acc.patterns:
            patterns = [p if case else uncase(p) for p in acc.patterns]
            spec["pattern"] = patterns[0] if len(patterns) == 1 else "|".join(
                f"(?:{p})" for p in patterns)
        if case:
            spec["case_sensitive"] = True
        return spec


def test_items(test: etree._Element, test_path: str) -> list[tuple[str, float | None]]:
    """(item path in the package, weight) of each item a test refers to, in order."""
    out = []
    for ref in descendants(test, "assessmentItemRef"):
        href = ref.get("href", "")
        weights = [number(w.get("value", "")) for w in children(ref, "weight")]
        path = posixpath.normpath(posixpath.join(posixpath.dirname(test_path), href))
        out.append((path, weights[0] if weights else None))
    return out
