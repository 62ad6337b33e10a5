"""The JSON Schema editors use: valid draft-07, committed copies current, course files covered.

Two views of "the files validate against the schema":
- the model's own output (`lessonkit dump`-style data) must satisfy it, so the schema
  describes what the engine accepts;
- the files as the YAML language server reads them (YAML 1.2 core typing: `0.25` is a
  number, `no` is text) must satisfy the schema their modeline names, so an author's
  editor shows no false alarm on a course that `lessonkit check` accepts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml
from click.testing import CliRunner

from cli.main import main
from engine.json_schema import json_schema
from engine.loading.loader import load_course
from tests.helpers import COMPLETE_COURSE, ROOT, SAMPLE_COURSE

COMMITTED = ROOT / "content" / "schemas"
COURSES = [c for c in (COMPLETE_COURSE, SAMPLE_COURSE) if (c / "course.yaml").is_file()]
YAML_FILES = sorted(p for c in COURSES for p in c.rglob("*.yaml"))
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(?P<target>\S+)\s*$")


def printed_schema(kind: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["schema", "--kind", kind])
    assert result.exit_code == 0, result.output
    loaded: dict[str, Any] = json.loads(result.stdout)
    return loaded


@pytest.mark.parametrize("kind", ["course", "chapter"])
def test_schema_is_valid_draft_07(kind: str) -> None:
    schema = printed_schema(kind)
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema == json_schema(kind)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["course", "chapter"])
def test_every_property_has_a_description_for_editors(kind: str) -> None:
    schema = printed_schema(kind)
    defs = schema.get("$defs", {})

    def described(prop: dict[str, Any]) -> bool:
        # pydantic leaves out a field's description when it repeats the referenced model's.
        ref = str(prop.get("$ref", "")).removeprefix("#/$defs/")
        return bool(prop.get("description") or defs.get(ref, {}).get("description"))

    missing = [
        f"{owner}.{name}"
        for owner, node in [("root", schema), *defs.items()]
        for name, prop in node.get("properties", {}).items()
        if not described(prop)
    ]
    assert not missing, f"properties without a description: {missing}"


@pytest.mark.parametrize("kind", ["course", "chapter"])
def test_committed_schema_is_current(kind: str) -> None:
    committed = COMMITTED / f"{kind}.schema.json"
    printed = CliRunner().invoke(main, ["schema", "--kind", kind]).stdout
    assert committed.read_text(encoding="utf-8") == printed, (
        f"{committed} is stale: run `lessonkit schema -o content/schemas/`"
    )


# --- the engine's output satisfies the schema ----------------------------------------------


@pytest.mark.parametrize("course_dir", COURSES, ids=[c.name for c in COURSES])
def test_dumped_chapters_and_course_validate(course_dir: Path) -> None:
    course = load_course(course_dir)
    chapter_schema = jsonschema.Draft7Validator(printed_schema("chapter"))
    for chapter in course.chapters:
        data = chapter.model_dump(mode="json", exclude_defaults=True)
        errors = [f"{'/'.join(map(str, e.path))}: {e.message}"
                  for e in chapter_schema.iter_errors(data)]
        assert not errors, f"{chapter.path}: {errors}"
    course_data = course.model_dump(mode="json", exclude_defaults=True)
    course_data["sections"] = [
        {**section, "chapters": [c.path for c in original.chapters]}
        for section, original in zip(course_data["sections"], course.sections, strict=True)
    ]
    errors = [e.message for e in jsonschema.Draft7Validator(printed_schema("course"))
              .iter_errors(course_data)]
    assert not errors


# --- what an editor sees -------------------------------------------------------------------


class Yaml12CoreLoader(yaml.SafeLoader):
    """YAML 1.2 core-schema typing, as the YAML language server applies it."""


Yaml12CoreLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
     r"|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$", list("-+.0123456789")),
    ("tag:yaml.org,2002:merge", r"^<<$", ["<"]),
]:
    Yaml12CoreLoader.add_implicit_resolver(_tag, re.compile(_pattern), _first)


def modeline_target(path: Path) -> Path | None:
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    match = MODELINE.match(first)
    return (path.parent / match["target"]).resolve() if match else None


@pytest.mark.parametrize("path", YAML_FILES, ids=[p.relative_to(ROOT).as_posix()
                                                  for p in YAML_FILES])
def test_course_file_names_an_existing_schema_on_its_first_line(path: Path) -> None:
    target = modeline_target(path)
    assert target is not None, f"{path} does not start with '# yaml-language-server: $schema='"
    assert target.is_file(), f"{path} names {target}, which does not exist"
    kind = "course" if path.name == "course.yaml" else "chapter"
    assert target.name == f"{kind}.schema.json"


@pytest.mark.parametrize("path", YAML_FILES, ids=[p.relative_to(ROOT).as_posix()
                                                  for p in YAML_FILES])
def test_course_file_validates_as_an_editor_reads_it(path: Path) -> None:
    target = modeline_target(path)
    assert target is not None and target.is_file()
    schema = json.loads(target.read_text(encoding="utf-8"))
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=Yaml12CoreLoader)
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}"
              for e in jsonschema.Draft7Validator(schema).iter_errors(data)]
    assert not errors


def test_yaml_12_typing_is_what_editors_use() -> None:
    # Guards the loader above: YAML 1.1's `no`/`on` booleans and `1_000` ints are gone.
    data = yaml.load("a: no\nb: on\nc: 0.25\nd: true\ne: ~\nf: 1_000\ng: 2%\n",
                     Loader=Yaml12CoreLoader)
    assert data == {"a": "no", "b": "on", "c": 0.25, "d": True, "e": None, "f": "1_000",
                    "g": "2%"}


def test_new_course_scaffold_names_its_schemas(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "fresh"
    assert runner.invoke(main, ["new", "course", str(target)]).exit_code == 0
    files = sorted(target.rglob("*.yaml"))
    assert files
    for path in files:
        schema = modeline_target(path)
        assert schema is not None and schema.is_file(), path
        assert json.loads(schema.read_text()) == json_schema(
            "course" if path.name == "course.yaml" else "chapter")
