"""Every model node of a loaded course knows where it came from, whatever field holds it
(engine.loading.node_sources walks only the fields whose type can hold a node)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

from engine.loading.loader import check_course
from engine.node import source_of

ROOT = Path(__file__).resolve().parents[3]


def _nodes(node: BaseModel, path: str) -> Iterator[tuple[str, BaseModel]]:
    """Every node under `node`, found through every field (not only the walked ones)."""
    yield path, node
    for name, value in node.__dict__.items():
        items = value.items() if isinstance(value, dict) else (
            enumerate(value) if isinstance(value, list | tuple) else [("", value)])
        for key, item in items:
            if isinstance(item, BaseModel):
                yield from _nodes(item, f"{path}.{name}{f'[{key}]' if key != '' else ''}")


def test_every_node_of_the_complete_course_has_its_source() -> None:
    result = check_course(ROOT / "tests" / "fixtures" / "courses" / "complete")
    assert result.course is not None
    nodes = [found for chapter in result.course.chapters for found in _nodes(chapter, chapter.id)]
    assert len(nodes) > 40
    assert [path for path, node in nodes if source_of(node) is None] == []
    kinds = {type(node).__name__ for _, node in nodes}
    assert {"Choice", "Pair", "Blank", "Verify"} <= kinds
