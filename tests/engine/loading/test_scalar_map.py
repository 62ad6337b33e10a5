"""Offsets in a scalar's value map to where the author wrote them, in every style."""

from __future__ import annotations

import pytest
import yaml

import engine.loading.source
from engine.loading.scalar_map import scalar_positions

CASES = {
    "plain": "a: some X here\n",
    "plain over lines": "a: first line\n  second\n\n  then X\n",
    "double-quoted escapes": 'a: "x\\ny \\"q\\" \\u00e9 \\x41 X"\n',
    "double-quoted over lines": 'a: "quoted\n   next \\\n   joined X"\n',
    "single-quoted": "a: 'it''s ''X'''\n",
    "single-quoted over lines": "a: 'multi\n  line ''q''\n\n  para X'\n",
    "literal": "a: |\n  line one\n    indented\n\n  last X\n",
    "literal, explicit indent": "a: |2\n    two\n  one X\n",
    "literal, strip": "a: |-\n  x\n  X\n\n",
    "in a list, accents": "a:\n  - \"é\\tb X\"\n",
    "in a flow mapping": "a: {cell: c, expr: 1 + X}\n",
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_a_character_maps_to_where_it_is_written(text: str, loader: str) -> None:
    node = _scalar(text)
    positions = scalar_positions(text, node)
    assert positions is not None
    assert len(positions) == len(node.value)
    assert positions[node.value.index("X")] == text.index("X")


def test_an_escape_maps_to_its_backslash(loader: str) -> None:
    text = 'a: "one\\ttwo"\n'
    positions = scalar_positions(text, _scalar(text))
    assert positions is not None and positions[3] == text.index("\\t")


def test_folded_text_is_not_guessed(loader: str) -> None:
    text = "a: >\n  folded\n  X\n"
    assert scalar_positions(text, _scalar(text)) is None


def _scalar(text: str) -> yaml.ScalarNode:
    node = yaml.compose(text, Loader=engine.loading.source.Loader)
    while not isinstance(node, yaml.ScalarNode):
        value = node.value[-1]
        node = value[1] if isinstance(value, tuple) else value
    return node
