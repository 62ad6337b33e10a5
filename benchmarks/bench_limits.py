"""How fast the limits on hostile input refuse it, against peers measured in the same run.

The tests (tests/engine/loading/test_source.py, tests/safety/test_limits.py) check that hostile
input is refused, with the right diagnostic and bounded memory; whether it is refused
*quickly* depends on the machine and its load, so it is measured here, each time as a
ratio to work of the same size that the loader or `re` does anyway:

- an alias bomb (9**9 strings if expanded) and one 100 KB block named by 2000 aliases,
  against loading a file without aliases that reaches the same limit's size honestly
  (`MAX_EXPANSION` plain values; `MAX_EXPANDED_CHARS` characters of one block);
- a pattern `check` flags (`(a+)+b`) grows exponentially with the answer, while the
  patterns it accepts stay within a small multiple of a plain literal match on their worst
  answers;
- the Python grader gives up on a pattern that slipped past the check after about
  `MATCH_SECONDS`.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from functools import partial

import engine.loading.source
from benchmarks.timing import report
from engine.grading.patterns import MATCH_SECONDS, MAX_ANSWER, pattern_matches
from engine.loading.source import load_yaml_bytes
from tests.engine.loading.test_source import _bomb
from tests.safety.test_limits import FINE, _amplifier

# The targets the tests used to assert in seconds, now relative to the peer.
TARGET_BOMB = 1.5  # refusing the bomb costs at most this many honest loads of the limit's size
TARGET_AMPLIFIER = 1.5
TARGET_GROWTH = 50.0  # (a+)+b: 20 characters cost at least this many times 12 characters
TARGET_FINE = 20.0  # accepted patterns on their worst answers, against a literal match
TARGET_GRADER = 2.0  # the grader's give-up time, in multiples of MATCH_SECONDS

SLIPPED = "(a|a)+b"  # exponential for `regex` too; `check` flags it, the grader must cope
WORST_ANSWERS = ("a" * MAX_ANSWER, "ab" * (MAX_ANSWER // 2) + "!", "1." * 150 + "x")


def median_seconds(work: Callable[[], object], runs: int = 5) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _loads(raw: bytes) -> Callable[[], object]:
    return lambda: load_yaml_bytes(raw, "bench.yaml")


def main() -> None:
    bomb = median_seconds(_loads(_bomb(9)))
    plain = ("tags: [" + ", ".join(["a"] * engine.loading.source.MAX_EXPANSION) + "]\n").encode()
    plain_values = median_seconds(_loads(plain))
    amplified = median_seconds(_loads(_amplifier(2000)))
    line = "    " + "x" * 79 + "\n"
    block = ("big: |\n" + line * (engine.loading.source.MAX_EXPANDED_CHARS // len(line))).encode()
    one_block = median_seconds(_loads(block))

    small = median_seconds(lambda: re.fullmatch("(a+)+b", "a" * 12), runs=21)
    large = median_seconds(lambda: re.fullmatch("(a+)+b", "a" * 20), runs=5)
    worst_ratio, worst_fine, worst_name, literal = 0.0, 0.0, "", 0.0
    for text in WORST_ANSWERS:
        plain_match = median_seconds(partial(re.fullmatch, re.escape(text), text), runs=21)
        for pattern in FINE:
            took = median_seconds(partial(re.fullmatch, pattern, text), runs=21)
            if took / plain_match > worst_ratio:
                worst_ratio, worst_fine, worst_name, literal = (
                    took / plain_match, took, pattern, plain_match)

    # `regex` sees through (a+)+b; (a|a)+b it cannot, so this one runs into the time limit.
    grader = median_seconds(lambda: pattern_matches(SLIPPED, "a" * 40, ignore_case=False), runs=3)

    report("limits on hostile input (median, same run)", [
        ("alias bomb, refused", f"{bomb * 1000:.0f} ms against {plain_values * 1000:.0f} ms "
         f"for {engine.loading.source.MAX_EXPANSION:,} plain values: {bomb / plain_values:.2f}x "
         f"(target <= {TARGET_BOMB}x)"),
        ("2000 aliases of 100 KB, refused", f"{amplified * 1000:.0f} ms against "
         f"{one_block * 1000:.0f} ms for one "
         f"{engine.loading.source.MAX_EXPANDED_CHARS / 1e6:.0f} MB "
         f"block: {amplified / one_block:.2f}x (target <= {TARGET_AMPLIFIER}x)"),
        ("(a+)+b, 20 against 12 characters", f"{large / max(small, 1e-7):.0f}x "
         f"(exponential: target >= {TARGET_GROWTH:.0f}x)"),
        ("accepted patterns, worst answers", f"{worst_fine * 1e6:.1f} us ({worst_name}) "
         f"against {literal * 1e6:.1f} us for a literal: {worst_ratio:.1f}x "
         f"(target <= {TARGET_FINE:.0f}x)"),
        (f"Python grader on {SLIPPED}", f"gives up after {grader:.2f} s, "
         f"{grader / MATCH_SECONDS:.2f}x MATCH_SECONDS (target <= {TARGET_GRADER}x)"),
    ])


if __name__ == "__main__":
    main()
