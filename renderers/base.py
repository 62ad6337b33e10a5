"""The renderer contract: a pure function from a course to a bundle of files.

Renderers never touch the disk. The CLI writes what they return, atomically.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import ClassVar, Protocol

from pydantic import BaseModel, ConfigDict

from engine.diagnostics import Diagnostic
from engine.model import Course

Bundle = dict[PurePosixPath, bytes]
"""Relative POSIX path -> file content."""

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
"""Fixed timestamp for zip entries, so two builds of the same course are byte-identical."""


class NoOptions(BaseModel):
    """Options model of a renderer that has none."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass
class RenderContext:
    """What a renderer gets besides the course."""

    options: BaseModel = field(default_factory=NoOptions)
    """The renderer's validated options (from `renderers:` in course.yaml)."""
    outputs: Mapping[str, object] = field(default_factory=dict)
    """Code-cell outputs by cell id (engine.execute.CellOutput), when cells ran."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    """Where a renderer reports what it could not carry (fidelity warnings)."""
    strict: bool = False
    """Whether the build fails on any warning."""
    cache_dir: Path | None = None
    """A folder a renderer may keep memoised fragments in (incremental builds); None = no cache."""

    def report(self, diagnostic: Diagnostic) -> None:
        """Record a diagnostic for the CLI to print."""
        self.diagnostics.append(diagnostic)


class Renderer(Protocol):
    """What every renderer provides."""

    name: ClassVar[str]
    """Registry key = `--format` value."""
    description: ClassVar[str]
    """One line for `lessonkit build --help`."""
    Options: ClassVar[type[BaseModel]]
    """The renderer's own options model."""

    def render(self, course: Course, ctx: RenderContext) -> Bundle:
        """Turn the course into files."""
        ...


def zip_bundle(bundle: Bundle) -> bytes:
    """A deterministic zip of the bundle: sorted entries, fixed timestamps and modes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(bundle, key=str):
            info = zipfile.ZipInfo(str(path), date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, bundle[path])
    return buffer.getvalue()


def write_bundle(bundle: Bundle, out_dir: Path) -> None:
    """Write the bundle as `out_dir`, replacing it only once everything is written.

    The files go to a temporary sibling folder first; a failure leaves the old
    `out_dir` untouched.
    """
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a site is meant to be served
    try:
        for rel, data in bundle.items():
            target = staging / Path(*rel.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        _swap_in(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_file_atomic(data: bytes, target: Path) -> None:
    """Write one file through a temporary sibling and a rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        # mkstemp makes the file private (0600); give it the usual permissions.
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _swap_in(staging: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    old = out_dir.with_name(f".{out_dir.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    out_dir.rename(old)
    staging.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)
