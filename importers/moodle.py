"""Moodle XML -> chapters: one chapter per question category.

Reads what Moodle's own exporter (question/format/xml) writes: HTML text in CDATA or
entity-escaped, files attached as base64 `<file>` elements and referenced through
`@@PLUGINFILE@@/`, every core question type plus the ordering plugin, multianswer cloze,
hints, penalties, general feedback, default grades and tags. Essays, calculated and
drag-and-drop questions have no lessonkit equivalent and are reported at their element.
"""

from __future__ import annotations

import base64
import binascii
import urllib.parse
from pathlib import PurePosixPath
from typing import Any

from lxml import etree

from importers.bank import Bank, category_path, section_of, slug
from importers.markup import html_to_markdown, looks_like_html, tidy
from importers.media import ASSET_LINK, add_media
from importers.moodle_cloze import extract_blanks
from importers.questions import (
    Answer,
    choice_question,
    fnum,
    number,
    numeric_question,
    text_question,
)
from importers.safe import child, children, line, local

_UNSUPPORTED = {
    "essay": "essay questions are graded by a person",
    "calculated": "calculated questions draw random values",
    "calculatedsimple": "calculated questions draw random values",
    "calculatedmulti": "calculated questions draw random values",
    "random": "random questions pick from a category when the quiz is taken",
    "randomsamatch": "random short-answer matching picks questions when the quiz is taken",
    "ddwtos": "drag-and-drop questions have no lessonkit equivalent",
    "ddimageortext": "drag-and-drop questions have no lessonkit equivalent",
    "ddmarker": "drag-and-drop questions have no lessonkit equivalent",
    "gapselect": "select-missing-words questions have no lessonkit equivalent",
}


class MoodleReader:
    """Reads one Moodle XML `<quiz>` into a Bank."""

    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self.path: list[str] = []
        self.category_id = ""
        self.section_ids: dict[str, str] = {}
        """Category path -> its idnumber, so a parent category's id names the section."""

    def read(self, root: etree._Element) -> None:
        if local(root) != "quiz":
            self.bank.error(f"expected a Moodle XML <quiz>, found <{local(root)}>", line(root))
            return
        for el in root:
            if local(el) != "question":
                continue
            kind = el.get("type", "")
            if kind == "category":
                self._category(el)
            else:
                self._question(el, kind)

    def _category(self, el: etree._Element) -> None:
        cat = child(el, "category")
        self.path = category_path(self._plain(cat) if cat is not None else "")
        self.category_id = self._plain(child(el, "idnumber"))
        if self.category_id:
            self.section_ids["/".join(self.path)] = self.category_id

    def _chapter(self, at: int) -> Any:
        path = self.path or ["Imported"]
        section = section_of(path)
        parent = self.section_ids.get("/".join(path[:-1]))
        if parent:
            section = (slug(parent.rsplit(".", 1)[-1], section[0]), section[1])
        wanted = self.category_id.rsplit(".", 1)[-1] if self.category_id else path[-1].lower()
        return self.bank.chapter("/".join(path), wanted, path[-1], section, at)

    @staticmethod
    def _plain(el: etree._Element | None) -> str:
        """The text of `el` or of its `<text>` child."""
        if el is None:
            return ""
        text_el = child(el, "text")
        return ((text_el if text_el is not None else el).text or "").strip()

    def _markup(self, el: etree._Element | None, qid: str) -> str:
        """Markdown for a text-holding element (`questiontext`, `feedback`, `answer`...)."""
        if el is None:
            return ""
        raw = self._plain(el) if child(el, "text") is not None or el.text else ""
        fmt = el.get("format", "html")
        if fmt in ("html", "moodle_auto_format") and (fmt == "html" or looks_like_html(raw)):
            files = {f.get("name", ""): f for f in children(el, "file")}

            def image(src: str) -> str | None:
                if not src.startswith("@@PLUGINFILE@@/"):
                    return src
                name = urllib.parse.unquote(src.removeprefix("@@PLUGINFILE@@/"))
                file_el = files.get(PurePosixPath(name).name)
                if file_el is None:
                    self.bank.unsupported("missing-image", f"question '{qid}': image '{name}'"
                                          " is not attached to the XML", line(el))
                    return None
                try:
                    # Moodle wraps base64 in lines; anything else is a damaged file.
                    data = base64.b64decode("".join((file_el.text or "").split()),
                                            validate=True)
                except (binascii.Error, ValueError):
                    self.bank.error(f"question '{qid}': file '{name}' is not valid base64",
                                    line(file_el))
                    return None
                return ASSET_LINK + add_media(self.bank, name, data)

            converted = html_to_markdown(raw, image)
            for kind in converted.dropped:
                if kind != "image":
                    self.bank.unsupported(kind, f"question '{qid}': {kind} content dropped",
                                          line(el))
            return converted.markdown
        return tidy(raw)

    def _question(self, el: etree._Element, kind: str) -> None:
        bank = self.bank
        at = line(el)
        name = self._plain(child(el, "name"))
        chapter = self._chapter(at)
        ident = self._plain(child(el, "idnumber")) or name.lower()
        if kind in _UNSUPPORTED:
            bank.unsupported(kind, f"{kind} question '{name or ident}' left out: "
                             f"{_UNSUPPORTED[kind]}", at)
            return
        qid = bank.unique_id(ident, f"{chapter.id}-q{len(chapter.blocks) + 1}")
        text_el = child(el, "questiontext")
        if kind == "description":
            body = self._markup(text_el, qid)
            if body:
                bank.add(chapter, {"kind": "explanation", "id": qid, "body": body}, at)
            return
        q: dict[str, Any] = {"kind": "question", "id": qid}
        if kind in ("multianswer", "cloze"):
            raw = self._plain(text_el)
            extracted = extract_blanks(bank, qid, raw, at)
            if extracted is None:
                return
            marked, blanks = extracted
            fake = etree.Element("questiontext", format=(text_el.get("format", "html")
                                                         if text_el is not None else "html"))
            etree.SubElement(fake, "text").text = marked
            for f in children(text_el, "file") if text_el is not None else []:
                fake.append(f)
            q["prompt"] = self._markup(fake, qid)
            q["type"] = "cloze"
            q["blanks"] = blanks
        else:
            q["prompt"] = self._markup(text_el, qid)
            built = self._typed(el, kind, q, at)
            if built is None:
                return
            q = built
        self._common(el, q)
        bank.add(chapter, q, at)

    def _answers(self, el: etree._Element, qid: str, markup: bool) -> list[Answer]:
        out = []
        for a in children(el, "answer"):
            fraction = number(a.get("fraction", "0")) or 0.0
            text = self._markup(a, qid) if markup else self._plain(a)
            feedback = self._markup(child(a, "feedback"), qid) or None
            tol = number(self._plain(child(a, "tolerance")) or "0") or 0.0
            out.append(Answer(text, fraction / 100, feedback, tolerance=tol, line=line(a)))
        return out

    def _typed(
        self, el: etree._Element, kind: str, q: dict[str, Any], at: int
    ) -> dict[str, Any] | None:
        bank = self.bank
        qid = q["id"]
        if kind == "multichoice":
            single = self._plain(child(el, "single")).lower() in ("true", "1")
            built = choice_question(bank, q, self._answers(el, qid, True), single, at)
            if built is not None and self._flag(el, "shuffleanswers") is False:
                built["shuffle"] = False
            return built
        if kind == "truefalse":
            answers = self._answers(el, qid, False)
            q["type"] = "true_false"
            truth = [a for a in answers if a.text.lower() == "true"]
            q["answer"] = bool(truth and truth[0].fraction >= 0.999)
            for a in answers:
                if a.feedback and a.text.lower() in ("true", "false"):
                    q[f"feedback_{a.text.lower()}"] = a.feedback
            return q
        if kind == "shortanswer":
            case = self._plain(child(el, "usecase")) == "1"
            return text_question(bank, q, self._answers(el, qid, False), case, at)
        if kind == "numerical":
            answers = self._answers(el, qid, False)
            if any(a.text == "*" and a.feedback for a in answers):
                bank.unsupported("answer-feedback", f"question '{qid}': feedback for any "
                                 "other answer ('*') dropped", at)
            built = numeric_question(bank, q, [a for a in answers if a.text != "*"], at)
            units = [u for u in descendants_named(el, "unit")
                     if number(self._plain(child(u, "multiplier")) or "1") == 1]
            if built is not None and units:
                built["unit"] = self._plain(child(units[0], "unit_name"))
                if not built["unit"]:
                    del built["unit"]
            return built
        if kind == "matching":
            return self._matching(el, q, at)
        if kind == "ordering":
            return self._ordering(el, q, at)
        bank.unsupported(kind or "unknown-type", f"question '{qid}' of type '{kind}' left out:"
                         " lessonkit has no such question type", at)
        return None

    def _flag(self, el: etree._Element, name: str) -> bool | None:
        value = self._plain(child(el, name)).lower()
        return {"true": True, "1": True, "false": False, "0": False}.get(value)

    def _matching(self, el: etree._Element, q: dict[str, Any], at: int) -> dict[str, Any] | None:
        pairs, distractors = [], []
        for sub in children(el, "subquestion"):
            left = self._markup(sub, q["id"])
            right = self._plain(child(sub, "answer"))
            if left:
                pairs.append({"left": left, "right": right})
            elif right:
                distractors.append(right)
        if len(pairs) < 2:
            self.bank.unsupported("too-few-pairs", f"matching question '{q['id']}' has fewer "
                                  "than two pairs and was left out", at)
            return None
        q["type"] = "matching"
        q["pairs"] = pairs
        if distractors:
            q["distractors"] = distractors
        if self._flag(el, "shuffleanswers") is False:
            q["shuffle"] = False
        return q

    def _ordering(self, el: etree._Element, q: dict[str, Any], at: int) -> dict[str, Any] | None:
        answers = self._answers(el, q["id"], True)
        # The ordering plugin stores each item's position as its "fraction".
        items = [a.text for a in sorted(answers, key=lambda a: a.fraction)]
        if len(items) < 2:
            self.bank.unsupported("too-few-items", f"ordering question '{q['id']}' has fewer "
                                  "than two items and was left out", at)
            return None
        q["type"] = "ordering"
        q["items"] = items
        grading = self._plain(child(el, "gradingtype")).upper()
        if grading == "ABSOLUTE_POSITION":
            q["scoring"] = "partial"
        elif grading and grading != "ALL_OR_NOTHING":
            q["scoring"] = "partial"
            self.bank.unsupported("scoring", f"ordering question '{q['id']}': grading "
                                  f"'{grading}' imported as partial credit per position", at)
        select = self._plain(child(el, "selecttype")).upper()
        if select and select != "ALL":
            self.bank.unsupported("scoring", f"ordering question '{q['id']}': only a subset "
                                  "of the items shown in Moodle; lessonkit shows them all", at)
        return q

    def _common(self, el: etree._Element, q: dict[str, Any]) -> None:
        """What every question type shares: feedback, hints, penalty, points, tags."""
        qid = q["id"]
        general = self._markup(child(el, "generalfeedback"), qid)
        if general:
            q["explanation"] = general
        hints = [h for h in (self._markup(h, qid) for h in children(el, "hint")) if h]
        if hints:
            q["hints"] = hints
            penalty = number(self._plain(child(el, "penalty")) or "0") or 0.0
            if 0 < penalty <= 1:
                q["hint_penalty"] = fnum(penalty)
        grade = number(self._plain(child(el, "defaultgrade")) or "1")
        if grade is not None and grade != 1 and grade >= 0:
            q["points"] = fnum(grade)
        tags = [self._plain(t) for t in descendants_named(child(el, "tags"), "tag")]
        if tags := [t for t in tags if t]:
            q["tags"] = tags
        for name in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
            if q.get("type") in ("single", "multiple", "matching", "ordering") and self._markup(
                child(el, name), qid
            ):
                self.bank.unsupported("combined-feedback", f"question '{qid}': {name} dropped:"
                                      " lessonkit gives feedback per choice and an explanation",
                                      line(el))


def descendants_named(el: etree._Element | None, name: str) -> list[etree._Element]:
    """Descendants of `el` called `name` (none when `el` is None)."""
    return [] if el is None else [d for d in el.iter() if local(d) == name]


def read_moodle(root: etree._Element, bank: Bank) -> None:
    """Read a parsed Moodle XML document into `bank`."""
    MoodleReader(bank).read(root)
