"""The block markup written in Python: the parts the golden course does not reach."""

from __future__ import annotations

from markupsafe import Markup

from renderers.site.blockhtml import BlockHtml
from renderers.site.blocks import BlockView, CellView, FigureView
from renderers.site.i18n import Catalog


def test_a_cell_with_every_kind_of_output_is_written_whole_and_escaped() -> None:
    cell = CellView("c-1", Markup("<pre>x</pre>"), "1 < 2", "warn & 'x'", 'Err "y"',
                    (FigureView("../figures/a.svg", "Figure <1>"),), Markup("<p>cap</p>"),
                    False)
    html = BlockHtml(Catalog.for_language("en"), Markup("")).body(
        [BlockView("code", "c-1", cell=cell)])
    assert html == (
        '<figure class="block code-cell" id="c-1">\n'
        '<div class="cell-source">\n<pre>x</pre>\n</div>\n'
        '<div class="cell-output">\n'
        '<p class="output-label">Output</p>\n'
        '<pre class="cell-stdout scroll-x">1 &lt; 2</pre>\n'
        '<p class="output-label">Messages</p>\n'
        '<pre class="cell-stderr scroll-x">warn &amp; &#39;x&#39;</pre>\n'
        '<p class="output-label">The cell raised an error</p>\n'
        '<pre class="cell-error scroll-x">Err &#34;y&#34;</pre>\n'
        '<img class="cell-figure" src="../figures/a.svg" alt="Figure &lt;1&gt;" loading="lazy">\n'
        '</div>\n<figcaption class="prose"><p>cap</p></figcaption>\n</figure>\n\n')


def test_a_cell_without_output_or_source_says_it_did_not_run() -> None:
    cell = CellView("c-2", None, "", "", None, (), None, True)
    html = BlockHtml(Catalog.for_language("en"), Markup("")).body(
        [BlockView("code", "c-2", cell=cell)])
    assert html == ('<figure class="block code-cell" id="c-2">\n'
                    '<p class="cell-note">This cell is shown but not run.</p>\n'
                    "</figure>\n\n")
