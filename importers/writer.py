"""Imported chapters -> files in a course: chapter YAML, assets, and course.yaml.

Nothing is written until the whole plan is known: each file is new, unchanged, or an
existing file that differs, and the last kind is written only with `--force`. Paths are
derived from the source's ids (`<section>/<chapter>.yaml`, `assets/imported/<name>`), so
importing the same bank again lands on the same files and updates them instead of
adding copies. course.yaml is edited as text at the places its source map points to,
so its comments and layout stay as the author left them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.diagnostics import Code, Diagnostic
from engine.loading.source import load_yaml_file
from engine.span import Span
from importers.bank import Bank
from importers.yamlout import chapter_yaml, scalar

ASSET_DIR = "assets/imported"


@dataclass
class Plan:
    """What an import would write."""

    root: Path
    files: dict[str, bytes] = field(default_factory=dict)
    """Course-relative path -> new content (course.yaml included when it changes)."""
    status: dict[str, str] = field(default_factory=dict)
    """Course-relative path -> `new`, `update` or `unchanged`."""
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def conflicts(self) -> list[str]:
        return [p for p, s in self.status.items() if s == "update" and p != "course.yaml"]

    def write(self) -> None:
        """Write every new or changed file (atomically, one by one)."""
        for rel, data in self.files.items():
            if self.status.get(rel) == "unchanged":
                continue
            target = self.root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.importing")
            tmp.write_bytes(data)
            os.replace(tmp, target)


def _schema_link(root: Path, chapter_dir: Path) -> tuple[str, bool]:
    """The modeline's schema path from a chapter folder, and whether to write one."""
    here = root.resolve()
    for up in [here, *list(here.parents)[:4]]:
        for candidate in (up / "schemas", up / "content" / "schemas"):
            if (candidate / "chapter.schema.json").is_file():
                rel = os.path.relpath(candidate / "chapter.schema.json", chapter_dir.resolve())
                return Path(rel).as_posix(), False
    rel = os.path.relpath(here / "schemas" / "chapter.schema.json", chapter_dir.resolve())
    return Path(rel).as_posix(), True


def _existing_ids(root: Path, listed: list[str], replaced: set[str]) -> set[str]:
    """Ids of blocks and chapters in the course's other chapters (kept unique on import)."""
    ids: set[str] = set()
    for rel in listed:
        if rel in replaced:
            continue
        loaded = load_yaml_file(root / rel, rel)
        data = loaded.data if isinstance(loaded.data, dict) else {}
        ids.add(str(data.get("id", "")))
        for block in data.get("blocks") or []:
            if isinstance(block, dict) and "id" in block:
                ids.add(str(block["id"]))
    return ids


def _rename(wanted: str, taken: set[str]) -> str:
    ident, n = wanted, 2
    while ident in taken:
        ident, n = f"{wanted}-{n}", n + 1
    taken.add(ident)
    return ident


def plan_import(bank: Bank, root: Path, section: str | None) -> Plan:
    """The files an import of `bank` into the course at `root` would write."""
    from engine.json_schema import schema_text

    plan = Plan(root)
    # A category whose every question was left out gives no (empty) chapter file.
    bank.chapters = [c for c in bank.chapters if c.blocks]
    course_file = root / "course.yaml"
    loaded = load_yaml_file(course_file, str(course_file))
    if not isinstance(loaded.data, dict):
        plan.diagnostics.extend(loaded.diagnostics or [
            Diagnostic.of(Code.NOT_A_MAPPING, "course.yaml is not a mapping",
                          Span(str(course_file), 1, 1))])
        return plan
    sections = loaded.data.get("sections")
    sections = sections if isinstance(sections, list) else []
    listed = [str(c) for s in sections if isinstance(s, dict)
              for c in (s.get("chapters") or []) if isinstance(c, str)]
    placed: list[tuple[str, str, str]] = []  # (section id, section title, chapter path)
    for chapter in bank.chapters:
        sid, stitle = (section, section) if section else (chapter.section_id,
                                                          chapter.section_title)
        placed.append((sid, stitle, f"{sid}/{chapter.id}.yaml"))
    taken = _existing_ids(root, listed, {p for *_, p in placed})
    for chapter, (_sid, _title, rel) in zip(bank.chapters, placed, strict=True):
        chapter_id = _rename(chapter.id, taken)
        blocks = []
        for block in chapter.blocks:
            if "id" in block:
                block = {**block, "id": _rename(str(block["id"]), taken)}
            blocks.append(block)
        schema, write_schema = _schema_link(root, (root / rel).parent)
        if write_schema:
            for kind in ("course", "chapter"):
                plan.files[f"schemas/{kind}.schema.json"] = schema_text(kind).encode()
        data: dict[str, Any] = {"id": chapter_id, "title": chapter.title, "blocks": blocks}
        plan.files[rel] = chapter_yaml(schema, data).encode("utf-8")
    for name, content in sorted(bank.media.items()):
        plan.files[f"{ASSET_DIR}/{name}"] = content
    text = course_file.read_text(encoding="utf-8")
    edited = register(text, loaded, placed, plan, str(course_file))
    if edited != text:
        plan.files["course.yaml"] = edited.encode("utf-8")
    for rel, content in plan.files.items():
        target = root / rel
        if not target.exists():
            plan.status[rel] = "new"
        elif target.read_bytes() == content:
            plan.status[rel] = "unchanged"
        else:
            plan.status[rel] = "update"
    return plan


def register(
    text: str, loaded: Any, placed: list[tuple[str, str, str]], plan: Plan, display: str
) -> str:
    """course.yaml's text with every placed chapter listed in its section (added once)."""
    data = loaded.data
    smap = loaded.source_map
    sections = data.get("sections") if isinstance(data.get("sections"), list) else []
    by_id = {s.get("id"): i for i, s in enumerate(sections) if isinstance(s, dict)}
    # Edits as (start index, end index, replacement), applied from the end backwards.
    edits: list[tuple[int, int, str]] = []
    new_sections: dict[str, tuple[str, list[str]]] = {}
    wanted: dict[int, list[str]] = {}
    for sid, title, rel in placed:
        if sid in by_id:
            index = by_id[sid]
            have = sections[index].get("chapters") or []
            if rel not in have and rel not in wanted.get(index, []):
                wanted.setdefault(index, []).append(rel)
        else:
            entry = new_sections.setdefault(sid, (title, []))
            if rel not in entry[1]:
                entry[1].append(rel)
    for index, rels in wanted.items():
        node = smap.value_nodes.get(("sections", index, "chapters"))
        if node is None or getattr(node, "flow_style", False) or not node.value:
            if node is not None and getattr(node, "flow_style", False):
                items = [*(sections[index].get("chapters") or []), *rels]
                flow = "[" + ", ".join(scalar(r) for r in items) + "]"
                edits.append((node.start_mark.index, node.end_mark.index, flow))
                continue
            plan.diagnostics.append(Diagnostic.of(
                Code.IMPORT_CONFLICT, f"cannot list the imported chapters in section "
                f"'{sections[index].get('id')}'; add them by hand: {', '.join(rels)}",
                Span(display, 1, 1)))
            continue
        last = node.value[-1]
        indent = " " * (last.start_mark.column - 2)
        end = text.find("\n", last.end_mark.index)
        end = len(text) if end < 0 else end
        edits.append((end, end, "".join(f"\n{indent}- {scalar(r)}" for r in rels)))
    if new_sections:
        edits.append(_append_sections(text, smap, new_sections, plan, display))
    for start, end, replacement in sorted(edits, reverse=True):
        if start < 0:
            continue
        text = text[:start] + replacement + text[end:]
    return text


def _append_sections(
    text: str, smap: Any, new: dict[str, tuple[str, list[str]]], plan: Plan, display: str
) -> tuple[int, int, str]:
    node = smap.value_nodes.get(("sections",))

    def block(indent: str) -> str:
        out = []
        for sid, (title, rels) in new.items():
            out.append(f"\n{indent}- id: {scalar(sid)}\n{indent}  title: {scalar(title)}"
                       f"\n{indent}  chapters:")
            out.extend(f"\n{indent}    - {scalar(r)}" for r in rels)
        return "".join(out)

    if node is None or (getattr(node, "flow_style", False) and node.value):
        plan.diagnostics.append(Diagnostic.of(
            Code.IMPORT_CONFLICT, "cannot add sections to course.yaml's `sections:`; add "
            f"them by hand: {', '.join(new)}", Span(display, 1, 1)))
        return (-1, -1, "")
    if getattr(node, "flow_style", False):  # `sections: []`
        return (node.start_mark.index - 1 if text[node.start_mark.index - 1] == " "
                else node.start_mark.index, node.end_mark.index, block("  "))
    last = node.value[-1]
    indent = " " * (last.start_mark.column - 2)
    # The last section ends where its last value ends.
    end_index = max(n.end_mark.index for path, n in smap.value_nodes.items()
                    if path[:2] == ("sections", len(node.value) - 1))
    at_newline = text[end_index - 1 : end_index] == "\n"
    end = end_index - 1 if at_newline else text.find("\n", end_index - 1)
    end = len(text) if end < 0 else end
    return (end, end, block(indent))
