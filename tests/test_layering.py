"""The dependency direction of the design: cli -> learner -> renderers -> engine <- importers.

- engine/ imports nothing of the project outside engine/ (the CLI reaches renderers and
  importers, lazily, through the registry or its command table);
- the course model (engine/model.py and its field types and settings) imports nothing of
  the project but its base;
- renderers/ import no CLI and no learner app, and no renderer group imports another
  (site, banks, packages, terminal), except the packages that reuse the site; the
  contract (`base`), the registry and `common` are shared by all;
- importers/ import only engine/;
- nothing imports the learner app (learner/) but the CLI.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GROUPS = {"site", "banks", "packages", "terminal"}
"""The renderer groups: each one writes its kind of output."""
SHARED = {"base", "common"}
"""What every renderer group may use: the contract and the helpers both exports need."""
MAY_USE = {"packages": {"site"}}
"""The one exception: LMS packages are the site plus a runtime bridge."""


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


def _offenders(package: str, forbidden: set[str]) -> list[tuple[str, list[str]]]:
    found = []
    for path in _modules(package):
        bad = sorted(n for n in _imports(path) if n.split(".")[0] in forbidden)
        if bad:
            found.append((str(path.relative_to(ROOT)), bad))
    return found


def test_the_top_level_packages_are_the_ones_this_test_knows() -> None:
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "benchmarks"}
    assert packages == {"engine", "renderers", "importers", "cli", "learner"}


def test_engine_imports_nothing_outside_the_engine() -> None:
    assert _offenders("engine", {"renderers", "importers", "cli", "learner"}) == []


def test_importers_import_only_the_engine() -> None:
    assert _offenders("importers", {"renderers", "cli", "learner"}) == []


def test_renderers_import_no_cli_and_no_learner_app() -> None:
    assert _offenders("renderers", {"cli", "learner"}) == []


def test_nothing_but_the_cli_imports_the_learner_app() -> None:
    for package in ("engine", "renderers", "importers"):
        assert _offenders(package, {"learner"}) == []


def _project_imports(name: str) -> set[str]:
    return {
        n for n in _imports(ROOT / "engine" / name)
        if n.split(".")[0] in ("engine", "renderers", "importers", "cli", "learner")
    }


MODEL = {"model.py", "field_types.py", "settings.py"}
"""The course model's modules: the model, its field values and its course-wide settings."""


def test_model_imports_nothing_of_the_project_but_its_base() -> None:
    allowed = {"engine.node", "engine.span"} | {f"engine.{m.removesuffix('.py')}" for m in MODEL}
    for module in MODEL:
        assert _project_imports(module) <= allowed, module
    assert _project_imports("node.py") <= {"engine.span"}


def _group_violations(root: Path) -> list[tuple[str, str]]:
    problems = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        own = rel.parts[0] if len(rel.parts) > 1 else None  # None: the registry or base.py
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] != "renderers" or len(parts) < 2 or parts[1] not in GROUPS:
                continue
            other = parts[1]
            if own is None and path.name == "__init__.py":
                continue  # the registry names every built-in
            if other == own or other in MAY_USE.get(own or "", set()):
                continue
            problems.append((str(rel), name))
    return problems


def test_renderer_groups_do_not_import_each_other() -> None:
    assert {p.name for p in (ROOT / "renderers").iterdir() if p.is_dir()
            and (p / "__init__.py").exists()} == GROUPS | SHARED - {"base"}
    assert _group_violations(ROOT / "renderers") == []


def test_the_group_check_would_catch_a_violation(tmp_path: Path) -> None:
    (tmp_path / "banks").mkdir()
    (tmp_path / "banks" / "gift.py").write_text("from renderers.site import HtmlRenderer\n")
    (tmp_path / "packages").mkdir()
    (tmp_path / "packages" / "scorm.py").write_text(
        "from renderers.site import HtmlRenderer\nimport renderers.common.xml\n")
    assert _group_violations(tmp_path) == [("banks/gift.py", "renderers.site")]


@pytest.mark.parametrize("source", [
    "from cli.output import Staging\n",
    "import learner.store\n",
    "from learner import review\n",
])
def test_the_import_scan_sees_every_form(tmp_path: Path, source: str) -> None:
    module = tmp_path / "renderers" / "site" / "bad.py"
    module.parent.mkdir(parents=True)
    module.write_text(source)
    assert {n.split(".")[0] for n in _imports(module)} & {"cli", "learner"}
