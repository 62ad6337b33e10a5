"""Work on several cores: a fork-context ProcessPoolExecutor, results back in order.

Loading chapter files and rendering chapter pages are pure Python work, so threads cannot
share it out. Processes can, and forked ones inherit everything the work needs (the
loaded course, the templates, the Markdown parser, the function and the items
themselves) instead of receiving it pickled: only a chunk number goes out to a worker and
a chunk's results come back.

The items are cut into chunks dealt out in turn to this process and to the workers;
this process does its first chunk before forking the workers (so they inherit what the
work set up), then its other chunks, and takes the workers' chunks as they arrive, so the
results come out in the items' order while the workers are still busy (the search
index is fed in that order). This process never sits idle while there is work it may
do: a worker's chunk that no worker has started yet it takes back and does itself, and
while a worker is busy with the chunk due next, it does the next chunks it can (a few at
most) and keeps their results for their turn. So whichever side is faster does more.
A worker that dies only costs time: its chunks, and those of the pool it broke, are then
done here. An exception in a worker is raised here, with the worker's traceback. When the
caller stops early (an error, Ctrl-C, a closed generator) the workers are killed rather
than waited for: nobody will read what they are doing.

Results come back through one pipe, read by the pool's thread in this process, which
needs the GIL for every read while this process's own thread is busy with its chunks.
With a 64 kB pipe and the default 5 ms switch interval, a chunk of twenty site pages
(1.6 MB) took 25 reads and some 125 ms, during which the worker sat blocked on the full
pipe: it was idle more than half of the time. So the pipe is widened to 1 MB and the
switch interval shortened while the map runs; the worker is then busy all the time, and
a 1000-chapter site is built 10-15 % faster.

Forking is used only on Linux and before the caller has started threads of its own
(`ordered_map` forks when first iterated).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

CHUNK = 20
"""Items per chunk: small enough to keep the processes in step, large enough that the
per-chunk overhead (a pickle, a wake-up) does not show."""


class WorkerError(RuntimeError):
    """A worker process raised an exception; the message carries its traceback."""


def can_fork() -> bool:
    """Whether forked workers are used on this platform."""
    return sys.platform == "linux" and hasattr(os, "fork")


def processes_for(items: int, jobs: int | None, minimum: int) -> int:
    """How many processes share `items` items of work: `jobs` (default one per CPU) from
    `minimum` items on, below that this process alone (starting workers would cost more)."""
    return (jobs or os.cpu_count() or 1) if items >= minimum else 1


def ordered_map(
    func: Callable[[Item], Result], items: Sequence[Item], processes: int
) -> Generator[Result, None, None]:
    """`func(item)` for each item, in order, computed by this process and up to
    `processes - 1` forked workers."""
    chunks = [items[k:k + CHUNK] for k in range(0, len(items), CHUNK)]
    workers = min(processes - 1, len(chunks) // 2)
    if workers < 1 or not can_fork():
        yield from map(func, items)
        return
    owners = [n % (workers + 1) for n in range(len(chunks))]  # 0: this process
    # This process does its first chunk before forking: what the work makes once
    # (compiled templates, loaded lexers, the MathML of the course's notation, the texts
    # many chapters share) is then inherited by the workers, not made again in each.
    first = [func(item) for item in chunks[0]]
    # The job reaches the workers through the fork (initargs are not pickled by the
    # fork context), so func may be a bound method over unpicklable state.
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_start_worker, initargs=(func, chunks))
    _widen_result_pipe(pool)
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(min(switch_interval, RECEIVING_SWITCH_INTERVAL))
    finished = False
    try:
        try:
            futures: dict[int, Future[list[Result]]] = {
                n: pool.submit(_run_chunk, n) for n, owner in enumerate(owners) if owner
            }
        except OSError:  # no more processes or memory for them: do it all here
            _kill_workers(pool)
            yield from first
            yield from map(func, items[len(first):])
            finished = True
            return
        yield from first
        # Chunks done here before their turn, while a worker had the one due.
        ahead: dict[int, list[Result]] = {}
        # Each worker keeps its first chunk, whoever gets there first: it was forked for it.
        kept = set(sorted(futures)[:workers])
        for n in range(1, len(chunks)):
            future = futures.get(n)
            while n not in ahead and future is not None and not future.done():
                later = _next_free(n, chunks, futures, ahead, kept)
                if later is None:
                    break
                ahead[later] = [func(item) for item in chunks[later]]
            results = ahead.pop(n, None)
            if results is None and future is not None and (n in kept or not _take_back(future)):
                results = _take(future)
            yield from results if results is not None else map(func, chunks[n])
        finished = True
    finally:
        if not finished:
            _kill_workers(pool)
        pool.shutdown(wait=True, cancel_futures=True)
        sys.setswitchinterval(switch_interval)


RESULT_PIPE_BYTES = 1 << 20
"""The size asked for the pipe the results come back through: a chunk of site pages in
one or two reads (Linux lets anyone have up to /proc/sys/fs/pipe-max-size, 1 MB by
default)."""

RECEIVING_SWITCH_INTERVAL = 0.001
"""The GIL switch interval (seconds) while a map runs, so that the thread receiving the
workers' results gets its turn soon after the pipe has data."""


def _widen_result_pipe(pool: ProcessPoolExecutor) -> int | None:
    """Widen the pipe of `pool`'s results to `RESULT_PIPE_BYTES` (before any worker has
    started); its new size, or None where that cannot be done (not Linux, a lower limit,
    or another layout of the pool's internals, which have no public way to reach it)."""
    try:
        import fcntl  # POSIX only
    except ImportError:
        return None
    reader = _result_pipe_end(pool, "_reader")
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if reader is None or set_size is None:
        return None
    try:
        return fcntl.fcntl(reader.fileno(), set_size, RESULT_PIPE_BYTES)
    except OSError:
        return None


def _result_pipe_end(pool: ProcessPoolExecutor, end: str) -> Any:
    """The `_reader` or `_writer` connection of `pool`'s result queue, or None where the
    pool's internals (which have no public way to reach them) are laid out otherwise."""
    return getattr(getattr(pool, "_result_queue", None), end, None)


AHEAD = 8
"""Chunks this process may do before their turn while a worker has the one due: enough
to cover a slow chunk, few enough that the results kept waiting stay small (160 pages
of a site, some 13 MB)."""


def _next_free(
    due: int, chunks: list[Sequence[Item]], futures: dict[int, Future[list[Result]]],
    ahead: dict[int, list[Result]], kept: set[int],
) -> int | None:
    """A chunk after `due`, within `AHEAD`, that this process may do now: the first of its
    own, else the last of the workers' that none has started (taken back from the pool;
    the last, so that the workers keep the ones they are about to reach), `kept` aside."""
    window = [later for later in range(due + 1, min(due + 1 + AHEAD, len(chunks)))
              if later not in ahead]
    for later in window:
        if later not in futures:
            return later
    for later in reversed(window):
        if later not in kept and _take_back(futures[later]):
            del futures[later]
            return later
    return None


def _take_back(future: Future[list[Result]]) -> bool:
    """Cancel `future`, a chunk no worker has started, so that this process does it;
    whether it could be."""
    if not future.cancel():
        return False
    if sys.version_info < (3, 12):
        # The pool keeps a cancelled chunk in its list until its thread reaches it. Broken
        # meanwhile (its workers killed when the caller stops early), it fails every chunk
        # of that list, and before Python 3.12 failing a cancelled one raised in its
        # thread (gh-107219): the thread died with a traceback on stderr, skipping the
        # rest of its clean-up (one run of the test of this did not end within 60 s).
        future.set_exception = _ignore_failure  # type: ignore[method-assign, assignment]
    return True


def _ignore_failure(_exception: BaseException | None) -> None:
    """What a chunk taken back does when the broken pool fails it: nothing."""


def _take(future: Future[list[Result]]) -> list[Result] | None:
    """A chunk's results, waiting for them; None if a worker died first."""
    try:
        return future.result()
    except BrokenProcessPool:
        return None
    except Exception as error:
        # The pool chains the worker's formatted traceback as the cause.
        raise WorkerError(f"a worker process failed:\n{error.__cause__}") from error


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """Kill and reap the pool's workers. concurrent.futures has no public way to do this
    before Python 3.14 (`terminate_workers`), and `shutdown` waits for the chunks being
    worked on; a pool whose launch failed half-way would not even reap those it started."""
    processes: dict[int, multiprocessing.Process] = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        with contextlib.suppress(OSError):
            process.kill()
    for process in list(processes.values()):
        process.join()
    # A worker killed while writing its results leaves half a message in the pipe, and
    # the pool's thread would wait for the rest for ever: this process holds the pipe's
    # write end too. Closing it, with every worker dead, ends the pipe instead; the pool
    # then reports itself broken and its thread stops.
    writer = _result_pipe_end(pool, "_writer")
    if writer is not None:
        with contextlib.suppress(OSError):
            writer.close()


# What a worker inherited from the fork: set by `_start_worker` in the worker only.
_job: tuple[Callable[[Any], Any], list[Sequence[Any]]] | None = None


def _start_worker(func: Callable[[Any], Any], chunks: list[Sequence[Any]]) -> None:
    global _job
    _job = (func, chunks)
    # Ctrl-C reaches the whole process group: the parent handles it (and kills the
    # workers); a worker must not die with a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Yield to the parent: it takes the results in order and puts them together (the
    # site, the course), so what it does is on the critical path; a worker's chunks only
    # have to be ready in time.
    with contextlib.suppress(OSError):
        os.nice(5)


def _run_chunk(n: int) -> list[Any]:
    assert _job is not None, "only called in a worker started by ordered_map"
    func, chunks = _job
    return [func(item) for item in chunks[n]]
