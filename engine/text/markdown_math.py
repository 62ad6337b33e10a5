"""Math on the compiled Markdown path: formulas found as the dollarmath plugin finds them.

The compiled parser (engine.text.markdown_fast) knows no math. So before it runs, each formula
the plugin would find is replaced by a placeholder it leaves alone, and after it the
placeholder becomes the formula's MathML, as engine.text.markdown's render rules make it:

- inline `$x$` and `$$x$$` keep their dollars around a word of letters and digits
  (`$LKMATH3Z$`), so emphasis next to them sees the same punctuation as before;
- a display block (`$$` alone on a line after a blank line or the start, up to the first
  line ending with `$$`) becomes a paragraph of its own holding one placeholder word.

The search mirrors the plugin's rule (pandoc's: no space inside the dollars, no digit
outside them) and gives up, sending the text to markdown-it-py, wherever the two parsers
could read the text differently: escaped dollars, code spans that are not single
backticks paired on their line or that hold a dollar, dollars in indented or nested
code, a formula across lines or holding a `|` or a backtick, math in a heading, and a
formula opening an inline run that may end with a digit or a backslash (the plugin then
reads the run's last character as the one before the dollar; the run is known for a
paragraph of plain lines and for a table cell, elsewhere any line may end one).
A placeholder that does not come out of the parser exactly once, as expected, also gives
up.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import lru_cache

from markdown_it.common.utils import isWhiteSpace

from engine.text.mathml import latex_to_mathml

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})")
_START_ISH = re.compile(r"[\s>#*+\-.)\d|]*")
_WHITESPACE = frozenset(chr(code) for code in range(0x3001) if isWhiteSpace(code))
"""What markdown-it's `isWhiteSpace` calls whitespace (none is above U+3000)."""
_BLOCK_START = re.compile(r"[\s>*+\-\d.)]*\$\$")
_SETEXT = re.compile(r"\n {0,3}(?:=+|-+)[ \t]*$", re.MULTILINE)
"""A setext underline, matched from the newline before it (`"\\n" + text`): a search for
a character is much faster than trying `^` at every position."""


def _placeholder(n: int) -> str:
    return f"LKMATH{n}Z"


def _ends_badly(chunk: list[str]) -> bool:
    return any(_bad_end(line) for line in chunk)


def _bad_end(run: str) -> bool:
    # At the start of a run the plugin reads the run's last character as the one before
    # the dollar (a digit: no formula; a backslash: an escaped dollar).
    last = run.rstrip()[-1:]
    return last.isdigit() or last == "\\"


_MAY_OPEN_BLOCK = re.compile(r"[ \t]*(?:[#>*+\-_=|<`~!?\[:\d]|\$\$)")
"""A line that may open a block of its own inside a paragraph's lines (a heading, quote,
list item, rule, table, fence, admonition, ...): what is not a plain paragraph line."""

_INDENTED = re.compile(r" {4}| {0,3}\t")
"""A line that would be indented code rather than open a paragraph."""


def _may_end_badly(line: str, at: int, chunk: list[str], first: bool) -> bool:
    """Whether the inline run a formula at `line[at]` may open ends badly (`_bad_end`).

    A chunk of plain paragraph lines is one paragraph, its one inline run: a formula
    opens it only at the start of the chunk's first line (`first`), and the run ends
    where the chunk does. Elsewhere the blocks and runs are not known: any line or cell
    may end one.
    """
    if _is_table(chunk) and "\\|" not in line:
        # Each cell of a row is a run of its own.
        start, end = line.rfind("|", 0, at) + 1, line.find("|", at)
        return not line[start:at].strip() and _bad_end(line[start:end if end >= 0 else None])
    plain = "|" not in "".join(chunk) and not _INDENTED.match(chunk[0]) and not any(
        _MAY_OPEN_BLOCK.match(later) for later in chunk[1:])
    if plain and first and not line[:at].strip():
        return _bad_end(chunk[-1])
    if plain and not first and not _MAY_OPEN_BLOCK.match(chunk[0]):
        return False  # within the paragraph: not the start of its run
    return _ends_badly(chunk) or any(_bad_end(cell) for cell in line.split("|"))


_TABLE_ROW = re.compile(r" {0,3}\|")
_DELIMITER_ROW = re.compile(r" {0,3}\|[ \t|:-]*-[ \t|:-]*")


def _is_table(chunk: list[str]) -> bool:
    """Whether the chunk is one table, every line a row that starts with `|`."""
    return len(chunk) > 1 and bool(_DELIMITER_ROW.fullmatch(chunk[1])) and all(
        _TABLE_ROW.match(line) for line in chunk)


_MAY_DELIMIT = re.compile(r"[ \t]*[|:-][ \t|:-]*")


def _may_hold_table(chunk: list[str]) -> bool:
    """Whether a table may be among the chunk's lines (one of them may be a delimiter
    row), whose cells would split a formula holding a `|`."""
    return any(_MAY_DELIMIT.fullmatch(line) and "-" in line for line in chunk)


_CODE_SPAN = re.compile(r"`[^`]*`")


def without_code_spans(text: str) -> str | None:
    """`text` without its code spans, where they are plain to see: on every line the
    backticks pair up as single-backtick spans (no escape, no longer run) that hold no
    `|` (table cells split before spans pair); None where they may not."""
    if "`" not in text:
        return text
    if "``" in text or "\\`" in text:
        return None
    lines = text.split("\n")
    for line in lines:
        if line.count("`") % 2 or any("|" in span for span in _CODE_SPAN.findall(line)):
            return None
    return "\n".join(_CODE_SPAN.sub("", line) for line in lines)


def without_fences(text: str) -> str:
    """`text` without its fenced code blocks (their lines are no inline text); a fence
    that does not start a line's first four columns is kept."""
    return _split_fences(text)[0]


def fence_left_open(text: str) -> bool:
    """Whether a fenced code block of `text` runs to its end, unclosed."""
    return _split_fences(text)[1]


def _split_fences(text: str) -> tuple[str, bool]:
    kept: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        opened = _FENCE.match(line)
        if fence is None and opened:
            fence = opened.group(2)
        elif fence is None:
            kept.append(line)
        elif opened and opened.group(2)[0] == fence[0] and len(opened.group(2)) >= len(
                fence) and not line[opened.end():].strip():
            fence = None
    return "\n".join(kept), fence is not None


def _code_spans_apart(chunk: list[str]) -> bool:
    """Whether the chunk's code spans and formulas cannot overlap: its code spans are
    plain to see (`without_code_spans`) and hold no dollar. Formulas holding a backtick
    are given up on as they are found."""
    if not any("`" in line for line in chunk):
        return True
    return not any(
        without_code_spans(line) is None or any("$" in span for span in _CODE_SPAN.findall(line))
        for line in chunk)


def _scan_line(line: str, later: bool, chunk: list[str], first: bool,
               formulas: list[tuple[str, str]]) -> str | None:
    """`line` with its inline formulas replaced by placeholders, or None to give up.
    `later`: whether the rest of the paragraph after this line holds a dollar."""
    out: list[str] = []
    pos = 0
    at = line.find("$")
    prefix = _START_ISH.match(line)
    start_ish = prefix.end() if prefix else 0
    while at >= 0:
        found = _formula_at(line, at, start_ish, later, chunk, first)
        if found is None:
            return None
        end, kind = found
        if not kind:
            at = line.find("$", at + 1)
            continue
        double = kind == "double"
        content = line[at + 2: end - 1] if double else line[at + 1: end]
        if ("|" in content and _may_hold_table(chunk)) or "`" in content:
            return None
        marker = "$$" if double else "$"
        out += [line[pos:at], marker, _placeholder(len(formulas)), marker]
        formulas.append((kind, content.strip()))
        pos = end + 1
        at = line.find("$", pos)
    out.append(line[pos:])
    return "".join(out)


def _formula_at(line: str, at: int, start_ish: int, later: bool, chunk: list[str],
                first: bool) -> tuple[int, str] | None:
    """(index of the closing dollar, "single" or "double") of the formula the plugin reads
    at `line[at]`, (0, "") where it reads none, None where this cannot tell. The line's
    first `start_ish` characters are all `_START_ISH` ones."""
    following = line[at + 1: at + 2] or "\n"
    if following in _WHITESPACE:
        return 0, ""
    if at and line[at - 1].isdigit():
        return 0, ""
    if at <= start_ish and _may_end_badly(line, at, chunk, first):
        # Maybe the start of an inline run: see `_bad_end`; the run's end may be on
        # another line or in another table cell.
        return None
    double = following == "$"
    close = line.find("$$" if double else "$", at + (2 if double else 1))
    if close < 0:
        # The plugin searches the whole run: a dollar further on may close it.
        return None if later else (0, "")
    end = close + 1 if double else close
    if line[end - 1] in _WHITESPACE:
        return 0, ""
    if line[end + 1: end + 2].isdigit():
        return 0, ""
    if not (line[at + 2: end - 1] if double else line[at + 1: end]):
        return 0, ""
    return end, "double" if double else "single"


@lru_cache(maxsize=1 << 14)
def mask_math(text: str) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """`text` with every formula replaced by a placeholder, and the formulas as
    (kind, LaTeX) in placeholder order; None where only the plugin can tell. Once per
    distinct text and process: `check` and the renderers ask it of the same texts.

    Only the lines holding a dollar or a fence mark are looked at: the others stay as
    they are, and of them only where the blank ones are matters (they end a chunk).
    """
    if "\\$" in text or _SETEXT.search("\n" + text):
        return None
    lines = text.split("\n")
    fenced = "```" in text or "~~~" in text
    formulas: list[tuple[str, str]] = []
    out: list[str] = []
    copied = 0  # lines[:copied] are in `out`
    fence: str | None = None
    block_end = 0  # the line after the last display block
    last_blank, seen = -1, 0  # the last blank line among lines[:seen]
    chunks: dict[int, tuple[list[str], bool]] = {}
    marked = [i for i, line in enumerate(lines) if "$" in line or (
        fenced and ("```" in line or "~~~" in line))]
    dollars = [i for i in marked if "$" in lines[i]] if fenced else marked
    for i in marked:
        if i < block_end:
            continue
        line = lines[i]
        for j in range(i - 1, seen - 1, -1):
            if not lines[j].strip():
                last_blank = j
                break
        seen = i + 1  # this line is not blank
        opened = _FENCE.match(line) if fenced else None
        if fence is not None:
            if opened and opened.group(2)[0] == fence[0] and len(opened.group(2)) >= len(
                    fence) and not line[opened.end():].strip():
                fence = None
            continue
        if opened:
            fence = opened.group(2)
            continue
        if "```" in line or "~~~" in line or (line[:1] in (" ", "\t") and (
                line.startswith("    ") or line.startswith("\t"))):
            return None  # a nested fence, or an indented line that may be code
        chunk_start = max(last_blank + 1, block_end)
        if line.rstrip() == "$$" and chunk_start == i:
            block = _display_block(lines, i, formulas)
            if block is None:
                return None
            out += lines[copied:i]
            out += [_placeholder(len(formulas) - 1), ""]
            copied = block_end = block
            continue
        if _BLOCK_START.match(line):
            return None  # `$$` where a block may start: the plugin's block rule may apply
        known = chunks.get(chunk_start)
        if known is None:
            chunk = _chunk(lines, chunk_start)
            known = chunks[chunk_start] = (chunk, _code_spans_apart(chunk))
        chunk, apart = known
        if line.lstrip().startswith("#") or not apart:
            return None
        after = bisect_right(dollars, i)  # the next line holding a dollar
        later = after < len(dollars) and dollars[after] < chunk_start + len(chunk)
        scanned = _scan_line(line, later, chunk, chunk_start == i, formulas)
        if scanned is None:
            return None
        out += lines[copied:i]
        out.append(scanned)
        copied = i + 1
    out += lines[copied:]
    return "\n".join(out), tuple(formulas)


def _chunk(lines: list[str], start: int) -> list[str]:
    """The lines from `start` up to the next blank line."""
    end = start
    while end < len(lines) and lines[end].strip():
        end += 1
    return lines[start:end]


def _display_block(lines: list[str], start: int, formulas: list[tuple[str, str]]
                   ) -> int | None:
    """The index after a `$$` block opening at `lines[start]` (its formula appended), or
    None where the plugin would not read one."""
    body: list[str] = []
    for at in range(start + 1, len(lines)):
        line = lines[at]
        stripped = line.strip()
        if stripped.endswith("$$"):
            body.append(line.rstrip()[:-2])
            latex = "\n".join(body).strip()
            if "$" in latex or not latex:
                return None
            formulas.append(("block", latex))
            return at + 1
        if not stripped:
            return None
        body.append(line)
    return None


def _written(n: int, kind: str) -> str:
    """How placeholder `n` of a formula of `kind` comes out of the compiled parser."""
    word = _placeholder(n)
    if kind == "block":
        return f"<p>{word}</p>\n"
    marker = "$$" if kind == "double" else "$"
    return f"{marker}{word}{marker}"


def placeholders_in_place(html: str, formulas: Sequence[tuple[str, str]]) -> bool:
    """Whether each placeholder came out of the compiled parser exactly once, where the
    formula would have: then `formulas` are those the plugin finds, in its order."""
    return all(
        html.count(_written(n, kind)) == 1 and html.count(_placeholder(n)) == 1
        for n, (kind, _) in enumerate(formulas)
    )


_PLACEHOLDER = re.compile(r"LKMATH(\d+)Z")
_AROUND = {"block": ("<p>", "</p>\n"), "double": ("$$", "$$"), "single": ("$", "$")}


def unmask_math(html: str, formulas: Sequence[tuple[str, str]]) -> str | None:
    """The compiled parser's `html` with each placeholder turned into its MathML, or None
    when a placeholder did not come out where the formula would have."""
    mathml = [_mathml(kind, latex) for kind, latex in formulas]
    if html.count("LKMATH") == len(formulas) and not any("LKMATH" in m for m in mathml):
        # No other text looks like a placeholder: one pass over the HTML, when the
        # placeholders come out in order, each where its formula was written.
        pieces: list[str] = []
        done = 0
        for n, found in enumerate(_PLACEHOLDER.finditer(html)):
            if n >= len(formulas) or found.group(1) != str(n):
                break
            before, after = _AROUND[formulas[n][0]]
            start, end = found.start() - len(before), found.end() + len(after)
            if start < done or not html.startswith(before, start) or not html.startswith(
                    after, found.end()):
                break  # not as written, or sharing a dollar with the one before
            pieces += [html[done:start], mathml[n]]
            done = end
        else:
            if len(pieces) == 2 * len(formulas):
                pieces.append(html[done:])
                return "".join(pieces)
    for n, (kind, _) in enumerate(formulas):
        written = _written(n, kind)
        if html.count(written) != 1 or html.count(_placeholder(n)) != 1:
            return None
        html = html.replace(written, mathml[n])
    return html


def _mathml(kind: str, latex: str) -> str:
    if kind == "block":
        return f'<div class="math-display scroll-x">{latex_to_mathml(latex, True)}</div>\n'
    return latex_to_mathml(latex, kind == "double")
