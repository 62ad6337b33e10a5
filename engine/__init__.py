"""lessonkit's engine: load and validate a course, grade answers, run code cells.

The small public API; everything else may change. Names are imported on first use, so
that `lessonkit --help` does not pay for pydantic and the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.diagnostics import CourseError, Diagnostic
    from engine.loading.loader import load_course
    from engine.model import Course

__all__ = ["Course", "CourseError", "Diagnostic", "load_course"]

_HOMES = {
    "Course": "engine.model",
    "CourseError": "engine.diagnostics",
    "Diagnostic": "engine.diagnostics",
    "load_course": "engine.loading.loader",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_HOMES[name]), name)
