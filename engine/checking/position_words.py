"""Words that name an option by its place in a list: "the first case", "option B", "(b)",
"a segunda opção". Where options are shown shuffled they name the wrong option.

The patterns are narrow on purpose: an ordinal counts only next to a word for an option
("the second one", "the first case") or alone at the end of a clause ("... for the
second."; not "the last", which ends "every layer except the last"), so "the first
layer" or "the last step" in an explanation is left alone;
a letter counts only in capitals or in parentheses, so "the choice a learner makes" is
left alone. Math, code and `{{choice: ...}}` references are not read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

ORDINALS = {
    "first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4, "last": -1,
    "primeira": 0, "primeiro": 0, "segunda": 1, "segundo": 1, "terceira": 2, "terceiro": 2,
    "quarta": 3, "quarto": 3, "quinta": 4, "quinto": 4, "última": -1, "último": -1,
}

_END = r"(?=\s*(?:[.,;:!?)]|$))"
_LABEL = (r"(?:\(?(?P<number>[1-9])(?!\d|[.,]\d)\)?|(?P<letter>[A-H])\b"
          r"|\((?P<pletter>[a-h])\)|(?P<rletter>[a-h])\))")
_PARENTHESISED = r"(?<![\w'\\(])\((?P<paren>[a-h])\)"

ENGLISH = re.compile(
    "|".join((
        r"\b(?i:the)\s+(?P<ordinal>(?i:first|second|third|fourth|fifth|last))"
        r"(?:\s+(?i:one|option|choice|answer|alternative|case|statement)s?\b"
        rf"|(?<!(?i:last)){_END}|(?=\s+(?i:and|or)\s+(?i:the)\b))",
        rf"\b(?i:option|choice|alternative)\s+{_LABEL}",
        _PARENTHESISED,
    )),
)
""""the first case", "the second one", "the second.", "option 2", "choice B", "(b)"."""

PORTUGUESE = re.compile(
    "|".join((
        r"\b(?i:a|o|na|no|da|do|à|ao|pela|pelo)\s+"
        r"(?P<ordinal>(?i:primeir[ao]|segund[ao]|terceir[ao]|quart[ao]|quint[ao]|últim[ao]))"
        r"(?:\s+(?i:opção|opções|alternativa|alternativas|resposta|respostas|escolha|caso|casos"
        rf"|afirmação|afirmações)\b|(?<!(?i:última|último)){_END}|(?=\s+(?i:e|ou)\s+(?i:a|o|na|no)\b))",
        rf"\b(?i:opção|alternativa)\s+{_LABEL}",
        _PARENTHESISED,
    )),
)
""""a primeira opção", "o segundo caso", "na segunda.", "opção 2", "alternativa B", "(b)"."""

_NOT_PROSE = re.compile(
    r"```.*?```|~~~.*?~~~|\$\$.*?\$\$|\$[^$\n]+\$|`[^`\n]*`|\{\{.*?\}\}", re.DOTALL)


_ENUMERATION = re.compile(r"(?<![\w'\\(])\(a\)(?:\s+\S+){3,}?\s+\(b\)", re.DOTALL)
"""An author's own list, "(a) with the backward recursion, and (b) by ...": its letters
name its items, not options."""


_CUES = (
    re.compile(r"first|second|third|fourth|fifth|last|option|choice|alternative|\([a-h]\)",
               re.IGNORECASE),
    re.compile(r"primeir|segund|terceir|quart|quint|últim|opç|alternativa|\([a-h]\)",
               re.IGNORECASE),
)
"""A word or "(x)" that every match of ENGLISH (PORTUGUESE) holds. Blanking math and code
only turns characters into spaces, so a text without one has no match: most texts are
passed over with one search (engine/checking/shuffle_rules.py reads every explanation,
hint and feedback of a course)."""
_LOWER_CUES = tuple(re.compile(cue.pattern) for cue in _CUES)
"""The same, for a text of ASCII characters put in lower case: there that finds what the
case-blind search finds, several times faster."""


def _has_cue(text: str, portuguese: bool) -> bool:
    if text.isascii():
        return _LOWER_CUES[portuguese].search(text.lower()) is not None
    return _CUES[portuguese].search(text) is not None


def position_words(text: str, portuguese: bool = False) -> Iterator[re.Match[str]]:
    """Every place `text` names an option by position (offsets are those of `text`)."""
    return iter(_position_words(text, portuguese))


@lru_cache(maxsize=1 << 14)
def _position_words(text: str, portuguese: bool) -> tuple[re.Match[str], ...]:
    # Once per distinct text and process: a course repeats its explanations and hints.
    if not _has_cue(text, portuguese):
        return ()
    # Math, code and references become spaces, so offsets still point into `text`.
    prose = _NOT_PROSE.sub(lambda m: " " * len(m.group(0)), text)
    enumerates = _ENUMERATION.search(prose) is not None
    return tuple(
        match for match in (PORTUGUESE if portuguese else ENGLISH).finditer(prose)
        if not (enumerates and match.group("paren")))


def ordinal_index(match: re.Match[str]) -> int | None:
    """The authored index the words name (-1 for "the last"), if they name one."""
    groups = match.groupdict()
    if groups.get("ordinal"):
        return ORDINALS.get(groups["ordinal"].lower())
    if groups.get("number"):
        return int(groups["number"]) - 1
    letter = groups.get("letter") or groups.get("pletter") or groups.get("rletter") \
        or groups.get("paren")
    return ord(letter.lower()) - ord("a") if letter else None
