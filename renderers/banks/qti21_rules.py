"""QTI 2.1 response processing, as element builders.

Standard templates (`match_correct`, `map_response`) are used by reference when a
question has nothing else to do; as soon as it shows feedback, or scores in a way no
template expresses (numeric tolerance, regular expressions, partial credit per blank
or per position), the item carries explicit rules. Explicit rules start with the exact
logic of the template they replace, so the score is the same either way.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from renderers.common.xml import el

TEMPLATES = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/"
MATCH_CORRECT = TEMPLATES + "match_correct"
MAP_RESPONSE = TEMPLATES + "map_response"


def op(tag: str, *children: Element, **attrs: str) -> Element:
    """An operator element with its operands."""
    element = el(tag, attrs)
    element.extend(children)
    return element


def var(identifier: str) -> Element:
    return el("variable", {"identifier": identifier})


def base(base_type: str, value: str) -> Element:
    return el("baseValue", {"baseType": base_type}, value)


def number(value: float) -> Element:
    """A float constant written with full precision (`repr`), so 1/3 * 3 sums to 1."""
    return base("float", repr(float(value)))


def set_outcome(identifier: str, expression: Element) -> Element:
    return op("setOutcomeValue", expression, identifier=identifier)


def when(condition: Element, then: list[Element], otherwise: list[Element] | None = None,
         ) -> Element:
    """`responseCondition`: if `condition` then `then` else `otherwise`."""
    rule = el("responseCondition")
    rule.append(op("responseIf", condition, *then))
    if otherwise is not None:
        rule.append(op("responseElse", *otherwise))
    return rule


def score(value: float) -> Element:
    return set_outcome("SCORE", number(value))


def add_score(value: float) -> Element:
    """SCORE = SCORE + value (partial credit accumulates one part at a time)."""
    return set_outcome("SCORE", op("sum", var("SCORE"), number(value)))


def all_or_nothing(condition: Element) -> Element:
    return when(condition, [score(1.0)], [score(0.0)])


def match_correct(response: str = "RESPONSE") -> list[Element]:
    """The `match_correct` template, spelled out."""
    return [all_or_nothing(op("match", var(response), el("correct", {"identifier": response})))]


def map_response(response: str = "RESPONSE") -> list[Element]:
    """The `map_response` template, spelled out."""
    return [when(op("isNull", var(response)), [score(0.0)],
                 [set_outcome("SCORE", el("mapResponse", {"identifier": response}))])]


def add_feedback(expression: Element) -> Element:
    """FEEDBACK = FEEDBACK plus the identifier(s) `expression` yields (NULLs are ignored)."""
    return set_outcome("FEEDBACK", op("multiple", var("FEEDBACK"), expression))


def in_interval(response: str, low: float, high: float) -> Element:
    """low <= response <= high (both ends included, as the grader does).

    Tolerances are written this way too rather than with `<equal toleranceMode=...>`:
    the meaning is the same, and some players do not implement tolerance modes (the
    Citolab QTI 3 player ignores them; pyslet misreads the `tolerance` list)."""
    return op("and", op("gte", var(response), number(low)), op("lte", var(response), number(high)))


def any_of(conditions: list[Element]) -> Element:
    return conditions[0] if len(conditions) == 1 else op("or", *conditions)


def xsd_pattern(pattern: str, case_sensitive: bool) -> str | None:
    """A Python `re.fullmatch` pattern as an XML Schema regular expression, or None.

    XML Schema patterns always match the whole string (what `fullmatch` does) and have
    no anchors, flags, look-arounds, lazy quantifiers, word boundaries or
    back-references: a pattern using those is not converted. They have no
    case-insensitive mode either, so for a case-insensitive question every ASCII letter
    becomes both cases (`a` -> `[aA]`, `[a-c]` -> `[a-cA-C]`).
    """
    if pattern.startswith("^"):
        pattern = pattern[1:]
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1]
    if _python_only(pattern):
        return None
    return pattern if case_sensitive else _both_cases(pattern)


def _python_only(pattern: str) -> bool:
    """Whether the pattern uses syntax XML Schema lacks (escapes are skipped, not misread)."""
    i = 0
    while i < len(pattern):
        char, following = pattern[i], pattern[i + 1:i + 2]
        if char == "\\":
            if following in ("b", "B", "A", "Z", "z", "G") or following.isdigit():
                return True
            i += 2
            continue
        if (char == "(" and following == "?") or (char in "*+?}" and following in ("?", "+")):
            return True
        i += 1
    return False


def _both_cases(pattern: str) -> str | None:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            out.append(pattern[i:i + 2])
            i += 2
        elif char == "[":
            end = _class(pattern, i, out)
            if end is None:
                return None
            i = end
        elif char == "{":
            end = pattern.find("}", i)
            if end < 0:
                return None
            out.append(pattern[i:end + 1])
            i = end + 1
        else:
            out.append(f"[{char.lower()}{char.upper()}]" if _letter(char) else char)
            i += 1
    return "".join(out)


def _class(pattern: str, start: int, out: list[str]) -> int | None:
    """Copy the character class at `start` with both cases added; return where it ends."""
    i = start + 1
    parts = ["["]
    if pattern[i:i + 1] == "^":
        parts.append("^")
        i += 1
    extra: list[str] = []
    first = True
    while i < len(pattern) and (pattern[i] != "]" or first):
        first = False
        if pattern[i] == "\\":
            parts.append(pattern[i:i + 2])
            i += 2
            continue
        low = pattern[i]
        if i + 2 < len(pattern) and pattern[i + 1] == "-" and pattern[i + 2] != "]":
            high = pattern[i + 2]
            parts.append(f"{low}-{high}")
            if _letter(low) and _letter(high) and low.islower() == high.islower():
                extra.append(f"{low.swapcase()}-{high.swapcase()}")
            i += 3
            continue
        parts.append(low)
        if _letter(low):
            extra.append(low.swapcase())
        i += 1
    if i >= len(pattern):
        return None
    out.append("".join(parts + extra) + "]")
    return i + 1


def _letter(char: str) -> bool:
    return char.isascii() and char.isalpha()
