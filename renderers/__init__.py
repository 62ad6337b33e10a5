"""The renderer registry: every renderer, built-in or not, is a `lessonkit.renderers` entry
point.

The built-ins are declared twice, here and as entry points in pyproject.toml, and a test
keeps the two equal: an installed lessonkit finds them through its entry points like any
third-party renderer, and a source tree that was never installed (or was installed before a
renderer was added) still finds them through `BUILTIN`.

Modules are imported only when their renderer is asked for, so a missing optional
dependency breaks only its own format, and `lessonkit --help` stays instant.
"""

from __future__ import annotations

import importlib
import importlib.util
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from renderers.base import Renderer

ENTRY_POINT_GROUP = "lessonkit.renderers"

BUILTIN: dict[str, str] = {
    "html": "renderers.site:HtmlRenderer",
    "scorm12": "renderers.packages.scorm:Scorm12Renderer",
    "scorm2004": "renderers.packages.scorm:Scorm2004Renderer",
    "cmi5": "renderers.packages.cmi5:Cmi5Renderer",
    "qti12": "renderers.banks.qti12:Qti12Renderer",
    "qti21": "renderers.banks.qti21:Qti21Renderer",
    "moodle": "renderers.banks.moodle:MoodleRenderer",
    "gift": "renderers.banks.gift:GiftRenderer",
    "cc": "renderers.banks.cc:CommonCartridgeRenderer",
}
"""Format name -> "module:Class" of the renderers lessonkit ships, in `--format` order
(the same table as `[project.entry-points."lessonkit.renderers"]` in pyproject.toml)."""


def registered() -> dict[str, str]:
    """Every renderer: format name -> "module:Class", the built-ins first."""
    table = dict(BUILTIN)
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name):
        if ep.name in table and table[ep.name] != ep.value:
            raise RuntimeError(f"renderer name {ep.name!r} is registered twice: "
                               f"{table[ep.name]} and {ep.value}")
        table[ep.name] = ep.value
    return table


def _installed(target: str) -> bool:
    module = target.split(":", 1)[0]
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # its parent package is missing
        return False


def available() -> list[str]:
    """Names of the renderers whose modules exist, in registry order (`--format` choices)."""
    return [name for name, target in registered().items() if _installed(target)]


def get(name: str) -> Renderer[Any]:
    """An instance of the renderer registered as `name`."""
    table = registered()
    if name not in table:
        raise KeyError(name)
    module_name, _, class_name = table[name].partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    renderer: Renderer[Any] = cls()
    return renderer
