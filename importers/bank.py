"""What every importer produces: chapters of blocks in the chapter-file shape, media, and
diagnostics about what could not be carried over.

Importers build plain data (the dictionaries an author would write in a chapter file,
without defaults) rather than model objects, so the writer can emit readable YAML; the
`Bank.validate` step runs each chapter through the engine's own pydantic model, so what
is written is what `lessonkit check` accepts.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter

from engine.diagnostics import Code, Diagnostic
from engine.span import Span

MAX_INPUT_BYTES = 64 * 1024 * 1024
"""The largest file (or zip entry, uncompressed) an importer reads: far above any real
question bank, small enough that a hostile file cannot exhaust memory."""


@functools.cache
def _block_adapter() -> TypeAdapter[Any]:
    """The validator of one block (built once: building it costs more than validating)."""
    from engine.model import Block

    return TypeAdapter(Block)


def slug(text: str, fallback: str = "item") -> str:
    """An id from free text: `Week 1: Loops` -> `week-1-loops` (ids allow `.` and `_` too)."""
    out = re.sub(r"[^A-Za-z0-9_.-]+", "-", text.strip()).strip("-._")
    return out[:100].rstrip("-._") or fallback


@dataclass
class Chapter:
    """One chapter to write: a quiz or a category of the source."""

    key: str
    """The source's name for it (a category path, a quiz identifier)."""
    id: str
    title: str
    section_id: str
    section_title: str
    span: Span
    blocks: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Bank:
    """The result of reading one source file."""

    source: str
    """The file as the author named it (diagnostics point into it)."""
    chapters: list[Chapter] = field(default_factory=list)
    media: dict[str, bytes] = field(default_factory=dict)
    """Asset file name -> content, for files embedded in or packaged with the source."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    losses: list[tuple[str, Diagnostic]] = field(default_factory=list)
    """(kind, diagnostic) of every unsupported feature, for the per-kind summary."""
    folder: str | None = None
    """The folder of a bare source file, where images it links to are looked up."""
    _ids: set[str] = field(default_factory=set)

    def error(
        self, message: str, line: int, column: int = 1, code: Code = Code.IMPORT_SYNTAX
    ) -> None:
        """A malformed or refused part of the source at `line`:`column`."""
        self.diagnostics.append(Diagnostic.of(code, message, Span(self.source, line, column)))

    def unsupported(self, kind: str, message: str, line: int, column: int = 1) -> None:
        """Something the source expresses that lessonkit cannot; the import goes on."""
        diagnostic = Diagnostic.of(
            Code.IMPORT_UNSUPPORTED, message, Span(self.source, max(1, line), column)
        )
        self.diagnostics.append(diagnostic)
        self.losses.append((kind, diagnostic))

    def add(self, chapter: Chapter, block: dict[str, Any], line: int) -> None:
        """Append `block` to `chapter` if the engine's model accepts it; report it if not.

        The readers build plain data; running it through the same pydantic model the
        loader uses means a malformed source cannot produce a chapter file that fails
        to load (a question with an empty prompt, a numeric answer that is no number).
        """
        from pydantic import ValidationError

        try:
            _block_adapter().validate_python(block)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"][1:]) or "block"
            self.error(f"{block.get('kind', 'block')} '{block.get('id', '')}' cannot be "
                       f"imported: {where}: {first['msg']}", line)
            return
        chapter.blocks.append(block)

    def disk_images(self, label: str, line: int) -> Callable[[str], str | None]:
        """An image resolver for a bare file: images beside it become course assets."""
        from importers.media import disk_image

        return lambda src: disk_image(self, src, label, line)

    def summary(self) -> list[tuple[str, int]]:
        """(kind, count) of what was not imported, most frequent first, then by name."""
        counts = Counter(kind for kind, _ in self.losses)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def chapter(
        self, key: str, wanted_id: str, title: str, section: tuple[str, str], line: int
    ) -> Chapter:
        """The chapter for a category (created on first use, in source order)."""
        for chapter in self.chapters:
            if chapter.key == key:
                return chapter
        taken = {c.id for c in self.chapters}
        ident, n = slug(wanted_id, "imported"), 2
        base = ident
        while ident in taken:
            ident, n = f"{base}-{n}", n + 1
        new = Chapter(key, ident, title, section[0], section[1], Span(self.source, line, 1))
        self.chapters.append(new)
        return new

    def unique_id(self, wanted: str, fallback: str) -> str:
        """A question id derived from the source, made unique within this import.

        The same source gives the same ids every time, so importing it again replaces the
        questions instead of adding copies.
        """
        base = slug(wanted, fallback) if wanted else fallback
        ident, n = base, 2
        while ident in self._ids:
            ident, n = f"{base}-{n}", n + 1
        self._ids.add(ident)
        return ident


def section_of(path: list[str]) -> tuple[str, str]:
    """The section for a category path (names from the top down, without `$course$/top`).

    Our own exports write `course / section / chapter`, and question banks in general
    nest topics in parents; the parent of the chapter's category names the section, and a
    top-level category goes to a section called "Imported".
    """
    if len(path) >= 2:
        return slug(path[-2].lower(), "imported"), path[-2]
    return "imported", "Imported"


def category_path(text: str) -> list[str]:
    """Moodle's category path: `$course$/top/A/B//C` -> ["A", "B/C"] (`//` is a slash)."""
    # `&lt;`/`&gt;`: how a name keeps `<` and `>` through Moodle's tag stripping
    # (renderers.banks.categories), read back as the characters.
    parts = [p.replace("\0", "/").replace("&lt;", "<").replace("&gt;", ">").strip()
             for p in text.replace("//", "\0").split("/")]
    parts = [p for p in parts if p]
    if parts and re.fullmatch(r"\$\w+\$", parts[0]):
        parts = parts[1:]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return parts
