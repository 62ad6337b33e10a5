"""Full-text search: a pagefind index built at build time, in shards.

Pagefind indexes a folder of HTML and writes a static, chunked index that its small
script and WebAssembly module query in the browser, with no server. Its binary comes
from the `pagefind[bin]` wheel (`PAGEFIND_BINARY_PATH` overrides it).

The chapters are indexed in shards of `SHARD_SIZE` pages, each written to
`pagefind/<n>/` and cached by the hash of its pages; the search page loads shard 0 and
merges the others (`mergeIndex`). Editing one chapter of a 5000-chapter course re-indexes
one shard, not the whole course. Only pages with `data-pagefind-body` (chapters) are
indexed; the interface files pagefind writes (its own UI) are left out.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from renderers.html.paths import SEARCH_INDEX

SHARD_SIZE = 100
"""Chapters per index shard: re-indexing one takes about 0.2 s; the browser merges 50
shards of a 5000-chapter course in about a second."""

_UI_FILES = ("pagefind-ui", "pagefind-component-ui", "pagefind-modular-ui", "pagefind-highlight")


class SearchIndexError(RuntimeError):
    """The pagefind binary is missing or failed."""


def shard_count(pages: int) -> int:
    """How many shards `pages` chapter pages make."""
    return (pages + SHARD_SIZE - 1) // SHARD_SIZE


def pagefind_binary() -> Path:
    """The pagefind executable: `PAGEFIND_BINARY_PATH`, else the one in `pagefind_bin`."""
    override = os.environ.get("PAGEFIND_BINARY_PATH")
    if override:
        return Path(override)
    spec = importlib.util.find_spec("pagefind_bin")
    if spec is None or not spec.submodule_search_locations:
        raise SearchIndexError("pagefind is not installed: pip install 'pagefind[bin]'")
    folder = Path(next(iter(spec.submodule_search_locations)))
    for name in ("pagefind_extended", "pagefind", "pagefind.exe"):
        if (folder / name).is_file():
            return folder / name
    raise SearchIndexError(f"no pagefind binary in {folder}")


def _pagefind_version() -> str:
    try:
        return version("pagefind_bin")
    except PackageNotFoundError:
        return "unknown"


class SearchPage(NamedTuple):
    """A chapter page to index: where it lives, its HTML, and its cache key (a hash of
    everything the HTML depends on, so it can stand for the HTML in shard keys)."""

    path: PurePosixPath
    html: bytes
    key: str


def _index_shard(pages: Sequence[SearchPage]) -> dict[PurePosixPath, bytes]:
    with tempfile.TemporaryDirectory(prefix="lessonkit-search-") as tmp:
        site = Path(tmp) / "site"
        out = Path(tmp) / "index"
        for path, html, _ in pages:
            target = site / Path(*path.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(html)
        command = [str(pagefind_binary()), "--site", str(site), "--output-path", str(out),
                   "--quiet"]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=900)
        except (OSError, subprocess.SubprocessError) as error:
            raise SearchIndexError(f"pagefind failed: {error}") from error
        files: dict[PurePosixPath, bytes] = {}
        for file in sorted(out.rglob("*")):
            if file.is_file() and not file.name.startswith(_UI_FILES):
                files[PurePosixPath(file.relative_to(out).as_posix())] = file.read_bytes()
        return files


def _shard_key(pages: Sequence[SearchPage]) -> str:
    digest = hashlib.sha256(f"pagefind={_pagefind_version()}".encode())
    for page in pages:
        digest.update(f"{page.path}\0{page.key}\0".encode())
    return digest.hexdigest()[:32]


_RECENT: dict[str, dict[PurePosixPath, bytes]] = {}
"""The shards of the last build, by key, kept in memory for a long-running `serve`."""


def _cached(folder: Path) -> dict[PurePosixPath, bytes] | None:
    if folder.name in _RECENT:
        return _RECENT[folder.name]
    if not (folder / "pagefind-entry.json").is_file():
        return None
    return {
        PurePosixPath(f.relative_to(folder).as_posix()): f.read_bytes()
        for f in sorted(folder.rglob("*")) if f.is_file()
    }


def _store(folder: Path, files: dict[PurePosixPath, bytes]) -> None:
    staging = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
    try:
        for rel, data in files.items():
            target = staging / Path(*rel.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        staging.rename(folder)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)  # another build stored it first


def search_index(
    pages: Sequence[SearchPage], cache_dir: Path | None
) -> dict[PurePosixPath, bytes]:
    """The search index files for the chapter `pages`, in course order."""
    shards_folder = cache_dir / "html" / "search" if cache_dir is not None else None
    shards = [pages[n * SHARD_SIZE:(n + 1) * SHARD_SIZE] for n in range(shard_count(len(pages)))]
    keys = [_shard_key(shard) for shard in shards]
    found: list[dict[PurePosixPath, bytes] | None] = [
        _cached(shards_folder / key) if shards_folder else None for key in keys]
    missing = [n for n, files in enumerate(found) if files is None]
    # Shards are independent: index them side by side (pagefind is mostly single-threaded).
    with ThreadPoolExecutor(max_workers=max(1, min(len(missing), os.cpu_count() or 1))) as pool:
        indexed = pool.map(_index_shard, [shards[n] for n in missing])
        for n, new_files in zip(missing, indexed, strict=True):
            found[n] = new_files
            if shards_folder is not None:
                shards_folder.mkdir(parents=True, exist_ok=True)
                _store(shards_folder / keys[n], new_files)
    bundle: dict[PurePosixPath, bytes] = {}
    for n, shard_files in enumerate(found):
        assert shard_files is not None
        prefix = f"{SEARCH_INDEX}/{n}/"
        bundle.update({PurePosixPath(prefix + str(rel)): data
                       for rel, data in shard_files.items()})
    if shards_folder is not None and shards_folder.is_dir():
        for old in shards_folder.iterdir():
            if old.name not in keys:
                shutil.rmtree(old, ignore_errors=True)
        _RECENT.clear()
        _RECENT.update({key: files for key, files in zip(keys, found, strict=True) if files})
    return bundle
