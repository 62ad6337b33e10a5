"""Every format `lessonkit build -f` offers, built from the completeness course, compared
with its reviewed snapshot under tests/golden/<format>/ (see golden.py for what is kept).

After an intended change to any output: `make golden` (which runs this file with
`--update-snapshots`), then review `git diff tests/golden` and commit it with the change.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.golden.golden import (
    COMPLETE,
    FORMATS,
    GOLDEN,
    REGENERATE,
    Tree,
    build,
    differences,
    on_disk,
)
from tests.golden.golden import snapshot as snapshot_of
from tests.golden.golden import write as write_snapshot

pytestmark = pytest.mark.xdist_group("golden")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Tree]:
    """Each format's snapshot as a fresh build makes it, in `--format` order (a format
    refers to files an earlier one stored). One copy of the course, so the code cells
    run once and their cached outputs serve every later format."""
    work = tmp_path_factory.mktemp("golden")
    course = work / "complete"
    shutil.copytree(COMPLETE, course, ignore=shutil.ignore_patterns(".lessonkit-cache"))
    trees: dict[str, Tree] = {}
    earlier: Tree = {}
    for fmt in FORMATS:
        tree = snapshot_of(fmt, build(course, fmt, work / "out" / fmt), earlier)
        earlier.update({f"{fmt}/{path}": data for path, data in tree.items()
                        if path.startswith("files/")})
        trees[fmt] = tree
    return trees


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_build_matches_its_snapshot(fmt: str, fresh: dict[str, Tree],
                                        update_snapshots: bool) -> None:
    if update_snapshots:
        write_snapshot(fmt, fresh[fmt])
    expected = on_disk(fmt)
    assert expected, f"no snapshot of {fmt} yet: {REGENERATE}"
    if fresh[fmt] != expected:  # pytest's own dict comparison would hide the diff
        pytest.fail(f"`lessonkit build -f {fmt}` no longer gives its snapshot; if the change "
                    f"is intended, run `{REGENERATE}` and review `git diff tests/golden`:\n"
                    + differences(fmt, expected, fresh[fmt]), pytrace=False)


def test_a_changed_output_is_shown_as_a_diff(fresh: dict[str, Tree]) -> None:
    # What a reviewer sees when a page changes: the snapshot's path and a unified diff.
    tree = dict(fresh["gift"])
    [path] = [p for p in tree if p.endswith("-gift.txt")]
    changed = {**tree, path: tree[path].replace(b"::", b"::changed ", 1)}
    shown = differences("gift", tree, changed)
    assert f"--- snapshot tests/golden/gift/{path}" in shown
    assert "+++ fresh build" in shown
    assert any(line.startswith("+") and "changed" in line for line in shown.splitlines())
    assert differences("gift", tree, tree) == ""


def test_the_listing_names_what_is_not_stored(fresh: dict[str, Tree]) -> None:
    listing = fresh["scorm12"]["LISTING.txt"].decode()
    assert "complete-scorm12.zip: assets/quiz.js  1980-01-01 00:00:00" in listing
    assert "copy of renderers/site/static/quiz.js" in listing
    assert "same as html/files/site/" in listing  # the site's pages are stored once
    assert "files/site/chapters/values.html" in fresh["html"]
    assert "files/site/search/0.js" in fresh["html"]  # the search index is the course's


def test_snapshot_paths_stay_inside_the_golden_folder(fresh: dict[str, Tree]) -> None:
    for fmt, tree in fresh.items():
        for path in tree:
            target = (GOLDEN / fmt / path).resolve()
            assert target.is_relative_to(GOLDEN / fmt), path
            assert not Path(path).is_absolute()


def test_every_format_has_a_snapshot_and_no_other_does() -> None:
    # After the comparisons, so that `make golden` writes the folders first.
    folders = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert folders == sorted(FORMATS), f"snapshot folders differ from the formats: {REGENERATE}"
