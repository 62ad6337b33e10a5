"""The progress database: migrations, damage, concurrent writers, keys that survive edits."""

from __future__ import annotations

import multiprocessing
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine.model import Course
from learner.schema import MIGRATIONS, SCHEMA_VERSION
from learner.store import (
    Attempt,
    ProgressStore,
    StoreError,
    content_hash,
    default_path,
)

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def _attempt(question_id: str, fraction: float = 1.0, session_id: int | None = None,
             answered: bool = True, digest: str = "h") -> Attempt:
    return Attempt("c", question_id, "ch", digest, "0" if answered else None, answered,
                   fraction, fraction, fraction, 1.0, 0, 1.5, "2025-03-01T12:00:00+00:00",
                   session_id)


def test_default_path_honours_the_environment(tmp_path: Path) -> None:
    assert default_path() == tmp_path / "progress.sqlite3"  # set by the autouse fixture


def test_a_new_database_uses_wal_and_the_latest_schema(tmp_path: Path) -> None:
    with ProgressStore.open(tmp_path / "sub" / "p.db") as store:
        store.record(_attempt("q1"))
    db = sqlite3.connect(tmp_path / "sub" / "p.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS)


def test_an_old_database_is_migrated_and_keeps_its_answers(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        db.execute(statement)
    db.execute("PRAGMA user_version = 1")
    db.execute(
        "INSERT INTO attempts (course_id, question_id, chapter_id, content_hash, response, "
        "answered, fraction, score, points, max_points, hints_used, duration, answered_at) "
        "VALUES ('c', 'q1', 'ch', 'h', '1', 1, 1, 1, 1, 1, 0, 2.0, '2024-01-01T00:00:00+00:00')"
    )
    db.commit()
    db.close()
    with ProgressStore.open(path) as store:
        assert set(store.latest_attempts("c")) == {"q1"}
        store.reveal_hint(store.start_session("c", "course", "quiz", 1, ["q1"], NOW).id, "q1", 1)
        assert store.cards("c") == {}  # the tables of migration 2 exist
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_database_from_a_newer_lessonkit_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="upgrade lessonkit"):
        ProgressStore.open(path)
    assert path.read_bytes() == before


def test_a_damaged_file_is_moved_aside_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    garbage = b"this is not an SQLite database, just some bytes " * 100
    path.write_bytes(garbage)
    with ProgressStore.open(path) as store:
        assert store.moved_aside is not None
        assert store.moved_aside.read_bytes() == garbage
        assert store.moved_aside.name.startswith("p.db.damaged-")
        store.record(_attempt("q1"))  # and a fresh database works
    assert path.read_bytes() != garbage


def test_an_unreadable_file_is_an_error_and_stays_where_it_is(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder.db"
    folder.mkdir()  # a folder where the file should be: cannot be opened
    with pytest.raises(StoreError, match="cannot open the progress database"):
        ProgressStore.open(folder)
    assert folder.is_dir()


def test_latest_attempt_wins_and_skips_are_not_answers(tmp_path: Path) -> None:
    with ProgressStore.open(tmp_path / "p.db") as store:
        store.record(_attempt("q1", 0.0))
        store.record(_attempt("q1", 1.0))
        store.record(_attempt("q2", answered=False))
        latest = store.latest_attempts("c")
        assert latest["q1"].fraction == 1.0
        assert not latest["q2"].answered
        assert store.answered_ids("c") == {"q1"}


def test_sessions_resume_and_a_new_one_abandons_the_open_one(tmp_path: Path) -> None:
    with ProgressStore.open(tmp_path / "p.db") as store:
        first = store.start_session("c", "chapter:x", "quiz", 5, ["q1", "q2"], NOW)
        assert store.open_session("c", "chapter:x") == first
        assert first.question_ids == ("q1", "q2") and first.seed == 5
        assert store.open_session("c", "course") is None
        second = store.start_session("c", "chapter:x", "retry", 6, ["q2"], NOW)
        assert store.open_session("c", "chapter:x") == second
        store.finish_session(second.id, NOW)
        assert store.open_session("c", "chapter:x") is None


def test_hints_are_remembered_per_session(tmp_path: Path) -> None:
    with ProgressStore.open(tmp_path / "p.db") as store:
        session = store.start_session("c", "course", "quiz", 1, ["q1"], NOW)
        assert store.hints_revealed(session.id, "q1") == 0
        store.reveal_hint(session.id, "q1", 1)
        store.reveal_hint(session.id, "q1", 2)
        store.reveal_hint(session.id, "q1", 1)  # never goes back down
        assert store.hints_revealed(session.id, "q1") == 2


def test_reset_of_some_questions_keeps_the_rest(tmp_path: Path) -> None:
    with ProgressStore.open(tmp_path / "p.db") as store:
        for qid in ("q1", "q2", "q3"):
            store.record(_attempt(qid), ('{"card": 1}', "2025-03-02T00:00:00+00:00"))
        assert store.reset("c", ["q1", "q2"]) == 2
        assert set(store.latest_attempts("c")) == {"q3"}
        assert set(store.cards("c")) == {"q3"}
        assert store.reset("c") == 1
        assert store.latest_attempts("c") == {} and store.cards("c") == {}


def test_the_content_hash_follows_the_content_not_the_id(course: Course) -> None:
    question = course.questions[0]
    edited = question.model_copy(update={"prompt": question.prompt + " (typo fixed)"})
    assert content_hash(question) == content_hash(question.model_copy())
    assert content_hash(edited) != content_hash(question)
    assert len(content_hash(question)) == 64


def _writer(path: str, worker: int, count: int) -> None:
    with ProgressStore.open(Path(path)) as store:
        for n in range(count):
            store.record(_attempt(f"w{worker}-q{n}"), ("{}", "2025-03-02T00:00:00+00:00"))


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(path), w, 150)) for w in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0  # no "database is locked" crash
    with ProgressStore.open(path) as store:
        assert len(store.latest_attempts("c")) == 300
        assert len(store.cards("c")) == 300
    check = sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0]
    assert check == "ok"
