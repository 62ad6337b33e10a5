"""TeX math as readable Unicode text, where MathML cannot go (a terminal, a drop-down).

A terminal has no MathML, so `$\\frac{\\partial L}{\\partial h_t}$` must become something a
learner (or a screen reader) can read on one line: `∂L/∂hₜ`. This covers the subset of
LaTeX that course authors use in practice (Greek letters, operators, sub- and superscripts,
fractions, roots, accents, `aligned` and matrix environments). Anything unknown is kept
as written, so nothing is ever silently lost.
"""

from __future__ import annotations

import re
import unicodedata

SYMBOLS: dict[str, str] = {
    # Greek
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ",
    "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "φ",
    "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ",
    "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    # Operators and relations
    "cdot": "·", "times": "×", "div": "÷", "pm": "±", "mp": "∓", "odot": "⊙", "otimes": "⊗",
    "oplus": "⊕", "circ": "∘", "ast": "∗", "star": "⋆", "bullet": "•",
    "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠", "approx": "≈",
    "sim": "∼", "simeq": "≃", "equiv": "≡", "propto": "∝", "ll": "≪", "gg": "≫",
    "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆", "cup": "∪", "cap": "∩",
    "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←", "Rightarrow": "⇒",
    "Leftarrow": "⇐", "leftrightarrow": "↔", "iff": "⇔", "implies": "⇒", "mapsto": "↦",
    "infty": "∞", "partial": "∂", "nabla": "∇", "forall": "∀", "exists": "∃",
    "emptyset": "∅", "neg": "¬", "land": "∧", "lor": "∨", "ell": "ℓ", "hbar": "ℏ",
    "sum": "∑", "prod": "∏", "int": "∫", "oint": "∮", "top": "⊤", "perp": "⊥",
    "dots": "…", "ldots": "…", "cdots": "⋯", "vdots": "⋮", "ddots": "⋱",
    "lVert": "‖", "rVert": "‖", "Vert": "‖", "|": "‖", "lvert": "|", "rvert": "|",
    "langle": "⟨", "rangle": "⟩", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉",
    "{": "{", "}": "}", "%": "%", "$": "$", "&": "&", "#": "#", "_": "_",
    "\\": "\n", "prime": "′", "degree": "°", "angle": "∠",
    # Spacing
    ",": " ", ";": " ", ":": " ", "!": "", " ": " ", "quad": "  ", "qquad": "    ",
}
"""Commands that stand for one character (or a space)."""

SPACED = frozenset({
    "cdot", "times", "div", "pm", "mp", "odot", "otimes", "oplus", "le", "leq", "ge", "geq",
    "ne", "neq", "approx", "sim", "simeq", "equiv", "propto", "ll", "gg", "in", "notin",
    "subset", "subseteq", "cup", "cap", "to", "rightarrow", "leftarrow", "gets", "Rightarrow",
    "Leftarrow", "leftrightarrow", "iff", "implies", "mapsto",
})
"""Binary operators and relations: written with a space on each side."""

OPENERS = frozenset({"partial", "nabla", "lVert", "lvert", "langle", "lfloor", "lceil", "neg"})
"""Commands that bind to what follows: the spaces after them are dropped."""
CLOSERS = frozenset({"rVert", "rvert", "rangle", "rfloor", "rceil"})
"""Closing delimiters: the spaces before them are dropped."""

_GLUE = "\x00"
"""Marks a piece that the spaces before it must not separate from the text before."""

FUNCTIONS = frozenset({
    "sin", "cos", "tan", "tanh", "sinh", "cosh", "log", "ln", "exp", "max", "min", "arg",
    "argmax", "argmin", "sup", "inf", "lim", "det", "dim", "ker", "sgn", "softmax",
})
"""Operator names printed upright, as words."""

IGNORED = frozenset({
    "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
    "displaystyle", "textstyle", "limits", "nolimits", "middle",
})
"""Sizing and layout commands that carry no meaning in plain text."""

FONTS = frozenset({
    "text", "mathrm", "textrm", "mathit", "mathbf", "boldsymbol", "bm", "textbf", "textit",
    "operatorname", "mathsf", "mathtt", "texttt", "emph",
})
"""Font commands: their argument is kept, the font is dropped."""

BLACKBOARD = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "E": "𝔼", "P": "ℙ"}
CALLIGRAPHIC = {"L": "ℒ", "N": "𝒩", "O": "𝒪", "D": "𝒟", "H": "ℋ", "F": "ℱ", "X": "𝒳"}

ACCENTS = {"hat": "\u0302", "bar": "\u0304", "overline": "\u0305", "tilde": "\u0303",
           "vec": "\u20d7", "dot": "\u0307", "ddot": "\u0308", "widehat": "\u0302",
           "widetilde": "\u0303"}
"""Accents become combining characters on a single-letter argument."""

SUPERSCRIPTS = str.maketrans(
    "0123456789+-=()niTtkx⊤", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀᵗᵏˣᵀ"
)
SUBSCRIPTS = str.maketrans(
    "0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"
)
_SUP_OK = frozenset("0123456789+-=()niTtkx⊤")
_SUB_OK = frozenset("0123456789+-=()aehijklmnoprstuvx")

_COMMAND = re.compile(r"\\([A-Za-z]+|.)")


class _Reader:
    """A cursor over TeX source that reads tokens and brace groups."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0

    def done(self) -> bool:
        return self.pos >= len(self.source)

    def peek(self) -> str:
        return self.source[self.pos] if self.pos < len(self.source) else ""

    def skip_spaces(self) -> None:
        while self.peek().isspace():
            self.pos += 1

    def group(self) -> str:
        """The raw source of the next argument: a `{...}` group, a command or one character."""
        self.skip_spaces()
        if self.peek() == "{":
            depth, start = 0, self.pos
            while self.pos < len(self.source):
                ch = self.source[self.pos]
                if ch == "\\":
                    self.pos += 2
                    continue
                if ch == "{":
                    depth += 1
                elif ch == "}":
                    depth -= 1
                    if depth == 0:
                        self.pos += 1
                        return self.source[start + 1 : self.pos - 1]
                self.pos += 1
            return self.source[start + 1 :]
        match = _COMMAND.match(self.source, self.pos)
        if match:
            self.pos = match.end()
            return match.group(0)
        ch = self.peek()
        self.pos += 1
        return ch

    def optional(self) -> str | None:
        """The raw source of an optional `[...]` argument, if there is one."""
        self.skip_spaces()
        if self.peek() != "[":
            return None
        end = self.source.find("]", self.pos)
        if end < 0:
            return None
        text = self.source[self.pos + 1 : end]
        self.pos = end + 1
        return text


def _atomic(text: str) -> bool:
    """Whether `text` reads unambiguously without parentheses (for a/b and √x)."""
    stripped = text.strip()
    return not any(ch.isspace() or ch in "+-/=,·×±<>≤≥≈" for ch in stripped)


def _script(text: str, table: dict[int, int], allowed: frozenset[str], mark: str) -> str:
    stripped = text.strip()
    if stripped and all(ch in allowed for ch in stripped.replace(" ", "")):
        return stripped.replace(" ", "").translate(table)
    if _atomic(stripped):
        return f"{mark}{stripped}"
    return f"{mark}({stripped})"


def _wrap(text: str) -> str:
    stripped = text.strip()
    return stripped if _atomic(stripped) else f"({stripped})"


def _environment(name: str, body: str) -> str:
    rows = [row.strip() for row in re.split(r"\\\\", body) if row.strip()]
    if name in {"pmatrix", "bmatrix", "matrix", "vmatrix", "Bmatrix", "smallmatrix"}:
        cells = [" ".join(to_unicode(c).strip() for c in row.split("&")) for row in rows]
        opening, closing = {"pmatrix": ("(", ")"), "bmatrix": ("[", "]"),
                            "vmatrix": ("|", "|"), "Bmatrix": ("{", "}")}.get(name, ("[", "]"))
        return opening + "; ".join(cells) + closing
    if name == "cases":
        return "{ " + "; ".join(
            ", ".join(to_unicode(c).strip() for c in row.split("&") if c.strip()) for row in rows
        )
    # aligned, align, gather, eqnarray, array: one line per row, alignment marks dropped.
    lines = []
    for row in rows:
        columns = [
            " ".join(to_unicode(part) for part in column.split("&") if part.strip())
            for column in re.split(r"&&", row)
        ]
        lines.append("    ".join(column for column in columns if column))
    return "\n".join(lines)


def _convert(reader: _Reader) -> str:
    out: list[str] = []
    while not reader.done():
        ch = reader.peek()
        if ch == "\\":
            piece = _command(reader)
            if piece.startswith(_GLUE):
                piece = piece[len(_GLUE):]
                while out and (not out[-1] or out[-1].isspace()):
                    out.pop()
            out.append(piece)
        elif ch == "{":
            out.append(to_unicode(reader.group()))
        elif ch in "^_":
            reader.pos += 1
            argument = to_unicode(reader.group())
            if ch == "^":
                if argument.strip() in {"′", "′′"}:
                    out.append(argument.strip())
                else:
                    out.append(_script(argument, SUPERSCRIPTS, _SUP_OK, "^"))
            else:
                out.append(_script(argument, SUBSCRIPTS, _SUB_OK, "_"))
        elif ch == "'":
            reader.pos += 1
            out.append("′")
        elif ch == "~":
            reader.pos += 1
            out.append(" ")
        elif ch == "}":
            reader.pos += 1
        else:
            reader.pos += 1
            out.append(ch)
    return "".join(out)


def _command(reader: _Reader) -> str:
    match = _COMMAND.match(reader.source, reader.pos)
    assert match is not None
    reader.pos = match.end()
    name = match.group(1)
    if name in OPENERS:
        # `\partial L` reads "∂L" and `\lVert g \rVert` reads "‖g‖".
        reader.skip_spaces()
    if name in CLOSERS:
        return _GLUE + SYMBOLS[name]
    if name in SPACED:
        return f" {SYMBOLS[name]} "
    if name in SYMBOLS:
        return SYMBOLS[name]
    if name in FUNCTIONS:
        following = _COMMAND.match(reader.source, reader.pos)
        spaced = reader.peek().isalnum() or (
            following is not None and following.group(1) not in IGNORED
        )
        return name + (" " if spaced else "")
    if name in IGNORED:
        if reader.peek() in "()[]|.":
            symbol = reader.peek()
            reader.pos += 1
            return "" if symbol == "." else symbol
        return ""
    if name in FONTS:
        return to_unicode(reader.group())
    if name in {"frac", "tfrac", "dfrac", "cfrac"}:
        numerator, denominator = to_unicode(reader.group()), to_unicode(reader.group())
        return f"{_wrap(numerator)}/{_wrap(denominator)}"
    if name == "sqrt":
        degree = reader.optional()
        radicand = to_unicode(reader.group())
        root = {"3": "∛", "4": "∜"}.get((degree or "").strip(), "√")
        return f"{root}{_wrap(radicand)}"
    if name in ACCENTS:
        argument = to_unicode(reader.group()).strip()
        if len(argument) == 1:
            return unicodedata.normalize("NFC", argument + ACCENTS[name])
        return f"{name}({argument})"
    if name == "mathbb":
        argument = to_unicode(reader.group()).strip()
        return BLACKBOARD.get(argument, argument)
    if name == "mathcal":
        argument = to_unicode(reader.group()).strip()
        return CALLIGRAPHIC.get(argument, argument)
    if name == "begin":
        env = reader.group().strip()
        end_marker = f"\\end{{{env}}}"
        end = reader.source.find(end_marker, reader.pos)
        if end < 0:
            end = len(reader.source)
        body = reader.source[reader.pos : end]
        reader.pos = min(len(reader.source), end + len(end_marker))
        return _environment(env.rstrip("*"), body)
    if name == "end":
        reader.group()
        return ""
    # Unknown: keep the command as written, apart from its argument.
    return match.group(0) + (" " if reader.peek().isalnum() or reader.peek() == "{" else "")


def to_unicode(tex: str) -> str:
    """Readable Unicode text for a TeX math expression."""
    text = _convert(_Reader(tex))
    lines = (re.sub(r"(?<=\S)[ \t]{2,}(?=\S)", _keep_wide_gaps, line).strip()
             for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _keep_wide_gaps(match: re.Match[str]) -> str:
    # A run of four or more spaces (\qquad, `&&`) separates columns on purpose; shorter
    # runs come from spaced operators meeting the author's own spaces and collapse.
    return match.group(0) if len(match.group(0)) >= 4 else " "
