"""The HTML of a chapter page's blocks (explanations, code cells, questions), from their views.

Written in Python rather than as template macros: a page holds a few dozen questions, and
a macro escapes every value it writes one call at a time, the interface strings and the
question's id again and again. Here the fixed markup around the interface strings is
made once per build, a question's id is escaped once, and the page data of
renderers/site/blocks.py and questions.py is written as the macros wrote it, byte for
byte. Every author string is escaped as Jinja's autoescape escapes it (`markupsafe.escape`);
`Markup` values (rendered Markdown, MathML, highlighted code) are HTML already.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from renderers.site.blocks import BlockView, CellView
from renderers.site.i18n import Catalog
from renderers.site.questions import QuestionView


def _html(value: object) -> str:
    """`value` as the template wrote it: Markup as it is (HTML already, as `escape` would
    return it, without the call), anything else escaped."""
    return value if type(value) is Markup else escape(value)


class BlockHtml:
    """Writes the blocks of the pages of one site (one interface catalog)."""

    def __init__(self, catalog: Catalog, ui_attrs: Markup) -> None:
        self.t = catalog
        ui, ua = catalog.ui, ui_attrs
        self.true_label, self.false_label = ui["question.true"], ui["question.false"]
        self.your_answer = ui["question.your_answer"]
        self.choose = ui["question.choose"]
        self.actions = (f'<div class="q-actions" data-q-actions data-search-ignore hidden{ua}>\n'
                        f'<button type="submit" class="primary" data-q-check>'
                        f'{ui["question.check"]}</button>\n')
        self.retry = (f'<button type="button" data-q-retry hidden>{ui["question.retry"]}'
                      "</button>\n</div>\n</form>\n")
        self.hints = (f'<details class="q-hints" data-q-hints>\n<summary data-search-ignore'
                      f'{ua}>{ui["question.hints"]}</summary>\n<ol>\n')
        self.solution = (
            '<div class="q-result" role="status" data-q-result></div>\n'
            '<details class="q-solution" data-q-solution>\n'
            f'<summary data-search-ignore{ua}>{ui["question.show_answer"]}</summary>\n'
            '<div class="q-answer" data-search-ignore>\n'
            f'<h3{ua}>{ui["question.answer"]}</h3>\n<ul class="answer-lines">\n')
        self.explanation = ('<div class="q-explanation prose" data-q-explanation>\n'
                            f'<h3 data-search-ignore{ua}>{ui["question.explanation"]}</h3>\n')
        self.ua = str(ua)
        self.not_run = f'<p class="cell-note">{ui["code.not_run"]}</p>\n'
        self.outputs = tuple(
            (f'<p class="output-label">{ui[key]}</p>\n<pre class="cell-{kind} scroll-x">')
            for key, kind in (("code.output", "stdout"), ("code.stderr", "stderr"),
                              ("code.error", "error")))

    def body(self, blocks: Sequence[BlockView]) -> Markup:
        """The blocks of a page, in reading order."""
        out: list[str] = []
        for block in blocks:
            if block.html is not None:
                ident = f' id="{escape(block.id)}"' if block.id else ""
                out += ['<section class="block explanation prose"', ident, ">\n",
                        block.html, "\n</section>\n"]
            elif block.cell is not None:
                self._cell(block.cell, out)
                out.append("\n")
            elif block.question is not None:
                self._question(block.question, out)
                out.append("\n")
        return Markup("".join(out))

    def _question(self, v: QuestionView, out: list[str]) -> None:
        q = escape(v.id)
        ua = self.ua
        out.append(
            f'<section class="block question" id="{q}" data-question="{q}" '
            f'data-type="{escape(v.type)}" aria-labelledby="_q-{q}-h">\n'
            f'<h2 class="q-heading" id="_q-{q}-h" data-search-ignore><span{ua}>'
            f'{escape(v.title)}</span> <span class="q-points"{ua}>{escape(v.points)}</span>'
            "</h2>\n")
        if v.prompt:
            out.append(f'<div class="q-prompt prose" id="_q-{q}-prompt">\n{v.prompt}\n</div>\n')
        out.append(f'<form class="q-form" action="#{q}" data-q-form>\n')
        described = f' aria-describedby="_q-{q}-prompt"' if v.prompt else ""
        legend = f"<legend data-search-ignore>{escape(v.instruction)}</legend>\n"
        kind = v.type
        if kind in ("single", "multiple"):
            self._choices(v, q, "radio" if kind == "single" else "checkbox", described, legend,
                          out)
        elif kind == "true_false":
            out += ['<fieldset class="q-choices"', described, ">\n", legend]
            for value, label in (("true", self.true_label), ("false", self.false_label)):
                out.append(
                    f'<div class="choice" data-part="{value}">\n'
                    f'<input type="radio" id="_q-{q}-{value}" name="_q-{q}" value="{value}">\n'
                    f'<label for="_q-{q}-{value}">{label}</label>\n</div>\n')
            out.append("</fieldset>\n")
            self._notes(v, out)
        elif kind in ("numeric", "text"):
            numeric = kind == "numeric"
            unit = f" _q-{q}-unit" if v.unit else ""
            described = f' aria-describedby="_q-{q}-prompt{unit}"' if v.prompt else ""
            out.append(
                f'<div class="q-field" data-part="{"value" if numeric else "text"}">\n'
                f'<label for="_q-{q}-value">{self.your_answer}</label>\n'
                f'<input type="text" id="_q-{q}-value" data-q-value '
                f'inputmode="{"decimal" if numeric else "text"}" autocomplete="off" '
                f'spellcheck="false"{described}>\n')
            if v.unit:
                out.append(f'<span class="unit" id="_q-{q}-unit">{escape(v.unit)}</span>\n')
            out.append("</div>\n")
            self._notes(v, out)
        elif kind == "cloze":
            out.append(f'<fieldset class="q-cloze">\n{legend}'
                       f'<div class="q-prompt prose" id="_q-{q}-prompt">\n{_html(v.cloze)}\n'
                       "</div>\n</fieldset>\n")
        elif kind == "matching":
            self._matching(v, q, described, legend, out)
        elif kind == "ordering":
            self._ordering(v, q, described, legend, out)
        out.append(self.actions)
        if v.hints:
            out.append(f'<button type="button" data-q-hint>{escape(v.hint_button)}</button>\n')
        out.append(self.retry)
        if v.hints:
            out.append(self.hints)
            out += [f'<li class="q-hint" data-hint="{n}">{_html(hint)}</li>\n'
                    for n, hint in enumerate(v.hints)]
            out.append("</ol>\n</details>\n")
        out.append(self.solution)
        out += [f'<li><span class="answer-label">{escape(line.label)}</span> '
                f"{_html(line.html)}</li>\n" for line in v.answer]
        out.append("</ul>\n</div>\n")
        if v.explanation:
            out += [self.explanation, v.explanation, "\n</div>\n"]
        out.append(f'</details>\n<script type="application/json" data-q-data>{_html(v.data)}'
                   "</script>\n</section>\n")

    def _choices(self, v: QuestionView, q: str, kind: str, described: str, legend: str,
                 out: list[str]) -> None:
        shuffle = ' data-shuffle=""' if v.shuffle else ""
        out += ['<fieldset class="q-choices"', described, shuffle, ">\n", legend]
        for c in v.choices:
            fixed = " data-fixed" if c.fixed else ""
            out.append(
                f'<div class="choice" data-part="{c.index}"{fixed}>\n'
                f'<input type="{kind}" id="_q-{q}-c{c.index}" name="_q-{q}" value="{c.index}">\n'
                f'<label for="_q-{q}-c{c.index}">{_html(c.html)}</label>\n')
            if c.feedback:
                out.append(f'<div class="choice-feedback" data-feedback-for="{c.index}" hidden>'
                           f"{_html(c.feedback)}</div>\n")
            out.append("</div>\n")
        out.append("</fieldset>\n\n")

    def _notes(self, v: QuestionView, out: list[str]) -> None:
        out += [f'<div class="q-note" data-note="{escape(note.key)}" hidden>'
                f"{_html(note.html)}</div>\n" for note in v.notes]
        out.append("\n")

    def _matching(self, v: QuestionView, q: str, described: str, legend: str,
                  out: list[str]) -> None:
        shuffle = ' data-shuffle="options"' if v.shuffle else ""
        out += ['<fieldset class="q-matching"', described, shuffle, ">\n", legend]
        options = "".join(f'<option value="{escape(option.value)}">{escape(option.text)}'
                          "</option>\n" for option in v.options)
        for row in v.rows:
            out.append(
                f'<div class="match-row" data-part="{row.index}">\n'
                f'<label class="match-left" for="_q-{q}-m{row.index}">{_html(row.html)}'
                "</label>\n"
                f'<select id="_q-{q}-m{row.index}" data-match="{row.index}">\n'
                f'<option value="">{self.choose}</option>\n{options}</select>\n</div>\n')
        out.append("</fieldset>\n")

    def _ordering(self, v: QuestionView, q: str, described: str, legend: str,
                  out: list[str]) -> None:
        t = self.t
        out += ['<fieldset class="q-ordering"', described, ">\n", legend,
                '<ol class="order-list" data-order-list>\n']
        for item in v.items:
            up = escape(t.text("question.move_up", item=item.text))
            down = escape(t.text("question.move_down", item=item.text))
            out.append(
                f'<li class="order-item" data-item="{item.index}">\n'
                f'<span class="order-text">{_html(item.html)}</span>\n'
                "<span class=\"order-buttons\" data-order-buttons hidden>\n"
                f'<button type="button" class="icon" data-move="-1" aria-label="{up}">↑</button>\n'
                f'<button type="button" class="icon" data-move="1" aria-label="{down}">↓</button>\n'
                "</span>\n</li>\n")
        out.append('</ol>\n<p class="visually-hidden" aria-live="polite" data-order-status></p>\n'
                   "</fieldset>\n")

    def _cell(self, c: CellView, out: list[str]) -> None:
        out.append(f'<figure class="block code-cell" id="{escape(c.id)}">\n')
        if c.source:
            out.append(f'<div class="cell-source">\n{c.source}\n</div>\n')
        if c.not_run:
            out.append(self.not_run)
        if c.stdout or c.stderr or c.error or c.figures:
            out.append('<div class="cell-output">\n')
            for head, text in zip(self.outputs, (c.stdout, c.stderr, c.error), strict=True):
                if text:
                    out += [head, escape(text), "</pre>\n"]
            out += [f'<img class="cell-figure" src="{escape(figure.src)}" '
                    f'alt="{escape(figure.alt)}" loading="lazy">\n' for figure in c.figures]
            out.append("</div>\n")
        if c.caption:
            out.append(f'<figcaption class="prose">{_html(c.caption)}</figcaption>\n')
        out.append("</figure>\n")
