"""The renderer registry: built-ins and third-party renderers come through the same entry
point group, and `lessonkit build` offers whatever is registered."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import renderers
from tests.helpers import COMPLETE_COURSE, ROOT

FAKE_RENDERER = '''\
from pathlib import PurePosixPath
from typing import ClassVar

from renderers.base import NoOptions


class FakeRenderer:
    name: ClassVar[str] = "fake"
    description: ClassVar[str] = "Chapter titles, one a line (a test renderer)"
    Options: ClassVar[type[NoOptions]] = NoOptions
    output_folder: ClassVar[None] = None

    def render(self, course, ctx):
        titles = "".join(f"{chapter.title}\\n" for chapter in course.chapters)
        return {PurePosixPath(f"{course.id}-fake.txt"): titles.encode()}
'''


def _install_fake_renderer(site: Path) -> None:
    """A distribution `fake-renderer` on a folder of sys.path, as pip would leave it."""
    (site / "fake_renderer.py").write_text(FAKE_RENDERER, encoding="utf-8")
    info = site / "fake_renderer-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fake-renderer\nVersion: 1.0\n",
                                   encoding="utf-8")
    (info / "entry_points.txt").write_text(
        f"[{renderers.ENTRY_POINT_GROUP}]\nfake = fake_renderer:FakeRenderer\n", encoding="utf-8")


def _lessonkit(site: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(site)])}
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_pyproject_registers_exactly_the_builtin_renderers() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = project["project"]["entry-points"][renderers.ENTRY_POINT_GROUP]
    assert declared == renderers.BUILTIN
    assert list(declared) == list(renderers.BUILTIN)  # the same order: `--format` lists it


def test_every_builtin_renderer_declares_its_name_and_where_its_output_goes() -> None:
    for name in renderers.BUILTIN:
        renderer = renderers.get(name)
        assert renderer.name == name
        assert renderer.description
        assert renderer.output_folder in (None, "site")


def test_a_renderer_installed_by_entry_point_can_be_built(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    site.mkdir()
    _install_fake_renderer(site)
    out = tmp_path / "out"

    help_text = _lessonkit(site, "build", "--help", cwd=tmp_path)
    assert help_text.returncode == 0, help_text.stderr
    assert "Chapter titles, one a line (a test renderer)" in help_text.stdout
    assert "Static site: chapters, interactive questions, search" in help_text.stdout

    built = _lessonkit(site, "build", str(COMPLETE_COURSE), "-f", "fake", "-o", str(out),
                       "--no-execute", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    written = (out / "complete-fake.txt").read_text(encoding="utf-8").splitlines()
    assert "fake" in built.stderr and str(out / "complete-fake.txt") in built.stderr
    assert len(written) > 1 and written[0]


def test_an_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    site.mkdir()
    refused = _lessonkit(site, "build", str(COMPLETE_COURSE), "-f", "fake", "-o",
                         str(tmp_path / "out"), cwd=tmp_path)
    assert refused.returncode == 2
    assert "'fake' is not one of" in refused.stderr
