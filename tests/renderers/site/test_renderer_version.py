"""The renderer's version, part of every page's cache key, changes with any file that
can change what the renderer makes, found from its imports rather than listed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from renderers.site.version import code_files, code_version, renderer_version

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's packages to edit."""
    root = tmp_path_factory.mktemp("project")
    for package in ("engine", "renderers"):
        shutil.copytree(ROOT / package, root / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_the_running_version_is_the_version_of_these_files() -> None:
    assert renderer_version() == code_version(ROOT / "renderers" / "site", ROOT)


def test_every_template_static_file_catalog_and_module_used_is_covered(project: Path) -> None:
    files, libraries = code_files(project / "renderers" / "site", project)
    names = {p.relative_to(project).as_posix() for p in files}
    html = project / "renderers" / "site"
    for folder in ("templates", "static"):
        assert {f"renderers/site/{folder}/{p.name}" for p in (html / folder).iterdir()} <= names
    assert {p.relative_to(project).as_posix() for p in (project / "engine" / "i18n").iterdir()
            if p.suffix == ".json"} <= names
    assert {"renderers/site/site.py", "engine/text/markdown.py", "engine/model.py",
            "engine/grading/score.py", "renderers/base.py"} <= names
    assert {"jinja2", "markdown_it", "pygments", "latex2mathml"} <= libraries
    # The preview server is a command, not part of what renders pages.
    assert "cli/commands/serve.py" not in names


def test_editing_any_covered_file_changes_the_version(project: Path) -> None:
    package = project / "renderers" / "site"
    files, _ = code_files(package, project)
    before = code_version(package, project)
    unchanged = []
    for path in files:
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        try:
            if code_version(package, project) == before:
                unchanged.append(path.relative_to(project).as_posix())
        finally:
            path.write_bytes(original)
    assert unchanged == []
    assert code_version(package, project) == before


def test_a_module_newly_imported_while_rendering_is_covered(project: Path) -> None:
    package = project / "renderers" / "site"
    (project / "engine" / "brand_new.py").write_text("VALUE = 1\n")
    blocks = package / "blocks.py"
    original = blocks.read_text()
    try:
        blocks.write_text(original + "\n\ndef _late() -> None:\n"
                          "    from engine.brand_new import VALUE  # noqa: F401\n")
        files, _ = code_files(package, project)
        assert project / "engine" / "brand_new.py" in files
        before = code_version(package, project)
        (project / "engine" / "brand_new.py").write_text("VALUE = 2\n")
        assert code_version(package, project) != before
    finally:
        blocks.write_text(original)
        (project / "engine" / "brand_new.py").unlink()
