"""Moodle's "embedded answers" (multianswer) syntax -> a lessonkit cloze.

A blank is written inside the question's HTML as `{weight:TYPE:answers}`: TYPE is one of
SHORTANSWER (SA, MW), SHORTANSWER_C (SAC, MWC), NUMERICAL (NM), MULTICHOICE and its
layouts (MC, MCV, MCH, MCS, MCVS, MCHS), MULTIRESPONSE (MR, MRH, MRS, MRHS); answers are
separated by `~`, `=` or `%100%` marks full credit, `%n%` partial credit, `#` starts an
answer's feedback, and `\\}`, `\\~`, `\\#`, `\\/` are escapes. Each blank becomes a
`[[bN]]` marker in the prompt, numbered in reading order.
"""

from __future__ import annotations

import html
import re
from typing import Any

from importers.bank import Bank
from importers.questions import fnum, number, wildcard_pattern

_BLANK = re.compile(r"\{(\d*):([A-Z_]+):((?:\\.|[^\\}])*)\}")
_CHOICE = (
    "MULTICHOICE", "MC", "MULTICHOICE_V", "MCV", "MULTICHOICE_H", "MCH", "MULTICHOICE_S", "MCS",
    "MULTICHOICE_VS", "MCVS", "MULTICHOICE_HS", "MCHS",
)
_MULTI = (
    "MULTIRESPONSE", "MR", "MULTIRESPONSE_H", "MRH", "MULTIRESPONSE_S", "MRS",
    "MULTIRESPONSE_HS", "MRHS",
)
_KINDS = {
    "SHORTANSWER": "text", "SA": "text", "MW": "text",
    "SHORTANSWER_C": "text_c", "SAC": "text_c", "MWC": "text_c",
    "NUMERICAL": "numeric", "NM": "numeric",
    **dict.fromkeys(_CHOICE, "choice"),
    **dict.fromkeys(_MULTI, "multi"),
}


def _unescape(text: str) -> str:
    return re.sub(r"\\([}~#/\"\\])", r"\1", html.unescape(text)).strip()


def _answers(spec: str) -> list[tuple[float, str, str | None]]:
    """(fraction, text, feedback) of each `~`-separated answer."""
    out: list[tuple[float, str, str | None]] = []
    for raw in re.split(r"(?<!\\)~", spec):
        if not raw.strip():
            continue
        fraction = 0.0
        text = raw
        if text.startswith("="):
            fraction, text = 1.0, text[1:]
        elif m := re.match(r"%(-?\d+(?:\.\d+)?)%", text):
            fraction, text = float(m.group(1)) / 100, text[m.end() :]
        parts = re.split(r"(?<!\\)#", text, maxsplit=1)
        text, feedback = parts[0], parts[1] if len(parts) > 1 else ""
        out.append((fraction, _unescape(text), _unescape(feedback) or None))
    return out


def extract_blanks(
    bank: Bank, qid: str, source_html: str, line: int
) -> tuple[str, dict[str, dict[str, Any]]] | None:
    """The HTML with `[[bN]]` markers, and the blanks; None when a blank cannot be kept."""
    blanks: dict[str, dict[str, Any]] = {}
    weights: set[str] = set()
    failed = False

    def blank(m: re.Match[str]) -> str:
        nonlocal failed
        name = f"b{len(blanks) + 1}"
        weight, kind_name, spec = m.group(1), m.group(2), m.group(3)
        weights.add(weight or "1")
        kind = _KINDS.get(kind_name)
        answers = _answers(spec)
        right = [a for a in answers if a[0] >= 0.999]
        if kind is None or kind == "multi":
            what = "multiple-response" if kind == "multi" else f"'{kind_name}'"
            bank.unsupported("cloze-blank", f"cloze question '{qid}': {what} blanks have no "
                             "lessonkit equivalent; the question was left out", line)
            failed = True
            return m.group(0)
        if not right:
            bank.unsupported("no-answer", f"cloze question '{qid}': blank {len(blanks) + 1} "
                             "has no fully right answer; the question was left out", line)
            failed = True
            return m.group(0)
        if any(0 < a[0] < 0.999 for a in answers):
            bank.unsupported("partial-credit", f"cloze question '{qid}': partial credit "
                             f"answers of blank {len(blanks) + 1} dropped", line)
        if any(a[2] for a in answers):
            bank.unsupported("answer-feedback", f"cloze question '{qid}': feedback of blank "
                             f"{len(blanks) + 1} dropped: lessonkit blanks have none", line)
        spec_out: dict[str, Any]
        if kind == "choice":
            spec_out = {"choices": [a[1] for a in answers], "answer": right[0][1]}
        elif kind == "numeric":
            text, _, tol = right[0][1].partition(":")
            value, tolerance = number(text), number(tol) if tol else 0.0
            if value is None or tolerance is None:
                bank.error(f"cloze question '{qid}': '{right[0][1]}' is not a number", line)
                failed = True
                return m.group(0)
            spec_out = {"answer": fnum(value)}
            if tolerance:
                spec_out["tolerance"] = fnum(abs(tolerance))
        else:
            texts = [a[1] for a in right]
            plain = [t for t in texts if "*" not in t]
            wild = [t for t in texts if "*" in t]
            spec_out = {"accept": plain or [wild[0].replace("*", "") or "?"]}
            if wild:
                spec_out["pattern"] = wildcard_pattern(wild)
            if kind == "text_c":
                spec_out["case_sensitive"] = True
        blanks[name] = spec_out
        return f"[[{name}]]"

    marked = _BLANK.sub(blank, source_html)
    if failed:
        return None
    if not blanks:
        bank.unsupported("cloze-blank", f"cloze question '{qid}' has no blank Moodle's "
                         "syntax describes; it was left out", line)
        return None
    if len(weights) > 1:
        bank.unsupported("weights", f"cloze question '{qid}': blank weights "
                         f"{sorted(weights)} replaced by equal weights", line)
    return marked, blanks
