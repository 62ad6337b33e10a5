"""Round trips for every importable format on the completeness and the sample course."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.loading.loader import load_course
from engine.text.choice_refs import course_with_labels
from tests.importers.roundtrip import compare, export_course, import_into_empty

ROOT = Path(__file__).resolve().parent.parent.parent
COURSES = {
    "complete": ROOT / "tests" / "fixtures" / "courses" / "complete",
    "sample": ROOT / "content" / "intro-to-rnns",
}
FORMATS = ["gift", "moodle", "qti12", "cc", "qti21"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("course_key", sorted(COURSES))
def test_export_then_import_loses_exactly_what_the_fidelity_report_lists(
    course_key: str, fmt: str, tmp_path: Path
) -> None:
    original = load_course(COURSES[course_key])
    export, losses = export_course(original, fmt, tmp_path / "export")
    imported, checked = import_into_empty(tmp_path, export, fmt)
    # The banks carry `{{choice: ...}}` as the option's quoted text (engine/text/choice_refs.py).
    assert compare(course_with_labels(original), imported, losses) == []
    assert not [d for d in checked.diagnostics if d.severity == "error"]
