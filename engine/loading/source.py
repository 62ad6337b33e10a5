"""YAML text -> plain data + a source map with the position of every key and value.

Why not `yaml.safe_load`: it applies YAML 1.1 implicit typing (`no` -> False, `1.10` -> 1.1),
silently keeps the last of two equal keys, and forgets positions. Here the document is
composed into nodes (with libyaml's C parser when present) and turned into data by hand:
every scalar stays the string the author typed (the model's schema decides its type),
duplicate keys are reported at the second occurrence, and an alias bomb is refused
before it is expanded.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from engine.diagnostics import Code, Diagnostic
from engine.loading.source_map import Path_, SourceMap, mark_span, node_span
from engine.loading.yaml_errors import reader_diagnostic, syntax_diagnostic, utf16_name
from engine.node import NullScalar
from engine.safety.controls import CONTROL, control_escape_span, without_controls
from engine.span import Span

_TAGS = {
    yaml.ScalarNode: "tag:yaml.org,2002:str",
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}


def _fixed_tags(base: type[Any]) -> type[Any]:
    """A loader whose tag resolution is a lookup: every scalar is text, the schema types it.

    The parser calls `resolve` once per node; PyYAML's resolvers run regular expressions
    there, which is a large share of the parse time and decides nothing we use.
    """

    def resolve(self: Any, kind: type[yaml.Node], value: Any, implicit: Any) -> str:
        return _TAGS[kind]

    return type(f"Fast{base.__name__}", (base,), {"resolve": resolve})


Loader: type[Any] = _fixed_tags(getattr(yaml, "CBaseLoader", yaml.BaseLoader))
"""libyaml's C loader when PyYAML was built with it (several times faster), else pure Python."""

MAX_BYTES = 8 * 1024 * 1024
"""Largest file accepted; a bigger chapter should be split."""

MAX_EXPANSION = 200_000
"""Most nodes a file may expand to through aliases (an alias bomb goes far beyond)."""

MAX_EXPANDED_CHARS = 4_000_000
"""Most characters of text a file may repeat through aliases. The node budget above does
not see size: one 100 KB block named by 2,000 aliases is 2,000 nodes but 200 MB of pages."""

MAX_DEPTH = 200
"""Deepest nesting accepted."""

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})

@dataclass
class Loaded:
    """The result of reading one YAML file."""

    data: Any
    source_map: SourceMap
    diagnostics: list[Diagnostic]


def load_yaml_file(path: Path, display: str) -> Loaded:
    """Read and parse one file; problems come back as diagnostics, never as exceptions."""
    empty = SourceMap(display)
    here = Span(display, 1, 1)
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_BYTES:
                message = f"file is {size / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB"
                return Loaded(None, empty, [Diagnostic.of(Code.FILE_TOO_LARGE, message, here)])
            raw = handle.read()
    except FileNotFoundError:
        return Loaded(None, empty, [Diagnostic.of(Code.FILE_NOT_FOUND, "file not found", None)])
    except IsADirectoryError:
        return Loaded(
            None, empty, [Diagnostic.of(Code.FILE_UNREADABLE, "is a folder, not a file", here)]
        )
    except OSError as err:
        message = err.strerror or str(err)
        return Loaded(None, empty, [Diagnostic.of(Code.FILE_UNREADABLE, message, here)])
    return load_yaml_bytes(raw, display)


def load_yaml_bytes(raw: bytes, display: str) -> Loaded:
    """Parse YAML bytes; see `load_yaml_file`."""
    diags: list[Diagnostic] = []
    if raw.startswith(b"\xef\xbb\xbf"):
        diags.append(
            Diagnostic.of(
                Code.BOM,
                "file starts with a byte-order mark",
                Span(display, 1, 1),
                hint="save the file as UTF-8 without BOM",
            )
        )
        raw = raw[3:]
    utf16 = utf16_name(raw)
    if utf16 is not None:
        diags.append(
            Diagnostic.of(
                Code.ENCODING,
                f"the file is {utf16}-encoded; course files must be UTF-8",
                Span(display, 1, 1),
                hint="convert it: iconv -f UTF-16 -t UTF-8 FILE > NEW, or pick UTF-8 when "
                "saving in your editor",
            )
        )
        return Loaded(None, SourceMap(display), diags)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        before = raw[: err.start]
        line = before.count(b"\n") + 1
        line_bytes = before[before.rfind(b"\n") + 1 :]
        column = len(line_bytes.decode("utf-8", errors="replace")) + 1
        message = f"byte 0x{raw[err.start]:02x} is not valid UTF-8"
        diags.append(
            Diagnostic.of(
                Code.ENCODING, message, Span(display, line, column), hint="save the file as UTF-8"
            )
        )
        return Loaded(None, SourceMap(display), diags)
    return _parse(text, display, diags)


def _parse(text: str, display: str, diags: list[Diagnostic]) -> Loaded:
    smap = SourceMap(display, text)
    try:
        documents = list(yaml.compose_all(text, Loader=Loader))
    except yaml.MarkedYAMLError as err:
        diags.append(syntax_diagnostic(err, text, display))
        return Loaded(None, smap, diags)
    except yaml.reader.ReaderError as err:
        diags.append(reader_diagnostic(err, text, display))
        return Loaded(None, smap, diags)
    except yaml.YAMLError as err:
        diags.append(Diagnostic.of(Code.YAML_SYNTAX, str(err), Span(display, 1, 1)))
        return Loaded(None, smap, diags)
    except RecursionError:
        message = f"the YAML is nested too deeply (more than {MAX_DEPTH} levels)"
        diags.append(Diagnostic.of(Code.YAML_SYNTAX, message, Span(display, 1, 1)))
        return Loaded(None, smap, diags)
    documents = [d for d in documents if d is not None and not _is_empty_document(d)]
    if not documents:
        diags.append(
            Diagnostic.of(Code.EMPTY_FILE, "the file holds no YAML content", Span(display, 1, 1))
        )
        return Loaded(None, smap, diags)
    if len(documents) > 1:
        diags.append(
            Diagnostic.of(
                Code.MULTIPLE_DOCUMENTS,
                "the file holds more than one YAML document",
                _separator_span(display, text, documents[1].start_mark),
                hint="remove the '---' separator and keep one document",
            )
        )
        return Loaded(None, smap, diags)
    root = documents[0]
    smap.root = mark_span(display, root.start_mark)
    if not isinstance(root, yaml.MappingNode):
        what = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        diags.append(
            Diagnostic.of(
                Code.NOT_A_MAPPING,
                f"the file is {what}; it must be a mapping of keys to values",
                smap.root,
                hint="start the file with keys such as 'id:' and 'title:'",
            )
        )
        return Loaded(None, smap, diags)
    # (The nodes are let go below: the builder does not record them.)
    builder = _Builder(smap, diags, has_anchors="&" in text, record=False)
    try:
        data = builder.build(root, (), 0)
    except _RefusedError as refused:
        diags.append(Diagnostic.of(refused.code, refused.message, refused.span or smap.root))
        return Loaded(None, smap, diags)
    # The nodes are most of the memory a loaded course takes, and positions are asked
    # for only where something is reported: let them go, to be composed again then.
    smap.let_go(_compose_again)
    return Loaded(data, smap, diags)


def _compose_again(smap: SourceMap) -> None:
    """Fill `smap`'s nodes again from its text, as the first load did (that load
    succeeded, so this one does too; its diagnostics were reported then)."""
    documents = [d for d in yaml.compose_all(smap.text, Loader=Loader)
                 if d is not None and not _is_empty_document(d)]
    _Builder(smap, [], has_anchors="&" in smap.text).build(documents[0], (), 0)


def _is_empty_document(node: yaml.Node) -> bool:
    """A document that is only `---` (or `--- ~`) holds no content."""
    return isinstance(node, yaml.ScalarNode) and not node.style and node.value in _NULLS


def _separator_span(display: str, text: str, mark: Any) -> Span:
    """The `---` line that starts the document at `mark` (or `mark` itself)."""
    lines = text.splitlines()
    for number in range(mark.line, -1, -1):
        if number < len(lines) and lines[number].startswith("---"):
            return Span(display, number + 1, 1)
    return mark_span(display, mark)


class _RefusedError(Exception):
    def __init__(self, code: Code, message: str, span: Span | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.span = code, message, span


def _alias_span(file: str, text: str, node: yaml.Node) -> Span | None:
    """Where the `*alias` to `node` sits inside `node` itself (a recursive alias)."""
    # The node's start mark is at its anchor (`&name [...]`) or just after it.
    anchor = re.match(r"&([^\s\[\]{},]+)", text[node.start_mark.index :]) or re.search(
        r"&([^\s\[\]{},]+)\s*$", text[: node.start_mark.index]
    )
    if anchor is None:
        return None
    start, end = node.start_mark.index, node.end_mark.index
    found = text.find("*" + anchor.group(1), start, end if end > start else len(text))
    if found < 0:
        return None
    line = text.count("\n", 0, found)
    column = found - (text.rfind("\n", 0, found) + 1)
    return Span(file, line + 1, column + 1)


class _Builder:
    """Turns composed nodes into dicts, lists and strings, recording where each came from.

    Aliases make several paths share one node, so a small file can expand enormously
    (an alias bomb). Every node built counts against MAX_EXPANSION, which bounds the
    time and memory of any file before the expansion happens.
    """

    def __init__(self, smap: SourceMap, diags: list[Diagnostic], has_anchors: bool,
                 record: bool = True) -> None:
        self.smap = smap
        self.value_nodes, self.key_nodes = smap.value_nodes, smap.key_nodes
        self.record = record
        """Whether to fill the map's nodes: not when they are to be let go at once."""
        self.diags = diags
        self.file = smap.file
        self.budget = MAX_EXPANSION
        self.char_budget = MAX_EXPANDED_CHARS
        # Without an anchor there is no alias, so no node can be reached twice: skip the
        # bookkeeping (the common case, and most of a large course's nodes).
        self.seen: set[int] | None = set() if has_anchors else None
        self.active: set[int] = set()

    def build(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise _RefusedError(
                Code.YAML_SYNTAX, f"the YAML is nested more than {MAX_DEPTH} levels deep"
            )
        if self.seen is not None:
            key = id(node)
            if key in self.active:
                raise _RefusedError(
                    Code.ALIAS_LIMIT,
                    "an alias refers to the node that contains it",
                    _alias_span(self.file, self.smap.text, node),
                )
            if key in self.seen:
                self.budget -= 1
                if isinstance(node, yaml.ScalarNode):
                    self.char_budget -= len(node.value)
                if self.budget < 0 or self.char_budget < 0:
                    amount = (f"{MAX_EXPANSION:,} values" if self.budget < 0
                              else f"{MAX_EXPANDED_CHARS:,} characters")
                    raise _RefusedError(
                        Code.ALIAS_LIMIT,
                        f"aliases repeat more than {amount}; this looks like an alias bomb",
                    )
            self.seen.add(key)
        if self.record:
            self.value_nodes[path] = node
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            self.active.add(id(node))
            try:
                if isinstance(node, yaml.MappingNode):
                    return self._mapping(node, path, depth)
                return [
                    self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)
                ]
            finally:
                self.active.discard(id(node))
        style = getattr(node, "style", None)
        if style == '"' and CONTROL.search(node.value):
            # Only escapes (`\e`, `\x1b`, `\0`) put them there: libyaml refuses the raw bytes.
            self.diags.append(Diagnostic.of(
                Code.CONTROL_CHARACTER,
                "a control character (an escape such as '\\e', '\\0' or '\\x1b') is removed "
                "from this text",
                control_escape_span(self.file, self.smap.text, node)
                or mark_span(self.file, node.start_mark, node.end_mark),
            ))
            return without_controls(node.value)
        if style == ">":
            self.smap.folded.add(path)
        # libyaml marks plain scalars with style '', the pure-Python parser with None.
        if not style and node.value in _NULLS:
            return NullScalar(node.value)
        return node.value

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in self._pairs(node):
            if not isinstance(key_node, yaml.ScalarNode):
                span = mark_span(self.file, key_node.start_mark, key_node.end_mark)
                self.diags.append(
                    Diagnostic.of(
                        Code.COMPLEX_KEY, "a key must be plain text, not a list or mapping", span
                    )
                )
                continue
            key = key_node.value
            here = (*path, key)
            if key in result:
                first = self._first_key_span(node, key) if not self.record else self.smap.exact(
                    here, keys=True)
                self.diags.append(
                    Diagnostic.of(
                        Code.DUPLICATE_KEY,
                        f"duplicate key '{key}'",
                        mark_span(self.file, key_node.start_mark, key_node.end_mark),
                        notes=(f"first defined at {first}",) if first else (),
                    )
                )
                continue
            if self.record:
                self.key_nodes[here] = key_node
            result[key] = self.build(value_node, here, depth + 1)
        return result

    def _first_key_span(self, node: yaml.MappingNode, key: str) -> Span | None:
        """Where `key` first appears among the pairs of `node` (the one kept)."""
        for key_node, _ in self._pairs(node):
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return node_span(self.file, self.smap.text, key_node, True)
        return None

    def _pairs(self, node: yaml.MappingNode) -> list[tuple[yaml.Node, yaml.Node]]:
        """Key/value pairs with YAML merge keys (`<<: *anchor`) applied; explicit keys win."""
        if not any(k.value == "<<" for k, _ in node.value if isinstance(k, yaml.ScalarNode)):
            return node.value  # type: ignore[no-any-return]
        merged: list[tuple[yaml.Node, yaml.Node]] = []
        own: list[tuple[yaml.Node, yaml.Node]] = []
        for key_node, value_node in node.value:
            is_merge = (
                isinstance(key_node, yaml.ScalarNode)
                and key_node.value == "<<"
                and not key_node.style
            )
            if not is_merge:
                own.append((key_node, value_node))
                continue
            sources = (
                value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            )
            for source in sources:
                if isinstance(source, yaml.MappingNode):
                    merged.extend(self._pairs(source))
        own_keys = {k.value for k, _ in own if isinstance(k, yaml.ScalarNode)}
        inherited: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for k, v in merged:
            if isinstance(k, yaml.ScalarNode) and k.value not in own_keys:
                inherited.setdefault(k.value, (k, v))
        return list(inherited.values()) + own
