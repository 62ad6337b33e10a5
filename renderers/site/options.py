"""The HTML renderer's options (`renderers: {html: {...}}` in course.yaml, or set by a caller)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class HtmlOptions(BaseModel):
    """How the static site is built."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    lms_bridge: bool = False
    """Load `assets/lms-bridge.js` before the site logic. The SCORM and cmi5 renderers set
    this and add the file themselves; the site alone never ships it."""
    search: bool = True
    """Build the full-text search index (renderers/site/search.py) and the search page."""
    theme: Literal["auto", "light", "dark"] = "auto"
    """The colour theme before the learner picks one: follow the system, light or dark."""
    sidebar_window: int = 24
    """The most chapters of the current section listed in a page's sidebar; longer sections
    show the chapters around the current one, so each page stays small in huge courses."""
