"""The JSON Schema of course files, derived from the model: what editors use to check and
complete them (`lessonkit schema` writes it, `new` and `import` put it next to a course)."""

from __future__ import annotations

import json
from typing import Any, Literal

Kind = Literal["course", "chapter"]


def json_schema(kind: Kind) -> dict[str, Any]:
    """The schema of course.yaml or of a chapter file, stamped as draft-07.

    yaml-language-server and VS Code support draft-07; pydantic's output only uses
    `$defs` references, which draft-07 validators resolve as plain JSON pointers.
    """
    from engine.model import ChapterFile, CourseFile

    model = CourseFile if kind == "course" else ChapterFile
    schema = model.model_json_schema(mode="validation")
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": f"https://lessonkit.dev/schema/{kind}.schema.json",
        **schema,
        "title": "lessonkit course.yaml" if kind == "course" else "lessonkit chapter",
    }


def schema_text(kind: Kind) -> str:
    """`json_schema(kind)` as the text of a .json file."""
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
