"""The progress database file: its schema, its migrations, opening it safely.

Why these settings: WAL lets readers and one writer work at once; `busy_timeout` makes a
second writer wait instead of failing with "database is locked"; `synchronous = FULL`
makes each committed answer survive a power cut, not only a crash. The schema version
lives in `PRAGMA user_version` and `MIGRATIONS` brings any older file up to date, under
the write lock, so two processes opening a new file at once migrate it once.

A file that is not a database is moved aside, never overwritten; a file that cannot be
opened (permissions, a folder in its place) is left alone and reported.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

BUSY_TIMEOUT_MS = 30_000
"""How long a writer waits for another one before giving up."""

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: quiz sessions and every answer given in them.
    (
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            course_id TEXT NOT NULL,
            scope TEXT NOT NULL,
            mode TEXT NOT NULL,
            seed INTEGER NOT NULL,
            question_ids TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            abandoned INTEGER NOT NULL DEFAULT 0)""",
        "CREATE INDEX sessions_open ON sessions (course_id, scope, finished_at)",
        """CREATE TABLE attempts (
            id INTEGER PRIMARY KEY,
            session_id INTEGER REFERENCES sessions (id) ON DELETE SET NULL,
            course_id TEXT NOT NULL,
            question_id TEXT NOT NULL,
            chapter_id TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            response TEXT,
            answered INTEGER NOT NULL,
            fraction REAL NOT NULL,
            score REAL NOT NULL,
            points REAL NOT NULL,
            max_points REAL NOT NULL,
            hints_used INTEGER NOT NULL,
            duration REAL NOT NULL,
            answered_at TEXT NOT NULL)""",
        "CREATE INDEX attempts_question ON attempts (course_id, question_id, id)",
        "CREATE INDEX attempts_session ON attempts (session_id, question_id)",
    ),
    # 2: hints revealed before answering, spaced-repetition cards, chapter feedback.
    (
        """CREATE TABLE hints (
            session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            question_id TEXT NOT NULL,
            revealed INTEGER NOT NULL,
            PRIMARY KEY (session_id, question_id))""",
        """CREATE TABLE cards (
            course_id TEXT NOT NULL,
            question_id TEXT NOT NULL,
            card TEXT NOT NULL,
            due TEXT NOT NULL,
            PRIMARY KEY (course_id, question_id))""",
        """CREATE TABLE feedback (
            id INTEGER PRIMARY KEY,
            course_id TEXT NOT NULL,
            chapter_id TEXT NOT NULL,
            session_id INTEGER,
            clear INTEGER,
            comment TEXT NOT NULL DEFAULT '',
            given_at TEXT NOT NULL)""",
    ),
)
"""Schema changes, in order; the file's `user_version` counts how many are applied."""

SCHEMA_VERSION = len(MIGRATIONS)

class StoreError(Exception):
    """The progress database cannot be used; the message says why and what to do."""



def connect(path: Path) -> sqlite3.Connection:
    """An autocommit connection to `path`, in WAL mode, checked and migrated."""
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Refuse a newer schema before anything (even the journal mode) touches the file.
        _refuse_newer(int(db.execute("PRAGMA user_version").fetchone()[0]))
        _retry_locked(lambda: db.execute("PRAGMA journal_mode = WAL").fetchone())
        # FULL: an answer survives a power cut too, not only a crash; one fsync per answer.
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA foreign_keys = ON")
        check = db.execute("PRAGMA quick_check").fetchone()
        if check is None or check[0] != "ok":
            raise sqlite3.DatabaseError(f"database disk image is malformed ({check})")
        _migrate(db)
    except BaseException:
        db.close()
        raise
    return db


def _retry_locked(action: Callable[[], object]) -> None:
    # Switching to WAL needs a moment of exclusive access; a concurrent opener can make it
    # fail with "locked" even with a busy timeout, so try again for a while.
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            action()
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _migrate(db: sqlite3.Connection) -> None:
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    _refuse_newer(version)
    if version == SCHEMA_VERSION:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the write lock: another process may have migrated meanwhile.
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        for statements in MIGRATIONS[version:]:
            for statement in statements:
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {max(version, SCHEMA_VERSION)}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _refuse_newer(version: int) -> None:
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the progress database has schema version {version}, but this lessonkit knows "
            f"only up to {SCHEMA_VERSION}: upgrade lessonkit, or use another --progress-db"
        )


def is_damage(error: sqlite3.DatabaseError) -> bool:
    """Whether `error` means the file's content is damaged (not merely inaccessible)."""
    if isinstance(error, sqlite3.OperationalError):
        # "unable to open", "locked", "readonly": the file may be fine; do not move it.
        return False
    text = str(error).lower()
    return any(w in text for w in ("not a database", "malformed", "corrupt", "encrypted"))


def move_aside(path: Path) -> Path:
    """Rename a damaged database (and its WAL files) to a free `.damaged-<time>` name."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    path.rename(aside)
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(aside.with_name(aside.name + suffix))
    return aside
