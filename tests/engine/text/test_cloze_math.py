"""Blanks inside formulas: cut at the blank into pieces that typeset alone."""

from __future__ import annotations

import pytest

from engine.text.cloze_math import math_pieces, option_label, tighten_math_around_markers


@pytest.mark.parametrize(
    ("prompt", "written"),
    [
        # The formula cut at the blank by the author, with spaces that stop $...$ parsing.
        (r"$h_t = $ [[act]] $(x_t + $ [[rec]] $h_{t-1})$.",
         r"$h_t =$ [[act]] $(x_t +$ [[rec]] $h_{t-1})$."),
        # The blank inside the formula.
        (r"$h_t = [[act]](x)$ and $y$", r"$h_t =$ [[act]] $(x)$ and $y$"),
        (r"$[[a]]$", r"[[a]]"),
        # Formulas that touch no blank, and dollars that are not math, stay as written.
        (r"It costs $5 and $10: [[x]]", r"It costs $5 and $10: [[x]]"),
        (r"$ a $ then [[x]] later", r"$ a $ then [[x]] later"),
        (r"Escaped \$5 [[x]]", r"Escaped \$5 [[x]]"),
    ],
)
def test_formulas_touching_a_blank_are_cut_tight(prompt: str, written: str) -> None:
    assert tighten_math_around_markers(prompt) == written


def test_the_pieces_are_what_must_typeset_alone() -> None:
    assert math_pieces(r"$\frac{1}{[[d]]}$") == [r"\frac{1}{", "}"]
    assert math_pieces(r"$a$ and $b$ [[x]]") == ["b"]


@pytest.mark.parametrize(
    ("choice", "label"),
    [("W_hh", "Wₕₕ"), ("h_{t-1}", "hₜ₋₁"), ("$W_{hh}$ matrix", "Wₕₕ matrix"), ("tanh", "tanh"),
     ("snake_case", "snake_case"), ("1 - z_t", "1 - zₜ"), ("an_x b", "anₓ b"), ("x^2", "x²")],
)
def test_drop_down_options_show_math_as_text(choice: str, label: str) -> None:
    assert option_label(choice) == label
