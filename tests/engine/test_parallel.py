"""Work in forked workers: same results, same order, failures surfaced or absorbed."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import signal
import struct
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path, PurePosixPath

import pytest

from engine.parallel import (
    CHUNK,
    RECEIVING_SWITCH_INTERVAL,
    RESULT_PIPE_BYTES,
    WorkerError,
    _kill_workers,
    _widen_result_pipe,
    can_fork,
    ordered_map,
)
from renderers.base import RenderContext
from renderers.site import HtmlOptions, HtmlRenderer
from tests.renderers.site.html_helpers import make_course

PARENT = os.getpid()


def test_workers_are_forked_on_linux() -> None:
    assert can_fork()  # the tests below need it; CI runs on Linux


def square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


class EveryWorkerTakesAChunk:
    """square_and_pid, but a worker's first item waits until every worker has one, so an
    idle worker cannot take all the chunks of work this quick."""

    def __init__(self, workers: int) -> None:
        self.barrier = multiprocessing.get_context("fork").Barrier(workers, timeout=30)
        self.started = False  # in a worker: its own copy, from the fork

    def __call__(self, n: int) -> tuple[int, int]:
        if os.getpid() != PARENT and not self.started:
            self.started = True
            self.barrier.wait()
        return square_and_pid(n)


@pytest.mark.parametrize("processes", [2, 3])
def test_results_come_back_in_order_from_several_processes(processes: int) -> None:
    items = list(range(CHUNK * 7 + 3))
    results = list(ordered_map(EveryWorkerTakesAChunk(processes - 1), items, processes))
    assert [value for value, _ in results] == [n * n for n in items]
    pids = {pid for _, pid in results}
    assert PARENT in pids and len(pids) == processes


def test_few_items_stay_in_this_process() -> None:
    results = list(ordered_map(square_and_pid, list(range(CHUNK)), 4))
    assert {pid for _, pid in results} == {PARENT}


def fail_in_a_worker(n: int) -> int:
    if os.getpid() != PARENT and n == CHUNK + 1:
        raise ValueError("broken chapter")
    return n


def test_an_exception_in_a_worker_is_raised_with_its_traceback() -> None:
    with pytest.raises(WorkerError, match=r"(?s)ValueError: broken chapter"):
        list(ordered_map(fail_in_a_worker, list(range(CHUNK * 4)), 2))


def die_in_a_worker(n: int) -> int:
    if os.getpid() != PARENT and n == CHUNK * 3:
        os._exit(9)  # as if killed: nothing sent for this chunk or the ones after it
    return n


def test_the_chunks_of_a_dead_worker_are_done_here() -> None:
    items = list(range(CHUNK * 6))
    assert list(ordered_map(die_in_a_worker, items, 2)) == items


def record_forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The process ids of the workers forked from now on, in order."""
    forked: list[int] = []
    real_fork = os.fork

    def recording_fork() -> int:
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recording_fork)
    return forked


def test_stopping_early_leaves_no_worker_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    forked = record_forks(monkeypatch)
    results = ordered_map(square_and_pid, list(range(CHUNK * 20)), 3)
    next(results)
    results.close()
    assert len(forked) == 2
    for pid in forked:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reaped: not running, not a zombie


def test_a_site_rendered_on_several_processes_is_the_same() -> None:
    course = make_course(3, 30)
    sites = [HtmlRenderer().render(course, RenderContext(options=HtmlOptions(), jobs=jobs))
             for jobs in (1, 2)]
    assert sites[0] == sites[1]
    assert PurePosixPath("chapters/c2-29.html") in sites[1]


def test_when_no_process_can_be_forked_everything_is_done_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    forks = []
    real_fork = os.fork

    def second_fork_fails() -> int:
        if forks:
            raise BlockingIOError("fork: Resource temporarily unavailable")
        forks.append(pid := real_fork())
        return pid

    monkeypatch.setattr(os, "fork", second_fork_fails)
    items = list(range(CHUNK * 9))
    results = list(ordered_map(square_and_pid, items, 3))
    assert [value for value, _ in results] == [n * n for n in items]
    assert {pid for _, pid in results} == {PARENT}
    with pytest.raises(ChildProcessError):
        os.waitpid(forks[0], os.WNOHANG)  # the one worker that did start was reaped


def block_in_a_worker(n: int) -> int:
    if os.getpid() != PARENT:
        time.sleep(3600)  # a chunk that would keep a waiting pool busy for an hour
    return n


@pytest.mark.timeout(60)
def test_ctrl_c_kills_the_busy_workers_instead_of_waiting_for_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    forked = record_forks(monkeypatch)

    def ctrl_c(_signal: int, _frame: object) -> None:
        if not forked:  # not yet: Ctrl-C once the worker is busy
            signal.setitimer(signal.ITIMER_REAL, 0.1)
            return
        raise KeyboardInterrupt

    # This process is then waiting for the worker's chunk (a forked worker inherits no
    # timer, so only this process is interrupted).
    previous = signal.signal(signal.SIGALRM, ctrl_c)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        with pytest.raises(KeyboardInterrupt):
            list(ordered_map(block_in_a_worker, list(range(CHUNK * 6)), 2))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert len(forked) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(forked[0], os.WNOHANG)  # killed and reaped, its hour not waited for


def report_sigint(n: int) -> int:
    return n if os.getpid() == PARENT else int(signal.getsignal(signal.SIGINT) == signal.SIG_IGN)


def test_this_process_renders_its_first_chunk_before_forking(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    forked = record_forks(monkeypatch)
    seen: list[int] = []

    def forks_so_far(n: int) -> int:
        if os.getpid() == PARENT:
            seen.append(len(forked))
        return n

    assert list(ordered_map(forks_so_far, list(range(CHUNK * 4)), 2)) == list(range(CHUNK * 4))
    assert seen[:CHUNK] == [0] * CHUNK  # what it sets up, the workers inherit
    assert seen[CHUNK:] == [1] * (len(seen) - CHUNK) and len(forked) == 1


def test_workers_leave_ctrl_c_to_this_process() -> None:
    # The terminal sends SIGINT to the whole process group; only this process acts on it.
    results = list(ordered_map(report_sigint, list(range(CHUNK * 4)), 2))
    assert results[CHUNK:CHUNK * 2] == [1] * CHUNK


class WorkerWaitsForTheParent:
    """square_and_pid, but the worker's first chunk (chunk 1) does not end until this
    process has done an item of chunk `chunk`, which it can only do before chunk 1's
    turn: the ordered results would otherwise wait for a worker that waits for them."""

    def __init__(self, flag: Path, chunk: int) -> None:
        self.flag, self.chunk = flag, chunk

    def __call__(self, n: int) -> tuple[int, int]:
        if os.getpid() == PARENT and n // CHUNK == self.chunk:
            self.flag.touch()
        elif os.getpid() != PARENT and n == CHUNK:
            deadline = time.monotonic() + 20
            while not self.flag.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
            assert self.flag.exists(), "this process waited for the worker instead"
        return square_and_pid(n)


def test_this_process_does_its_later_chunks_while_a_worker_has_the_one_due(
    tmp_path: Path,
) -> None:
    items = list(range(CHUNK * 6))
    # Chunks alternate: 0, 2, 4 are this process's own.
    results = list(ordered_map(WorkerWaitsForTheParent(tmp_path / "flag", 2), items, 2))
    assert [value for value, _ in results] == [n * n for n in items]
    assert results[CHUNK][1] != PARENT


def test_a_chunk_no_worker_has_started_is_taken_back_and_done_here(tmp_path: Path) -> None:
    items = list(range(CHUNK * 8))
    # Chunk 5 is a worker's; while the worker is held in chunk 1 (chunk 3 waits in its
    # queue), only this process can do it.
    results = list(ordered_map(WorkerWaitsForTheParent(tmp_path / "flag", 5), items, 2))
    assert [value for value, _ in results] == [n * n for n in items]
    assert {pid for _, pid in results[CHUNK * 5:CHUNK * 6]} == {PARENT}
    assert results[CHUNK][1] != PARENT


def test_the_results_pipe_holds_a_chunk_of_pages() -> None:
    # A chunk of site pages is some 1.6 MB: through the default 64 kB pipe it took 25
    # reads, each waiting for the GIL, while the worker waited on the full pipe.
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    try:
        limit = int(Path("/proc/sys/fs/pipe-max-size").read_text())
        size = _widen_result_pipe(pool)
        assert size is not None and size >= min(RESULT_PIPE_BYTES, limit)
        reader = pool._result_queue._reader  # type: ignore[attr-defined]
        assert fcntl.fcntl(reader.fileno(), fcntl.F_GETPIPE_SZ) == size
        assert pool.submit(str.upper, "x" * (3 * RESULT_PIPE_BYTES)).result() == "X" * (
            3 * RESULT_PIPE_BYTES)
    finally:
        pool.shutdown()


def page_of(n: int) -> tuple[str, float]:
    """A result the size of a site page, and the switch interval it was made under."""
    return f"{n}" * 80_000, sys.getswitchinterval()


@pytest.mark.parametrize("stop_early", [False, True])
def test_the_receiving_thread_gets_the_gil_soon_while_a_map_runs(stop_early: bool) -> None:
    before = sys.getswitchinterval()
    items = list(range(CHUNK * 6))
    results = ordered_map(page_of, items, 2)
    seen = []
    for n, (page, interval) in enumerate(results):
        assert page == f"{n}" * 80_000
        seen.append(interval)
        if stop_early and n == CHUNK:
            results.close()
            break
    assert sys.getswitchinterval() == before
    # What this process made was made under the short interval, and it is given back.
    assert seen[0] == before and RECEIVING_SWITCH_INTERVAL in seen[CHUNK:]


def test_a_worker_killed_half_way_through_its_results_does_not_hang_the_pool() -> None:
    # What a worker killed while writing a chunk's results leaves: a message header and
    # part of its bytes. The pool's thread, reading the rest, must not wait for ever.
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    assert pool.submit(abs, -1).result(timeout=30) == 1  # its thread is reading now
    writer = pool._result_queue._writer  # type: ignore[attr-defined]
    os.write(writer.fileno(), struct.pack("!i", 1000) + b"x" * 10)
    time.sleep(0.2)  # the thread has the header and waits for the other 990 bytes
    stopping = threading.Thread(target=lambda: (_kill_workers(pool), pool.shutdown()),
                                daemon=True)
    stopping.start()
    stopping.join(timeout=30)
    assert not stopping.is_alive(), "the pool's thread still waits for the rest"


def fail_here_in_a_taken_back_chunk(n: int) -> int:
    if os.getpid() != PARENT:
        time.sleep(3600)  # the worker stays on its first chunk
    elif n == 5 * CHUNK:
        raise ValueError("stop")  # chunk 5: a worker's chunk this process took back
    return n


@pytest.mark.timeout(60)
def test_stopping_after_taking_chunks_back_raises_nothing_in_the_pool_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The chunks taken back were cancelled in the pool; killing its workers breaks it, and
    before Python 3.12 the pool's thread then died failing those cancelled futures
    (InvalidStateError, gh-107219), a traceback on stderr after a Ctrl-C or an error."""
    died: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: died.append(args.exc_value))
    with pytest.raises(ValueError, match="stop"):
        list(ordered_map(fail_here_in_a_taken_back_chunk, list(range(CHUNK * 20)), 2))
    assert died == []
