"""Rendering on several cores: forked worker processes, results back in order.

Rendering chapter pages is pure Python work, so threads cannot share it out. Forked
processes can, and they inherit everything rendering needs (the loaded course, the
templates, the Markdown parser) instead of receiving it pickled. Only the results come
back, pickled through a pipe.

The items are cut into chunks dealt out in turn to this process and to the workers;
this process renders its chunks and takes the workers' chunks as they arrive, so the
results come out in the items' order while the workers are still busy (the search
index is fed in that order). A worker that dies only costs time: its chunks are then
rendered here. An exception in a worker is raised here, with the worker's traceback.

Forking is used only on Linux and before the caller has started threads of its own
(`ordered_map` forks when first iterated).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Generator, Sequence
from typing import IO, Generic, TypeVar

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
    try:
        pool = _Workers(func, chunks, owners, workers)
    except OSError:  # no more processes or memory for them: do it all here
        yield from map(func, items)
        return
    try:
        for n, chunk in enumerate(chunks):
            results = pool.take(n) if owners[n] else None
            yield from results if results is not None else map(func, chunk)
    finally:
        pool.stop()


class _Workers(Generic[Item, Result]):
    """The forked workers and what they sent back, by chunk number."""

    def __init__(self, func: Callable[[Item], Result], chunks: list[Sequence[Item]],
                 owners: list[int], count: int) -> None:
        self.done: dict[int, list[Result] | None] = {}
        self.error: str | None = None
        self.lock = threading.Condition()
        self.pids: list[int] = []
        self.readers: list[threading.Thread] = []
        mine: list[list[int]] = [[n for n, owner in enumerate(owners) if owner == w]
                                 for w in range(1, count + 1)]
        # Fork every worker before starting any thread here: a forked child gets only
        # the forking thread, and must not inherit locks other threads were holding.
        pipes: list[tuple[IO[bytes], list[int]]] = []
        try:
            for numbers in mine:
                read_end, write_end = os.pipe()
                try:
                    pid = os.fork()
                except OSError:
                    os.close(read_end)
                    os.close(write_end)
                    raise
                if pid == 0:  # the worker
                    os.close(read_end)
                    _work(func, chunks, numbers, os.fdopen(write_end, "wb"))
                os.close(write_end)
                self.pids.append(pid)
                pipes.append((os.fdopen(read_end, "rb"), numbers))
        except OSError:
            self.stop()
            for stream, _ in pipes:
                stream.close()
            raise
        for stream, numbers in pipes:
            reader = threading.Thread(target=self._read, args=(stream, numbers),
                                      name="render-worker", daemon=True)
            reader.start()
            self.readers.append(reader)

    def take(self, n: int) -> list[Result] | None:
        """The results of chunk `n`, waiting for them; None if its worker died first."""
        with self.lock:
            self.lock.wait_for(lambda: n in self.done or self.error is not None)
            if self.error is not None:
                raise WorkerError(f"rendering in a worker process failed:\n{self.error}")
            return self.done.pop(n)

    def stop(self) -> None:
        """End the workers (if still running) and reap them."""
        for pid in self.pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for pid in self.pids:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        for reader in self.readers:
            reader.join(timeout=5)

    def _read(self, stream: IO[bytes], numbers: list[int]) -> None:
        with stream:
            try:
                while True:
                    record = pickle.load(stream)
                    if record is None:
                        return
                    kind, n, payload = record
                    with self.lock:
                        if kind == "error":
                            self.error = payload
                        else:
                            self.done[n] = payload
                        self.lock.notify_all()
            except (EOFError, pickle.UnpicklingError, OSError):
                pass
            finally:
                with self.lock:
                    # Chunks a dead worker never sent are rendered by the parent.
                    for n in numbers:
                        self.done.setdefault(n, None)
                    self.lock.notify_all()


def _work(func: Callable[[Item], Result], chunks: list[Sequence[Item]], numbers: list[int],
          out: IO[bytes]) -> None:
    """The body of a worker process; it never returns."""
    code = 0
    try:
        # Yield to the parent and to helper processes it feeds (pagefind): what they
        # do is on the critical path; a worker's chunks only have to be ready in time.
        with contextlib.suppress(OSError):
            os.nice(5)
        for n in numbers:
            pickle.dump(("chunk", n, [func(item) for item in chunks[n]]), out,
                        protocol=pickle.HIGHEST_PROTOCOL)
            out.flush()
        pickle.dump(None, out)
    except BaseException:
        code = 1
        with contextlib.suppress(BaseException):
            pickle.dump(("error", -1, traceback.format_exc()), out)
    finally:
        try:
            out.flush()
        finally:
            # A forked worker is its own process entry and ends here, with no cleanup of
            # the parent's state (open files, the cache database, atexit handlers): it
            # is not this process's to close.
            os._exit(code)
