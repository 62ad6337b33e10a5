"""`ordered_map` (renderers/html/parallel.py) built on concurrent.futures instead.

The same contract: the items cut into chunks dealt out in turn to this process and to
`processes - 1` forked workers; this process renders its own chunks and takes the
workers' as they arrive, so the results stream out in order while the workers are still
busy; an exception in a worker is raised here with the worker's traceback; a worker
that dies only costs time (its chunks are then rendered here). The function and the
items reach the workers by forking, as with the hand-written pool, not pickled: only a
chunk number goes out and a chunk's results come back.

It exists so that `make bench` can measure whether the hand-written pool still earns
its place (benchmarks/bench_pool.py).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from renderers.html.parallel import CHUNK, WorkerError, can_fork

Item = TypeVar("Item")
Result = TypeVar("Result")

# What the forked workers inherit: set before the pool forks, read by `_run_chunk`.
_job: tuple[Callable[[Any], Any], list[Sequence[Any]]] | None = None


def ordered_map(
    func: Callable[[Item], Result], items: Sequence[Item], processes: int
) -> Generator[Result, None, None]:
    """`func(item)` for each item, in order, computed by this process and up to
    `processes - 1` workers of a fork-context ProcessPoolExecutor."""
    global _job
    chunks = [items[k:k + CHUNK] for k in range(0, len(items), CHUNK)]
    workers = min(processes - 1, len(chunks) // 2)
    if workers < 1 or not can_fork():
        yield from map(func, items)
        return
    owners = [n % (workers + 1) for n in range(len(chunks))]  # 0: this process
    _job = (func, chunks)
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_lower_priority)
    try:
        try:
            futures: dict[int, Future[list[Result]]] = {
                n: pool.submit(_run_chunk, n) for n, owner in enumerate(owners) if owner
            }
        except OSError:  # no more processes or memory for them: do it all here
            _end_started_workers(pool)
            yield from map(func, items)
            return
        for n, chunk in enumerate(chunks):
            results = _take(futures[n]) if owners[n] else None
            yield from results if results is not None else map(func, chunk)
    finally:
        _job = None
        pool.shutdown(wait=True, cancel_futures=True)


def _take(future: Future[list[Result]]) -> list[Result] | None:
    """A chunk's results, waiting for them; None if its worker died first."""
    try:
        return future.result()
    except BrokenProcessPool:
        return None
    except Exception as error:
        # The pool chains the worker's formatted traceback as the cause.
        raise WorkerError(f"rendering in a worker process failed:\n{error.__cause__}") from error


def _end_started_workers(pool: ProcessPoolExecutor) -> None:
    # A pool whose launch failed half-way never started its manager thread, so its
    # shutdown would not reap the workers that did start (the pool's own attribute:
    # concurrent.futures has no public way to this before Python 3.14).
    processes: dict[int, multiprocessing.Process] = getattr(pool, "_processes", None) or {}
    for process in processes.values():
        process.kill()
        process.join()


def _lower_priority() -> None:
    # As the hand-written pool does: the parent's work is on the critical path.
    with contextlib.suppress(OSError):
        os.nice(5)


def _run_chunk(n: int) -> list[Any]:
    assert _job is not None, "only called in a worker forked by ordered_map"
    func, chunks = _job
    return [func(item) for item in chunks[n]]
