"""GIFT (Moodle's plain-text question format) -> chapters.

Follows Moodle's reader (question/format/gift): questions are separated by blank lines,
`//` lines are comments (Moodle's `// [id:...]` and `// [tag:...]` carry the id number
and tags), `$CATEGORY:` switches the category, `::title::` names a question, `[html]`
and friends set the text format, and `~ = # { } :` are escaped with a backslash. The
answer block decides the type: empty is an essay, `#` numeric, `T`/`F` true/false,
`a -> b` matching, `~` choices, `=` alone short answer; text after the block makes a
"missing word" question, which becomes a one-blank cloze.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from importers.bank import Bank, category_path, section_of, slug
from importers.markup import html_to_markdown, tidy
from importers.questions import (
    Answer,
    choice_question,
    fnum,
    number,
    numeric_question,
    text_question,
)

_ESCAPABLE = "~=#{}:\\"
_META = re.compile(r"\[(id|tag):([^\]]*)\]")
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.I)


def unescape(text: str) -> str:
    """GIFT's backslash escapes resolved (`\\n` is a line break)."""
    return re.sub(r"\\([~=#{}:\\n])", lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def _split(text: str, seps: str) -> list[tuple[int, str]]:
    """(offset, piece) split at unescaped separator characters (which start each piece)."""
    pieces: list[tuple[int, str]] = []
    start, i = 0, 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch in seps and i > start:
            pieces.append((start, text[start:i]))
            start = i
        i += 1
    pieces.append((start, text[start:]))
    return [(o, p) for o, p in pieces if p.strip()]


def _find(text: str, target: str, start: int = 0) -> int:
    """Index of the first unescaped `target` at or after `start`, or -1.

    A match is escaped when an odd number of backslashes precedes it (`\\{` is a brace,
    `\\\\{` a backslash and then an answer block)."""
    i = text.find(target, start)
    while i >= 0:
        j = i
        while j > start and text[j - 1] == "\\":
            j -= 1
        if (i - j) % 2 == 0:
            return i
        i = text.find(target, i + 1)
    return -1


class _Block:
    """One question's lines joined, remembering where each character came from."""

    def __init__(self, lines: list[tuple[int, str]], comments: list[str]) -> None:
        self.line = lines[0][0]
        self.text = "\n".join(t for _, t in lines)
        self.starts: list[int] = []
        self.numbers = [n for n, _ in lines]
        offset = 0
        for _, t in lines:
            self.starts.append(offset)
            offset += len(t) + 1
        self.comments = comments

    def where(self, offset: int) -> tuple[int, int]:
        i = max(0, bisect_right(self.starts, offset) - 1)
        return self.numbers[i], offset - self.starts[i] + 1


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    lines: list[tuple[int, str]] = []
    comments: list[str] = []
    for number_, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if stripped.startswith("//"):
            comments.append(stripped)
            continue
        if not stripped:
            if lines:
                blocks.append(_Block(lines, comments))
                lines, comments = [], []
            continue
        lines.append((number_, raw))
    if lines:
        blocks.append(_Block(lines, comments))
    return blocks


class GiftReader:
    """Reads one GIFT file into a Bank."""

    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self.category: list[str] = []
        self.counter = 0

    def read(self, text: str) -> None:
        for block in _blocks(text):
            head = block.text.lstrip()
            if head.startswith("$CATEGORY:"):
                self.category = category_path(head.removeprefix("$CATEGORY:").strip())
                continue
            self._question(block)

    def _chapter_for(self, line: int) -> Any:
        path = self.category or ["Imported"]
        title = path[-1]
        return self.bank.chapter("/".join(path), slug(title.lower(), "imported"), title,
                                 section_of(path), line)

    def _markup(self, text: str, fmt: str, line: int) -> str:
        text = unescape(text)
        if fmt == "html":
            converted = html_to_markdown(text, self.bank.disk_images("the text", line))
            for kind in converted.dropped:
                if kind != "image":  # reported by the resolver, with the file's name
                    self.bank.unsupported(kind, f"{kind} content dropped from the text", line)
            return converted.markdown
        return tidy(text)

    def _question(self, block: _Block) -> None:
        text = block.text
        tags: list[str] = []
        ident = ""
        for comment in block.comments:
            for kind, value in _META.findall(comment):
                if kind == "id":
                    ident = value.strip()
                else:
                    tags.append(value.strip())
        title = ""
        body_start = 0
        stripped = text.lstrip()
        lead = len(text) - len(stripped)
        if stripped.startswith("::"):
            end = _find(text, "::", lead + 2)
            if end < 0:
                line, col = block.where(lead)
                self.bank.error("'::' opens a question title that is never closed", line, col)
                return
            title = unescape(text[lead + 2 : end]).strip()
            body_start = end + 2
        fmt = "moodle"
        body = text[body_start:]
        if m := _FORMAT.match(body):
            fmt = m.group(1).lower()
            body_start += m.end()
            body = text[body_start:]
        chapter = self._chapter_for(block.line)
        self.counter += 1
        brace = _find(text, "{", body_start)
        if brace < 0:
            # No answer block: Moodle's "description", our explanation.
            body_md = self._markup(body, fmt, block.line) or title
            if body_md:
                self.bank.add(chapter, {"kind": "explanation", "body": body_md}, block.line)
            return
        close = _find(text, "}", brace + 1)
        if close < 0:
            line, col = block.where(brace)
            self.bank.error("'{' opens an answer block that is never closed", line, col)
            return
        before = text[body_start:brace]
        after = text[close + 1 :]
        q: dict[str, Any] = {
            "kind": "question",
            # The id number is kept as written; a title becomes a lower-case slug.
            "id": self.bank.unique_id(ident or title.lower(),
                                      f"{chapter.id}-q{len(chapter.blocks) + 1}"),
        }
        line = block.line
        answer_line, _ = block.where(brace)
        inner = text[brace + 1 : close]
        general = _find(inner, "####")
        explanation = None
        if general >= 0:
            explanation = self._markup(inner[general + 4 :], fmt, answer_line)
            inner = inner[:general]
        missing_word = bool(after.strip())
        prompt_text = before + ("[[blank]]" if missing_word else "") + after
        prompt = self._markup(prompt_text, fmt, line)
        q["prompt"] = prompt or (title if title else "")
        built = self._answers(q, inner.strip(), fmt, answer_line, block, brace)
        if built is None:
            return
        if missing_word:
            built = self._missing_word(built, line)
            if built is None:
                return
        if explanation:
            built["explanation"] = explanation
        if tags:
            built["tags"] = tags
        self.bank.add(chapter, built, line)

    def _answers(
        self, q: dict[str, Any], inner: str, fmt: str, line: int, block: _Block, brace: int
    ) -> dict[str, Any] | None:
        bank = self.bank
        if not inner:
            bank.unsupported("essay", f"essay question '{q['id']}' left out: lessonkit grades"
                             " every answer", line)
            return None
        tf = re.fullmatch(r"(T|TRUE|F|FALSE)\s*((?:#.*)?)", inner, re.S | re.I)
        if tf:
            tf_feedback: list[str | None] = [
                self._markup(p.removeprefix("#"), fmt, line) or None
                for _, p in _split(tf.group(2), "#")
            ]
            answer = tf.group(1).upper().startswith("T")
            q["type"] = "true_false"
            q["answer"] = answer
            # Moodle: the first feedback is for a wrong answer, the second for a right one.
            wrong, right = [*tf_feedback, None, None][:2]
            for value, fb in ((answer, right), (not answer, wrong)):
                if fb:
                    q["feedback_true" if value else "feedback_false"] = fb
            return q
        if inner.startswith("#"):
            return numeric_question(bank, q, self._numeric(inner[1:], fmt, line), line)
        pieces = _split(inner, "=~")
        answers: list[tuple[str, Answer]] = []
        for _, piece in pieces:
            mark, rest = piece[0], piece[1:]
            if mark not in "=~":
                bank.error(f"question '{q['id']}': answer '{piece.strip()[:40]}' must start"
                           " with '=' or '~'", line)
                return None
            fraction = 1.0 if mark == "=" else 0.0
            if w := _WEIGHT.match(rest.strip()):
                fraction = float(w.group(1)) / 100
                rest = rest.strip()[w.end() :]
            fb_at = _find(rest, "#")
            feedback = None
            if fb_at >= 0:
                feedback = self._markup(rest[fb_at + 1 :], fmt, line) or None
                rest = rest[:fb_at]
            answers.append((mark, Answer(rest.strip(), fraction, feedback, line=line)))
        if not answers:
            bank.error(f"question '{q['id']}': the answer block has no answers", line)
            return None
        if all(m == "=" for m, _ in answers) and any(_find(a.text, "->") >= 0 for _, a in answers):
            return self._matching(q, [a for _, a in answers], fmt, line)
        if all(m == "=" for m, _ in answers):
            for _, a in answers:
                a.text = unescape(a.text)
            return text_question(bank, q, [a for _, a in answers], False, line)
        full = sum(1 for m, a in answers if m == "=" and a.fraction >= 0.999)
        for _, a in answers:
            a.text = self._markup(a.text, fmt, line)
        return choice_question(bank, q, [a for _, a in answers], full == 1, line)

    def _numeric(self, inner: str, fmt: str, line: int) -> list[Answer]:
        pieces = _split(inner, "=~") if re.match(r"\s*[=~]", inner) else [(0, "=" + inner)]
        answers = []
        for _, piece in pieces:
            mark, rest = piece[0], piece[1:].strip()
            fraction = 1.0 if mark == "=" else 0.0
            if w := _WEIGHT.match(rest):
                fraction = float(w.group(1)) / 100
                rest = rest[w.end() :]
            feedback = None
            if (fb_at := _find(rest, "#")) >= 0:
                feedback = self._markup(rest[fb_at + 1 :], fmt, line) or None
                rest = rest[:fb_at]
            rest = unescape(rest).strip()
            answer = Answer(rest, fraction, feedback, line=line)
            if ".." in rest:
                low, _, high = rest.partition("..")
                lo, hi = number(low), number(high)
                if lo is None or hi is None:
                    self.bank.error(f"'{rest}' is not a numeric range", line)
                    continue
                answer.low, answer.high = lo, hi
            elif ":" in rest:
                value, _, tol = rest.partition(":")
                v, t = number(value), number(tol)
                if v is None or t is None:
                    self.bank.error(f"'{rest}' is not a number with a tolerance", line)
                    continue
                answer.text, answer.tolerance = str(fnum(v)), t
            answers.append(answer)
        return answers

    def _matching(
        self, q: dict[str, Any], answers: list[Answer], fmt: str, line: int
    ) -> dict[str, Any] | None:
        pairs: list[dict[str, str]] = []
        distractors: list[str] = []
        for a in answers:
            at = _find(a.text, "->")
            if at < 0:
                self.bank.error(f"question '{q['id']}': matching answer '{a.text[:40]}' has no"
                                " '->'", line)
                return None
            left = self._markup(a.text[:at], fmt, line)
            right = tidy(unescape(a.text[at + 2 :]))
            if not left:
                distractors.append(right)
            else:
                pairs.append({"left": left, "right": right})
        if len(pairs) < 2:
            self.bank.unsupported("too-few-pairs", f"matching question '{q['id']}' has fewer "
                                  "than two pairs and was left out", line)
            return None
        q["type"] = "matching"
        q["pairs"] = pairs
        if distractors:
            q["distractors"] = distractors
        return q

    def _missing_word(self, q: dict[str, Any], line: int) -> dict[str, Any] | None:
        """A question with text after its answer block: a cloze with one blank."""
        blank: dict[str, Any]
        if q["type"] in ("single", "multiple"):
            right = [c["text"] for c in q["choices"] if c.get("correct")]
            if q["type"] == "multiple":
                self.bank.unsupported("missing-word", f"question '{q['id']}': a missing word"
                                      " with several right options keeps the first", line)
            blank = {"choices": [c["text"] for c in q["choices"]], "answer": right[0]}
        elif q["type"] == "text":
            blank = {"accept": q["accept"]}
            if "pattern" in q:
                blank["pattern"] = q["pattern"]
        elif q["type"] == "numeric":
            blank = {k: q[k] for k in ("answer", "tolerance", "range") if k in q}
        else:
            self.bank.unsupported("missing-word", f"question '{q['id']}': a {q['type']} "
                                  "answer block inside the text was left out", line)
            return None
        out = {k: q[k] for k in ("kind", "id", "prompt")}
        out["type"] = "cloze"
        out["blanks"] = {"blank": blank}
        return out


def read_gift(text: str, bank: Bank) -> None:
    """Parse GIFT `text` into `bank` (diagnostics for what is malformed or unsupported)."""
    GiftReader(bank).read(text)
