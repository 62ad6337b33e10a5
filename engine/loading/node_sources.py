"""Which model node came from where: every node of a loaded file gets its (SourceMap, path).

A chapter of real weight has a few dozen nodes and hundreds of scalar fields; the walk
goes only through the fields whose type can hold a node, read once per model class from
its annotations.
"""

from __future__ import annotations

import functools
from enum import Enum
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel

from engine.loading.source_map import Path_, SourceMap
from engine.node import set_source

_LEAVES = (str, int, float, bool, bytes, type(None), Enum)
"""Types whose values are never model nodes."""


def attach_spans(node: BaseModel, smap: SourceMap, path: Path_) -> None:
    """Let `node` and every node under it find its span in `smap` (looked up lazily)."""
    set_source(node, (smap, path))
    values = node.__dict__
    for name in _node_fields(type(node)):
        value = values.get(name)
        if isinstance(value, BaseModel):
            attach_spans(value, smap, (*path, name))
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            for i, item in enumerate(value):
                attach_spans(item, smap, (*path, name, i))
        elif isinstance(value, dict) and value:
            for k, item in value.items():
                if isinstance(item, BaseModel):
                    attach_spans(item, smap, (*path, name, k))


@functools.cache
def _node_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    """The fields of `cls` whose values may be, or hold, model nodes."""
    return tuple(name for name, info in cls.model_fields.items() if _may_hold(info.annotation))


def _may_hold(annotation: Any) -> bool:
    if isinstance(annotation, type) and not get_args(annotation):
        return not issubclass(annotation, _LEAVES)
    origin = get_origin(annotation)
    if origin is Literal:
        return False
    if origin is Annotated:
        return _may_hold(get_args(annotation)[0])
    args = get_args(annotation)
    # An annotation of no known shape (Any, a type variable...) may hold anything.
    return not args or any(_may_hold(arg) for arg in args)
