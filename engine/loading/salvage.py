"""The valid part of a file that failed schema validation, so its other mistakes show too.

Without it an author fixes the schema errors, runs `check` again and meets a second round
of errors (a question with no correct choice, a duplicate id, a missing file) that the
first round hid. The salvaged model is only ever checked, never returned as a course:
the file's schema errors already fail the check.

What is taken out so that the rest validates:
- an item of the file's main list (a chapter's `blocks`, a course's `sections`) with any
  error; the items after it keep their place in the file through `kept`;
- an unknown top-level key (it is reported; the rest of the file may be fine);
- a top-level key that is invalid (an optional one falls back to its default); a
  required one the rules only name in messages (`id`, `title`) gets a stand-in.

Only runs when validation failed, so a clean course pays nothing for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from engine.loading.source_map import Path_, SourceMap
from engine.loading.validate import data_path

M = TypeVar("M", bound=BaseModel)

_ROUNDS = 4
"""Each round removes what the previous one uncovered (an unknown key, then the required
key it hid); a few rounds cover every case the models have."""


@dataclass
class Salvaged(Generic[M]):
    """A model built from the valid part of a file."""

    model: M
    kept: list[int]
    """For each item of the main list, its index in the file."""
    dropped: list[Any]
    """The raw items of the main list that were left out."""


def salvage(
    cls: type[M],
    data: Any,
    err: ValidationError,
    items: str,
    stand_ins: dict[str, str],
    item_stand_ins: dict[str, str] | None = None,
) -> Salvaged[M] | None:
    """`cls` validated from `data` minus its invalid parts, or None when nothing is left.

    `items` names the main list; `stand_ins` gives a value for required keys that are
    missing or invalid. With `item_stand_ins`, an item is repaired rather than left out
    when its mistake is an unknown key or one of these keys (a section whose title is
    misspelled still lists chapters worth checking); `{n}` in a stand-in is the item's
    number.
    """
    if not isinstance(data, dict):
        return None
    work: dict[str, Any] = dict(data)
    listed = work.get(items)
    kept = list(range(len(listed))) if isinstance(listed, list) else []
    dropped: list[Any] = []
    for _ in range(_ROUNDS):
        drop: set[int] = set()
        for error in err.errors(include_url=False):
            path = data_path(work, error["loc"], keep_last=True)
            repaired = _repair_item(work, path, error["type"], items, item_stand_ins, kept)
            if repaired is not None:
                work = repaired
            elif path and path[0] == items and len(path) > 1 and isinstance(path[1], int):
                # Even an item with only an unknown key is left out: without the key the
                # author meant (`answer` for `accept`), its rules would report it missing.
                drop.add(path[1])
            elif error["type"] == "extra_forbidden" and path:
                work = _without_key(work, path)
            elif path and isinstance(path[0], str):
                key = path[0]
                if key in stand_ins:
                    work[key] = stand_ins[key]
                elif key in work:
                    del work[key]
                else:
                    return None  # a required key the rules need and cannot stand in for
            else:
                return None
        if drop:
            current = work[items]
            dropped.extend(current[i] for i in sorted(drop))
            kept = [k for i, k in enumerate(kept) if i not in drop]
            work[items] = [item for i, item in enumerate(current) if i not in drop]
        try:
            return Salvaged(cls.model_validate(work), kept, dropped)
        except ValidationError as again:
            err = again
    return None


def _repair_item(
    work: dict[str, Any],
    path: Path_,
    kind: str,
    items: str,
    stand_ins: dict[str, str] | None,
    kept: list[int],
) -> dict[str, Any] | None:
    """`work` with item `path[1]` repaired at key `path[2]`, or None when it cannot be."""
    if stand_ins is None or len(path) != 3 or path[0] != items:
        return None
    index, key = path[1], path[2]
    if not isinstance(index, int) or not isinstance(key, str):
        return None
    if kind == "extra_forbidden":
        return _without_key(work, path)
    if key not in stand_ins:
        return None
    listed = list(work[items])
    if not isinstance(listed[index], dict):
        return None
    listed[index] = {**listed[index], key: stand_ins[key].format(n=kept[index] + 1)}
    return {**work, items: listed}


def _without_key(data: dict[str, Any], path: Path_) -> dict[str, Any]:
    """`data` without the key at `path`, copying only what leads there.

    Aliases can make two paths share one mapping; editing in place would change both.
    """
    def strip(node: Any, rest: Path_) -> Any:
        head = rest[0]
        if len(rest) == 1:
            return {k: v for k, v in node.items() if k != head} if isinstance(node, dict) else node
        if isinstance(node, dict) and head in node:
            return {**node, head: strip(node[head], rest[1:])}
        if isinstance(node, list) and isinstance(head, int) and 0 <= head < len(node):
            return [*node[:head], strip(node[head], rest[1:]), *node[head + 1 :]]
        return node

    stripped: dict[str, Any] = strip(data, path)
    return stripped


def attach_kept(model: BaseModel, smap: SourceMap, items: str, kept: list[int]) -> None:
    """Point each kept item of the main list at its own place in the file."""
    from engine.loading.node_sources import attach_spans

    attach_spans(model, smap, ())
    for index, item in zip(kept, getattr(model, items), strict=True):
        attach_spans(item, smap, (items, index))


def mark_dropped_ids(model: BaseModel, dropped: list[Any]) -> None:
    """Remember the ids of left-out items: a reference to one is not a second mistake."""
    ids = frozenset(
        item["id"] for item in dropped if isinstance(item, dict) and isinstance(item.get("id"), str)
    )
    private = model.__pydantic_private__
    if private is None:
        object.__setattr__(model, "__pydantic_private__", {"_dropped": ids})
    else:
        private["_dropped"] = ids


def dropped_ids(model: BaseModel) -> frozenset[str] | None:
    """The ids of items left out of a salvaged model; None for a model that validated whole."""
    private = model.__pydantic_private__
    found: frozenset[str] | None = private.get("_dropped") if private else None
    return found
