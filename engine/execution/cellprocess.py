"""Start one chapter's process (cellrunner.py), watch it, and stop it with its tree.

The process runs confined (engine/execution/sandbox.py) in a fresh folder: the job file, the results
file and a `scratch/` folder (HOME and TMPDIR of the cells) are all deleted afterwards.
Its real stdout/stderr is a pipe read here with a byte cap: `print` is captured inside the
process, but `os.write(1, ...)`, native code and subprocesses write to the descriptors, and
a chapter that floods them is stopped rather than filling memory or a disk.

Stopping goes through the supervisor inside the process (engine/execution/cellguard.py): closing the
"lifeline" pipe, or lessonkit dying and the kernel closing it, makes it kill every process
the cells started and leave; SIGKILL of the process group follows if it does not.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from engine.execution import cellprotocol, cellrunner
from engine.execution.sandbox import DESCRIPTOR_OUTPUT_LIMIT, Sandbox, environment

STOP_GRACE = 2.0
"""Seconds the supervisor gets to kill the cells' processes before everything is killed."""

LOG_TAIL = 4000
"""Bytes kept of the end of the process's own output (a native crash's trace)."""

MATPLOTLIB_CACHE = "matplotlib"
"""Folder in the output cache where matplotlib's font list is kept between chapters."""


class Finished(NamedTuple):
    """What a chapter's process left behind."""

    records: list[cellprotocol.Record]
    """The JSON lines it wrote, up to the last complete one."""
    returncode: int
    timed_out: bool
    log_tail: list[str]
    """The last lines the process wrote to its real stdout/stderr (a native crash's trace)."""
    seconds: float
    flooded: int = 0
    """Bytes written to stdout/stderr when it was stopped for writing too much; else 0."""


_running: dict[int, tuple[subprocess.Popen[bytes], int]] = {}
"""Chapter processes running now, with the write end of their lifeline."""
_lock = threading.Lock()


class StoppedError(Exception):
    """The run was stopped (Ctrl-C) before or while this chapter's process started."""


def launch(
    job: cellprotocol.Job,
    cwd: Path,
    timeout: float,
    sandbox: Sandbox,
    readable: Iterable[Path] = (),
    fonts: Path | None = None,
    stopping: threading.Event | None = None,
) -> Finished:
    """Run `job` in a fresh, confined interpreter in `cwd`; stop it after `timeout` s.

    `readable` are folders the cells read (the course, its python_path); `fonts`, where
    matplotlib's font list is kept so that each chapter need not scan the fonts again.
    `stopping`, once set, keeps a process from starting (raises StoppedError): `stop_all` only
    reaches processes already registered, and a chapter may be between its check and
    its registration when Ctrl-C comes.
    """
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lessonkit-cells-") as temp:
        folder = Path(temp)
        scratch = folder / "scratch"
        scratch.mkdir()
        _seed_fonts(fonts, scratch)
        job_file, results = folder / "job.json", folder / "results.jsonl"
        lifeline, keep = os.pipe()
        launched: cellprotocol.LaunchedJob = {
            **job, "limits": sandbox.limits(timeout), "lifeline": lifeline,
        }
        job_file.write_text(json.dumps(launched), encoding="utf-8")
        if stopping is not None and stopping.is_set():
            os.close(lifeline)
            os.close(keep)
            raise StoppedError
        argv = sandbox.command(
            [sys.executable, "-P", cellrunner.__file__, str(job_file), str(results)],
            cwd=cwd, writable=folder, readable=[cwd, *readable],
        )
        try:
            child = subprocess.Popen(
                argv, cwd=cwd, env=environment(scratch), stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, pass_fds=(lifeline,),
                start_new_session=True,  # the terminal's Ctrl-C is lessonkit's to handle
            )
        finally:
            os.close(lifeline)
        with _lock:
            _running[child.pid] = (child, keep)
        # Set before stop_all looked at _running (see execute_course), or seen here.
        if stopping is not None and stopping.is_set():
            _stop(child, keep)
            raise StoppedError
        try:
            tail, flooded, timed_out = _watch(child, timeout)
        finally:
            _stop(child, keep)
            # Closed here, by the thread reading it, never by `stop_all`: a descriptor closed
            # under another thread's select is dropped from it without waking it, and the
            # reader would sleep to the timeout (or read a closed file).
            assert child.stdout is not None
            child.stdout.close()
        seconds = time.perf_counter() - started
        records = cellprotocol.read_records(results)
        _keep_fonts(scratch, fonts)
    lines = tail[-LOG_TAIL:].decode("utf-8", "replace").splitlines()[-12:]
    return Finished(records, child.returncode, timed_out, lines, seconds, flooded)


def stop_all() -> None:
    """Stop every chapter process still running (on Ctrl-C: nothing outlives lessonkit)."""
    with _lock:
        running = list(_running.values())
    for child, keep in running:
        _stop(child, keep)


def _watch(child: subprocess.Popen[bytes], timeout: float) -> tuple[bytes, int, bool]:
    """Read the process's output until it ends, floods or times out: (tail, flood, timeout)."""
    assert child.stdout is not None
    deadline = time.monotonic() + timeout
    tail, total = b"", 0
    with selectors.DefaultSelector() as selector:
        selector.register(child.stdout, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return tail, 0, True
            if not selector.select(left):
                continue
            chunk = os.read(child.stdout.fileno(), 65536)
            if not chunk:  # every process holding the pipe is gone (or closed it)
                break
            total += len(chunk)
            tail = (tail + chunk)[-LOG_TAIL:]
            if total > DESCRIPTOR_OUTPUT_LIMIT:
                return tail, total, False
    try:
        child.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        return tail, 0, True
    return tail, 0, False


def _stop(child: subprocess.Popen[bytes], keep: int) -> None:
    """End the process and everything it started; safe to call twice, from two threads.

    Its output pipe stays open: the thread watching it reads the end of it and closes it.
    """
    with _lock:
        if _running.pop(child.pid, None) is not None:
            os.close(keep)  # the supervisor sees the lifeline end, kills the tree, exits
    with contextlib.suppress(subprocess.TimeoutExpired):
        child.wait(timeout=STOP_GRACE)
    # Whatever is left of the group (the supervisor itself if it hung) goes now.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()


def _seed_fonts(fonts: Path | None, scratch: Path) -> None:
    """Give the chapter matplotlib's font list from an earlier one (a scan takes ~0.5 s)."""
    if fonts is None or not fonts.is_dir():
        return
    target = scratch / ".matplotlib"
    target.mkdir()
    for found in fonts.glob("fontlist-*.json"):
        with contextlib.suppress(OSError):
            (target / found.name).write_bytes(found.read_bytes())


def _keep_fonts(scratch: Path, fonts: Path | None) -> None:
    """Keep the font list a chapter made for the next ones, once and only as a small file."""
    if fonts is None:
        return
    for made in (scratch / ".matplotlib").glob("fontlist-*.json"):
        kept = fonts / made.name
        with contextlib.suppress(OSError, ValueError):
            if kept.exists() or made.is_symlink() or made.stat().st_size > 2_000_000:
                continue
            json.loads(made.read_bytes())  # a cell may have written it: only JSON is kept
            fonts.mkdir(parents=True, exist_ok=True)
            tmp = fonts / f".{made.name}.{os.getpid()}"
            tmp.write_bytes(made.read_bytes())
            tmp.replace(kept)
