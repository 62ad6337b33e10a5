"""What `lessonkit serve` keeps from one build of a course to the next, in one object.

`serve` makes one `RebuildState` and hands it to every rebuild; each stage takes its part
and skips the work that did not change since the last build:

- the loader re-reads only the chapter files that changed and re-runs only their rules
  (`load`, engine/loading/loader.py and rule_cache.py);
- the renderers reuse what they worked out last time: the site's pages, page keys, search
  shards and per-chapter values (`render`, renderers/site/reuse.py);
- the writer re-hashes only files whose bytes are new objects and updates the site folder
  it wrote last in place, the changed files only (`written`, cli/output.py and
  output_inplace.py).

A one-shot `lessonkit build` passes no state, and every stage starts afresh. Nothing of it
lives in a module global, so two courses built in one process never see each other's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cli.output import WrittenFolders
from engine.loading.loader import LoadCache
from engine.model import Chapter
from renderers.base import RenderMemory


@dataclass
class RebuildState:
    """Everything a long-running process keeps between builds of one course."""

    load: LoadCache = field(default_factory=LoadCache)
    """Chapter files read and checked by the last builds."""
    render: RenderMemory = field(default_factory=RenderMemory)
    """What the renderers kept of the last build."""
    written: WrittenFolders = field(default_factory=WrittenFolders)
    """What the writer knows of the folders it wrote last."""
    runs_cells: dict[int, tuple[Chapter, bool]] = field(default_factory=dict)
    """Whether each chapter of the last build has a code cell that runs, by the chapter
    object (held, so its id stays its own)."""
