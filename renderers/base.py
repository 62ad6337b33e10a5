"""The renderer contract: a pure function from a course to a bundle of files.

Renderers never touch the disk. The CLI writes what they return, atomically.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Callable, Mapping
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
    jobs: int = 1
    """How many processes a renderer may keep busy (the site renders pages on that many)."""
    progress: Callable[[int], None] | None = None
    """Told how many more chapters are done, as a renderer goes (for a progress bar)."""

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


def write_bundle(bundle: Bundle, out_dir: Path, *, background_cleanup: bool = False) -> None:
    """Write the bundle as `out_dir`, replacing it only once everything is written.

    The files go to a temporary sibling folder first; a failure leaves the old `out_dir`
    untouched. A file with the same bytes as in the previous build is hard-linked from
    the old folder rather than written again (creating files is most of the cost of
    writing a site), so editing one chapter of a big course writes a handful of files.
    What the previous build wrote is in `manifest_path(out_dir)`; a file changed since
    (other size or modification time) is written anew.

    With `background_cleanup` (a long-running `serve`), the replaced folder is deleted by a
    thread after this returns; the next call waits for it first.
    """
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    previous = _read_manifest(out_dir) if out_dir.is_dir() else {}
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a site is meant to be served
    written: dict[str, list[str | int]] = {}
    remembered: dict[str, tuple[bytes, str]] = {}
    # Plain strings rather than Path objects: a big site is ten thousand files.
    old_root, new_root = str(out_dir), str(staging)
    folders = {new_root}
    digests = _LAST_DIGESTS.get(old_root, {})
    try:
        for rel, data in bundle.items():
            name = str(rel)
            target = os.path.join(new_root, name)
            folder = os.path.dirname(target)
            if folder not in folders:
                os.makedirs(folder, exist_ok=True)
                folders.add(folder)
            known = digests.get(name)
            digest = known[1] if known is not None and known[0] is data else _digest(data)
            stat = _link_unchanged(os.path.join(old_root, name), target, digest,
                                   previous.get(name))
            if stat is None:
                with open(target, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    stat = os.fstat(handle.fileno())
            written[name] = [digest, stat.st_size, stat.st_mtime_ns]
            remembered[name] = (data, digest)
        _swap_in(staging, out_dir, background_cleanup)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    # A long-running `serve` hands the same bytes objects back for unchanged files.
    _LAST_DIGESTS.clear()
    _LAST_DIGESTS[old_root] = remembered
    manifest = {"version": _MANIFEST_VERSION, "files": written}
    # Insertion order is the bundle's, deterministic already: no need to sort 10k keys.
    write_file_atomic(json.dumps(manifest).encode(), manifest_path(out_dir))


_LAST_DIGESTS: dict[str, dict[str, tuple[bytes, str]]] = {}
"""The digests of the last bundle written, with the bytes objects they were taken of."""


def _digest(data: bytes) -> str:
    # Change detection, not security: SHA-1 is the fastest hashlib digest here.
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


_MANIFEST_VERSION = 1


def manifest_path(out_dir: Path) -> Path:
    """Where `write_bundle` records what it wrote to `out_dir` (beside it, not inside)."""
    return out_dir.parent / f".{out_dir.name}.manifest.json"


def _read_manifest(out_dir: Path) -> dict[str, list[str | int]]:
    try:
        manifest = json.loads(manifest_path(out_dir).read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(manifest, dict) or manifest.get("version") != _MANIFEST_VERSION:
        return {}
    files = manifest.get("files")
    return files if isinstance(files, dict) else {}


def _link_unchanged(
    old: str, target: str, digest: str, recorded: list[str | int] | None
) -> os.stat_result | None:
    """Hard-link `old` as `target` if it still holds the bytes `digest` stands for; the
    linked file's stat, or None when it has to be written."""
    if recorded is None or recorded[0] != digest:
        return None
    try:
        stat = os.stat(old)
        if [stat.st_size, stat.st_mtime_ns] != recorded[1:]:
            return None
        os.link(old, target)
    except OSError:
        return None
    return stat


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


_CLEANUPS: list[threading.Thread] = []
"""Deletions of replaced folders still running (see `write_bundle`)."""


def _swap_in(staging: Path, out_dir: Path, background_cleanup: bool) -> None:
    for cleanup in _CLEANUPS:
        cleanup.join()
    _CLEANUPS.clear()
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    old = out_dir.with_name(f".{out_dir.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    out_dir.rename(old)
    staging.rename(out_dir)
    if background_cleanup:
        # A daemon: if the process ends first, the next build deletes what is left.
        cleanup = threading.Thread(target=shutil.rmtree, args=(old,),
                                   kwargs={"ignore_errors": True}, daemon=True)
        cleanup.start()
        _CLEANUPS.append(cleanup)
    else:
        shutil.rmtree(old, ignore_errors=True)
