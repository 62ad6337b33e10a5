"""The floor for `lessonkit check`: libyaml parsing plus pydantic validation, nothing else.

No positions, no duplicate-key checks, no semantic rules, no Markdown checks: the least
work any YAML+pydantic checker must do on the same files.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from engine.model import Chapter, CourseFile


def main(root: Path) -> None:
    course = yaml.load((root / "course.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    CourseFile.model_validate(course)
    for section in course["sections"]:
        for chapter in section["chapters"]:
            text = (root / chapter).read_text(encoding="utf-8")
            Chapter.model_validate(yaml.load(text, Loader=yaml.CSafeLoader))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
