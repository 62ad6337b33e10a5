"""`lessonkit quiz --plain`: start to the first question, against `python -c pass`."""

from __future__ import annotations

from benchmarks.timing import report
from tests.learner.bench_startup import TARGET_EXTRA, default_course, measure


def main(runs: int = 10) -> None:
    result = measure(default_course(), runs)
    report(
        "lessonkit quiz --plain: start to first question (same run)",
        [
            ("python -c pass", f"{result.baseline:.3f}s (median of {runs})"),
            ("quiz, cold cache", f"{result.cold:.3f}s (validates the course once)"),
            ("quiz, warm cache", f"{result.warm:.3f}s (median of {runs})"),
            (
                "extra start-up",
                f"{result.extra:.3f}s wall, {result.extra_cpu:.3f}s CPU "
                f"(target < {TARGET_EXTRA}s)",
            ),
        ],
    )


if __name__ == "__main__":
    main()
