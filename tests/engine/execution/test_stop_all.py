"""Ctrl-C stops every running chapter from the main thread while other threads watch them."""

from __future__ import annotations

import os
import subprocess
import threading

from engine.execution import cellprocess

ROUNDS = 400
"""The race needs a few tries to show: the watcher must be between select and read when
the stopping thread is done."""


def test_stopping_from_another_thread_lets_the_watcher_read_the_end_and_return() -> None:
    failures: list[str] = []
    for _ in range(ROUNDS):
        lifeline, keep = os.pipe()
        # Stands for a chapter's supervisor: it says goodbye when the lifeline ends, and exits.
        child = subprocess.Popen(
            ["sh", "-c", "head -c 1 >/dev/null; echo stopped"],
            stdin=lifeline, stdout=subprocess.PIPE, start_new_session=True,
        )
        os.close(lifeline)
        with cellprocess._lock:
            cellprocess._running[child.pid] = (child, keep)
        watched: list[tuple[bytes, int, bool]] = []

        def watch(child: subprocess.Popen[bytes] = child, into: list = watched) -> None:
            try:
                into.append(cellprocess._watch(child, 20))
            except Exception as error:  # a closed file read: the failure looked for
                failures.append(repr(error))

        watcher = threading.Thread(target=watch)
        watcher.start()
        cellprocess.stop_all()
        watcher.join(10)
        assert not watcher.is_alive(), "the watcher sleeps on: its pipe was closed under it"
        assert child.stdout is not None
        child.stdout.close()
        if watched:
            tail, flooded, timed_out = watched[0]
            assert (tail, flooded, timed_out) == (b"stopped\n", 0, False)
    assert failures == []
