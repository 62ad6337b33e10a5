"""Where each key and value of one YAML file is: the source map that turns a data path
into a file:line:col. engine/loading/source.py fills it while it turns the YAML into data.
"""

from __future__ import annotations

from collections.abc import Callable
from multiprocessing.reduction import ForkingPickler
from typing import Any

import yaml

from engine.span import Span

Path_ = tuple[str | int, ...]
"""A path into the data: mapping keys and list indices from the root."""


class SourceMap:
    """Where each value and each key of one file is.

    It keeps the composed YAML nodes and makes a Span only when one is asked for:
    a course has hundreds of thousands of nodes and needs the position of a few.
    Once a file is loaded its nodes may be let go (`let_go`) and composed again from
    the text when a position is first asked for: the nodes of a large course take
    more memory than the rest of it, and a clean course asks for almost none.
    """

    def __init__(self, file: str, text: str = "") -> None:
        self.file = file
        self.text = text
        self._value_nodes: dict[Path_, yaml.Node] = {}
        self._key_nodes: dict[Path_, yaml.Node] = {}
        self._compose_again: Callable[[SourceMap], None] | None = None
        self.folded: set[Path_] = set()
        """Paths of scalars written in folded style (`>`)."""
        self.root: Span | None = None
        self._cache: dict[tuple[bool, Path_], Span] = {}

    @property
    def value_nodes(self) -> dict[Path_, yaml.Node]:
        """The node of the value at each path."""
        if self._compose_again is not None:
            self._restore()
        return self._value_nodes

    @property
    def key_nodes(self) -> dict[Path_, yaml.Node]:
        """The node of the key that leads to each path."""
        if self._compose_again is not None:
            self._restore()
        return self._key_nodes

    def let_go(self, compose_again: Callable[[SourceMap], None]) -> None:
        """Drop the nodes; `compose_again(self)` fills `value_nodes` and `key_nodes` again
        (from `text`) when they are next needed."""
        self._value_nodes, self._key_nodes = {}, {}
        self._compose_again = compose_again

    def _restore(self) -> None:
        compose_again, self._compose_again = self._compose_again, None
        if compose_again is not None:
            compose_again(self)

    def __getstate__(self) -> dict[str, Any]:
        # Pickled courses (the quiz's start-up cache) keep no YAML nodes: spans are only
        # needed while checking, and the node graph is larger than the course.
        return {
            "file": self.file,
            "text": "",
            "_value_nodes": {},
            "_key_nodes": {},
            "_compose_again": None,
            "folded": set(),
            "root": self.root,
            "_cache": {},
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        # (A pickle written before the nodes could be let go names them without `_`.)
        state.setdefault("_value_nodes", state.pop("value_nodes", {}))
        state.setdefault("_key_nodes", state.pop("key_nodes", {}))
        state.setdefault("_compose_again", None)
        self.__dict__.update(state)

    def _whole(self) -> tuple[Callable[[dict[str, Any]], SourceMap], tuple[dict[str, Any]]]:
        """How a worker process of the same build sends the map back (engine/parallel.py):
        whole, with its text and its means to compose the nodes again, so spans are found
        as in the process that read the file. Only multiprocessing's pickler uses this
        (registered below); a plain pickle keeps no nodes (`__getstate__`)."""
        return _from_state, (dict(self.__dict__),)

    @property
    def values(self) -> _SpanView:
        """Exact lookups: the span of the value at a path, or None."""
        return _SpanView(self, keys=False)

    @property
    def keys(self) -> _SpanView:
        """Exact lookups: the span of the key that leads to a path, or None."""
        return _SpanView(self, keys=True)

    def exact(self, path: Path_, keys: bool = False) -> Span | None:
        cached = self._cache.get((keys, path))
        if cached is not None:
            return cached
        node = (self.key_nodes if keys else self.value_nodes).get(path)
        if node is None:
            return None
        span = node_span(self.file, self.text, node, keys)
        self._cache[(keys, path)] = span
        return span

    def indicator(self, path: Path_) -> Span | None:
        """Where the value at `path` starts in the file, block indicators (`|`, `>`) included."""
        node = self.value_nodes.get(path)
        return mark_span(self.file, node.start_mark) if node is not None else self.value(path)

    def value(self, path: Path_) -> Span | None:
        """The span of the value at `path`, or of its nearest ancestor."""
        for cut in range(len(path), -1, -1):
            span = self.exact(path[:cut])
            if span is not None:
                return span
        return self.root

    def key(self, path: Path_) -> Span | None:
        """The span of the key that leads to `path` (falls back to the value)."""
        return self.exact(path, keys=True) or self.value(path)


def _from_state(state: dict[str, Any]) -> SourceMap:
    smap = SourceMap.__new__(SourceMap)
    smap.__dict__.update(state)
    return smap


ForkingPickler.register(SourceMap, SourceMap._whole)


class _SpanView:
    """A read-only mapping face of a SourceMap (`smap.values.get(path)`)."""

    def __init__(self, smap: SourceMap, keys: bool) -> None:
        self._smap, self._keys = smap, keys

    def get(self, path: Path_, default: Span | None = None) -> Span | None:
        return self._smap.exact(path, self._keys) or default

    def __contains__(self, path: object) -> bool:
        store = self._smap.key_nodes if self._keys else self._smap.value_nodes
        return path in store


def mark_span(file: str, mark: Any, end: Any = None) -> Span:
    """The span between two of PyYAML's marks (0-based) in lessonkit's 1-based terms."""
    if end is not None:
        return Span(file, mark.line + 1, mark.column + 1, end.line + 1, end.column + 1)
    return Span(file, mark.line + 1, mark.column + 1)


def node_span(file: str, text: str, node: yaml.Node, is_key: bool) -> Span:
    """Where a value starts; for `|` and `>` scalars, the first line of the text itself."""
    if not is_key and isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
        start = text.find("\n", node.start_mark.index) + 1
        line_number = node.start_mark.line + 2
        while 0 < start < len(text):
            end = text.find("\n", start)
            line = text[start : end if end >= 0 else len(text)]
            if line.strip():
                return Span(file, line_number, len(line) - len(line.lstrip(" ")) + 1)
            if end < 0:
                break
            start, line_number = end + 1, line_number + 1
    if isinstance(node, yaml.ScalarNode):
        return mark_span(file, node.start_mark, node.end_mark)
    return mark_span(file, node.start_mark)
