"""Shared setup for the rnndemo tests.

The library lives in the course folder (``content/intro-to-rnns``), which the
course puts on ``sys.path`` for its code cells; the tests do the same. BLAS is
pinned to one thread: results are then bitwise reproducible and, on the shared
2-core machines, much faster (see rnn-demo.md section 4.3).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

COURSE_DIR = Path(__file__).resolve().parents[2] / "content" / "intro-to-rnns"
if str(COURSE_DIR) not in sys.path:
    sys.path.insert(0, str(COURSE_DIR))

_BLAS_LIMIT = threadpool_limits(limits=1)
os.environ.setdefault("MPLBACKEND", "Agg")  # the plot tests render off-screen, like the course


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20240607)
