"""The renderer registry: built-in names, plus any `lessonkit.renderers` entry points.

Modules are imported only when their renderer is asked for, so a missing optional
dependency breaks only its own format, and `lessonkit --help` stays instant.
"""

from __future__ import annotations

import importlib
import importlib.util
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from renderers.base import Renderer

BUILTIN: dict[str, str] = {
    "html": "renderers.html:HtmlRenderer",
    "scorm12": "renderers.scorm:Scorm12Renderer",
    "scorm2004": "renderers.scorm:Scorm2004Renderer",
    "cmi5": "renderers.cmi5:Cmi5Renderer",
    "qti12": "renderers.qti12:Qti12Renderer",
    "qti21": "renderers.qti21:Qti21Renderer",
    "moodle": "renderers.moodle:MoodleRenderer",
    "gift": "renderers.gift:GiftRenderer",
    "cc": "renderers.cc:CommonCartridgeRenderer",
}
"""Format name -> "module:Class"."""

ENTRY_POINT_GROUP = "lessonkit.renderers"


def _table() -> dict[str, str]:
    table = dict(BUILTIN)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in table and table[ep.name] != ep.value:
            raise RuntimeError(f"renderer name {ep.name!r} is registered twice")
        table[ep.name] = ep.value
    return table


def _installed(target: str) -> bool:
    module = target.split(":", 1)[0]
    return importlib.util.find_spec(module) is not None


def available() -> list[str]:
    """Names of the renderers whose modules exist, in registry order."""
    return [name for name, target in _table().items() if _installed(target)]


def get(name: str) -> Renderer:
    """An instance of the renderer registered as `name`."""
    table = _table()
    if name not in table:
        raise KeyError(name)
    module_name, _, class_name = table[name].partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    renderer: Renderer = cls()
    return renderer
