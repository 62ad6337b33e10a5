"""Fixtures for tests of course files: the YAML loader variant, temporary courses.

tests/conftest.py makes them available to every test folder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

import engine.loading.source

LOADERS = {
    "libyaml": getattr(yaml, "CBaseLoader", None),
    "pure-python": yaml.BaseLoader,
}
"""The two parsers the loader must behave the same with: libyaml's C one and the fallback."""


@pytest.fixture(params=sorted(LOADERS))
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test once with each YAML parser (libyaml must be present: CI builds it)."""
    chosen = LOADERS[request.param]
    assert chosen is not None, "PyYAML was built without libyaml; the fast path is untested"
    if request.param == "pure-python":
        monkeypatch.setattr(engine.loading.source, "Loader", chosen)
    else:
        assert issubclass(engine.loading.source.Loader, chosen), \
            "the default loader is not libyaml's"
    return str(request.param)


WriteCourse = Callable[[dict[str, str | bytes]], Path]


@pytest.fixture
def write_course(tmp_path: Path) -> WriteCourse:
    """Write files (relative path -> text or bytes) into a fresh course folder."""

    def write(files: dict[str, str | bytes]) -> Path:
        root = tmp_path / "course"
        for rel, content in files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        return root

    return write
