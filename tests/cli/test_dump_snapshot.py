"""`lessonkit dump` of the completeness course, compared with a reviewed snapshot.

The dump is what every renderer sees; a change here is a change for all of them. After an
intended change, rewrite the snapshot with `pytest tests/engine --update-snapshots` and
review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from cli.main import main
from tests.helpers import COMPLETE_COURSE, ROOT

SNAPSHOT = ROOT / "tests" / "snapshots" / "dump" / "complete.json"


def dump_complete() -> str:
    # Paths in the dump are relative to the course; run from the repository like a user would.
    old = Path.cwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(
            main, ["dump", COMPLETE_COURSE.relative_to(ROOT).as_posix(), "--format", "json"]
        )
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_dump_matches_the_snapshot(update_snapshots: bool) -> None:
    printed = dump_complete()
    if update_snapshots:
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(printed, encoding="utf-8")
    assert SNAPSHOT.is_file(), "no snapshot yet: run pytest with --update-snapshots"
    assert printed == SNAPSHOT.read_text(encoding="utf-8"), (
        "the dump changed; if intended, run pytest with --update-snapshots and review the diff"
    )


def test_dump_is_deterministic() -> None:
    assert dump_complete() == dump_complete()


def test_snapshot_keeps_what_the_author_typed() -> None:
    # Spot checks that make the snapshot's meaning explicit (and fail loudly if it drifts).
    data = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    choices = data["sections"][0]["chapters"][0]["blocks"][1]["choices"]
    assert [c["text"] for c in choices][2] == "no"
    assert data["feedback"]["endpoint"] is None
    assert data["sections"][1]["title"] == 'More "types"'
