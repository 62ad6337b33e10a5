"""`serve` keeps what it reuses between builds in one `RebuildState` it owns; a one-shot
build keeps nothing, and two states never share anything."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cli.commands import serve as serve_module
from cli.commands.serve import build_html, serving_rebuild
from cli.rebuild import RebuildState
from engine.diagnostics import Code
from engine.loading import chapter_files
from renderers.site import site as site_module
from renderers.site.reuse import SiteMemory

CHAPTERS = ("one", "two", "three")


def _course(root: Path, title: str = "A course") -> Path:
    root.mkdir()
    (root / "course.yaml").write_text(
        f"id: c\ntitle: {title}\nsections:\n  - id: s\n    title: S\n"
        f"    chapters: [{', '.join(f'{c}.yaml' for c in CHAPTERS)}]\n")
    for name in CHAPTERS:
        _chapter(root, name, f"About {name}")
    return root


def _chapter(root: Path, name: str, body: str) -> None:
    path = root / f"{name}.yaml"
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(f"id: {name}\ntitle: Chapter {name}\nblocks:\n"
                    f"  - kind: explanation\n    body: {body}\n")
    # Same-second saves must still count as changes.
    os.utime(path, ns=(before + 1_000_000, max(before + 1_000_000, path.stat().st_mtime_ns)))


def _site(out: Path) -> dict[str, bytes]:
    site = out / "site"
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file()}


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many chapter files were read and chapter pages rendered."""
    counts = {"read": 0, "rendered": 0}
    read, render = chapter_files.load_chapter, site_module.build_blocks

    def counting_read(*args: object, **kwargs: object) -> object:
        counts["read"] += 1
        return read(*args, **kwargs)  # type: ignore[arg-type]

    def counting_render(*args: object, **kwargs: object) -> object:
        counts["rendered"] += 1
        return render(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(chapter_files, "load_chapter", counting_read)
    monkeypatch.setattr(site_module, "build_blocks", counting_render)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)  # render here, where it is counted
    return counts


def test_a_serve_rebuild_redoes_only_the_edited_chapter(tmp_path: Path,
                                                        counted: dict[str, int]) -> None:
    course = _course(tmp_path / "course")
    rebuild = serving_rebuild(course, tmp_path / "out")
    assert rebuild() == []
    assert counted == {"read": 3, "rendered": 3}
    _chapter(course, "two", "Edited")
    assert rebuild() == []
    assert counted == {"read": 4, "rendered": 4}
    # What the rebuilds left is what a one-shot build of the edited course writes.
    assert build_html(course, tmp_path / "fresh") == []
    assert _site(tmp_path / "out") == _site(tmp_path / "fresh")
    assert "Edited" in _site(tmp_path / "out")["chapters/two.html"].decode()


def test_a_one_shot_build_keeps_nothing(tmp_path: Path, counted: dict[str, int]) -> None:
    course = _course(tmp_path / "course")
    out = tmp_path / "out"
    assert build_html(course, out) == []
    assert build_html(course, out) == []
    # Every chapter read again (the pages come from the on-disk cache).
    assert counted == {"read": 6, "rendered": 3}


def test_two_states_share_nothing(tmp_path: Path, counted: dict[str, int]) -> None:
    first, second = _course(tmp_path / "first"), _course(tmp_path / "second", "Another")
    first_state, second_state = RebuildState(), RebuildState()
    assert build_html(first, tmp_path / "out1", first_state) == []
    assert build_html(second, tmp_path / "out2", second_state) == []
    assert counted["read"] == 6
    # Building the second course did not replace what the first one's state keeps.
    kept = first_state.render.of(SiteMemory).recent
    assert kept.folder == tmp_path / "out1" / ".cache" / "html" / "html"
    assert len(kept.pages) == len(CHAPTERS) + 1  # and the index page
    assert list(first_state.written.digests) == [str((tmp_path / "out1" / "site").resolve())]
    assert build_html(first, tmp_path / "out1", first_state) == []
    assert counted == {"read": 6, "rendered": 6}


def test_serve_rebuilds_leave_what_a_fresh_build_writes(tmp_path: Path,
                                                         counted: dict[str, int]) -> None:
    """Chapters edited, left out, added back and moved: after each rebuild the site
    updated in place holds exactly what a one-shot build of the course writes (a moved
    chapter is the same object with another number, in the pages and in course.js)."""
    course = _course(tmp_path / "course")
    rebuild = serving_rebuild(course, tmp_path / "out")
    assert rebuild() == []
    listing = (course / "course.yaml").read_text()
    steps: list[Callable[[], object]] = [
        lambda: _chapter(course, "one", "Edited"),
        lambda: (course / "course.yaml").write_text(listing.replace(", three.yaml", "")),
        lambda: (course / "course.yaml").write_text(listing),
        lambda: _chapter(course, "three", "Edited too"),
        lambda: (course / "course.yaml").write_text(
            listing.replace("one.yaml, two.yaml, three.yaml", "three.yaml, one.yaml, two.yaml")),
        lambda: (course / "course.yaml").write_text(listing),
    ]
    for number, step in enumerate(steps):
        step()
        said = rebuild()
        assert said == build_html(course, tmp_path / f"fresh{number}")
        assert all(d.code is Code.ORPHAN_CHAPTER for d in said)  # three.yaml, left out
        assert _site(tmp_path / "out") == _site(tmp_path / f"fresh{number}"), number


def test_whether_cells_run_is_asked_again_of_changed_chapters_only(
        complete_course: Any) -> None:
    state = RebuildState()
    assert serve_module._runs_cells(complete_course, state) is True
    # The same chapter objects: the answers kept are used, even a wrong one planted here.
    state.runs_cells = {key: (chapter, False) for key, (chapter, _) in state.runs_cells.items()}
    assert serve_module._runs_cells(complete_course, state) is False
    quiet = complete_course.model_copy(update={"sections": [
        s.model_copy(update={"chapters": [
            c.model_copy(update={"blocks": [b for b in c.blocks if b.kind != "code"]})
            for c in s.chapters]}) for s in complete_course.sections]})
    assert serve_module._runs_cells(quiet, state) is False
    assert serve_module._runs_cells(complete_course, state) is True  # asked again
