"""Updating a folder this process wrote last, file by file (`lessonkit serve`).

A one-shot build writes the whole site under a temporary name and swaps it in
(cli/output.py). Rebuilding after one edit, that means hard-linking thousands of
unchanged files into the new folder, most of the cost of the write. A long-running
`serve` knows what it wrote last (`WrittenFolders`), so it writes only the changed files,
each under a temporary name in a staging folder beside the site, and at commit renames
each over its old version and deletes the files the new build no longer has.

What it guarantees: a reader (the browser, the preview server) sees every file either
whole as it was or whole as it is now, never half-written (a rename replaces a file at
once); a build that fails or is stopped before the commit changes nothing; the site
folder never disappears. What it does not: the files are not swapped as one set, so for
the moment of the commit a page may be new while another is still the old one (the
browser reloads after the commit). When anything is not as the last build left it (a
folder added, removed or edited in place on disk, a path that is now a folder and was a
file), `plan` declines and the caller swaps a whole new folder in as a build does.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

Stamps = dict[str, tuple[int, int]]
"""Folder -> (inode, modification time) of every folder of a site, as last written."""


@dataclass
class InPlace:
    """The changes of one build to a folder written last by this process."""

    target: Path
    staging: Path
    renames: list[tuple[str, str]] = field(default_factory=list)
    """(staged file, its place in the site), for the changed and new files."""
    removed: list[str] = field(default_factory=list)
    """Files of the last build that this one does not have."""
    manifest: dict[str, list[str | int]] = field(default_factory=dict)
    """The site's manifest once committed (name -> digest, size, modification time)."""
    remembered: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    """Name -> (the bytes object written, its digest), for the next build."""

    def commit(self) -> None:
        """Rename every staged file over its old version, then delete the removed ones."""
        made: set[str] = set()
        for staged, final in self.renames:
            folder = os.path.dirname(final)
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            os.replace(staged, final)
        folders = set()
        for name in self.removed:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name)
            folders.add(os.path.dirname(name))
        # Folders left empty go too (deepest first), as they would from a new folder.
        for folder in sorted(folders, key=len, reverse=True):
            while folder != str(self.target) and folder.startswith(str(self.target)):
                try:
                    os.rmdir(folder)
                except OSError:
                    break
                folder = os.path.dirname(folder)
        shutil.rmtree(self.staging, ignore_errors=True)


def plan_update(target: Path, staging: Path, bundle: Mapping[PurePosixPath, bytes],
                digests: dict[str, tuple[bytes, str]] | None,
                manifest: dict[str, list[str | int]] | None, stamps: Stamps | None,
                digest_of: Callable[[bytes], str]) -> InPlace | None:
    """The update of `target` to `bundle`, its changed files written into `staging`,
    from what the last build of `target` by this process left (`digests`, `manifest`,
    `stamps`); None, with nothing written, when the folder on disk is not as that build
    left it, or renames cannot make the change."""
    if (digests is None or manifest is None or stamps is None
            or not unchanged_since(target, stamps)):
        return None
    names = [str(rel) for rel in bundle]
    new = [name for name in names if name not in digests]
    if new and conflicting(new, set(digests)):
        return None
    root = str(target)
    kept = set(names)
    update = InPlace(target, staging,
                     removed=[os.path.join(root, name) for name in digests if name not in kept])
    for name, data in zip(names, bundle.values(), strict=True):
        known = digests.get(name)
        # `serve` hands the same bytes object back for an unchanged file: no hashing.
        digest = known[1] if known is not None and known[0] is data else digest_of(data)
        if known is not None and known[1] == digest:
            update.manifest[name] = manifest[name]
        else:
            temporary = os.path.join(staging, str(len(update.renames)))
            with open(temporary, "wb") as handle:
                handle.write(data)
                handle.flush()
                stat = os.fstat(handle.fileno())
            update.manifest[name] = [digest, stat.st_size, stat.st_mtime_ns]
            update.renames.append((temporary, os.path.join(root, name)))
        update.remembered[name] = (data, digest)
    return update


def folder_stamps(target: Path, names: list[str]) -> Stamps:
    """The stamps of `target` and of every folder the files `names` are in."""
    stamps: Stamps = {}
    for folder in {"", *(os.path.dirname(name) for name in names)}:
        stat = os.stat(os.path.join(target, folder))
        stamps[folder] = (stat.st_ino, stat.st_mtime_ns)
    return stamps


def unchanged_since(target: Path, stamps: Stamps) -> bool:
    """Whether no folder of the site was changed on disk since `stamps` were taken (a
    file added, removed or renamed in it changes its modification time)."""
    try:
        for folder, stamp in stamps.items():
            stat = os.stat(os.path.join(target, folder))
            if (stat.st_ino, stat.st_mtime_ns) != stamp:
                return False
    except OSError:
        return False
    return True


def conflicting(new: list[str], old: set[str]) -> bool:
    """Whether a new file's path needs a folder where a file of the last build is, or
    the other way round (a rename cannot turn one into the other)."""
    old_folders: set[str] = set()
    for name in old:
        folder = os.path.dirname(name)
        while folder and folder not in old_folders:
            old_folders.add(folder)
            folder = os.path.dirname(folder)
    for name in new:
        if name in old_folders:
            return True
        folder = os.path.dirname(name)
        while folder:
            if folder in old:
                return True
            folder = os.path.dirname(folder)
    return False
