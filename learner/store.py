"""The learner's progress: an embedded SQLite database, one per user.

Why SQLite and not a JSON file: every answer is committed the moment it is given, two
quiz processes may share the file, and a crash must never cost more than the answer
being typed. Every write takes the write lock up front (`BEGIN IMMEDIATE`), so no
transaction has to upgrade a read lock, which is the case SQLite's busy handler cannot
resolve. The file itself (schema, migrations, damage) is `schema`'s business.

Rows are keyed by course id and question id, never by content, so fixing a typo in a
question keeps its history; the question's content hash is stored beside each answer to
flag the ones that changed since.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from engine.grading.standing import kept_points
from learner.schema import StoreError, connect, is_damage, move_aside

if TYPE_CHECKING:
    from engine.model import QuestionType

ENV_VAR = "LESSONKIT_PROGRESS_DB"
__all__ = ["Attempt", "Feedback", "ProgressStore", "Session", "StoreError", "content_hash"]


def default_path() -> Path:
    """`$LESSONKIT_PROGRESS_DB`, else progress.sqlite3 in the per-user data folder."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("lessonkit")) / "progress.sqlite3"


def content_hash(question: QuestionType) -> str:
    """sha256 of the question's canonical JSON: changes whenever the question does."""
    return hashlib.sha256(question.model_dump_json().encode("utf-8")).hexdigest()


def utc_iso(moment: datetime) -> str:
    """A timestamp as stored: UTC, ISO 8601, seconds precision."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Session:
    """One pass through a list of questions (a quiz, a retry round or a review)."""

    id: int
    course_id: str
    scope: str
    mode: str
    seed: int
    question_ids: tuple[str, ...]
    started_at: str
    finished_at: str | None


@dataclass(frozen=True)
class Attempt:
    """One answer (or skip) to one question, as stored."""

    course_id: str
    question_id: str
    chapter_id: str
    content_hash: str
    response: str | None
    """The response as JSON (authored indices, see engine.grading.score); None when skipped."""
    answered: bool
    fraction: float
    score: float
    points: float
    max_points: float
    hints_used: int
    duration: float
    answered_at: str
    session_id: int | None = None


@dataclass(frozen=True)
class Feedback:
    """One answer to "Was everything clear?" at the end of a chapter."""

    course_id: str
    chapter_id: str
    clear: bool | None
    comment: str
    given_at: str


class ProgressStore:
    """The progress database of one user."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self._db.row_factory = sqlite3.Row  # rows read by column name, not by position
        self.path = path
        self.moved_aside: Path | None = None
        """Where a damaged file was moved when this store was opened, if it was."""

    # --- opening ----------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> ProgressStore:
        """Open (or create) the database at `path`, migrating it to the current schema."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            return cls(connect(path), path)
        except OSError as error:
            raise StoreError(f"cannot open the progress database {path}: {error}") from error
        except sqlite3.DatabaseError as error:
            if not is_damage(error):
                raise StoreError(f"cannot open the progress database {path}: {error}") from error
            aside = move_aside(path)
            store = cls(connect(path), path)
            store.moved_aside = aside
            return store

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ProgressStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise self._unwritable(error) from error
        try:
            yield self._db
        except sqlite3.OperationalError as error:
            self._db.execute("ROLLBACK")
            raise self._unwritable(error) from error
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.OperationalError as error:
            raise self._unwritable(error) from error

    def _unwritable(self, error: sqlite3.OperationalError) -> StoreError:
        # A read-only file or folder, a full disk, another process holding the lock:
        # the learner gets one sentence naming the file, not a traceback.
        return StoreError(f"cannot save progress to {self.path}: {error}")

    # --- sessions ---------------------------------------------------------------------

    def start_session(
        self, course_id: str, scope: str, mode: str, seed: int, question_ids: Sequence[str],
        now: datetime,
    ) -> Session:
        """A new session; any unfinished session of the same scope is abandoned."""
        with self._write() as db:
            db.execute(
                "UPDATE sessions SET abandoned = 1, finished_at = ? "
                "WHERE course_id = ? AND scope = ? AND finished_at IS NULL",
                (utc_iso(now), course_id, scope),
            )
            cursor = db.execute(
                "INSERT INTO sessions (course_id, scope, mode, seed, question_ids, started_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (course_id, scope, mode, seed, "\n".join(question_ids), utc_iso(now)),
            )
        session_id = cursor.lastrowid
        assert session_id is not None
        return self.session(session_id)

    def session(self, session_id: int) -> Session:
        row = self._db.execute(_SESSION_SELECT + " WHERE id = ?", (session_id,)).fetchone()
        return _session(row)

    def open_session(self, course_id: str, scope: str) -> Session | None:
        """The latest unfinished session of `scope`, to resume."""
        row = self._db.execute(
            _SESSION_SELECT + " WHERE course_id = ? AND scope = ? AND finished_at IS NULL "
            "ORDER BY id DESC LIMIT 1",
            (course_id, scope),
        ).fetchone()
        return _session(row) if row else None

    def finish_session(self, session_id: int, now: datetime) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE sessions SET finished_at = ? WHERE id = ? AND finished_at IS NULL",
                (utc_iso(now), session_id),
            )

    # --- answers ----------------------------------------------------------------------

    def record(self, attempt: Attempt, card: tuple[str, str] | None = None) -> None:
        """Commit one answer, and the question's new review card (JSON, due) with it."""
        with self._write() as db:
            db.execute(
                "INSERT INTO attempts (session_id, course_id, question_id, chapter_id, "
                "content_hash, response, answered, fraction, score, points, max_points, "
                "hints_used, duration, answered_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (attempt.session_id, attempt.course_id, attempt.question_id, attempt.chapter_id,
                 attempt.content_hash, attempt.response, int(attempt.answered), attempt.fraction,
                 attempt.score, attempt.points, attempt.max_points, attempt.hints_used,
                 attempt.duration, attempt.answered_at),
            )
            if card is not None:
                db.execute(
                    "INSERT INTO cards (course_id, question_id, card, due) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (course_id, question_id) DO UPDATE "
                    "SET card = excluded.card, due = excluded.due",
                    (attempt.course_id, attempt.question_id, *card),
                )

    def session_attempts(self, session_id: int) -> list[Attempt]:
        """The answers given in a session, in the order they were given."""
        rows = self._db.execute(
            _ATTEMPT_SELECT + " WHERE session_id = ? ORDER BY id", (session_id,)
        ).fetchall()
        return [_attempt(row) for row in rows]

    def latest_attempts(self, course_id: str) -> dict[str, Attempt]:
        """The most recent answer to each question of the course."""
        rows = self._db.execute(
            _ATTEMPT_SELECT + " WHERE id IN (SELECT max(id) FROM attempts WHERE course_id = ? "
            "GROUP BY question_id)",
            (course_id,),
        ).fetchall()
        return {row["question_id"]: _attempt(row) for row in rows}

    def kept_points(self, course_id: str) -> dict[str, float]:
        """The points each answered question keeps (engine.grading.standing: the best answer's)."""
        rows = self._db.execute(
            "SELECT question_id, points FROM attempts WHERE course_id = ? AND answered = 1 "
            "ORDER BY id",
            (course_id,),
        ).fetchall()
        kept: dict[str, float] = {}
        for question_id, earned in rows:
            kept[question_id] = kept_points(kept.get(question_id), float(earned))
        return kept

    def latest_attempt(self, course_id: str, question_id: str) -> Attempt | None:
        """The most recent answer to one question, if any."""
        row = self._db.execute(
            _ATTEMPT_SELECT + " WHERE course_id = ? AND question_id = ? ORDER BY id DESC LIMIT 1",
            (course_id, question_id),
        ).fetchone()
        return _attempt(row) if row else None

    def answered_ids(self, course_id: str) -> set[str]:
        """Questions of the course that were ever answered (not only skipped)."""
        rows = self._db.execute(
            "SELECT DISTINCT question_id FROM attempts WHERE course_id = ? AND answered = 1",
            (course_id,),
        ).fetchall()
        return {row[0] for row in rows}

    # --- hints ------------------------------------------------------------------------

    def hints_revealed(self, session_id: int, question_id: str) -> int:
        row = self._db.execute(
            "SELECT revealed FROM hints WHERE session_id = ? AND question_id = ?",
            (session_id, question_id),
        ).fetchone()
        return int(row[0]) if row else 0

    def reveal_hint(self, session_id: int, question_id: str, revealed: int) -> None:
        """Remember that `revealed` hints are shown, so quitting does not make them free."""
        with self._write() as db:
            db.execute(
                "INSERT INTO hints (session_id, question_id, revealed) VALUES (?, ?, ?) "
                "ON CONFLICT (session_id, question_id) DO UPDATE SET revealed = "
                "max(revealed, excluded.revealed)",
                (session_id, question_id, revealed),
            )

    # --- review cards -----------------------------------------------------------------

    def cards(self, course_id: str) -> dict[str, tuple[str, str]]:
        """Question id -> (card JSON, due timestamp) for every card of the course."""
        rows = self._db.execute(
            "SELECT question_id, card, due FROM cards WHERE course_id = ?", (course_id,)
        ).fetchall()
        return {row[0]: (row[1], row[2]) for row in rows}

    # --- feedback ---------------------------------------------------------------------

    def add_feedback(self, feedback: Feedback, session_id: int | None) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO feedback (course_id, chapter_id, session_id, clear, comment, "
                "given_at) VALUES (?, ?, ?, ?, ?, ?)",
                (feedback.course_id, feedback.chapter_id, session_id,
                 None if feedback.clear is None else int(feedback.clear), feedback.comment,
                 feedback.given_at),
            )

    def feedback(self, course_id: str) -> list[Feedback]:
        rows = self._db.execute(
            "SELECT course_id, chapter_id, clear, comment, given_at FROM feedback "
            "WHERE course_id = ? ORDER BY id",
            (course_id,),
        ).fetchall()
        return [Feedback(r[0], r[1], None if r[2] is None else bool(r[2]), r[3], r[4])
                for r in rows]

    # --- reset ------------------------------------------------------------------------

    def reset(self, course_id: str, question_ids: Sequence[str] | None = None) -> int:
        """Forget answers, hints and cards (all of the course, or of some questions).

        Returns the number of answers deleted. Feedback is kept: it belongs to the author.
        """
        with self._write() as db:
            if question_ids is None:
                deleted = db.execute("DELETE FROM attempts WHERE course_id = ?", (course_id,))
                db.execute("DELETE FROM cards WHERE course_id = ?", (course_id,))
                db.execute("DELETE FROM sessions WHERE course_id = ?", (course_id,))
                return deleted.rowcount
            count = 0
            for question_id in question_ids:
                key = (course_id, question_id)
                count += db.execute(
                    "DELETE FROM attempts WHERE course_id = ? AND question_id = ?", key
                ).rowcount
                db.execute("DELETE FROM cards WHERE course_id = ? AND question_id = ?", key)
                db.execute(
                    "DELETE FROM hints WHERE question_id = ? AND session_id IN "
                    "(SELECT id FROM sessions WHERE course_id = ?)", (question_id, course_id),
                )
            return count


_SESSION_SELECT = (
    "SELECT id, course_id, scope, mode, seed, question_ids, started_at, finished_at FROM sessions"
)
_ATTEMPT_SELECT = (
    "SELECT course_id, question_id, chapter_id, content_hash, response, answered, fraction, "
    "score, points, max_points, hints_used, duration, answered_at, session_id FROM attempts"
)


def _session(row: sqlite3.Row) -> Session:
    ids = str(row["question_ids"])
    return Session(
        id=int(row["id"]),
        course_id=str(row["course_id"]),
        scope=str(row["scope"]),
        mode=str(row["mode"]),
        seed=int(row["seed"]),
        question_ids=tuple(ids.split("\n")) if ids else (),
        started_at=str(row["started_at"]),
        finished_at=None if row["finished_at"] is None else str(row["finished_at"]),
    )


def _attempt(row: sqlite3.Row) -> Attempt:
    return Attempt(
        course_id=str(row["course_id"]),
        question_id=str(row["question_id"]),
        chapter_id=str(row["chapter_id"]),
        content_hash=str(row["content_hash"]),
        response=None if row["response"] is None else str(row["response"]),
        answered=bool(row["answered"]),
        fraction=float(row["fraction"]),
        score=float(row["score"]),
        points=float(row["points"]),
        max_points=float(row["max_points"]),
        hints_used=int(row["hints_used"]),
        duration=float(row["duration"]),
        answered_at=str(row["answered_at"]),
        session_id=None if row["session_id"] is None else int(row["session_id"]),
    )
