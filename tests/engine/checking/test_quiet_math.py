"""`check` skips finding the formulas of a text whose commands are all quiet
(engine.checking.quiet_math): no such formula may ever have a problem to report."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.checking.markdown_inspect import math_spans
from engine.checking.quiet_math import ENVIRONMENTS, QUIET, formulas_are_quiet
from engine.text.mathml import _convert, math_problems

_HOSTILE_ARGUMENTS = [
    "", "{x}", "{x}{y}", "{x}{y}{z}", '{a"b;c}', "{a\"b;c}{'d&e}", "[a;b]{x}", "[3]{x}",
    "{red}", "{#f00}", "{1;em}", "{javascript:alert(1)}", "{\\text{x}}", "(", ")", "<", ">",
    ".", "|", "\\|", "\\{", "[", "]", "{x}_{a}^{b}", "^{a\"b}", "{&amp;}", "{&#x3C;b&#x3E;}",
]


@pytest.mark.parametrize("command", sorted(QUIET))
def test_a_quiet_command_keeps_its_mathml_whole(command: str) -> None:
    for argument in _HOSTILE_ARGUMENTS:
        for formula in (f"{command}{argument}", f"x {command} {argument} y",
                        f"\\left( {command}{argument} \\right)", f"{{{command}{argument}}}^2",
                        f"x {command}{argument} \\"):
            converted = _convert(formula, False)
            assert converted is None or converted[1] == (), formula


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_a_quiet_environment_keeps_its_mathml_whole(environment: str) -> None:
    begin, end = f"\\begin{{{environment}}}", f"\\end{{{environment}}}"
    for command in sorted(QUIET):
        for argument in _HOSTILE_ARGUMENTS:
            inner = f"{command}{argument}"
            for formula in (f"{begin} {inner} & b \\\\ c & {inner} {end}",
                            f"{begin} a \\\\[{argument}] {inner}", f"{inner} {end} {begin}"):
                converted = _convert(formula, False)
                assert converted is None or converted[1] == (), formula


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([
    *sorted(QUIET), *"abx12^_{}[]()&'~\"#%;:.,|+-=*/! \n<>$", "\\begin{pmatrix}",
    "\\end{pmatrix}", "\\begin{array}{c|c}", "\\href{j}", "\\text{<b>}", "> ", "`",
    "\\text{", "\\mathrm", "<b", "<i>", "\\begin{aligned}", "\\end{aligned}"]),
                max_size=12).map("".join))
def test_a_text_said_quiet_has_no_formula_with_a_problem(text: str) -> None:
    if formulas_are_quiet(text):
        for _, latex in math_spans(text):
            assert math_problems(latex) == [], latex


@pytest.mark.parametrize("text", [
    "$\\href{javascript:x}{y}$",
    "$\\color{r;d}x$",
    "$\\fcolorbox{red}{blue}{x}$",
    "$\\style{color:red}{x}$",
    "$\\text{<b>}$",
    "$\\mathrm{<i>x}$",
    "$\\mathrm{d} < 1$ and $\\text{a <b>}$",
    "$\\text{a} x$ and $\\mathrm{a\n> <i>}$",
    "$\\text{a}$ and $\\textbf <b>$",
    "$\\begin{array}{c|c} a & b \\end{array}$",
    "$\\begin{pmatrix*}[r] a \\end{pmatrix*}$",
    "$\\begin{pmatrix} a \\end{pmatrix} \\begin {array}{c} a \\end{array}$",
    "$\\begin{pmatrix} \\href{x}{y} \\end{pmatrix}$",
    "$x \\$",
    "$a\\",
    "$\\hrefx$ $\\href$",
])
def test_a_text_that_may_have_a_problem_is_not_quiet(text: str) -> None:
    assert not formulas_are_quiet(text)


def test_common_notation_is_quiet() -> None:
    assert formulas_are_quiet(
        "$h_t = \\tanh(W_{hh} h_{t-1} + W_{xh} x_t)$ and $$\n\\frac{\\partial \\ell}"
        "{\\partial h_t} = \\sum_{k} \\big\\lVert J_k \\big\\rVert\n$$ for $a < b$ and "
        "$\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}$")
    assert formulas_are_quiet(
        "$$\n\\begin{aligned} i_t &= \\sigma(x) && \\text{input gate} \\end{aligned}\n$$ "
        "with $\\mathrm{diag}(v)$ for $|\\gamma| < 1$")
