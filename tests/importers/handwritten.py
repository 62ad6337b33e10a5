"""Shared by the hand-written input tests: import a fixture bank, collect what was written."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cli.commands.import_ import import_
from engine.loading.loader import check_course

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EMPTY = "# An empty course.\nid: hw\ntitle: Hand-written\nsections: []\n"


def run_import(source: Path, root: Path, *args: str) -> tuple[int, str]:
    """`lessonkit import SOURCE --into ROOT ARGS`; (exit code, stderr)."""
    if not (root / "course.yaml").exists():
        root.mkdir(parents=True, exist_ok=True)
        (root / "course.yaml").write_text(EMPTY, encoding="utf-8")
    result = CliRunner().invoke(import_, [str(source), "--into", str(root), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


def written(root: Path) -> dict[str, str]:
    """Every YAML file of the course (schemas excluded), by course-relative path."""
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*.yaml"))
    }


def located(stderr: str, source: Path) -> list[str]:
    """`line:col code` of each diagnostic printed about `source`."""
    out = []
    for line in stderr.splitlines():
        if line.startswith(str(source) + ":"):
            where, _, rest = line[len(str(source)) + 1 :].partition(": ")
            code = rest.split("[", 1)[1].split("]", 1)[0]
            out.append(f"{where} {code}")
    return out


def check_warnings(root: Path) -> set[str]:
    """The codes `lessonkit check` reports on the imported course (errors fail)."""
    result = check_course(root)
    assert result.course is not None, [d.headline() for d in result.diagnostics]
    return {d.code.value for d in result.diagnostics}
