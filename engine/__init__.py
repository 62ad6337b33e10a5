"""lessonkit's engine: load and validate a course, grade answers, run code cells.

The small public API; everything else may change.
"""

from __future__ import annotations

from engine.diagnostics import CourseError, Diagnostic
from engine.loader import load_course
from engine.model import Course

__all__ = ["Course", "CourseError", "Diagnostic", "load_course"]
