"""Course Markdown in the terminal: every construct readable without colour."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from engine.model import Course, Explanation
from renderers.terminal.render import render_inline, render_markdown


def _intro(course: Course) -> str:
    block = course.chapters[0].blocks[0]
    assert isinstance(block, Explanation)
    return block.body


def test_every_construct_of_the_complete_course_reads_as_text(complete_course: Course) -> None:
    lines = [line.plain for line in render_markdown(_intro(complete_course))]
    text = "\n".join(lines)
    assert lines[0] == "Choices"
    assert "Markdown with bold, code, a link (https://example.org) and math a² + b² = c²:" in lines
    assert "    ∑ₖ₌₁ⁿ k = (n(n+1))/2" in lines  # display math, indented
    assert "symbol | meaning" in lines and "hₜ     | hidden state" in lines  # table
    assert "[image: A diagram]" in lines
    assert "Note: Remember" in lines and "    Admonitions render as call-outs." in lines
    assert '    print("highlighted")' in lines  # fenced code, indented
    assert "A footnote[1] and an image:" in lines and "[1] The footnote text." in lines
    assert "$" not in text and "**" not in text and "!!!" not in text


def test_styles_are_kept_for_the_coloured_front_end(complete_course: Course) -> None:
    line = next(x for x in render_markdown(_intro(complete_course))
                if x.plain.startswith("Markdown"))
    styled = {line.plain[span.start:span.end]: str(span.style) for span in line.spans}
    assert styled["bold"] == "bold"
    assert "cyan" in styled["code"]
    assert styled["link"] == "underline"


def test_wrapping_keeps_a_hanging_indent_for_list_items() -> None:
    source = "* " + "word " * 30 + "\n* short\n"
    lines = [line.plain for line in render_markdown(source, width=40)]
    assert all(len(line) <= 40 for line in lines)
    assert lines[0].startswith("• word")
    assert lines[1].startswith("  word")  # continuation under the text, not the bullet
    assert "• short" in lines


def test_plain_mode_never_wraps() -> None:
    source = "word " * 100
    assert len(render_markdown(source)) == 1


def test_author_text_is_shown_literally_not_interpreted() -> None:
    # Raw HTML is off in courses; the terminal shows what the author typed, and rich
    # markup in author text must not be interpreted either.
    text = render_inline("<em>not html</em> and [bold]not markup[/bold]").plain
    assert text == "<em>not html</em> and [bold]not markup[/bold]"


def test_ordered_lists_and_quotes() -> None:
    lines = [x.plain for x in render_markdown("3. three\n4. four\n\n> quoted *words*\n")]
    assert lines[:2] == ["3. three", "4. four"]
    assert "> quoted words" in lines


def test_long_options_wrap_under_their_text_not_their_number() -> None:
    from rich.text import Text

    from renderers.terminal.render import hanging

    option = Text("  2) " + "a long answer " * 10)
    lines = hanging(option, 5, 40).plain.split("\n")
    assert len(lines) > 1 and all(len(line) <= 40 for line in lines)
    assert lines[0].startswith("  2) a long") and all(
        x.startswith("     ") and x[5] != " " for x in lines[1:])
    assert hanging(option, 5, None) is option  # plain mode: never wrapped


@pytest.mark.parametrize("width", [60, 100])
def test_the_sample_course_fits_the_terminal_without_folding(sample_course: Course,
                                                              width: int) -> None:
    # Every explanation of the sample course, as the quiz shows it at 60 and 100 columns:
    # prose and tables fit (a table too wide becomes "column: value" records); only
    # preformatted lines (code, diagrams) may be longer, and those are cropped, never folded.
    tables = 0
    for chapter in sample_course.chapters:
        for block in chapter.blocks:
            if not isinstance(block, Explanation):
                continue
            lines = render_markdown(block.body, width)
            tables += sum(1 for line in lines if " | " in line.plain)
            too_long = [line.plain for line in lines
                        if cell_len(line.plain) > width and not line.no_wrap]
            assert too_long == [], f"{chapter.id} at {width} columns"
    assert tables > 0  # some tables fit as tables
