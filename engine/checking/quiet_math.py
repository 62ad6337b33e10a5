"""Texts whose formulas have nothing to report, told without finding the formulas.

`check` reports what a formula tries to carry (engine.text.mathml.math_problems): markup
typed in a text command, and MathML the sanitiser removes. Finding a text's formulas
takes a Markdown parse per text, the largest part of checking a course of real lessons,
for formulas that almost never have a problem. But each formula `check` looks at is a
piece of its text (engine.checking.markdown_inspect.math_spans finds it there), whose
commands are commands of the text: a formula's content ends before a `$`, a line break
or a blank, never inside a command's name. So what the text holds no command for, no
formula of it can do:

- markup in a text command needs a tag (`<b`) between a text command (`\\text`,
  `\\mbox`...) and the next `}` after it;
- latex2mathml writes elements and attribute values taken from what the author typed
  only for commands (`\\href`, `\\color`, `\\hspace`, `\\begin{array}`...); a formula
  whose commands are all in QUIET, which write fixed elements and attributes (symbols,
  fractions, roots, fonts, accents, delimiters, spaces, rows), in matrices and cases
  (ENVIRONMENTS) or not, is kept whole by the sanitiser.

tests/engine/checking/test_quiet_math.py converts every QUIET command, with hostile
arguments, to hold the list to that.
"""

from __future__ import annotations

import re
from functools import lru_cache

_GREEK = (
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu "
    "nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega "
    "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
)
_SYMBOLS = (
    "cdot cdots ldots dots vdots ddots times div pm mp ast star circ bullet odot oplus "
    "otimes cap cup wedge vee setminus le leq ge geq ne neq approx sim simeq cong equiv "
    "propto ll gg subset subseteq supset supseteq in notin ni mid parallel perp top bot "
    "to leftarrow rightarrow Leftarrow Rightarrow leftrightarrow Leftrightarrow mapsto "
    "implies iff forall exists emptyset infty partial nabla ell hbar prime angle "
    "lVert rVert lvert rvert langle rangle lfloor rfloor lceil rceil"
)
_OPERATORS = (
    "sum prod int oint lim limsup liminf sup inf max min argmax argmin det exp log ln lg "
    "sin cos tan cot sec csc arcsin arccos arctan sinh cosh tanh arg deg dim gcd ker Pr"
)
_STRUCTURE = (
    "frac dfrac tfrac sqrt left right big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr "
    "Biggl Biggr hat bar tilde vec dot ddot overline underline widehat widetilde "
    "mathrm mathbf mathit mathcal mathbb mathsf mathtt boldsymbol text quad qquad"
)
ENVIRONMENTS = ("matrix", "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix", "cases",
                "aligned")
"""Environments without arguments (`array` takes a column spec, `pmatrix*` an alignment)."""
QUIET = frozenset(
    "\\" + name for name in f"{_GREEK} {_SYMBOLS} {_OPERATORS} {_STRUCTURE}".split()
) | frozenset("\\" + char for char in "\\ ,;:!{}|%#&_")
"""Commands whose MathML is fixed elements and attributes, whatever their arguments.
No `\\` followed by a line break or `$`, where a formula's content may end: a formula
ending in `\\ ` is read without its last blank, so a lone `\\` ends it (as the tests
convert too)."""

_TEXT_COMMANDS = frozenset({"\\text", "\\mathrm"})
"""The QUIET commands engine.text.mathml reads as text commands (markup inside them is
reported: see `_markup_may_be_in_text`)."""

_TEXT_COMMAND = re.compile(r"\\(?:text\w*|mbox|fbox|hbox|operatorname|mathrm)\b")
"""Where engine.text.mathml finds a text command (its `_TEXT_COMMAND`)."""
_TAG = re.compile(r"<[A-Za-z/!?]")

_COMMAND = re.compile(r"\\(?:[A-Za-z]+|.)", re.DOTALL)
_ENVIRONMENT = re.compile(r"\\(?:begin|end)(?![A-Za-z])(\{(?:" + "|".join(ENVIRONMENTS) + r")\})?")
_QUIET_WITH_ENVIRONMENTS = QUIET | {"\\begin", "\\end"}


@lru_cache(maxsize=1 << 14)
def formulas_are_quiet(text: str) -> bool:
    """Whether no formula of `text` can have a problem to report (see the module)."""
    if text.endswith("\\"):
        return False
    commands = set(_COMMAND.findall(text))
    quiet = QUIET
    if "\\begin" in commands or "\\end" in commands:
        # Each one opens or closes an environment of ENVIRONMENTS, name written out.
        if not all(found.group(1) for found in _ENVIRONMENT.finditer(text)):
            return False
        quiet = _QUIET_WITH_ENVIRONMENTS
    if not commands <= quiet:
        return False
    return "<" not in text or not commands & _TEXT_COMMANDS or not _markup_may_be_in_text(text)


def _markup_may_be_in_text(text: str) -> bool:
    """Whether a tag may be in the argument of a text command of a formula of `text`.

    engine.text.mathml reports a tag between a text command and the next `}` of the
    formula. A formula is a piece of its text (its lines may lose a container's `> `
    in front, which holds no `}`), so that part of the formula lies within the part of
    the text between the command and the text's next `}`, a tag's two characters
    together.
    """
    for command in _TEXT_COMMAND.finditer(text):
        end = text.find("}", command.end())
        if _TAG.search(text, command.end(), end if end >= 0 else len(text)):
            return True
    return False
