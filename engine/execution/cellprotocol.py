"""What the parent and the process that runs a chapter's cells say to each other.

cellprocess.py starts cellrunner.py (both in engine/execution/) with two paths, JOB and
RESULTS. The protocol's version is cellrunner.py's FORMAT (the child refuses any other). The
child cannot import this module (it keeps engine/ off its path): these types are for the
checker on both sides, and `read_records` is the parent's.

JOB is a JSON file:

    {"format": FORMAT, "python_path": [absolute folders], "output_limit": characters per stream,
     "limits": {"memory", "processes", "file_size", "cpu_seconds": int}, "lifeline": fd,
     "cells": [{"id", "filename", "source",
                "verify": [{"question", "expr", "want": "number" | "text"}]}]}

RESULTS is a file the child appends JSON lines to, one flushed line per event, so the
parent still knows what happened when the process is killed half-way:

    {"event": "start", "cell": id}                       the cell is about to run
    {"event": "cell", "cell": id, "stdout", "stderr", "dropped": {"stdout": n, "stderr": n},
     "figures": [svg, ...], "duration": s, "error": null | ERROR,
     "verified": {question id: {"value": repr of a float, or text} | {"error": text}}}
    {"event": "end"}                                      every cell ran, or one failed

    ERROR = {"summary": "Type: message", "syntax": bool, "file": "<cell:ID>" | null,
             "line", "column", "end_column" (1-based, in that cell; null when unknown),
             "frames": [{"file", "line", "name", "text"}, ...]}   innermost last
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal, TypedDict


class VerifyJob(TypedDict):
    question: str
    expr: str
    want: Literal["number", "text"]


class CellJob(TypedDict):
    id: str
    filename: str
    source: str
    verify: list[VerifyJob]


class Job(TypedDict):
    """What the parent plans for a chapter (engine/execution/execute.py)."""

    format: int
    python_path: list[str]
    output_limit: int
    cells: list[CellJob]


class LaunchedJob(Job):
    """The job as the child reads it: with the limits and lifeline of its launch."""

    limits: dict[str, int]
    lifeline: int


class FrameRecord(TypedDict):
    file: str
    line: int | None
    name: str
    text: str


class ErrorRecord(TypedDict):
    summary: str
    syntax: bool
    file: str | None
    line: int | None
    column: int | None
    end_column: int | None
    frames: list[FrameRecord]


class VerifiedRecord(TypedDict, total=False):
    """Exactly one of the two: the value, or why the expression failed."""

    value: str
    error: str


class Dropped(TypedDict):
    stdout: int
    stderr: int


class StartRecord(TypedDict):
    event: Literal["start"]
    cell: str


class CellRecord(TypedDict):
    event: Literal["cell"]
    cell: str
    stdout: str
    stderr: str
    dropped: Dropped
    figures: list[str]
    duration: float
    error: ErrorRecord | None
    verified: dict[str, VerifiedRecord]


class EndRecord(TypedDict):
    event: Literal["end"]


Record = StartRecord | CellRecord | EndRecord

_EVENTS = ("start", "cell", "end")



def read_records(path: Path) -> list[Record]:
    """The complete JSON lines of a results file (a killed child may leave half a line).

    A line that is not one of the protocol's events is passed over.
    """
    records: list[Record] = []
    if not path.exists():
        return records
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            break
        if not isinstance(record, dict) or record.get("event") not in _EVENTS:
            continue
        records.append(record)  # type: ignore[arg-type]  # its shape is the child's promise
    return records
