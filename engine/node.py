"""The base of every model node: frozen, strict about keys, and aware of where it came from.

Kept apart from engine/model.py so that the model file holds the course format and
nothing else.
"""

from __future__ import annotations

from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, model_validator

from engine.span import Span

__all__ = ["Node", "NullScalar", "set_source", "source_of"]


class NullScalar(str):
    """An unquoted YAML scalar that YAML would read as null (`~`, `null`, or nothing).

    The loader keeps every scalar a string; the model turns this one into None only
    where the field accepts None, so `text: ~` stays the string the author typed.
    """

    __slots__ = ()


def _admits_none(annotation: Any) -> bool:
    if annotation is None or annotation is type(None):
        return True
    origin = get_origin(annotation)
    if origin is Annotated:
        return _admits_none(get_args(annotation)[0])
    if origin is Union or str(origin) == "<class 'types.UnionType'>":
        return any(_admits_none(arg) for arg in get_args(annotation))
    return False


class Node(BaseModel):
    """Base of every model: frozen, strict about unknown keys, and aware of its source span."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        use_attribute_docstrings=True,
        populate_by_name=True,
        allow_inf_nan=False,
    )

    @model_validator(mode="before")
    @classmethod
    def _nulls_where_allowed(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not any(isinstance(v, NullScalar) for v in data.values()):
            return data
        nullable = {name for name, f in cls.model_fields.items() if _admits_none(f.annotation)}
        return {
            key: (None if isinstance(value, NullScalar) and key in nullable else value)
            for key, value in data.items()
        }

    @property
    def span(self) -> Span | None:
        """Where this node starts in the author's file (None for nodes built in code)."""
        src = source_of(self)
        if src is None:
            return None
        span: Span | None = src[0].value(src[1])
        return span

    def span_of(self, field: str) -> Span | None:
        """Where the value of `field` starts, falling back to the node itself."""
        src = source_of(self)
        if src is None:
            return None
        smap, path = src
        span: Span | None = smap.values.get((*path, field)) or smap.value(path)
        return span


def set_source(node: BaseModel, source: tuple[Any, tuple[str | int, ...]] | None) -> None:
    """Record where `node` came from: (SourceMap, path in its file); spans are looked up lazily.

    The source lives in pydantic's private-attribute slot rather than in a declared
    PrivateAttr, because declaring one makes pydantic initialise it for every one of the
    hundreds of thousands of nodes a large course has.
    """
    private = node.__pydantic_private__
    if private is None:
        object.__setattr__(node, "__pydantic_private__", {"_src": source})
    else:
        private["_src"] = source


def source_of(node: BaseModel) -> tuple[Any, tuple[str | int, ...]] | None:
    """The (SourceMap, path) recorded by `set_source`, if any."""
    private = node.__pydantic_private__
    return private.get("_src") if private else None
