"""A terminal screen drawn as SVG (screen_svg.py): colours, faint text, columns."""

from __future__ import annotations

from tests.learner.screen_svg import lines, replay, svg


def test_colours_bold_and_faint_text_are_kept() -> None:
    screen = replay("\x1b[1;31mNo\x1b[0m \x1b[2mquiet\x1b[22m loud \x1b[38;5;2mgreen\x1b[0m",
                    rows=2, columns=30)
    row = screen.buffer[0]
    assert (row[0].fg, row[0].bold, row[0].blink) == ("red", True, False)
    assert row[3].blink, "faint text (SGR 2) is kept as blink"
    assert not row[9].blink, "SGR 22 ends faint text"
    assert (row[14].fg, row[14].blink) == ("00cd00", False), "the 2 of 38;5;2 is a colour"
    assert lines(screen) == ["No quiet loud green", ""]


def test_each_run_sits_at_its_column_with_its_spaces() -> None:
    picture = svg(replay("a   \x1b[32m  two  spaces\x1b[0m", rows=1, columns=40), "title")
    # 40 cells of 8.4 px and 16 px of padding a side; a row of 18 px under a 30 px title bar.
    assert 'width="368" height="80"' in picture
    assert '<text x="16" y="59" fill="#c9d1d9" textLength="8.4"' in picture
    # "two  spaces" starts at column 6 (16 + 6 * 8.4) and spans its 11 cells.
    assert ('<text x="66.4" y="59" fill="#3fb950" textLength="92.4" '
            'lengthAdjust="spacingAndGlyphs">two\u00a0\u00a0spaces</text>') in picture
