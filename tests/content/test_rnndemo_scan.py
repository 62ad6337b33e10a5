"""The parallel scan of a linear recurrence gives the step-by-step result."""

from __future__ import annotations

import numpy as np
import pytest
from rnndemo.scan import linear_recurrence_loop, linear_recurrence_scan, scan_rounds


@pytest.mark.parametrize("T", [1, 2, 3, 5, 8, 13, 64, 257])
def test_scan_equals_loop(rng: np.random.Generator, T: int) -> None:
    a = rng.uniform(-1.0, 1.0, size=(T, 3, 4))
    b = rng.standard_normal((T, 3, 4))
    h0 = rng.standard_normal((3, 4))
    np.testing.assert_allclose(linear_recurrence_scan(a, b, h0), linear_recurrence_loop(a, b, h0),
                               rtol=1e-12, atol=1e-12)


def test_known_values() -> None:
    # h_t = 0.5 h_{t-1} + 1 from h_0 = 0: 1, 1.5, 1.75, 1.875
    a, b = np.full(4, 0.5), np.ones(4)
    np.testing.assert_allclose(linear_recurrence_scan(a, b), [1.0, 1.5, 1.75, 1.875])
    np.testing.assert_allclose(linear_recurrence_loop(a, b), [1.0, 1.5, 1.75, 1.875])


def test_rounds_and_errors() -> None:
    assert [scan_rounds(T) for T in (1, 2, 3, 4, 5, 1024, 1025)] == [0, 1, 2, 2, 3, 10, 11]
    with pytest.raises(ValueError, match="same shape"):
        linear_recurrence_scan(np.ones(3), np.ones(4))
    with pytest.raises(ValueError):
        scan_rounds(0)
