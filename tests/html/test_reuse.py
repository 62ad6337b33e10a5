"""Values reused across builds only while the very same object comes back."""

from __future__ import annotations

from renderers.html.reuse import PerObject


def test_values_are_reused_for_the_same_object_only() -> None:
    calls: list[list[int]] = []
    length = PerObject(lambda items: calls.append(items) or len(items))
    kept, other = [1, 2], [1, 2]
    assert length(kept) == 2 and length(other) == 2 and len(calls) == 2
    length.end_build()
    assert length(kept) == 2 and len(calls) == 2  # the same list: not computed again
    assert length(list(other)) == 2 and len(calls) == 3  # equal, but another object
    length.end_build()
    length.end_build()  # a build that did not use `kept` forgets it
    assert length(kept) == 2 and len(calls) == 4
