"""Writing what the renderers return: staged under temporary names, swapped in together.

A build writes several outputs (the site folder, packages, question banks). Each is first
written beside its target under a temporary name (`Staging.folder`, `Staging.file`); only
when every format rendered and the build passed are they swapped in (`Staging.commit`),
so a build that fails, or is stopped, leaves every previous output byte-identical.

Temporary names carry the writing process's id, `.site.lk-tmp-<pid>-<random>`, so a later
run can tell leftovers of a process that is gone (killed mid-build) from the work of one
still running, and deletes them (`clean_leftovers`). Errors name the target, never the
temporary file.

A long-running `serve` that wrote the site folder last updates it in place instead: the
changed files only, each renamed over its old version at commit (cli/output_inplace.py,
which says what that guarantees).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from cli.output_inplace import InPlace, Stamps, folder_stamps, plan_update

Bundle = Mapping[PurePosixPath, bytes]

TEMP_MARK = "lk-tmp"
"""In the name of every temporary file and folder this module makes."""

_LEFTOVER = re.compile(rf"^\..+\.{TEMP_MARK}-(\d+)-[a-z0-9_]+$")
_LEGACY_SITE = re.compile(r"^\.site\.([a-z0-9_]{8}|old)$")
"""The staging and replaced site folders of lessonkit before the process id was in their
name."""

_MANIFEST_VERSION = 1


def _prefix(target: Path) -> str:
    return f".{target.name}.{TEMP_MARK}-{os.getpid()}-"


def manifest_path(out_dir: Path) -> Path:
    """Where the site's manifest records what was written to `out_dir` (beside it)."""
    return out_dir.parent / f".{out_dir.name}.manifest.json"


class OutputError(OSError):
    """A write that failed, naming the output it was for."""


def _named(error: OSError, target: Path) -> OutputError:
    """`error` about `target` when it names a temporary file, which means nothing to users
    (a folder that cannot be made is named as it is)."""
    code = error.errno or errno.EIO
    names = [str(n) for n in (error.filename, error.filename2) if n is not None]
    where = names[0] if names and not any(TEMP_MARK in n for n in names) else str(target)
    return OutputError(code, error.strerror or str(error), where)


@dataclass
class _Folder:
    staging: Path
    target: Path
    manifest: dict[str, list[str | int]]
    remembered: dict[str, tuple[bytes, str]]


@dataclass
class WrittenFolders:
    """What a long-running `lessonkit serve` remembers of the folders it wrote, from one
    build to the next (part of its `RebuildState`; a one-shot build has none)."""

    digests: dict[str, dict[str, tuple[bytes, str]]] = field(default_factory=dict)
    """The digests of the last bundle written, with the bytes objects they were taken of
    (`serve` hands the same bytes objects back for unchanged files, which then need no
    hashing)."""
    manifests: dict[str, dict[str, list[str | int]]] = field(default_factory=dict)
    """The manifest of the last bundle written (what is in `manifest_path` on disk)."""
    stamps: dict[str, Stamps] = field(default_factory=dict)
    """The folders of the last bundle written as they were left, to tell whether the
    files can be updated in place (cli/output_inplace.py)."""
    cleanups: list[threading.Thread] = field(default_factory=list)
    """Deletions of replaced folders and manifest writes still running in the background."""

    def remember(self, target: Path, remembered: dict[str, tuple[bytes, str]],
                 manifest: dict[str, list[str | int]]) -> None:
        """Record the bundle just committed as `target` (and only it)."""
        key = str(target)
        self.digests = {key: remembered}
        self.manifests = {key: manifest}
        self.stamps = {key: folder_stamps(target, list(manifest))}

    def forget(self, target: Path) -> None:
        """Drop what is known of `target` (its folder is being changed)."""
        for known in (self.digests, self.manifests, self.stamps):
            known.pop(str(target), None)

    def finish_cleanups(self) -> None:
        """Wait for the deletions of replaced folders still running."""
        for cleanup in self.cleanups:
            cleanup.join()
        self.cleanups.clear()


@dataclass
class Staging:
    """Outputs written under temporary names, swapped in together by `commit`.

    With `written` (a long-running `serve`), files whose bytes objects come back unchanged
    are not hashed again, and replaced folders are deleted in the background."""

    written: WrittenFolders | None = None
    folders: list[_Folder] = field(default_factory=list)
    updates: list[tuple[InPlace, _Folder]] = field(default_factory=list)
    files: list[tuple[Path, Path]] = field(default_factory=list)

    def folder(self, bundle: Bundle, target: Path) -> None:
        """Write `bundle` as the future content of folder `target`.

        A file with the same bytes as in the previous build is hard-linked from the old
        folder rather than written again (creating files is most of the cost of writing a
        site). What the previous build wrote is in `manifest_path(target)`; a file changed
        since (other size or modification time) is written anew. With `written` (`serve`)
        and the folder as this process left it, only the changed files are staged, to be
        renamed into the folder at commit (cli/output_inplace.py).
        """
        target = target.resolve()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            clean_leftovers(target.parent)
            staging = Path(tempfile.mkdtemp(prefix=_prefix(target), dir=target.parent))
        except OSError as error:
            raise _named(error, target) from error
        staged = _Folder(staging, target, {}, {})
        self.folders.append(staged)  # at once: an interrupted build deletes it (`abort`)
        if self.written is not None:
            # `serve` rebuilding the folder it wrote last: the changed files only.
            key = str(target)
            try:
                update = plan_update(target, staging, bundle, self.written.digests.get(key),
                                     self.written.manifests.get(key),
                                     self.written.stamps.get(key), _digest)
                if update is not None:
                    staged.manifest, staged.remembered = update.manifest, update.remembered
                    self.updates.append((update, staged))
                    self.folders.pop()
                    return
            except OSError as error:
                raise _named(error, target) from error
        try:
            staging.chmod(0o755)  # mkdtemp makes it private; a site is meant to be served
            _fill(staged, bundle, self.written)
        except OSError as error:
            raise _named(error, target) from error

    def bundle(self, bundle: Bundle, out_dir: Path, folder: str | None) -> list[Path]:
        """Stage a renderer's bundle where it goes (`Renderer.output_folder`): as the folder
        `out_dir/folder`, or file by file into `out_dir` when `folder` is None. The paths
        to tell the user of: the folder's index.html (if any), or every file."""
        if folder is not None:
            target = out_dir / folder
            self.folder(bundle, target)
            return [target / "index.html" if PurePosixPath("index.html") in bundle else target]
        paths = []
        for rel, data in sorted(bundle.items(), key=lambda item: str(item[0])):
            path = out_dir / Path(*rel.parts)
            self.file(data, path)
            paths.append(path)
        return paths

    def file(self, data: bytes, target: Path) -> None:
        """Write `data` as the future content of file `target`."""
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            clean_leftovers(target.parent)
            fd, tmp = tempfile.mkstemp(prefix=_prefix(target), dir=target.parent)
        except OSError as error:
            raise _named(error, target) from error
        self.files.append((Path(tmp), target))
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            # mkstemp makes the file private (0600); give it the usual permissions.
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(tmp, 0o666 & ~mask)
        except OSError as error:
            raise _named(error, target) from error

    def commit(self) -> None:
        """Swap every staged output in. With `written` (a long-running `serve`), replaced
        folders are deleted by a thread after this returns."""
        try:
            for tmp, target in self.files:
                try:
                    os.replace(tmp, target)
                except OSError as error:
                    raise _named(error, target) from error
            self.files.clear()
            while self.updates:
                update, staged = self.updates[0]
                assert self.written is not None  # only `serve` updates in place
                self.written.finish_cleanups()
                self.written.forget(staged.target)  # half-done if this fails
                try:
                    update.commit()
                except OSError as error:
                    raise _named(error, staged.target) from error
                self.updates.pop(0)
                self.written.remember(staged.target, staged.remembered, staged.manifest)
                _write_manifest_later(staged, self.written)
            while self.folders:
                staged = self.folders[0]
                _swap_in(staged.staging, staged.target, self.written)
                self.folders.pop(0)
                if self.written is not None:
                    self.written.remember(staged.target, staged.remembered, staged.manifest)
                # Insertion order is the bundle's, deterministic already.
                manifest = {"version": _MANIFEST_VERSION, "files": staged.manifest}
                write_file_atomic(json.dumps(manifest).encode(), manifest_path(staged.target))
        finally:
            self.abort()

    def abort(self) -> None:
        """Delete whatever is still staged; the previous outputs stay as they were."""
        for tmp, _ in self.files:
            with contextlib.suppress(OSError):
                tmp.unlink()
        for staged in self.folders:
            shutil.rmtree(staged.staging, ignore_errors=True)
        for _, staged in self.updates:
            shutil.rmtree(staged.staging, ignore_errors=True)
        self.files.clear()
        self.folders.clear()
        self.updates.clear()


def write_bundle(bundle: Bundle, out_dir: Path) -> None:
    """Write the bundle as `out_dir`, replacing it only once everything is written."""
    staging = Staging()
    try:
        staging.folder(bundle, out_dir)
        staging.commit()
    except BaseException:
        staging.abort()
        raise


def write_file_atomic(data: bytes, target: Path) -> None:
    """Write one file through a temporary sibling and a rename."""
    staging = Staging()
    try:
        staging.file(data, target)
        staging.commit()
    except BaseException:
        staging.abort()
        raise


def clean_leftovers(folder: Path) -> list[Path]:
    """Delete the temporary files and folders that processes now gone left in `folder`
    (a build killed half-way); what it deleted."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _LEFTOVER.match(entry.name)
        if match is not None:
            if _alive(int(match.group(1))):
                continue  # another build (or serve) is writing there right now
        elif not (_LEGACY_SITE.match(entry.name) and entry.is_dir(follow_symlinks=False)):
            continue
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                path.unlink()
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _fill(staged: _Folder, bundle: Bundle, written: WrittenFolders | None) -> None:
    previous = _read_manifest(staged.target) if staged.target.is_dir() else {}
    # Plain strings rather than Path objects: a big site is ten thousand files.
    old_root, new_root = str(staged.target), str(staged.staging)
    folders = {new_root}
    digests = written.digests.get(old_root, {}) if written is not None else {}
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
        staged.manifest[name] = [digest, stat.st_size, stat.st_mtime_ns]
        staged.remembered[name] = (data, digest)


def _write_manifest_later(staged: _Folder, written: WrittenFolders) -> None:
    """Write the manifest in the background (the next build waits for it): only a later
    process reads it, and a stale one is safe (it names files by size and time too)."""
    manifest = {"version": _MANIFEST_VERSION, "files": staged.manifest}
    writer = threading.Thread(
        target=lambda: write_file_atomic(json.dumps(manifest).encode(),
                                         manifest_path(staged.target)), daemon=True)
    writer.start()
    written.cleanups.append(writer)


def _digest(data: bytes) -> str:
    # Change detection, not security: SHA-1 is the fastest hashlib digest here.
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


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


def _swap_in(staging: Path, out_dir: Path, written: WrittenFolders | None) -> None:
    if written is not None:
        written.finish_cleanups()
    try:
        if not out_dir.exists():
            staging.rename(out_dir)
            return
        old = Path(tempfile.mkdtemp(prefix=_prefix(out_dir), dir=out_dir.parent))
        out_dir.rename(old / out_dir.name)
        try:
            staging.rename(out_dir)
        except OSError:
            (old / out_dir.name).rename(out_dir)  # the previous output stays where it was
            raise
    except OSError as error:
        raise _named(error, out_dir) from error
    if written is not None:
        # A daemon: if the process ends first, the next build deletes what is left.
        cleanup = threading.Thread(target=shutil.rmtree, args=(old,),
                                   kwargs={"ignore_errors": True}, daemon=True)
        cleanup.start()
        written.cleanups.append(cleanup)
    else:
        shutil.rmtree(old, ignore_errors=True)
