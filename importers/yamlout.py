"""Chapter files as an author would write them.

Keys in the order the format documents them (id and type first, explanation and tags
last), Markdown with line breaks as `|` block scalars, short lists of words in flow
style (`tags: [rnn, easy]`), a blank line between blocks, and the `yaml-language-server`
modeline that gives editors completion. PyYAML quotes only what YAML would otherwise
read as something else (`'no'`, `'2'`), which is the one quoting the engine also needs
to keep a YAML-typed reader of the file honest.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

KEY_ORDER = [
    "kind", "id", "text", "correct", "left", "right", "type", "prompt", "body", "source",
    "choices", "answer", "tolerance", "range", "unit", "accept", "pattern", "case_sensitive",
    "feedback_true", "feedback_false", "feedback", "blanks", "pairs", "distractors", "items",
    "scoring", "shuffle", "points", "hints", "hint_penalty", "explanation", "tags",
]
_RANK = {k: i for i, k in enumerate(KEY_ORDER)}


class _Dumper(yaml.SafeDumper):
    """Block style for structure, literal style for multi-line text."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        # Indent list items under their key, as the sample course does.
        return super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # A long line reads better as a block than folded at an arbitrary column.
    if "\n" in value or (len(value) > 90 and value == value.strip()):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _is_short_scalar(value: Any) -> bool:
    """Numbers and plain words: what reads well in a flow list (`[LSTM, GRU]`)."""
    return isinstance(value, (int, float, bool)) or (
        isinstance(value, str) and re.fullmatch(r"[\w][\w .+'/-]{0,29}", value) is not None
    )


def _list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.SequenceNode:
    flow = (
        all(_is_short_scalar(v) for v in value)
        and sum(len(str(v)) + 2 for v in value) <= 60
        and len(value) <= 8
    )
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


def _dict(dumper: yaml.SafeDumper, value: dict[str, Any]) -> yaml.MappingNode:
    items = sorted(value.items(), key=lambda kv: _RANK.get(kv[0], len(_RANK)))
    flow = (
        all(_is_short_scalar(v) or (isinstance(v, list) and all(map(_is_short_scalar, v)))
            for v in value.values())
        and len(str(value)) <= 60
        and "kind" not in value
        and not any(k in value for k in ("text", "left"))
    )
    node = dumper.represent_mapping("tag:yaml.org,2002:map", items, flow_style=flow)
    return node


_Dumper.add_representer(str, _str)
_Dumper.add_representer(list, _list)
_Dumper.add_representer(dict, _dict)


def chapter_yaml(schema: str, chapter: dict[str, Any]) -> str:
    """The text of a chapter file for `chapter` (id, title, blocks)."""
    body = yaml.dump(
        chapter, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000,
        default_flow_style=False,
    )
    lines = body.splitlines()
    out = [f"# yaml-language-server: $schema={schema}"]
    seen_block = False
    for line in lines:
        if line.startswith("  - kind:"):
            if seen_block:
                out.append("")
            seen_block = True
        out.append(line)
    return "\n".join(out) + "\n"


def scalar(value: str) -> str:
    """One YAML scalar on one line, quoted only when YAML needs it."""
    text = yaml.safe_dump(value, allow_unicode=True, width=10_000, default_style=None)
    return text.removesuffix("\n...\n").removesuffix("\n")
