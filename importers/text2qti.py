"""text2qti's Markdown quiz files -> one chapter.

The forms text2qti reads: `Quiz title:` and `Quiz description:`; per question an
optional `Title:` and `Points:`, then `1.  text`; choices `a)` with `*a)` right,
multiple answers `[ ]` / `[*]`, short answers `*   text`, numerical `=   3.14 +- 0.01`,
`=   [1, 2]` or `=   5` (the margin may be a percentage), essays `____` and file
uploads `^^^^`; feedback `...` (after a choice: that choice's), `+` for a right and
`-` for a wrong answer; `Text:` regions between questions; `GROUP` ... `END_GROUP`
pools with `pick:`. A paragraph continues on lines indented past its marker.
Executable code blocks (```{.python .run}) are reported and skipped: an import never
runs code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from importers.bank import Bank, Chapter
from importers.questions import Answer, choice_question, fnum, number, text_question

_QUESTION = re.compile(r"^(\d+)\.[ \t]+(.*)$")
_CHOICE = re.compile(r"^(\*?)([a-zA-Z])\)[ \t]+(.*)$")
_MULTI = re.compile(r"^\[(\*| )\][ \t]+(.*)$")
_SHORT = re.compile(r"^\*[ \t]+(.*)$")
_NUMERIC = re.compile(r"^=[ \t]+(.*)$")
_FEEDBACK = re.compile(r"^(\.\.\.|\+|-)[ \t]+(.*)$")
_SETTING = re.compile(r"^(Quiz title|Quiz description|Title|Points|Text|pick|"
                      r"points per question|shuffle answers|show correct answers|"
                      r"one question at a time|can't go back|feedback is shown|"
                      r"solutions sample groups|solutions randomize groups):[ \t]*(.*)$", re.I)
_FENCE = re.compile(r"^(```+|~~~+)")


@dataclass
class _Question:
    line: int
    number: str
    text: list[str]
    title: str = ""
    points: str = ""
    kind: str = ""
    choices: list[tuple[bool, list[str], list[str]]] = field(default_factory=list)
    """(right, text lines, feedback lines) of each choice or answer."""
    numeric: str = ""
    general: list[str] = field(default_factory=list)
    right_fb: list[str] = field(default_factory=list)
    wrong_fb: list[str] = field(default_factory=list)


def _join(lines: list[str]) -> str:
    return "\n".join(line.strip() for line in lines).strip()


class Text2QtiReader:
    """Reads one text2qti quiz file into a Bank."""

    def __init__(self, bank: Bank, stem: str) -> None:
        self.bank = bank
        self.title = stem
        self.description: list[str] = []
        self.questions: list[_Question | tuple[int, list[str]]] = []

    def read(self, text: str) -> None:
        bank = self.bank
        current: list[str] | None = None  # the paragraph continuation lines go to
        question: _Question | None = None
        pending: dict[str, str] = {}
        fence: str | None = None
        group: tuple[int, int, int] | None = None  # (line, pick, questions so far)
        group_points = ""
        for number_, raw in enumerate(text.expandtabs(4).splitlines(), 1):
            line = raw.rstrip()
            if fence is not None:
                if line.startswith(fence):
                    fence = None
                continue
            if m := _FENCE.match(line):
                fence = m.group(1)
                if ".run" in line:
                    bank.unsupported("scripting", "executable code block skipped: an import "
                                     "never runs code", number_)
                continue
            if not line.strip():
                current = None
                continue
            if raw[:1] in (" ", "\t") and current is not None:
                current.append(line)
                continue
            stripped = line.strip()
            if stripped == "GROUP":
                group = (number_, 1, len(self.questions))
                continue
            if stripped == "END_GROUP":
                group_points = ""
                if group is not None and group[1] < len(self.questions) - group[2]:
                    bank.unsupported("pools", f"group of {len(self.questions) - group[2]} "
                                     f"questions picking {group[1]}: every question is "
                                     "imported (lessonkit has no random pools)", group[0])
                group = None
                continue
            if m := _SETTING.match(stripped):
                key, value = m.group(1).lower(), m.group(2)
                if key == "quiz title":
                    self.title = value.strip() or self.title
                elif key == "quiz description":
                    self.description = [value]
                    current = self.description
                elif key == "text":
                    region = [value]
                    self.questions.append((number_, region))
                    current = region
                elif key in ("title", "points"):
                    pending[key] = value.strip()
                elif key == "pick" and group is not None:
                    group = (group[0], int(number(value) or 1), group[2])
                elif key == "points per question":
                    group_points = value.strip()
                continue
            if m := _QUESTION.match(stripped):
                question = _Question(number_, m.group(1), [m.group(2)],
                                     pending.get("title", ""),
                                     pending.get("points", group_points if group else ""))
                pending = {}
                self.questions.append(question)
                current = question.text
                continue
            if question is None:
                bank.error(f"'{stripped[:40]}' is outside any question", number_)
                continue
            current = self._part(question, stripped, number_)

    def _part(self, q: _Question, line: str, at: int) -> list[str] | None:
        """One line of a question's answers or feedback; the paragraph it continues."""
        kinds = {"choice": _CHOICE, "multi": _MULTI, "short": _SHORT, "numeric": _NUMERIC}
        for kind, pattern in kinds.items():
            if (m := pattern.match(line)) is None:
                continue
            if q.kind and q.kind != kind:
                self.bank.error(f"question {q.text[0][:30]!r} mixes answer forms", at)
                return None
            q.kind = kind
            if kind == "numeric":
                q.numeric = m.group(1)
                return None
            right = m.group(1) == "*" if kind in ("choice", "multi") else True
            body = m.group(m.lastindex or 1) if kind != "short" else m.group(1)
            q.choices.append((right, [body], []))
            return q.choices[-1][1]
        if re.fullmatch(r"_{3,}", line) or re.fullmatch(r"\^{3,}", line):
            q.kind = "essay" if line.startswith("_") else "upload"
            return None
        if m := _FEEDBACK.match(line):
            mark, body = m.group(1), [m.group(2)]
            if mark == "...":
                target = q.choices[-1][2] if q.choices and q.kind in ("choice", "multi") \
                    else q.general
                target.extend(body)
                return target
            (q.right_fb if mark == "+" else q.wrong_fb).extend(body)
            return q.right_fb if mark == "+" else q.wrong_fb
        self.bank.error(f"cannot read '{line[:40]}' as an answer or feedback", at)
        return None

    def finish(self) -> None:
        bank = self.bank
        chapter = bank.chapter("quiz", self.title.lower(), self.title, ("imported", "Imported"),
                               1)
        if self.description:
            bank.add(chapter, {"kind": "explanation", "body": _join(self.description)}, 1)
        for entry in self.questions:
            if isinstance(entry, tuple):
                bank.add(chapter, {"kind": "explanation", "body": _join(entry[1])}, entry[0])
                continue
            built = self._question(entry, chapter)
            if built is not None:
                bank.add(chapter, built, entry.line)

    def _question(self, src: _Question, chapter: Chapter) -> dict[str, Any] | None:
        bank = self.bank
        at = src.line
        # Without a title, the question's own number (`3.`) keeps the id stable.
        qid = bank.unique_id(src.title.lower(), f"{chapter.id}-q{src.number}")
        q: dict[str, Any] = {"kind": "question", "id": qid, "prompt": _join(src.text)}
        if src.kind in ("essay", "upload", ""):
            what = {"essay": "essay", "upload": "file-upload", "": "no-answer"}[src.kind]
            bank.unsupported(what, f"question '{qid}' left out: "
                             + ("it has no answer" if not src.kind else
                                f"{what.replace('-', ' ')} questions are graded by a person"),
                             at)
            return None
        built: dict[str, Any] | None
        if src.kind == "numeric":
            built = self._numeric(q, src.numeric, at)
        elif src.kind == "short":
            built = text_question(bank, q, [Answer(_join(t), 1.0) for _, t, _ in src.choices],
                                  False, at)
        else:
            texts = [_join(t) for _, t, _ in src.choices]
            if src.kind == "choice" and sorted(t.lower() for t in texts) == ["false", "true"]:
                right = [t.lower() for (r, _, _), t in zip(src.choices, texts, strict=True) if r]
                q["type"] = "true_false"
                q["answer"] = right == ["true"]
                for (_, _, fb), t in zip(src.choices, texts, strict=True):
                    if fb:
                        q[f"feedback_{t.lower()}"] = _join(fb)
                built = q
            else:
                right_count = sum(1 for r, _, _ in src.choices if r)
                answers = [Answer(t, (1.0 if src.kind == "choice" else 1 / max(1, right_count))
                                  if r else 0.0, _join(fb) or None)
                           for (r, _, fb), t in zip(src.choices, texts, strict=True)]
                built = choice_question(bank, q, answers, src.kind == "choice", at)
                if built is not None and src.kind == "multi":
                    # Canvas, text2qti's target, scores multiple answers all or nothing.
                    built["scoring"] = "all_or_nothing"
        if built is None:
            return None
        if src.general:
            built["explanation"] = _join(src.general)
        if src.right_fb or src.wrong_fb:
            bank.unsupported("combined-feedback", f"question '{qid}': feedback for any right "
                             "or wrong answer ('+'/'-') dropped: lessonkit gives feedback per "
                             "choice and an explanation", at)
        if src.points:
            points = number(src.points)
            if points is None or points < 0:
                bank.error(f"question '{qid}': points '{src.points}' is not a number", at)
            elif points != 1:
                built["points"] = fnum(points)
        return built

    def _numeric(self, q: dict[str, Any], spec: str, at: int) -> dict[str, Any] | None:
        spec = spec.strip().replace("_", "")
        q["type"] = "numeric"
        if m := re.fullmatch(r"\[\s*([^,\]]+)\s*,\s*([^\]]+)\s*\]", spec):
            low, high = number(m.group(1)), number(m.group(2))
            if low is None or high is None:
                self.bank.error(f"'{spec}' is not a numeric range", at)
                return None
            q["range"] = [fnum(low), fnum(high)]
            return q
        value_text, _, margin = spec.partition("+-")
        value = number(value_text)
        if value is None:
            self.bank.error(f"'{spec}' is not a number", at)
            return None
        q["answer"] = fnum(value)
        margin = margin.strip()
        if margin.endswith("%"):
            if number(margin[:-1]) is None:
                self.bank.error(f"'{margin}' is not a percentage", at)
                return None
            q["tolerance"] = margin.replace(" ", "")
        elif margin:
            tol = number(margin)
            if tol is None:
                self.bank.error(f"'{margin}' is not a margin", at)
                return None
            if tol:
                q["tolerance"] = fnum(abs(tol))
        return q


def read_text2qti(text: str, bank: Bank, stem: str = "Quiz") -> None:
    """Parse a text2qti quiz into `bank` (one chapter titled by `Quiz title:`)."""
    reader = Text2QtiReader(bank, stem)
    reader.read(text)
    reader.finish()
