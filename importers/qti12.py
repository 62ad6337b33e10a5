"""QTI 1.2 as Canvas writes it (classic quizzes) -> one chapter per assessment.

Canvas names each item's type in `itemmetadata` (`multiple_choice_question`,
`fill_in_multiple_blanks_question`, ...), keeps the question name in the item's
`title`, the points in `points_possible`, the text in `mattext` (HTML), and decides
what is right in `resprocessing`: the condition that sets or adds to SCORE names the
right choice idents (or, for typed answers, the accepted texts and numeric bounds);
conditions that only `displayfeedback` link a choice to its `itemfeedback`, and
`general_fb` is the comment shown to everyone. Items without Canvas's metadata are
typed by their response element, as other QTI 1.2 writers produce them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree

from importers.bank import Bank, slug
from importers.markup import html_to_markdown, tidy
from importers.questions import (
    Answer,
    choice_question,
    fnum,
    number,
    numeric_question,
    text_question,
)
from importers.safe import child, children, descendants, line, local

Images = Callable[[str, int], Callable[[str], str | None] | None]
"""(what, line) -> an image resolver for that text (None: images stay as they are)."""

_CC_PROFILES = {
    "multiple_choice": "multiple_choice_question",
    "multiple_response": "multiple_answers_question",
    "true_false": "true_false_question",
    "fib": "short_answer_question",
    "pattern_match": "short_answer_question",
    "essay": "essay_question",
}
"""Common Cartridge's QTI profile (`cc_profile: cc.fib.v0p1`) -> the Canvas type it is."""

_UNSUPPORTED = {
    "essay_question": "essay questions are graded by a person",
    "file_upload_question": "file uploads are graded by a person",
    "calculated_question": "calculated questions draw random values",
}


class Qti12Reader:
    """Reads `<questestinterop>` documents into a Bank."""

    def __init__(self, bank: Bank, images: Images | None = None) -> None:
        self.bank = bank
        self.images = images
        self.all_or_nothing = False
        """Multiple response is all-or-nothing (the CC profile's only scoring)."""

    def read(self, root: etree._Element, section: tuple[str, str] = ("imported", "Imported")
             ) -> None:
        if local(root) != "questestinterop":
            self.bank.error(f"expected QTI 1.2 <questestinterop>, found <{local(root)}>",
                            line(root))
            return
        assessments = descendants(root, "assessment")
        if not assessments:  # a bare item bank (Canvas's objectbank)
            bank_title = root.get("title") or "Imported"
            chapter = self.bank.chapter(f"bank:{bank_title}", bank_title.lower(), bank_title,
                                        section, line(root))
            for item in descendants(root, "item"):
                self._item(item, chapter)
            return
        for assessment in assessments:
            title = assessment.get("title") or assessment.get("ident") or "Imported"
            chapter = self.bank.chapter(assessment.get("ident", title), title.lower(), title,
                                        section, line(assessment))
            for item in descendants(assessment, "item"):
                self._item(item, chapter)

    # --- text ---------------------------------------------------------------------

    def _html(self, el: etree._Element | None, what: str) -> str:
        """Markdown for the first `mattext` under `el`."""
        if el is None:
            return ""
        texts = descendants(el, "mattext")
        if not texts:
            return ""
        mattext = texts[0]
        raw = mattext.text or ""
        if mattext.get("texttype", "text/plain") != "text/html":
            return tidy(raw)
        resolver = self.images(what, line(mattext)) if self.images else None
        converted = html_to_markdown(raw, resolver)
        for kind in converted.dropped:
            if kind != "image":
                self.bank.unsupported(kind, f"{what}: {kind} content dropped", line(mattext))
        return converted.markdown

    @staticmethod
    def _plain(el: etree._Element | None) -> str:
        texts = descendants(el, "mattext") if el is not None else []
        return (texts[0].text or "").strip() if texts else ""

    # --- items ------------------------------------------------------------------

    def _meta(self, item: etree._Element) -> dict[str, str]:
        out: dict[str, str] = {}
        for field in descendants(item, "qtimetadatafield"):
            label, entry = child(field, "fieldlabel"), child(field, "fieldentry")
            if label is not None and entry is not None:
                out[(label.text or "").strip()] = (entry.text or "").strip()
        return out

    def _kind(self, item: etree._Element, meta: dict[str, str]) -> str:
        if meta.get("question_type"):
            return meta["question_type"]
        profile = meta.get("cc_profile", "").split(".")
        if len(profile) > 1 and profile[1] in _CC_PROFILES:
            return _CC_PROFILES[profile[1]]
        presentation = child(item, "presentation")
        lids = descendants(presentation, "response_lid") if presentation is not None else []
        strs = descendants(presentation, "response_str") if presentation is not None else []
        nums = descendants(presentation, "response_num") if presentation is not None else []
        if nums or any(f.get("fibtype") in ("Decimal", "Integer")
                       for s in strs for f in descendants(s, "render_fib")):
            return "numerical_question"
        if strs:
            return "short_answer_question"
        if len(lids) == 1:
            many = lids[0].get("rcardinality") == "Multiple"
            return "multiple_answers_question" if many else "multiple_choice_question"
        if len(lids) > 1:
            return "matching_question"
        return "text_only_question"

    def _item(self, item: etree._Element, chapter: Any) -> None:
        bank = self.bank
        at = line(item)
        meta = self._meta(item)
        kind = self._kind(item, meta)
        self.all_or_nothing = meta.get("cc_profile", "").startswith("cc.multiple_response")
        name = item.get("title") or item.get("ident") or ""
        what = f"question '{name}'"
        if kind in _UNSUPPORTED:
            bank.unsupported(kind.removesuffix("_question"), f"{what} left out: "
                             f"{_UNSUPPORTED[kind]}", at)
            return
        qid = bank.unique_id(name.lower() if name != item.get("ident") else name,
                             f"{chapter.id}-q{len(chapter.blocks) + 1}")
        presentation = child(item, "presentation")
        prompt_el = child(presentation, "material") if presentation is not None else None
        feedback = {fb.get("ident", ""): self._html(fb, what)
                    for fb in descendants(item, "itemfeedback")}
        if kind == "text_only_question":
            body = self._html(prompt_el, what)
            if body:
                bank.add(chapter, {"kind": "explanation", "id": qid, "body": body}, at)
            return
        q: dict[str, Any] = {"kind": "question", "id": qid}
        raw_prompt = (descendants(prompt_el, "mattext")[0].text or "") if prompt_el is not None \
            and descendants(prompt_el, "mattext") else ""
        conditions = descendants(item, "respcondition")
        scoring = [c for c in conditions if any(
            local(s) == "setvar" and (number(s.text or "0") or 0) > 0 for s in c)]
        built: dict[str, Any] | None
        if kind in ("fill_in_multiple_blanks_question", "multiple_dropdowns_question"):
            built = self._blanks(q, presentation, raw_prompt, scoring, kind, what, at)
        else:
            q["prompt"] = self._html(prompt_el, what)
            built = self._typed(q, kind, presentation, scoring, conditions, feedback, what, at)
        if built is None:
            return
        # The feedback shown whatever the answer (`<other/>`) is the general comment;
        # Canvas calls it general_fb, the CC profile <item>_general_fb.
        shown_always = [show.get("linkrefid", "") for cond in conditions
                        if descendants(cond, "other")
                        for show in descendants(cond, "displayfeedback")]
        general = next((feedback[i] for i in shown_always if feedback.get(i)),
                       feedback.get("general_fb"))
        if general:
            built["explanation"] = general
        for extra in ("correct_fb", "general_incorrect_fb"):
            if feedback.get(extra):
                bank.unsupported("combined-feedback", f"{what}: '{extra}' feedback dropped: "
                                 "lessonkit gives feedback per choice and an explanation", at)
        points = number(meta.get("points_possible") or meta.get("cc_weighting") or "1")
        if points is not None and points != 1 and points >= 0:
            built["points"] = fnum(points)
        bank.add(chapter, built, at)

    def _labels(self, lid: etree._Element, what: str) -> list[tuple[str, str]]:
        """(ident, Markdown) of a response_lid's choices."""
        return [(lab.get("ident", ""), self._html(lab, what))
                for lab in descendants(lid, "response_label")]

    @staticmethod
    def _right_idents(scoring: list[etree._Element], respident: str | None = None) -> list[str]:
        """Choice idents a scoring condition requires (not those under `<not>`)."""
        out: list[str] = []
        for cond in scoring:
            for eq in descendants(cond, "varequal"):
                if any(local(a) == "not" for a in eq.iterancestors()):
                    continue
                if respident is None or eq.get("respident") == respident:
                    out.append((eq.text or "").strip())
        return out

    def _typed(
        self, q: dict[str, Any], kind: str, presentation: etree._Element | None,
        scoring: list[etree._Element], conditions: list[etree._Element],
        feedback: dict[str, str], what: str, at: int,
    ) -> dict[str, Any] | None:
        bank = self.bank
        lids = descendants(presentation, "response_lid") if presentation is not None else []

        def choice_feedback(ident: str) -> str | None:
            for cond in conditions:
                if cond in scoring:
                    continue
                if any((eq.text or "").strip() == ident for eq in descendants(cond, "varequal")):
                    for show in descendants(cond, "displayfeedback"):
                        if feedback.get(show.get("linkrefid", "")):
                            return feedback[show.get("linkrefid", "")]
            return feedback.get(f"{ident}_fb") or None

        if kind in ("multiple_choice_question", "true_false_question",
                    "multiple_answers_question"):
            if not lids:
                bank.error(f"{what} has no choices", at)
                return None
            right = set(self._right_idents(scoring))
            labels = self._labels(lids[0], what)
            if kind == "true_false_question":
                texts = {i: t.strip().lower() for i, t in labels}
                q["type"] = "true_false"
                q["answer"] = any(texts.get(i) == "true" for i in right)
                for ident, text in texts.items():
                    fb = choice_feedback(ident)
                    if fb and text in ("true", "false"):
                        q[f"feedback_{text}"] = fb
                return q
            single = kind == "multiple_choice_question"
            answers = [Answer(t, (1.0 if single else 1 / max(1, len(right))) if i in right
                              else 0.0, choice_feedback(i), line=at) for i, t in labels]
            built = choice_question(bank, q, answers, single, at)
            if built is None:
                return None
            # QTI 1.2 keeps an option in place with rshuffle="No" and turns shuffling off
            # with shuffle="No"; Canvas writes neither, the CC profile both.
            fixed = {lab.get("ident", "") for lab in descendants(lids[0], "response_label")
                     if lab.get("rshuffle", "").lower() == "no"}
            for (ident, _), choice in zip(labels, built["choices"], strict=True):
                if ident in fixed:
                    choice["fixed"] = True
            if any(r.get("shuffle", "").lower() == "no"
                   for r in descendants(lids[0], "render_choice")):
                built["shuffle"] = False
            if not single and self.all_or_nothing:
                built["scoring"] = "all_or_nothing"
            return built
        if kind == "short_answer_question":
            accepted = [t for t in self._right_idents(scoring) if t]
            case = any(eq.get("case", "").lower() == "yes"
                       for cond in scoring for eq in descendants(cond, "varequal"))
            wrong = [Answer(t, 0.0, choice_feedback(t), line=at) for t in
                     self._right_idents([c for c in conditions if c not in scoring])
                     if t and t not in accepted]
            answers = [Answer(t, 1.0, line=at) for t in accepted] + wrong
            return text_question(bank, q, answers, case, at)
        if kind == "numerical_question":
            return numeric_question(bank, q, self._numbers(scoring, at), at)
        if kind == "matching_question":
            return self._matching(q, lids, scoring, what, at)
        bank.unsupported(kind, f"{what} of type '{kind}' left out: lessonkit has no such "
                         "question type", at)
        return None

    def _numbers(self, scoring: list[etree._Element], at: int) -> list[Answer]:
        answers: list[Answer] = []
        for cond in scoring:
            for alt in descendants(cond, "or") or [child(cond, "conditionvar")]:
                if alt is None:
                    continue
                exact = [number(e.text or "") for e in children(alt, "varequal")]
                ranges = children(alt, "and") or (
                    [alt] if child(alt, "vargte") is not None or child(alt, "vargt") is not None
                    else [])
                low = high = None
                for rng in ranges[:1]:
                    lo = child(rng, "vargte") if child(rng, "vargte") is not None \
                        else child(rng, "vargt")
                    hi = child(rng, "varlte") if child(rng, "varlte") is not None \
                        else child(rng, "varlt")
                    low = number(lo.text or "") if lo is not None else None
                    high = number(hi.text or "") if hi is not None else None
                value = exact[0] if exact else None
                if value is not None and low is not None and high is not None and \
                        abs((value - low) - (high - value)) <= 1e-9 * max(1.0, abs(value)):
                    answers.append(Answer(str(fnum(value)), 1.0, tolerance=high - value,
                                          line=at))
                elif low is not None and high is not None:
                    answers.append(Answer("", 1.0, low=low, high=high, line=at))
                elif value is not None:
                    answers.append(Answer(str(fnum(value)), 1.0, line=at))
        return answers

    def _matching(
        self, q: dict[str, Any], lids: list[etree._Element], scoring: list[etree._Element],
        what: str, at: int,
    ) -> dict[str, Any] | None:
        pairs: list[dict[str, str]] = []
        used: set[str] = set()
        options: dict[str, str] = {}
        for lid in lids:
            labels = dict(self._labels(lid, what))
            options.update(labels)
            right = self._right_idents(scoring, lid.get("ident"))
            left = self._html(child(lid, "material"), what)
            if right and right[0] in labels:
                pairs.append({"left": left, "right": labels[right[0]]})
                used.add(right[0])
        distractors = [t for i, t in options.items() if i not in used and t]
        if len(pairs) < 2:
            self.bank.unsupported("too-few-pairs", f"{what}: fewer than two pairs; left out",
                                  at)
            return None
        q["type"] = "matching"
        q["pairs"] = pairs
        if distractors:
            q["distractors"] = distractors
        return q

    def _blanks(
        self, q: dict[str, Any], presentation: etree._Element | None, raw_prompt: str,
        scoring: list[etree._Element], kind: str, what: str, at: int,
    ) -> dict[str, Any] | None:
        """Canvas's fill-in-multiple-blanks and multiple-dropdowns: `[name]` in the text."""
        blanks: dict[str, dict[str, Any]] = {}
        lids = descendants(presentation, "response_lid") if presentation is not None else []
        for lid in lids:
            ident = lid.get("ident", "")
            name = self._plain(child(lid, "material")) or ident.removeprefix("response_")
            labels = dict(self._labels(lid, what))
            right = [labels[i] for i in self._right_idents(scoring, ident) if i in labels]
            key = slug(name, f"b{len(blanks) + 1}")
            if kind == "multiple_dropdowns_question":
                if not right:
                    self.bank.unsupported("no-answer", f"{what}: drop-down '{name}' has no "
                                          "right option; left out", at)
                    return None
                blanks[key] = {"choices": list(labels.values()), "answer": right[0]}
            else:
                accept = right or list(labels.values())
                if not accept:
                    self.bank.unsupported("no-answer", f"{what}: blank '{name}' accepts "
                                          "nothing; left out", at)
                    return None
                blanks[key] = {"accept": accept}
            raw_prompt = raw_prompt.replace(f"[{name}]", f"[[{key}]]")
        fake = etree.Element("material")
        etree.SubElement(fake, "mattext", texttype="text/html").text = raw_prompt
        q["prompt"] = self._html(fake, what)
        q["type"] = "cloze"
        q["blanks"] = blanks
        return q


def read_qti12(
    root: etree._Element, bank: Bank, images: Images | None = None,
    section: tuple[str, str] = ("imported", "Imported"),
) -> None:
    """Read a parsed QTI 1.2 document into `bank`, its quizzes into `section`."""
    Qti12Reader(bank, images).read(root, section)
