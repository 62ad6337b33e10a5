"""Heading ids: ASCII slugs of the heading's words, unique on their page, the same every build."""

from __future__ import annotations

from engine.text.anchors import PageAnchors, slug
from engine.text.markdown import render_markdown


def test_a_slug_keeps_the_words_and_drops_the_accents() -> None:
    assert slug("Introdução às redes recorrentes") == "introducao-as-redes-recorrentes"
    assert slug("  Why `tanh`, not ReLU?  ") == "why-tanh-not-relu"
    assert slug("Ärger über Größe") == "arger-uber-groe"


def test_a_heading_without_latin_letters_still_gets_an_id() -> None:
    assert slug("循环网络") == "section"
    assert slug("→ ∑ ←") == "section"


def test_a_long_heading_is_cut_between_words_not_after_a_dash() -> None:
    long = slug("a " * 80)
    assert len(long) <= 60 and not long.endswith("-")


def test_ids_are_unique_on_a_page_and_avoid_the_ids_it_already_has() -> None:
    anchors = PageAnchors(["exemplo"])
    assert [anchors.claim(t) for t in ("Exemplo", "Exemplo", "Exemplo 2", "Resumo")] == [
        "exemplo-2", "exemplo-3", "exemplo-2-2", "resumo"]


def test_headings_of_one_page_get_ids_in_order_across_its_markdown_fields() -> None:
    anchors = PageAnchors(["q1"])
    first = render_markdown("## Gradientes explosivos\n\ntexto\n\n## Q1", anchors=anchors)
    second = render_markdown("Título\n======\n\n### Gradientes *explosivos*", anchors=anchors)
    assert '<h2 id="gradientes-explosivos">' in first
    assert '<h2 id="q1-2">Q1</h2>' in first
    assert '<h1 id="titulo">' in second
    assert '<h3 id="gradientes-explosivos-2">' in second


def test_without_a_page_headings_get_no_id() -> None:
    assert render_markdown("## Heading") == "<h2>Heading</h2>\n"


def test_ids_do_not_depend_on_which_parser_renders_the_text() -> None:
    # Plain prose goes to the compiled parser, math to markdown-it-py: both get ids, and a
    # text rendered for one page is not reused with that page's ids on another.
    first, second = PageAnchors(), PageAnchors(["resumo"])
    assert '<h2 id="resumo">' in render_markdown("## Resumo\n\nTexto.", anchors=first)
    assert '<h2 id="resumo-2">' in render_markdown("## Resumo\n\nTexto.", anchors=second)
    assert '<h2 id="a-formula">' in render_markdown("## A fórmula\n\n$x^2$", anchors=first)
    assert "<h2>Resumo</h2>" in render_markdown("## Resumo\n\nTexto.")
