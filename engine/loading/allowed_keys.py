"""Which keys the model allows at a place in the data, for "did you mean".

A data path such as `('blocks', 0, 'choices', 1)` is walked through the model classes:
list indices step into the item type, keys into the field's annotation, and unions are
resolved by the `kind`/`type` tags the data carries, as pydantic's discriminators do.
"""

from __future__ import annotations

import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from engine.loading.source_map import Path_


def fields_at(cls: type[BaseModel], data: Any, path: Path_) -> set[str]:
    """The field names of the model that validates the mapping at `path`."""
    annotation: Any = cls
    node = data
    for part in path:
        if isinstance(part, int):
            # A list index: step into the item type; models are resolved at key steps.
            annotation = _item_type(annotation)
            node = node[part] if isinstance(node, list) and part < len(node) else None
            continue
        model = _resolve(annotation, node)
        if model is None or not isinstance(node, dict):
            return set()
        info = model.model_fields.get(part)
        if info is None:
            return set()
        annotation = info.annotation
        node = node.get(part)
    model = _resolve(annotation, node)
    return set(model.model_fields) if model is not None else set()


def _strip(annotation: Any) -> Any:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _item_type(annotation: Any) -> Any:
    annotation = _strip(annotation)
    args = get_args(annotation)
    if get_origin(annotation) in (list, tuple) and args:
        return args[0]
    if get_origin(annotation) is dict and len(args) == 2:
        return args[1]
    return annotation


def _resolve(annotation: Any, node: Any) -> type[BaseModel] | None:
    """The model class `annotation` means for this data (following `kind`/`type` tags)."""
    annotation = _strip(annotation)
    origin = get_origin(annotation)
    if origin in (list, dict, tuple):
        return _resolve(_item_type(annotation), node) if isinstance(node, list | dict) else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if origin is Union or origin is types.UnionType:
        members = [_strip(a) for a in get_args(annotation)]
        models = [m for m in _flatten(members) if isinstance(m, type) and issubclass(m, BaseModel)]
        if isinstance(node, dict):
            for model in models:
                if _tags_match(model, node):
                    return model
        return models[0] if len(models) == 1 else None
    return None


def _flatten(members: list[Any]) -> list[Any]:
    out: list[Any] = []
    for m in members:
        if get_origin(m) is Union or get_origin(m) is types.UnionType:
            out.extend(_flatten([_strip(a) for a in get_args(m)]))
        else:
            out.append(m)
    return out


def _tags_match(model: type[BaseModel], node: dict[str, Any]) -> bool:
    for tag in ("kind", "type"):
        info = model.model_fields.get(tag)
        if info is None:
            continue
        allowed = (
            get_args(_strip(info.annotation))
            if get_origin(_strip(info.annotation)) is Literal
            else ()
        )
        if node.get(tag) not in allowed:
            return False
    return True
