"""Report a training result the way it should be reported: over several seeds.

Why it exists: one training run is one random draw. Its last number depends on the
seed, and even on which BLAS kernel the CPU picks (the order of floating-point sums
differs between kernels). A statement in the course about a trained model is
therefore a mean and a spread over seeds, never one run's value.

    >>> from rnndemo.stats import over_seeds
    >>> s = over_seeds(lambda seed: float(seed), seeds=range(5))
    >>> (s.mean, round(s.sd, 3), s.n)
    (2.0, 1.581, 5)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

__all__ = ["SeedSummary", "over_seeds", "summarize"]


@dataclass(frozen=True)
class SeedSummary:
    """The values one experiment gave for each seed, and their mean and spread."""

    seeds: tuple[int, ...]
    values: tuple[float, ...]

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def mean(self) -> float:
        return math.fsum(self.values) / self.n

    @property
    def sd(self) -> float:
        """Sample standard deviation (n - 1 in the denominator); 0 for one value."""
        if self.n < 2:
            return 0.0
        m = self.mean
        return math.sqrt(math.fsum((v - m) ** 2 for v in self.values) / (self.n - 1))

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    def format(self, digits: int = 3) -> str:
        """``"0.167 ± 0.012 (5 seeds, 0.151 to 0.228)"``."""
        return (
            f"{self.mean:.{digits}f} ± {self.sd:.{digits}f} "
            f"({self.n} seeds, {self.low:.{digits}f} to {self.high:.{digits}f})"
        )

    def __str__(self) -> str:
        return self.format()


def summarize(values: Iterable[float], seeds: Iterable[int] | None = None) -> SeedSummary:
    """Wrap values already computed, one per seed, in a :class:`SeedSummary`."""
    vals = tuple(float(v) for v in values)
    if not vals:
        raise ValueError("summarize needs at least one value")
    seed_tuple = tuple(seeds) if seeds is not None else tuple(range(len(vals)))
    if len(seed_tuple) != len(vals):
        raise ValueError(f"{len(vals)} values but {len(seed_tuple)} seeds")
    return SeedSummary(seeds=seed_tuple, values=vals)


def over_seeds(run: Callable[[int], float], seeds: Iterable[int] = range(5)) -> SeedSummary:
    """Call ``run(seed)`` for every seed and summarise the numbers it returns."""
    seed_tuple = tuple(seeds)
    return summarize((run(s) for s in seed_tuple), seed_tuple)
