"""The renderer contract: a function from a course to a bundle of files.

A renderer returns files and writes none: the build command decides where a bundle goes
(`Renderer.output_folder`) and writes it atomically (cli/output.py). The one thing a
renderer may keep on disk is its memo of unchanged fragments in `RenderContext.cache_dir`
(the site's page cache), which the build command hands it.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import ClassVar, Generic, Protocol, TypeVar, cast

from pydantic import BaseModel, ConfigDict

from engine.diagnostics import Diagnostic
from engine.model import Course
from engine.outputs import CellOutput
from engine.safety.names import check_entry

Bundle = dict[PurePosixPath, bytes]
"""Relative POSIX path -> file content."""

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
"""Fixed timestamp for zip entries, so two builds of the same course are byte-identical."""


class NoOptions(BaseModel):
    """Options model of a renderer that has none."""

    model_config = ConfigDict(extra="forbid", frozen=True)


OptionsT = TypeVar("OptionsT", bound=BaseModel)
"""A renderer's options model."""

Kept = TypeVar("Kept")


class RenderMemory:
    """What renderers keep from one build of a course to the next in a long-running
    process (`lessonkit serve` owns one, in its `RebuildState`): one object per kind,
    made on first use. A one-shot build has none, and a renderer then starts afresh."""

    def __init__(self) -> None:
        self._kept: dict[type, object] = {}

    def of(self, kind: type[Kept]) -> Kept:
        """The renderer's memory of type `kind` (made with `kind()` the first time)."""
        kept = self._kept.get(kind)
        if kept is None:
            kept = self._kept[kind] = kind()
        return cast(Kept, kept)


@dataclass
class RenderContext(Generic[OptionsT]):
    """What a renderer gets besides the course; `OptionsT` is its own options model."""

    options: OptionsT
    """The renderer's validated options (from `renderers:` in course.yaml)."""
    outputs: Mapping[str, CellOutput] = field(default_factory=dict)
    """Code-cell outputs by cell id, when cells ran (or came from the cache)."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    """Where a renderer reports what it could not carry (fidelity warnings)."""
    strict: bool = False
    """Whether the build fails on any warning."""
    cache_dir: Path | None = None
    """A folder a renderer may keep memoised fragments in (incremental builds); None = no cache."""
    jobs: int = 1
    """How many processes a renderer may keep busy (the site renders pages on that many)."""
    progress: Callable[[int], None] | None = None
    """Told how many more chapters are done, as a renderer goes (for a progress bar)."""
    memory: RenderMemory | None = None
    """What the last build of this course in this process left (`lessonkit serve`), for
    unchanged work to be reused; None in a one-shot build."""

    def kept(self, kind: type[Kept]) -> Kept:
        """The memory of type `kind` this renderer kept from the last build, or a fresh
        one when there is no memory."""
        return kind() if self.memory is None else self.memory.of(kind)

    def report(self, diagnostic: Diagnostic) -> None:
        """Record a diagnostic for the CLI to print."""
        self.diagnostics.append(diagnostic)


class Renderer(Protocol[OptionsT]):
    """What every renderer provides; `OptionsT` is its options model."""

    name: ClassVar[str]
    """Registry key = `--format` value."""
    description: ClassVar[str]
    """One line for `lessonkit build --help`."""
    output_folder: ClassVar[str | None]
    """Where the bundle goes in the output folder OUT: None = each of its files directly in
    OUT (packages, question banks); a name = the whole bundle is the folder OUT/<name>/,
    replaced as a whole, unchanged files linked from the previous build (the site)."""

    @property
    def Options(self) -> type[OptionsT]:  # noqa: N802 - a class, named like one
        """The renderer's own options model (a class attribute in every renderer)."""
        ...

    def render(self, course: Course, ctx: RenderContext[OptionsT]) -> Bundle:
        """Turn the course into files."""
        ...


def zip_bundle(bundle: Bundle) -> bytes:
    """A deterministic zip of the bundle: sorted entries, fixed timestamps and modes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(bundle, key=str):
            # `check` reports unsafe names at their source; reaching here with one is a bug.
            info = zipfile.ZipInfo(check_entry(str(path)), date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, bundle[path])
    return buffer.getvalue()
