"""`make bench`: every benchmark, each reporting ratios measured in the same run."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BENCHMARKS = [
    "bench_check", "bench_real", "bench_quiz", "bench_rnndemo", "bench_execute", "bench_import",
    "bench_sandbox", "bench_limits", "bench_pool",
]


def main() -> None:
    wanted = sys.argv[1:] or BENCHMARKS
    sys.argv = sys.argv[:1]  # each benchmark reads its own options; give it none
    for name in wanted:
        module = importlib.import_module(f"benchmarks.{name}")
        module.main()


if __name__ == "__main__":
    main()
