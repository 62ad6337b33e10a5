"""TeX math as Unicode: what a learner reads where a browser would typeset."""

from __future__ import annotations

import pytest

from engine.text.mathtext import to_unicode

CASES = [
    (r"a^2 + b^2 = c^2", "a² + b² = c²"),
    (r"\frac{\partial L}{\partial h_t}", "∂L/∂hₜ"),
    (r"\sum_{k=1}^{n} k = \frac{n(n+1)}{2}", "∑ₖ₌₁ⁿ k = (n(n+1))/2"),
    (r"\lVert g \rVert = \sqrt{\sum_{p} \lVert g_p \rVert^2}", "‖g‖ = √(∑ₚ ‖gₚ‖²)"),
    (r"h_{t-1}", "hₜ₋₁"),
    (r"W_{hh}^\top", "Wₕₕᵀ"),
    (r"W_{if}", "W_if"),  # no subscript f in Unicode: readable fallback
    (r"10^{-6}", "10⁻⁶"),
    (r"x^{y+z^2}", "x^(y+z²)"),
    (r"\tanh'(x) \le 1", "tanh′(x) ≤ 1"),
    (r"\sigma\big(W x\big)", "σ(W x)"),
    (r"\cos\theta = \frac{u \cdot v}{\lVert u \rVert \lVert v \rVert}",
     "cos θ = (u · v)/(‖u‖ ‖v‖)"),
    (r"g_W = \begin{pmatrix} 1 & 2 \\ 2 & 0 \end{pmatrix}", "g_W = (1 2; 2 0)"),
    (r"\hat{y}", "ŷ"),
    (r"\mathbb{R}^{d}", "ℝ^d"),
    (r"x_{\text{max}}", "xₘₐₓ"),
    (r"\sqrt{64.25} \approx 8.016", "√64.25 ≈ 8.016"),
    (r"\left\lVert x \right\rVert", "‖x‖"),
    (r"\unknowncommand{x}", r"\unknowncommand x"),  # kept, never silently dropped
]


@pytest.mark.parametrize(("tex", "expected"), CASES, ids=[c[0] for c in CASES])
def test_tex_reads_as_unicode(tex: str, expected: str) -> None:
    assert to_unicode(tex) == expected


def test_aligned_rows_become_lines_with_their_notes() -> None:
    tex = r"""\begin{aligned}
    i_t &= \sigma(x) && \text{input gate}\\
    f_t &= \sigma(y) && \text{forget gate}
    \end{aligned}"""
    assert to_unicode(tex).splitlines() == [
        "iₜ = σ(x)    input gate",
        "fₜ = σ(y)    forget gate",
    ]
