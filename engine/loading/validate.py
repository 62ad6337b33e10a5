"""Schema validation: plain data -> model, with pydantic's errors turned into diagnostics.

Pydantic reports an error `loc` such as `('blocks', 0, 'question', 'single', 'promt')`:
discriminated unions insert their tags (`question`, `single`) and unions of scalar types
insert member names (`float`). Walking the loc through the data keeps only real keys and
indices, which the source map turns into a file:line:col; walking it through the model
classes tells which keys were allowed there, for "did you mean".
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from engine.diagnostics import Code, Diagnostic, did_you_mean
from engine.loading.allowed_keys import fields_at
from engine.loading.source_map import Path_, SourceMap

M = TypeVar("M", bound=BaseModel)

_TYPE_ERRORS = {
    "string_type": "text",
    "float_parsing": "a number",
    "float_type": "a number",
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def validate_model(cls: type[M], data: Any, smap: SourceMap) -> tuple[M | None, list[Diagnostic]]:
    """Validate `data` as `cls`; on failure, one diagnostic per distinct problem."""
    try:
        return cls.model_validate(data), []
    except ValidationError as err:
        return None, errors_to_diagnostics(cls, data, err, smap)


def errors_to_diagnostics(
    cls: type[BaseModel], data: Any, err: ValidationError, smap: SourceMap
) -> list[Diagnostic]:
    """Map each pydantic error to a diagnostic at the key or value the author must edit."""
    grouped: dict[Path_, list[dict[str, Any]]] = {}
    for error in err.errors(include_url=False):
        keep_last = error["type"] in ("missing", "extra_forbidden")
        path = data_path(data, error["loc"], keep_last)
        grouped.setdefault(path, []).append(dict(error))
    _merge_misspelled_required(grouped)
    out: list[Diagnostic] = []
    for path, errors in grouped.items():
        out.extend(_diagnose(cls, data, path, errors, smap))
    return out


def _merge_misspelled_required(grouped: dict[Path_, list[dict[str, Any]]]) -> None:
    """`promt:` for a required `prompt` is one mistake: keep the unknown key, drop the missing.

    The unknown-key diagnostic then carries "did you mean 'prompt'?".
    """
    missing = {p: e for p, e in grouped.items() if p and e[0]["type"] == "missing"}
    extras = [p for p, e in grouped.items() if p and e[0]["type"] == "extra_forbidden"]
    for extra in extras:
        siblings = {str(p[-1]): p for p in missing if p[:-1] == extra[:-1]}
        unknown = [p for p in extras if p[:-1] == extra[:-1]]
        guess = did_you_mean(str(extra[-1]), list(siblings))
        if guess is None and len(siblings) == 1 and len(unknown) == 1:
            # `markdown:` where `body:` is required: one unknown key beside one missing
            # key is a wrong name, however unlike the right one it looks.
            guess = next(iter(siblings))
        if guess is not None and siblings[guess] in grouped:
            del grouped[siblings[guess]]
            grouped[extra][0]["meant"] = guess


_ABSENT = object()


def _child(node: Any, part: Any) -> Any:
    """`node[part]` when `part` is a key of a mapping or an index of a list, else _ABSENT."""
    if isinstance(node, dict):
        return node.get(part, _ABSENT) if isinstance(part, str) else _ABSENT
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return _ABSENT


def data_path(data: Any, loc: tuple[Any, ...], keep_last: bool) -> Path_:
    """The part of `loc` that names real keys and indices in `data` (tags dropped)."""
    path: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        child = _child(node, part)
        if child is not _ABSENT:
            node = child
            path.append(part)
        elif keep_last and isinstance(node, dict) and i == len(loc) - 1 and isinstance(part, str):
            path.append(part)  # a missing or an extra key: keep it to name it
    return tuple(path)


def _value_at(data: Any, path: Path_) -> Any:
    for part in path:
        data = _child(data, part)
        if data is _ABSENT:
            return None
    return data


def _describe(data: Any, path: Path_) -> str:
    """How to name the object at `path` in a message: "question 'q2'", "block 3"..."""
    obj = _value_at(data, path)
    if isinstance(obj, dict):
        what = obj.get("kind") if isinstance(obj.get("kind"), str) else None
        ident = obj.get("id")
        if what == "question" and isinstance(obj.get("type"), str):
            what = f"{obj['type']} question"
        label = what or (str(path[-2]) if len(path) >= 2 and isinstance(path[-1], int) else None)
        if label and isinstance(label, str) and label.endswith("s"):
            label = label[:-1]
        if ident and isinstance(ident, str):
            return f"{label or 'entry'} '{ident}'"
        if label:
            return f"{label} {path[-1] + 1 if isinstance(path[-1], int) else ''}".strip()
    return "the file" if not path else f"'{path[-1]}'"


def _diagnose(
    cls: type[BaseModel], data: Any, path: Path_, errors: list[dict[str, Any]], smap: SourceMap
) -> list[Diagnostic]:
    first = errors[0]
    kind = first["type"]
    if kind == "extra_forbidden":
        key = str(path[-1])
        parent = path[:-1]
        allowed = sorted(fields_at(cls, data, parent))
        guess = first.get("meant") or did_you_mean(key, allowed)
        synonym = _SYNONYMS.get(key)
        if guess is None and synonym is not None and synonym[0] in allowed:
            guess = synonym[0]
            value = _value_at(data, path)
            shown = value if isinstance(value, str) and len(value) <= 30 else "..."
            why = synonym[1].replace("...", shown)
            return [
                Diagnostic.of(
                    Code.UNKNOWN_KEY,
                    f"unknown key '{key}' in {_describe(data, parent)}",
                    smap.key(path),
                    hint=f"did you mean '{guess}'? {why}",
                    notes=(f"allowed keys: {', '.join(allowed)}",),
                )
            ]
        return [
            Diagnostic.of(
                Code.UNKNOWN_KEY,
                f"unknown key '{key}' in {_describe(data, parent)}",
                smap.key(path),
                hint=f"did you mean '{guess}'?" if guess else None,
                notes=(f"allowed keys: {', '.join(allowed)}",) if allowed else (),
            )
        ]
    if kind == "missing":
        key = str(path[-1])
        parent = path[:-1]
        return [
            Diagnostic.of(
                Code.MISSING_KEY,
                f"{_describe(data, parent)} needs the key '{key}'",
                smap.value(parent),
            )
        ]
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return [_tag_diagnostic(first, data, path, smap)]
    value = _value_at(data, path)
    shown = _show(value)
    wanted = [_TYPE_ERRORS[e["type"]] for e in errors if e["type"] in _TYPE_ERRORS]
    if wanted and len(wanted) == len(errors):
        bare = _bare_choices(data, path, value, smap) if "a mapping" in wanted else None
        if bare is not None:
            return [bare]
        expected = " or ".join(dict.fromkeys(wanted))
        return [
            Diagnostic.of(
                Code.WRONG_TYPE,
                f"'{path[-1] if path else 'value'}' must be {expected}, not {shown}",
                smap.value(path),
            )
        ]
    if any("%" in str(e.get("ctx", {}).get("pattern", "")) for e in errors):
        return [
            Diagnostic.of(
                Code.WRONG_TYPE,
                f"'{path[-1]}' must be a number or a percentage such as 2%, not {shown}",
                smap.value(path),
            )
        ]
    if kind == "literal_error":
        expected = first.get("ctx", {}).get("expected", "")
        options = [o.strip(" '") for o in expected.replace(" or ", ",").split(",") if o.strip()]
        guess = did_you_mean(str(value), options) if isinstance(value, str) else None
        return [
            Diagnostic.of(
                Code.INVALID_VALUE,
                f"'{path[-1]}' must be {expected}, not {shown}",
                smap.value(path),
                hint=f"did you mean '{guess}'?" if guess else None,
            )
        ]
    messages = "; or ".join(dict.fromkeys(_plain_message(e) for e in errors))
    label = f"'{path[-1]}'" if path else "value"
    return [
        Diagnostic.of(
            Code.INVALID_VALUE,
            f"{label} {shown}: {messages}",
            smap.value(path),
            hint=_fraction_hint(path, errors, value),
        )
    ]


_SYNONYMS = {
    "answer": ("accept", "a text question lists the answers it accepts: accept: [...]"),
    "answers": ("accept", "a text question lists the answers it accepts: accept: [...]"),
    "options": ("choices", "each choice is '- text: ...', with 'correct: true' on the right"),
    "correct": ("answer", "a true/false question gives 'answer: true' or 'answer: false'"),
}
"""Keys an author writes for another question type, with the one this type uses."""


def _bare_choices(data: Any, path: Path_, value: Any, smap: SourceMap) -> Diagnostic | None:
    """`choices: [x, y]`: say what a choice looks like instead of "'0' must be a mapping"."""
    if len(path) < 2 or path[-2] != "choices" or not isinstance(path[-1], int):
        return None
    if isinstance(value, dict | list) or value is None:
        return None
    text = str(value)
    return Diagnostic.of(
        Code.WRONG_TYPE,
        f"choice {path[-1] + 1} is the bare text {_show(value)}; a choice is a mapping",
        smap.value(path),
        hint=f"write '- text: {text if len(text) <= 30 else text[:27] + '...'}' and add "
        "'correct: true' to the right choices",
    )


def _fraction_hint(path: Path_, errors: list[dict[str, Any]], value: Any) -> str | None:
    """`passing_score: 80` for a fraction between 0 and 1: "use 0.8"."""
    limit = next((e.get("ctx", {}).get("le") for e in errors if e["type"] == "less_than_equal"),
                 None)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if limit == 1 and 1 < number <= 100:
        return f"a fraction between 0 and 1: use {number / 100:g} for {number:g}%"
    return None


def _plain_message(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "string_pattern_mismatch":
        if "%" in str(error.get("ctx", {}).get("pattern", "")):
            return "expected a number or a percentage such as 2%"
        return "use letters, digits, '-', '_' and '.', starting with a letter or digit"
    if kind in _TYPE_ERRORS:
        return f"expected {_TYPE_ERRORS[kind]}"
    if kind == "value_error" and "error" in error.get("ctx", {}):
        return str(error["ctx"]["error"])  # the model's own words, without "Value error, "
    message = str(error["msg"])
    return message[0].lower() + message[1:] if message else kind


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _tag_diagnostic(error: dict[str, Any], data: Any, path: Path_, smap: SourceMap) -> Diagnostic:
    ctx = error.get("ctx", {})
    discriminator = str(ctx.get("discriminator", "")).strip("'")
    expected = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",") if t.strip()]
    if not expected:
        # pydantic names the tags only for an unknown one, not for a missing one.
        from engine.model import BLOCK_KINDS, QUESTION_TYPES

        expected = list(BLOCK_KINDS if discriminator == "kind" else QUESTION_TYPES)
    code = Code.UNKNOWN_KIND if discriminator == "kind" else Code.UNKNOWN_TYPE
    if error["type"] == "union_tag_not_found":
        return Diagnostic.of(
            Code.MISSING_KEY,
            f"{_describe(data, path)} needs the key '{discriminator}'",
            smap.value(path),
            notes=(f"one of: {', '.join(expected)}",),
        )
    tag = str(ctx.get("tag", ""))
    guess = did_you_mean(tag, expected)
    return Diagnostic.of(
        code,
        f"unknown {discriminator} '{tag}'",
        smap.value((*path, discriminator)),
        hint=f"did you mean '{guess}'?" if guess else None,
        notes=(f"one of: {', '.join(expected)}",),
    )
