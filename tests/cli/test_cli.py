"""The `lessonkit` command line, driven through click's CliRunner (and one real subprocess)."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from cli.main import COMMANDS, VERSION, main
from engine.diagnostics import WARNING_CODES, Code
from tests.course_files import WriteCourse
from tests.helpers import COMPLETE_COURSE, FIXTURE_COURSE_YAML, ROOT

CLEAN_CHAPTER = """\
id: chapter
title: Chapter
blocks:
  - kind: question
    id: q1
    type: true_false
    prompt: Is it?
    hints: [Look closely.]
    answer: true
    explanation: Because.
"""

CHAPTER = CLEAN_CHAPTER.replace("hints:", "hnits:")
"""One error: a misspelled optional key on line 8."""

WARNING_ONLY = """\
id: chapter
title: Chapter
blocks:
  - kind: question
    id: q1
    type: true_false
    prompt: Is it?
    answer: true
"""


def run(*args: str, cwd: Path | None = None) -> Result:
    """Run lessonkit; a Python exception other than SystemExit is a bug, never an exit code."""
    runner = CliRunner()
    with contextlib.chdir(cwd or Path.cwd()):
        result = runner.invoke(main, list(args), prog_name="lessonkit")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


@pytest.fixture
def broken(write_course: WriteCourse) -> Path:
    return write_course({"course.yaml": FIXTURE_COURSE_YAML, "chapter.yaml": CHAPTER})


@pytest.fixture
def warned(write_course: WriteCourse) -> Path:
    return write_course({"course.yaml": FIXTURE_COURSE_YAML, "chapter.yaml": WARNING_ONLY})


# --- check ---------------------------------------------------------------------------------


def test_check_clean_course_exits_0() -> None:
    result = run("check", str(COMPLETE_COURSE))
    assert result.exit_code == 0, result.output
    assert "no problems" in result.stderr


def test_check_course_yaml_path_works_like_its_folder() -> None:
    assert run("check", str(COMPLETE_COURSE / "course.yaml")).exit_code == 0


def test_check_errors_exit_1_with_location_caret_and_suggestion(broken: Path) -> None:
    result = run("check", ".", cwd=broken)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    heads = [i for i, line in enumerate(lines)
             if line.startswith("chapter.yaml:8:5: error[unknown-key]: unknown key 'hnits'")]
    assert len(heads) == 1, result.stderr
    head = heads[0]
    assert lines[head + 1] == " 8 |     hnits: [Look closely.]"
    assert lines[head + 2] == "   |     ^^^^^ did you mean 'hints'?"
    assert "1 error" in lines[-1]


SUGGESTIONS = [
    ("chapter", "title: Chapter", "titel: Chapter\ntitle: Chapter", "title"),
    ("chapter", "hints:", "hnits:", "hints"),
    ("chapter", "    answer: true", "    answer: true\n    explenation: x", "explanation"),
    ("chapter", "type: true_false", "type: true_flase", "true_false"),
    ("chapter", "kind: question", "kind: questoin", "question"),
    ("course", "title: Fixture course", "title: Fixture course\nsuppres: []", "suppress"),
    ("course", "  - id: main", "  - id: main\n    chapterz: []", "chapters"),
    ("course", "title: Fixture course", "title: Fixture course\nsuppress: [empty-hints]",
     "empty-hint"),
]


@pytest.mark.parametrize(("file", "old", "new", "guess"), SUGGESTIONS,
                         ids=[s[3] for s in SUGGESTIONS])
def test_misspellings_get_a_did_you_mean(
    write_course: WriteCourse, file: str, old: str, new: str, guess: str
) -> None:
    files = {"course": FIXTURE_COURSE_YAML, "chapter": CLEAN_CHAPTER}
    assert old in files[file]
    files[file] = files[file].replace(old, new, 1)
    root = write_course({"course.yaml": files["course"], "chapter.yaml": files["chapter"]})
    found = json.loads(run("check", "--format", "json", str(root)).stdout)
    assert [d["hint"] for d in found] == [f"did you mean '{guess}'?"], found


def test_check_warnings_pass_unless_strict(warned: Path) -> None:
    relaxed = run("check", str(warned))
    assert relaxed.exit_code == 0
    assert "warning[missing-explanation]" in relaxed.stderr
    assert run("check", "--strict", str(warned)).exit_code == 1


@pytest.mark.parametrize(
    "args",
    [("check", "does/not/exist"), ("check", "--format", "xml", "."), ("check", "--bogus"),
     ("no-such-command",), ("dump", "--format", "toml", ".")],
)
def test_usage_errors_exit_2(args: tuple[str, ...]) -> None:
    assert run(*args).exit_code == 2


def test_check_json_output(broken: Path) -> None:
    result = run("check", "--format", "json", str(broken))
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    assert isinstance(found, list)
    assert len(found) == 1
    first = found[0]
    assert {"file", "line", "column", "code", "severity", "message"} <= set(first)
    assert first["file"].endswith("chapter.yaml")
    assert (first["line"], first["column"], first["code"]) == (8, 5, "unknown-key")
    assert first["severity"] == "error"
    assert first["hint"] == "did you mean 'hints'?"


def test_check_json_output_of_a_clean_course_is_an_empty_list() -> None:
    result = run("check", "--format", "json", str(COMPLETE_COURSE))
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_check_github_output(broken: Path) -> None:
    result = run("check", "--format", "github", ".", cwd=broken)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("::error file=chapter.yaml,line=8,col=5::[unknown-key] ")


# --- dump ----------------------------------------------------------------------------------


def test_dump_json_and_yaml_carry_the_same_model() -> None:
    as_json = run("dump", str(COMPLETE_COURSE))
    as_yaml = run("dump", "--format", "yaml", str(COMPLETE_COURSE))
    assert as_json.exit_code == as_yaml.exit_code == 0
    data = json.loads(as_json.stdout)
    assert yaml.safe_load(as_yaml.stdout) == data
    assert data["id"] == "complete"
    assert [c["path"] for s in data["sections"] for c in s["chapters"]] == [
        "01-basics/01-choices.yaml", "01-basics/02-values.yaml", "02-more/01-structures.yaml"]


def test_dump_of_a_broken_course_exits_1_with_diagnostics(broken: Path) -> None:
    result = run("dump", str(broken))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "error[unknown-key]" in result.stderr


# --- schema --------------------------------------------------------------------------------


def test_schema_prints_draft_07_json() -> None:
    for kind in ("chapter", "course"):
        result = run("schema", "--kind", kind)
        assert result.exit_code == 0
        schema = json.loads(result.stdout)
        assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
        assert "properties" in schema


def test_schema_output_folder_gets_both_schemas(tmp_path: Path) -> None:
    target = tmp_path / "schemas"
    target.mkdir()
    assert run("schema", "-o", str(target)).exit_code == 0
    assert sorted(p.name for p in target.iterdir()) == ["chapter.schema.json",
                                                       "course.schema.json"]
    assert json.loads((target / "course.schema.json").read_text())["title"].endswith("course.yaml")


def test_schema_output_file(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "chapter.json"
    assert run("schema", "-o", str(target)).exit_code == 0
    assert json.loads(target.read_text()) == json.loads(run("schema").stdout)


# --- new -----------------------------------------------------------------------------------


def test_new_course_and_chapter_pass_strict_check(tmp_path: Path) -> None:
    assert run("new", "course", "My Course", cwd=tmp_path).exit_code == 0
    root = tmp_path / "My Course"
    assert run("check", "--strict", str(root)).exit_code == 0
    made = run("new", "chapter", str(root / "02-next" / "01-second.yaml"))
    assert made.exit_code == 0, made.output
    result = run("check", "--strict", str(root))
    assert result.exit_code == 0, result.output
    dumped = json.loads(run("dump", str(root)).stdout)
    assert [c["path"] for s in dumped["sections"] for c in s["chapters"]] == [
        "01-getting-started/01-first-chapter.yaml", "02-next/01-second.yaml"]
    assert dumped["id"] == "my-course"
    assert dumped["title"] == "My course"


def test_new_chapter_titles_and_sections(tmp_path: Path) -> None:
    assert run("new", "course", "c", "--title", 'Quotes: "and" colons', cwd=tmp_path).exit_code == 0
    root = tmp_path / "c"
    made = run("new", "chapter", str(root / "extra.yaml"), "--title", "no",
               "--section", "getting-started")
    assert made.exit_code == 0, made.output
    dumped = json.loads(run("dump", str(root)).stdout)
    assert dumped["title"] == 'Quotes: "and" colons'
    assert dumped["sections"][0]["chapters"][-1]["title"] == "no"


def test_new_refuses_to_overwrite_and_to_work_outside_a_course(tmp_path: Path) -> None:
    assert run("new", "course", "c", cwd=tmp_path).exit_code == 0
    assert run("new", "course", "c", cwd=tmp_path).exit_code == 2
    existing = tmp_path / "c" / "01-getting-started" / "01-first-chapter.yaml"
    assert run("new", "chapter", str(existing)).exit_code == 2
    assert run("new", "chapter", str(tmp_path / "loose.yaml")).exit_code == 2
    assert run("new", "chapter", str(tmp_path / "c" / "x.yaml"), "--section", "nope"
               ).exit_code == 2


# --- codes, version, help ------------------------------------------------------------------


def test_codes_lists_every_code_with_severity_and_doc() -> None:
    result = run("codes")
    assert result.exit_code == 0
    rows = {line.split()[0]: line.split()[1] for line in result.stdout.splitlines()}
    assert set(rows) == {c.value for c in Code}
    for code in Code:
        assert rows[code.value] == ("warning" if code in WARNING_CODES else "error")
        assert code.doc, f"{code.value} has no documentation"


def test_codes_markdown_table() -> None:
    lines = run("codes", "--format", "markdown").stdout.splitlines()
    assert len([line for line in lines if line.startswith("| `")]) == len(Code)


def test_version_matches_the_distribution() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert VERSION in result.stdout
    assert version("lessonkit") == VERSION


def test_main_help_lists_every_command() -> None:
    for flag in ("--help", "-h"):
        result = run(flag)
        assert result.exit_code == 0
        for name in COMMANDS:
            assert f"  {name} " in result.stdout


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage: lessonkit" in result.stdout


@pytest.mark.parametrize("sub", ["course", "chapter"])
def test_new_subcommands_have_help(sub: str) -> None:
    result = run("new", sub, "--help")
    assert result.exit_code == 0
    assert f"Usage: lessonkit new {sub}" in result.stdout


def test_help_imports_no_heavy_module() -> None:
    probe = (
        "import sys\n"
        "from cli.main import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('pydantic', 'yaml', 'engine.model', 'engine.loading.loader', 'jinja2', 'rich',\n"
        "         'markdown_it', 'numpy')\n"
        "sys.stderr.write(repr(sorted(m for m in heavy if m in sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=True)
    assert "Commands:" in done.stdout
    assert done.stderr == "[]"


def test_installed_console_script_runs() -> None:
    script = Path(sys.executable).parent / "lessonkit"
    done = subprocess.run([str(script), "--version"], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0
    assert VERSION in done.stdout
