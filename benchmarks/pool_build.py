"""`lessonkit` with the site's chapter pages rendered by one pool or the other.

    python -m benchmarks.pool_build {custom|stdlib} build COURSE --out DIR ...

`custom` is lessonkit as shipped (renderers/html/parallel.py); `stdlib` swaps in the
concurrent.futures pool of benchmarks/stdlib_pool.py. Both go through this same
wrapper, so the two whole-process timings differ only in the pool.
"""

from __future__ import annotations

import sys

import renderers.html.site
from benchmarks import stdlib_pool
from engine.cli import entry

if __name__ == "__main__":
    pool = sys.argv.pop(1)
    if pool == "stdlib":
        renderers.html.site.ordered_map = stdlib_pool.ordered_map  # type: ignore[assignment]
    elif pool != "custom":
        sys.exit(f"unknown pool {pool!r}: custom or stdlib")
    entry()
