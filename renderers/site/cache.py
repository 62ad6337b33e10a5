"""Memoised chapter pages and search shards, so an unchanged chapter is not rendered
(or indexed) again.

A chapter page is keyed by a digest of the object it is rendered from (the chapter, its
cell outputs, the frame around it: renderers/site/pageinput.py) and the renderer's own
version (its code, templates, static files, catalogs and the versions of the libraries
that shape the HTML: renderers/site/version.py). A search shard is keyed by the keys of its pages.
Entries are content-addressed, so they never need invalidating; entries a build did
not use are deleted at its end.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from renderers.site.version import renderer_version


@dataclass(frozen=True)
class CachedPage:
    """A rendered chapter page and the course files it links to."""

    html: bytes
    media: tuple[str, ...]
    """Course files the page links to (copied into the site)."""
    missing: tuple[str, ...]
    """Relative targets that did not exist when the page was rendered."""


IndexFiles = dict[PurePosixPath, bytes]
"""The files of one search index shard, by path inside the shard."""

_KEYS_PER_QUERY = 500
"""Keys per `IN (...)` query (well under SQLite's limit on bound parameters)."""

SCHEMA_VERSION = 1
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS pages (key TEXT PRIMARY KEY, html BLOB NOT NULL,"
    " media TEXT NOT NULL, missing TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS shard_files (shard TEXT NOT NULL, path TEXT NOT NULL,"
    " data BLOB NOT NULL, PRIMARY KEY (shard, path))",
)


@dataclass
class RecentEntries:
    """What the last build used, kept in memory (by `lessonkit serve`, in its rebuild
    state): it then reads nothing from disk for the chapters that did not change. One
    course at a time, so memory stays proportional to one site."""

    folder: Path | None = None
    """The cache folder the entries belong to."""
    pages: dict[str, CachedPage] = field(default_factory=dict)
    shards: dict[str, IndexFiles] = field(default_factory=dict)


class BuildCache:
    """Chapter pages and search shards of earlier builds, in one SQLite file
    (`<cache_dir>/html/cache.sqlite`); a no-op without a cache dir.

    One file rather than a file per page: creating thousands of small files is most of
    the cost of writing a cache, and a transaction makes every write all-or-nothing.
    The cache is disposable: a damaged or older-format file is replaced, and any error
    reading or writing it only costs a re-render.
    """

    def __init__(self, cache_dir: Path | None, recent: RecentEntries) -> None:
        self.folder = cache_dir / "html" if cache_dir is not None else None
        self.recent = recent
        self.db: sqlite3.Connection | None = None
        self.used_pages: dict[str, CachedPage] = {}
        self.used_shards: dict[str, IndexFiles] = {}
        self.new_pages: dict[str, CachedPage] = {}
        self.new_shards: dict[str, IndexFiles] = {}
        self.fetched: dict[str, CachedPage] = {}
        same = self.folder is not None and recent.folder == self.folder
        self.recent_pages = recent.pages if same else {}
        self.recent_shards = recent.shards if same else {}
        if self.folder is not None:
            self.db = _open(self.folder / "cache.sqlite")

    def prefetch(self, keys: Sequence[str]) -> None:
        """Read the pages stored under `keys` in a few queries, for `page` to find in
        memory (one query per page costs more than the reading on a big course)."""
        wanted = [k for k in keys if k not in self.recent_pages and k not in self.fetched]
        if self.db is None or not wanted:
            return
        try:
            for start in range(0, len(wanted), _KEYS_PER_QUERY):
                batch = wanted[start:start + _KEYS_PER_QUERY]
                rows = self.db.execute(
                    "SELECT key, html, media, missing FROM pages WHERE key IN "
                    f"({','.join('?' * len(batch))})", batch).fetchall()
                for key, html, media, missing in rows:
                    self.fetched[key] = CachedPage(bytes(html), tuple(json.loads(media)),
                                                   tuple(json.loads(missing)))
        except sqlite3.Error as error:
            self._discard_if_damaged(error)

    def page(self, key: str) -> CachedPage | None:
        """The page stored under `key`, or None."""
        page = (self.recent_pages.get(key) or self.fetched.pop(key, None)
                or self.new_pages.get(key))
        if page is None and self.db is not None:
            try:
                row = self.db.execute(
                    "SELECT html, media, missing FROM pages WHERE key = ?", (key,)).fetchone()
            except sqlite3.Error as error:
                self._discard_if_damaged(error)
                row = None
            if row is not None:
                page = CachedPage(bytes(row[0]), tuple(json.loads(row[1])),
                                  tuple(json.loads(row[2])))
        if page is not None:
            self.used_pages[key] = page
        return page

    def put_page(self, key: str, page: CachedPage) -> None:
        """Store a page (written when the build closes the cache)."""
        self.new_pages[key] = self.used_pages[key] = page

    def shard(self, key: str) -> IndexFiles | None:
        """The search shard stored under `key`, or None."""
        files = self.recent_shards.get(key) or self.new_shards.get(key)
        if files is None and self.db is not None:
            try:
                rows = self.db.execute(
                    "SELECT path, data FROM shard_files WHERE shard = ? ORDER BY path",
                    (key,)).fetchall()
            except sqlite3.Error as error:
                self._discard_if_damaged(error)
                rows = []
            files = {PurePosixPath(path): bytes(data) for path, data in rows} or None
        if files is not None:
            self.used_shards[key] = files
        return files

    def put_shard(self, key: str, files: IndexFiles) -> None:
        """Store a search shard (written when the build closes the cache)."""
        self.new_shards[key] = self.used_shards[key] = files

    def close(self) -> None:
        """Write what this build added and delete every entry it did not use, in one
        transaction."""
        try:
            self._write()
        finally:
            self.recent.folder = self.folder
            self.recent.pages, self.recent.shards = self.used_pages, self.used_shards

    def _write(self) -> None:
        if self.db is None:
            return
        try:
            with self.db:
                self.db.executemany(
                    "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?)",
                    [(key, p.html, json.dumps(p.media), json.dumps(p.missing))
                     for key, p in self.new_pages.items()])
                self.db.executemany(
                    "INSERT OR REPLACE INTO shard_files VALUES (?, ?, ?)",
                    [(key, str(path), data) for key, files in self.new_shards.items()
                     for path, data in files.items()])
                if self.recent_pages or self.recent_shards:
                    # The last build of this process left exactly what it used.
                    stale_pages = set(self.recent_pages) - set(self.used_pages)
                    stale_shards = set(self.recent_shards) - set(self.used_shards)
                    self.db.executemany("DELETE FROM pages WHERE key = ?",
                                        [(k,) for k in stale_pages])
                    self.db.executemany("DELETE FROM shard_files WHERE shard = ?",
                                        [(k,) for k in stale_shards])
                else:
                    self._delete_unused()
        except sqlite3.Error as error:
            # A cache that cannot be written only makes the next build slower.
            self._discard_if_damaged(error)
        finally:
            if self.db is not None:
                self.db.close()
                self.db = None

    def _discard_if_damaged(self, error: sqlite3.Error) -> None:
        """Delete a damaged database (the next build starts a new one); keep it on other
        errors, such as another build holding the lock too long."""
        if not isinstance(error, sqlite3.DatabaseError) or isinstance(
                error, sqlite3.OperationalError):
            return
        if self.db is not None:
            self.db.close()
            self.db = None
        if self.folder is not None:
            _delete_database(self.folder / "cache.sqlite")

    def _delete_unused(self) -> None:
        assert self.db is not None
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY)")
        self.db.execute("DELETE FROM used")
        self.db.executemany("INSERT INTO used VALUES (?)",
                            [(k,) for k in (*self.used_pages, *self.used_shards)])
        self.db.execute("DELETE FROM pages WHERE key NOT IN (SELECT key FROM used)")
        self.db.execute("DELETE FROM shard_files WHERE shard NOT IN (SELECT key FROM used)")


def _open(path: Path) -> sqlite3.Connection | None:
    """The cache database at `path`, made or remade as needed; None if that fails."""
    for attempt in range(2):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, timeout=30)
            if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                db.execute("DROP TABLE IF EXISTS pages")
                db.execute("DROP TABLE IF EXISTS shard_files")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            # A rollback journal keeps every build's write all-or-nothing even if the
            # process dies; not syncing to disk only risks the file on a power cut, and a
            # damaged cache is replaced (`_discard_if_damaged`). This halves the time of
            # writing the cache of a cold build, next to write-ahead logging with syncs.
            db.execute("PRAGMA journal_mode = DELETE")
            db.execute("PRAGMA synchronous = OFF")
            for statement in _SCHEMA:
                db.execute(statement)
            db.commit()
            return db
        except (sqlite3.Error, OSError):
            if attempt == 0:
                _delete_database(path)
    return None


def page_key(*parts: str) -> str:
    """The cache key of a page from the texts it depends on."""
    digest = hashlib.sha256(renderer_version().encode())
    for part in parts:
        digest.update(b"\0")
        digest.update(part.encode())
    return digest.hexdigest()[:40]


def _delete_database(path: Path) -> None:
    """Delete the database and its journals, if they can be."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
