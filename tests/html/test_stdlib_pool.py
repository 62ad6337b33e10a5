"""The concurrent.futures pool `make bench` weighs against renderers/html/parallel.py keeps
the same contract, so the comparison measures the pools and nothing else."""

from __future__ import annotations

import os

import pytest

from benchmarks.stdlib_pool import ordered_map
from renderers.html.parallel import CHUNK, WorkerError

PARENT = os.getpid()


def square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def test_results_come_back_in_order_from_this_process_and_a_worker() -> None:
    items = list(range(CHUNK * 7 + 3))
    results = list(ordered_map(square_and_pid, items, 2))
    assert [value for value, _ in results] == [n * n for n in items]
    assert len({pid for _, pid in results} - {PARENT}) == 1


def fail_in_a_worker(n: int) -> int:
    if os.getpid() != PARENT and n == CHUNK + 1:
        raise ValueError("broken chapter")
    return n


def test_an_exception_in_a_worker_is_raised_with_its_traceback() -> None:
    with pytest.raises(WorkerError, match=r"(?s)in fail_in_a_worker.*ValueError: broken chapter"):
        list(ordered_map(fail_in_a_worker, list(range(CHUNK * 4)), 2))


def die_in_a_worker(n: int) -> int:
    if os.getpid() != PARENT and n == CHUNK * 3:
        os._exit(9)
    return n


def test_the_chunks_of_a_dead_worker_are_done_here() -> None:
    items = list(range(CHUNK * 6))
    assert list(ordered_map(die_in_a_worker, items, 2)) == items
