"""YAML text -> plain data + a source map with the position of every key and value.

Why not `yaml.safe_load`: it applies YAML 1.1 implicit typing (`no` -> False, `1.10` -> 1.1),
silently keeps the last of two equal keys, and forgets positions. Here the document is
composed into nodes (with libyaml's C parser when present) and turned into data by hand:
every scalar stays the string the author typed (the model's schema decides its type),
duplicate keys are reported at the second occurrence, and an alias bomb is refused
before it is expanded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from engine.diagnostics import Code, Diagnostic
from engine.model import NullScalar
from engine.span import Span

Loader: type[Any] = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
"""libyaml's C loader when PyYAML was built with it (several times faster), else pure Python."""

MAX_BYTES = 8 * 1024 * 1024
"""Largest file accepted; a bigger chapter should be split."""

MAX_EXPANSION = 200_000
"""Most nodes a file may expand to through aliases (an alias bomb goes far beyond)."""

MAX_DEPTH = 200
"""Deepest nesting accepted."""

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})

Path_ = tuple[str | int, ...]
"""A path into the data: mapping keys and list indices from the root."""


@dataclass
class SourceMap:
    """Where each value and each key of one file is."""

    file: str
    values: dict[Path_, Span] = field(default_factory=dict)
    keys: dict[Path_, Span] = field(default_factory=dict)
    folded: set[Path_] = field(default_factory=set)
    """Paths of scalars written in folded style (`>`)."""
    root: Span | None = None

    def value(self, path: Path_) -> Span | None:
        """The span of the value at `path`, or of its nearest ancestor."""
        for cut in range(len(path), -1, -1):
            span = self.values.get(path[:cut])
            if span is not None:
                return span
        return self.root

    def key(self, path: Path_) -> Span | None:
        """The span of the key that leads to `path` (falls back to the value)."""
        return self.keys.get(path) or self.value(path)


@dataclass
class Loaded:
    """The result of reading one YAML file."""

    data: Any
    source_map: SourceMap
    diagnostics: list[Diagnostic]


def _span(file: str, mark: Any, end: Any = None) -> Span:
    if end is not None:
        return Span(file, mark.line + 1, mark.column + 1, end.line + 1, end.column + 1)
    return Span(file, mark.line + 1, mark.column + 1)


def load_yaml_file(path: Path, display: str) -> Loaded:
    """Read and parse one file; problems come back as diagnostics, never as exceptions."""
    empty = SourceMap(display)
    here = Span(display, 1, 1)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            message = f"file is {size / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB"
            return Loaded(None, empty, [Diagnostic.of(Code.FILE_TOO_LARGE, message, here)])
        raw = path.read_bytes()
    except FileNotFoundError:
        return Loaded(None, empty, [Diagnostic.of(Code.FILE_NOT_FOUND, "file not found", None)])
    except OSError as err:
        return Loaded(None, empty, [Diagnostic.of(Code.FILE_UNREADABLE, err.strerror or str(err), here)])
    return load_yaml_bytes(raw, display)


def load_yaml_bytes(raw: bytes, display: str) -> Loaded:
    """Parse YAML bytes; see `load_yaml_file`."""
    diags: list[Diagnostic] = []
    if raw.startswith(b"\xef\xbb\xbf"):
        diags.append(
            Diagnostic.of(
                Code.BOM, "file starts with a byte-order mark", Span(display, 1, 1),
                hint="save the file as UTF-8 without BOM",
            )
        )
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        before = raw[: err.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        message = f"byte 0x{raw[err.start]:02x} is not valid UTF-8"
        diags.append(
            Diagnostic.of(Code.ENCODING, message, Span(display, line, column),
                          hint="save the file as UTF-8")
        )
        return Loaded(None, SourceMap(display), diags)
    return _parse(text, display, diags)


def _parse(text: str, display: str, diags: list[Diagnostic]) -> Loaded:
    smap = SourceMap(display)
    try:
        documents = list(yaml.compose_all(text, Loader=Loader))
    except yaml.MarkedYAMLError as err:
        diags.append(_syntax_diagnostic(err, text, display))
        return Loaded(None, smap, diags)
    except yaml.YAMLError as err:
        diags.append(Diagnostic.of(Code.YAML_SYNTAX, str(err), Span(display, 1, 1)))
        return Loaded(None, smap, diags)
    except RecursionError:
        message = f"the YAML is nested too deeply (more than {MAX_DEPTH} levels)"
        diags.append(Diagnostic.of(Code.YAML_SYNTAX, message, Span(display, 1, 1)))
        return Loaded(None, smap, diags)
    documents = [d for d in documents if d is not None]
    if not documents:
        diags.append(Diagnostic.of(Code.EMPTY_FILE, "the file holds no YAML content", Span(display, 1, 1)))
        return Loaded(None, smap, diags)
    if len(documents) > 1:
        diags.append(
            Diagnostic.of(
                Code.MULTIPLE_DOCUMENTS, "the file holds more than one YAML document",
                _span(display, documents[1].start_mark),
                hint="remove the '---' separator and keep one document",
            )
        )
        return Loaded(None, smap, diags)
    root = documents[0]
    smap.root = _span(display, root.start_mark)
    if not isinstance(root, yaml.MappingNode):
        what = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        diags.append(
            Diagnostic.of(
                Code.NOT_A_MAPPING, f"the file is {what}; it must be a mapping of keys to values",
                smap.root, hint="start the file with keys such as 'id:' and 'title:'",
            )
        )
        return Loaded(None, smap, diags)
    problem = _expansion_problem(root)
    if problem is not None:
        diags.append(Diagnostic.of(Code.ALIAS_LIMIT, problem, smap.root))
        return Loaded(None, smap, diags)
    builder = _Builder(text, smap, diags)
    data = builder.build(root, ())
    return Loaded(data, smap, diags)


def _syntax_diagnostic(err: yaml.MarkedYAMLError, text: str, display: str) -> Diagnostic:
    mark = err.problem_mark or err.context_mark
    span = _span(display, mark) if mark is not None else Span(display, 1, 1)
    problem = err.problem or "invalid YAML"
    lines = text.splitlines()
    line = lines[span.line - 1] if 0 < span.line <= len(lines) else ""
    if "\t" in problem or "\\t" in problem or (line[: span.column].strip(" ") == "\t"):
        tab = line.find("\t")
        column = tab + 1 if tab >= 0 else span.column
        return Diagnostic.of(
            Code.TAB_INDENT, "a tab is used for indentation", Span(display, span.line, column),
            hint="indent with spaces",
        )
    if "mapping values are not allowed" in problem:
        return Diagnostic.of(
            Code.UNQUOTED_COLON, "a ': ' inside a plain value starts a nested mapping here", span,
            hint="put the whole value in quotes",
        )
    context = f" ({err.context})" if err.context else ""
    return Diagnostic.of(Code.YAML_SYNTAX, f"{problem}{context}", span)


def _expansion_problem(root: yaml.Node) -> str | None:
    """Count the nodes the document expands to, without expanding it (memoised per node)."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise _Refused("an alias refers to the node that contains it (a recursive alias)")
        if depth > MAX_DEPTH:
            raise _Refused(f"the YAML is nested too deeply (more than {MAX_DEPTH} levels)")
        active.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                total += size(k, depth + 1) + size(v, depth + 1)
                if total > MAX_EXPANSION:
                    break
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                total += size(item, depth + 1)
                if total > MAX_EXPANSION:
                    break
        active.discard(key)
        sizes[key] = total
        return total

    try:
        if size(root, 0) > MAX_EXPANSION:
            return (
                f"anchors and aliases expand to more than {MAX_EXPANSION:,} values; "
                "this looks like an alias bomb"
            )
    except _Refused as refused:
        return str(refused)
    return None


class _Refused(Exception):
    pass


class _Builder:
    """Turns composed nodes into dicts, lists and strings, recording positions."""

    def __init__(self, text: str, smap: SourceMap, diags: list[Diagnostic]) -> None:
        self.text = text
        self.smap = smap
        self.diags = diags
        self.file = smap.file

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.smap.values[path] = self._value_span(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if node.style == ">":
            self.smap.folded.add(path)
        if node.style is None and node.value in _NULLS:
            return NullScalar(node.value)
        return str(node.value)

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, Span] = {}
        for key_node, value_node in self._pairs(node):
            key_span = _span(self.file, key_node.start_mark, key_node.end_mark)
            if not isinstance(key_node, yaml.ScalarNode):
                self.diags.append(
                    Diagnostic.of(Code.COMPLEX_KEY, "a key must be plain text, not a list or mapping",
                                  key_span)
                )
                continue
            key = str(key_node.value)
            if key in first_seen:
                self.diags.append(
                    Diagnostic.of(
                        Code.DUPLICATE_KEY, f"duplicate key '{key}'", key_span,
                        notes=(f"first defined at {first_seen[key]}",),
                    )
                )
                continue
            first_seen[key] = key_span
            self.smap.keys[(*path, key)] = key_span
            result[key] = self.build(value_node, (*path, key))
        return result

    def _pairs(self, node: yaml.MappingNode) -> list[tuple[yaml.Node, yaml.Node]]:
        """Key/value pairs with YAML merge keys (`<<: *anchor`) applied; explicit keys win."""
        merged: list[tuple[yaml.Node, yaml.Node]] = []
        own: list[tuple[yaml.Node, yaml.Node]] = []
        for key_node, value_node in node.value:
            is_merge = (
                isinstance(key_node, yaml.ScalarNode) and key_node.value == "<<"
                and key_node.style is None
            )
            if not is_merge:
                own.append((key_node, value_node))
                continue
            sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            for source in sources:
                if isinstance(source, yaml.MappingNode):
                    merged.extend(self._pairs(source))
        own_keys = {k.value for k, _ in own if isinstance(k, yaml.ScalarNode)}
        inherited: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for k, v in merged:
            if isinstance(k, yaml.ScalarNode) and k.value not in own_keys:
                inherited.setdefault(k.value, (k, v))
        return list(inherited.values()) + own

    def _value_span(self, node: yaml.Node) -> Span:
        """Where the value starts; for `|` and `>` scalars, the first line of the text itself."""
        if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
            newline = self.text.find("\n", node.start_mark.index)
            if newline >= 0:
                rest = self.text[newline + 1 :]
                skipped = 0
                for line in rest.split("\n"):
                    if line.strip():
                        indent = len(line) - len(line.lstrip(" "))
                        return Span(self.file, node.start_mark.line + 2 + skipped, indent + 1)
                    skipped += 1
        if isinstance(node, yaml.ScalarNode):
            return _span(self.file, node.start_mark, node.end_mark)
        return _span(self.file, node.start_mark)


def text_offset_span(base: Span | None, style_block: bool, text: str, offset: int) -> Span | None:
    """The span of the character at `offset` in a scalar whose value starts at `base`.

    Exact for block scalars (`|`), where text lines are file lines; for one-line scalars
    the column is shifted by the offset.
    """
    if base is None:
        return None
    before = text[:offset]
    line = before.count("\n")
    if line == 0:
        return Span(base.file, base.line, base.column + offset + (0 if style_block else 0))
    column = offset - before.rfind("\n")
    if style_block:
        return Span(base.file, base.line + line, base.column + column - 1)
    return Span(base.file, base.line + line, 1)


def read_text_lines(path: Path) -> list[str]:
    """The lines of a text file (for showing source lines in diagnostics)."""
    return path.read_text(encoding="utf-8", errors="replace").splitlines()
