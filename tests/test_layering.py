"""The dependency direction of the design: renderers -> engine <- importers, never back.

engine/ never imports renderers/ (only the CLI reaches them, lazily, through the
registry or its command table), engine/model.py imports nothing of the project but the
span type, and no renderer imports another, except the packaging renderers that reuse
the HTML site.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGERS = {"scorm", "cmi5", "packaging"}
"""Renderers that package the HTML site (through renderers/packaging)."""
SHARED = {"base", "output", "rebuild", "lms", "packaging"}
"""Helper packages any renderer may use."""


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_engine_never_imports_renderers() -> None:
    offenders = [
        (str(p.relative_to(ROOT)), sorted(n for n in _imports(p) if n.split(".")[0] == "renderers"))
        for p in _modules("engine")
        if p.name != "cli.py" and "commands" not in p.parts  # the CLI is the one way in
    ]
    assert [o for o in offenders if o[1]] == []


def _project_imports(name: str) -> set[str]:
    return {
        n for n in _imports(ROOT / "engine" / name) if n.split(".")[0] in ("engine", "renderers")
    }


MODEL = {"model.py", "field_types.py", "settings.py"}
"""The course model's modules: the model, its field values and its course-wide settings."""


def test_model_imports_nothing_of_the_project_but_its_base() -> None:
    allowed = {"engine.node", "engine.span"} | {f"engine.{m.removesuffix('.py')}" for m in MODEL}
    for module in MODEL:
        assert _project_imports(module) <= allowed, module
    assert _project_imports("node.py") <= {"engine.span"}


def test_renderers_do_not_import_each_other() -> None:
    problems = []
    for path in _modules("renderers"):
        rel = path.relative_to(ROOT / "renderers")
        own = rel.parts[0].removesuffix(".py")
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] != "renderers" or len(parts) < 2:
                continue
            other = parts[1]
            if other == own or other in SHARED or (other == "html" and own in PACKAGERS):
                continue
            problems.append((str(rel), name))
    assert problems == []


def test_the_scan_would_catch_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from renderers.html import HtmlRenderer\nimport renderers.gift\n")
    assert _imports(bad) == {"renderers.html", "renderers.gift"}


def test_engine_reaches_importers_only_through_its_commands() -> None:
    offenders = [
        (str(p.relative_to(ROOT)), sorted(n for n in _imports(p) if n.split(".")[0] == "importers"))
        for p in _modules("engine")
        if "commands" not in p.parts
    ]
    assert [o for o in offenders if o[1]] == []


def test_importers_never_import_renderers() -> None:
    offenders = [
        (str(p.relative_to(ROOT)), sorted(n for n in _imports(p) if n.split(".")[0] == "renderers"))
        for p in _modules("importers")
    ]
    assert [o for o in offenders if o[1]] == []
