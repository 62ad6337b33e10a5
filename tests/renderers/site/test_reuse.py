"""Values reused across builds only while the very same object comes back."""

from __future__ import annotations

from renderers.site.reuse import PerObject


def test_values_are_reused_for_the_same_object_only() -> None:
    calls: list[list[int]] = []

    def length(items: list[int]) -> int:
        calls.append(items)
        return len(items)

    lengths: PerObject[list[int], int] = PerObject()
    kept, other = [1, 2], [1, 2]
    assert lengths.get(kept, length) == 2 and lengths.get(other, length) == 2
    assert len(calls) == 2
    lengths.end_build()
    assert lengths.get(kept, length) == 2 and len(calls) == 2  # the same list: not again
    assert lengths.get(list(other), length) == 2 and len(calls) == 3  # equal, another object
    lengths.end_build()
    lengths.end_build()  # a build that did not use `kept` forgets it
    assert lengths.get(kept, length) == 2 and len(calls) == 4
