"""engine.text.markdown: the one Markdown dialect, its safety rules and its source lines."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.checking.markdown_inspect import image_targets, markdown_problems, relative_target
from engine.diagnostics import Code
from engine.text.markdown import render_markdown
from engine.text.markdown_dialect import is_unsafe_url, plain_text


def test_commonmark_and_extensions() -> None:
    html = render_markdown(
        "# Title\n\n**bold** ~~gone~~ `code`\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "A note[^n].\n\n[^n]: The note.\n\n!!! tip \"Keep in mind\"\n    Inside.\n"
    )
    assert "<h1>Title</h1>" in html
    assert "<strong>bold</strong>" in html and "<s>gone</s>" in html
    assert '<div class="table-wrap scroll-x">\n<table>' in html and "<td>2</td>" in html
    assert 'class="footnote-ref"' in html and 'class="footnotes"' in html
    assert '<div class="admonition admonition-tip" role="note">' in html
    assert '<p class="admonition-title">Keep in mind</p>' in html


def test_collapsible_admonition_is_a_disclosure() -> None:
    html = render_markdown('???+ warning "Careful"\n    Inside.\n')
    assert html.startswith('<details class="admonition admonition-warning" open>')
    assert "<summary>Careful</summary>" in html and html.rstrip().endswith("</details>")


def test_math_becomes_mathml_at_build_time() -> None:
    html = render_markdown("Inline $h_t$ and\n\n$$\\sum_{k=1}^n k$$\n")
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in html
    assert '<div class="math-display scroll-x"><math' in html and 'display="block"' in html
    assert "<script" not in html and "$" not in html


def test_dollars_that_are_money_stay_text() -> None:
    assert "<math" not in render_markdown("It costs $5 and $10.")


def test_broken_latex_shows_its_source() -> None:
    html = render_markdown("$\\frac{a}{b$")
    assert "<math" in html or 'class="math-error"' in html


def test_code_is_highlighted_with_classes_only() -> None:
    html = render_markdown("```python\nprint('hi')  # note\n```\n")
    assert html.startswith('<pre class="highlight scroll-x"><code class="language-python">')
    assert '<span class="nb">print</span>' in html
    assert "style=" not in html


@pytest.mark.parametrize("language", ["", "no-such-language", '"><script>x</script>'])
def test_unknown_languages_are_plain_escaped_code(language: str) -> None:
    html = render_markdown(f"```{language}\n<b>x</b>\n```\n")
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<script" not in html


def test_raw_html_is_escaped_unless_allowed() -> None:
    text = "<div onclick=x>hi</div>\n\nand <b>bold</b>"
    assert "<div" not in render_markdown(text) and "&lt;b&gt;" in render_markdown(text)
    assert "<div onclick=x>hi</div>" in render_markdown(text, allow_html=True)


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java&#9;script:alert(1))",
        "[x](vbscript:msgbox)",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "![x](data:image/png;base64,AAAA)",
        "<javascript:alert(1)>",
        "[x][r]\n\n[r]: javascript:alert(1)",
    ],
)
def test_unsafe_links_are_not_links(text: str) -> None:
    html = render_markdown(text)
    assert "href=" not in html and "src=" not in html
    assert markdown_problems(text, allow_html=False)[0][1] is Code.UNSAFE_LINK


def test_safe_links_stay() -> None:
    html = render_markdown("[a](https://example.org) [b](mailto:x@example.org) [c](#top)")
    assert html.count("href=") == 3
    assert not is_unsafe_url("https://example.org/javascript:")


def test_problems_point_at_lines_inside_the_text() -> None:
    text = "line 0\n\n<span>raw</span> on line 2\n\n- item\n- [bad](javascript:x) on line 5\n"
    problems = markdown_problems(text, allow_html=False)
    assert [(line, code) for line, code, _ in problems] == [
        (2, Code.RAW_HTML), (5, Code.UNSAFE_LINK)]
    assert "allow_html" in problems[0][2]
    assert [code for _, code, _ in markdown_problems(text, allow_html=True)] == [Code.UNSAFE_LINK]


def test_raw_html_block_line() -> None:
    assert markdown_problems("a\n\nb\n\n<div>\nx\n</div>\n", allow_html=False)[0][0] == 4


def test_image_targets_are_local_files_with_lines() -> None:
    # Absolute paths are listed too: they are what `check` reports as outside the course.
    text = (
        "![a](../assets/a.svg)\n\n| c | d |\n|---|---|\n| ![c](c%20d.png) | [e](data.csv#row) |\n\n"
        "[abs](https://x.org/y.png) [top](#top) [root](/r.png) [proto](//h/x.png) "
        "[mail](mailto:a@b)\n"
    )
    assert image_targets(text) == [
        (0, "../assets/a.svg"), (4, "c d.png"), (4, "data.csv"), (6, "/r.png"), (6, "//h/x.png"),
    ]


@pytest.mark.parametrize(
    ("url", "target"),
    [("a/b.png?x=1#y", "a/b.png"), ("http://x", None), ("#x", None), ("/x", None), ("", None)],
)
def test_relative_target(url: str, target: str | None) -> None:
    assert relative_target(url) == target


def test_resolve_url_rewrites_links_and_images() -> None:
    html = render_markdown(
        "![i](../assets/i.svg) [l](notes.txt) [w](https://x.org)",
        resolve_url=lambda url: "media/" + url.replace("../", "") if "//" not in url else None,
    )
    assert 'src="media/assets/i.svg"' in html and 'href="media/notes.txt"' in html
    assert 'href="https://x.org"' in html


def test_footnote_ids_differ_between_fields() -> None:
    ids_a = re.findall(r'id="(fn[^"]+)"', render_markdown("a[^1]\n\n[^1]: x"))
    ids_b = re.findall(r'id="(fn[^"]+)"', render_markdown("b[^1]\n\n[^1]: y"))
    assert ids_a and ids_b and not set(ids_a) & set(ids_b)


def test_inline_rendering_has_no_paragraph() -> None:
    html = render_markdown("An **RNN** $x$", inline=True)
    assert html.startswith("An <strong>RNN</strong> <math")


def test_plain_text() -> None:
    assert plain_text("An **RNN** with $h_t$, `code` and ![alt text](x.png)") == (
        "An RNN with hₜ, code and alt text")  # math as a reader says it


PLAIN_ALPHABET = "abcXYZéÀ 019,.;:?'\"()/%+=-"


@given(st.text(alphabet=PLAIN_ALPHABET, max_size=40), st.booleans())
@settings(max_examples=400, deadline=None)
def test_the_plain_text_fast_path_renders_like_markdown_it(text: str, inline: bool) -> None:
    """render_markdown skips markdown-it for plain one-line prose; the output must not
    change because of it."""
    from engine.text import markdown

    md = markdown.ESCAPING
    expected = md.renderInline(text, {}) if inline else md.render(text, {})
    assert render_markdown(text, inline=inline) == expected


def test_sized_delimiters_become_characters() -> None:
    html = render_markdown(r"$\Big\lVert x \Big\rVert + \bigl\langle y \bigr\rangle$")
    assert "\\lVert" not in html and "\u2016" in html and "\u27e8" in html


def test_a_text_with_links_shows_each_resolvers_answers_and_asks_each_resolver() -> None:
    # Texts with links are rendered once per process and reused while the resolver answers
    # as before; another page's resolver must still be asked (it records the files it
    # copies) and get its own URLs.
    text = "See [the table](../assets/t.svg) and ![plot](p.png \"A plot\")."
    pages: list[list[str]] = []
    for prefix in ("a/", "a/", "b/", "a/"):
        asked: list[str] = []

        def resolver(url: str, prefix: str = prefix, asked: list[str] = asked) -> str:
            asked.append(url)
            return prefix + url.replace("../", "")

        html = render_markdown(text, resolve_url=resolver)
        assert f'href="{prefix}assets/t.svg"' in html and f'src="{prefix}p.png"' in html
        pages.append(asked)
    assert all(set(asked) == {"../assets/t.svg", "p.png"} for asked in pages), pages
    assert pages[1] == ["../assets/t.svg", "p.png"]  # the second page reused the first's


def test_a_text_rendered_without_a_resolver_is_resolved_when_a_page_has_one() -> None:
    # A text is rendered once per process where no resolver can change it: a link
    # rendered as written must not stand in for the page's own URL.
    text = "A [plot](plot-for-the-resolver-test.png) alone."
    assert 'href="plot-for-the-resolver-test.png"' in render_markdown(text)
    html = render_markdown(text, resolve_url=lambda url: "media/" + url)
    assert 'href="media/plot-for-the-resolver-test.png"' in html
    assert render_markdown("A plain option.", inline=True) == "A plain option."
    assert render_markdown("A plain option.", inline=True, resolve_url=lambda u: "x") == (
        "A plain option.")
