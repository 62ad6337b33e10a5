"""What a QTI 2.1 item's response processing accepts, per response variable.

Items either name a standard template (`match_correct`: the correct response, all or
nothing; `map_response`: the mapping's entries) or spell out custom rules. The rules
are read, not run: every condition under a `responseIf` whose branch raises SCORE
tells what is accepted (`stringMatch` texts and their case sensitivity, `patternMatch`
patterns, `match` with the correct response, `equal`, and `gte`/`lte`/`gt`/`lt` bounds);
`index` conditions score an order position by position; a branch that sets FEEDBACK to
an identifier when a text matches is feedback for that known answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from importers.questions import number
from importers.safe import child, children, descendants, local


@dataclass
class Accepts:
    """What one response variable accepts."""

    texts: list[str] = field(default_factory=list)
    case_sensitive: bool = False
    patterns: list[str] = field(default_factory=list)
    low: float | None = None
    high: float | None = None
    exact: list[float] = field(default_factory=list)
    feedback: dict[str, str] = field(default_factory=dict)
    """Known answer -> the identifier of the feedback it shows."""


@dataclass
class Rules:
    """The response processing of one item, by response identifier."""

    accepts: dict[str, Accepts] = field(default_factory=dict)
    template: str = ""
    """`match_correct`, `map_response` or "" for custom rules."""
    per_part: bool = False
    """SCORE is summed over separate conditions (partial credit)."""
    positional: bool = False
    """An order is scored position by position (`index`)."""

    def of(self, ident: str) -> Accepts:
        return self.accepts.setdefault(ident, Accepts())


def _var(el: etree._Element) -> str:
    found = [v.get("identifier", "") for v in descendants(el, "variable")]
    return found[0] if found else ""


def _value(el: etree._Element) -> str:
    base = child(el, "baseValue")
    return (base.text or "").strip() if base is not None else ""


def _raises_score(branch: etree._Element) -> bool:
    for setter in children(branch, "setOutcomeValue"):
        if setter.get("identifier") != "SCORE":
            continue
        values = [number(b.text or "") for b in descendants(setter, "baseValue")]
        if any(v is not None and v > 0 for v in values) or descendants(setter, "mapResponse"):
            return True
    return False


def _feedback_set(branch: etree._Element) -> str | None:
    for setter in children(branch, "setOutcomeValue"):
        if setter.get("identifier") == "FEEDBACK":
            for base in descendants(setter, "baseValue"):
                if base.get("baseType") == "identifier" and base.text:
                    return str(base.text).strip()
    return None


def _collect(cond: etree._Element, rules: Rules, feedback: str | None) -> None:
    """Record what a condition (and its sub-conditions) accepts."""
    name = local(cond)
    if name in ("or", "and"):
        for sub in cond:
            _collect(sub, rules, feedback)
        return
    if name == "not":
        return
    ident = _var(cond)
    if not ident:
        return
    acc = rules.of(ident)
    if name == "stringMatch":
        text = _value(cond)
        if feedback:
            acc.feedback[text] = feedback
        else:
            acc.texts.append(text)
            acc.case_sensitive = acc.case_sensitive or cond.get("caseSensitive") == "true"
    elif name == "patternMatch" and not feedback:
        acc.patterns.append(cond.get("pattern", ""))
    elif name in ("gte", "gt"):
        acc.low = number(_value(cond))
    elif name in ("lte", "lt"):
        acc.high = number(_value(cond))
    elif name == "equal":
        value = number(_value(cond))
        tolerance = (cond.get("tolerance") or "0").split()
        tol = number(tolerance[0]) if tolerance else 0.0
        if value is not None and tol:
            acc.low, acc.high = value - tol, value + tol
        elif value is not None:
            acc.exact.append(value)
    elif name == "match":
        if descendants(cond, "index"):
            rules.positional = True
        elif child(cond, "baseValue") is not None and not feedback:
            acc.texts.append(_value(cond))


def read_rules(item: etree._Element) -> Rules:
    """The Rules of an `assessmentItem`."""
    rules = Rules()
    processing = child(item, "responseProcessing")
    if processing is None:
        return rules
    template = processing.get("template", "")
    rules.template = template.rstrip("/").rsplit("/", 1)[-1]
    conditions = descendants(processing, "responseCondition")
    scoring = 0
    for condition in conditions:
        for branch in [*children(condition, "responseIf"), *children(condition, "responseElseIf")]:
            parts = [c for c in branch if local(c) != "setOutcomeValue"]
            if not parts:
                continue
            if _raises_score(branch):
                scoring += 1
                _collect(parts[0], rules, None)
            elif (fb := _feedback_set(branch)) is not None:
                _collect(parts[0], rules, fb)
    rules.per_part = scoring > 1
    return rules


def uncase(pattern: str) -> str:
    """A case-insensitive pattern as its author wrote it.

    XML Schema patterns have no case-insensitive flag, so writers spell each letter
    both ways: `b` as `[bB]`, and a class `[,x]` as `[,xX]`. Matching ignores case on
    our side, so the second spelling of each letter is dropped again.
    """

    def klass(m: re.Match[str]) -> str:
        body = m.group(1)
        if re.fullmatch(r"[a-z][A-Z]", body) and body[1] == body[0].upper():
            return body[0]
        if re.search(r".-.", body):  # ranges (`a-zA-Z`) are left exactly as written
            return m.group(0)
        kept = "".join(c for c in body if not (c.isupper() and c.lower() in body))
        return f"[{kept}]"

    return re.sub(r"(?<!\\)\[((?:\\.|[^\]\\])*)\]", klass, pattern)
