"""`serve` updates the folder it wrote last file by file: only the changed files are
written, each renamed over its old version, and what a whole new folder would hold is
what the folder holds after the update."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest

from cli.output import Bundle, Staging, WrittenFolders, manifest_path, write_bundle

P = PurePosixPath


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def folders(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_dir()}


def write(bundle: Bundle, out: Path, written: WrittenFolders) -> None:
    staging = Staging(written)
    try:
        staging.folder(bundle, out)
        staging.commit()
    finally:
        staging.abort()
    written.finish_cleanups()


def test_only_changed_files_are_written_and_the_folder_stays(tmp_path: Path) -> None:
    out, written = tmp_path / "site", WrittenFolders()
    first = {P("index.html"): b"home", P("a/one.html"): b"1", P("a/two.html"): b"2",
             P("old/gone.html"): b"g"}
    write(first, out, written)
    folder, home, two = (os.stat(p).st_ino for p in (out, out / "index.html", out / "a/two.html"))
    second = {P("index.html"): first[P("index.html")], P("a/one.html"): b"one",
              P("a/two.html"): b"2", P("b/c/new.html"): b"n"}
    write(second, out, written)
    assert files(out) == {str(k): v for k, v in second.items()}
    assert folders(out) == {"a", "b", "b/c"}  # the folder left empty went too
    assert os.stat(out).st_ino == folder  # updated, not replaced
    assert os.stat(out / "index.html").st_ino == home  # the same object: not touched
    assert os.stat(out / "a/two.html").st_ino == two  # equal bytes: not touched
    # Nothing left beside the site but its manifest, which a new process can use.
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["site", manifest_path(out).name])
    new = os.stat(out / "b/c/new.html").st_ino
    write_bundle(second, out)
    assert files(out) == {str(k): v for k, v in second.items()}
    assert os.stat(out / "b/c/new.html").st_ino == new  # linked from the updated folder


def test_a_build_stopped_before_the_commit_changes_nothing(tmp_path: Path) -> None:
    out, written = tmp_path / "site", WrittenFolders()
    write({P("index.html"): b"home", P("page.html"): b"page"}, out, written)
    staging = Staging(written)
    staging.folder({P("index.html"): b"new home", P("more.html"): b"more"}, out)
    staging.abort()
    assert files(out) == {"index.html": b"home", "page.html": b"page"}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["site", manifest_path(out).name])
    write({P("index.html"): b"home", P("page.html"): b"page 2"}, out, written)
    assert files(out) == {"index.html": b"home", "page.html": b"page 2"}


@pytest.mark.parametrize("change", ["file removed", "file added", "folder removed"])
def test_a_folder_changed_on_disk_is_replaced_whole(tmp_path: Path, change: str) -> None:
    out, written = tmp_path / "site", WrittenFolders()
    bundle = {P("index.html"): b"home", P("a/page.html"): b"page"}
    write(bundle, out, written)
    before = os.stat(out).st_ino
    if change == "file removed":
        (out / "index.html").unlink()
    elif change == "file added":
        (out / "a" / "stray.html").write_bytes(b"stray")
    else:
        (out / "a" / "page.html").unlink()
        (out / "a").rmdir()
    write(bundle, out, written)
    assert files(out) == {"index.html": b"home", "a/page.html": b"page"}
    assert os.stat(out).st_ino != before


def test_a_file_that_becomes_a_folder(tmp_path: Path) -> None:
    out, written = tmp_path / "site", WrittenFolders()
    write({P("index.html"): b"home", P("a"): b"a file"}, out, written)
    write({P("index.html"): b"home", P("a/b.html"): b"in a folder"}, out, written)
    assert files(out) == {"index.html": b"home", "a/b.html": b"in a folder"}
    write({P("index.html"): b"home", P("a"): b"a file again"}, out, written)
    assert files(out) == {"index.html": b"home", "a": b"a file again"}
