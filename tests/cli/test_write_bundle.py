"""Writing a bundle: all or nothing, and unchanged files linked from the previous build."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest

from cli.output import manifest_path, write_bundle

P = PurePosixPath


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def inode(path: Path) -> int:
    return path.stat().st_ino


def test_unchanged_files_are_linked_and_the_rest_written(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_bundle({P("index.html"): b"home", P("a/one.html"): b"1", P("a/two.html"): b"2"}, out)
    assert manifest_path(out).is_file() and not (out / manifest_path(out).name).exists()
    before = {name: inode(out / name) for name in ("index.html", "a/one.html", "a/two.html")}

    write_bundle({P("index.html"): b"home", P("a/one.html"): b"one", P("b/new.html"): b"n"}, out)
    assert files(out) == {"index.html": b"home", "a/one.html": b"one", "b/new.html": b"n"}
    assert inode(out / "index.html") == before["index.html"]  # same bytes: linked
    assert inode(out / "a/one.html") != before["a/one.html"]  # new bytes: written
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["site", manifest_path(out).name])


def test_a_file_changed_on_disk_is_written_again(tmp_path: Path) -> None:
    out = tmp_path / "site"
    bundle = {P("index.html"): b"home", P("other.html"): b"other"}
    write_bundle(bundle, out)
    (out / "index.html").write_bytes(b"edited by hand")
    write_bundle(bundle, out)
    assert files(out) == {"index.html": b"home", "other.html": b"other"}


@pytest.mark.parametrize("manifest", [b"{not json", b"[]", b'{"version": 99, "files": {}}'])
def test_an_unreadable_manifest_means_writing_everything(tmp_path: Path, manifest: bytes
                                                         ) -> None:
    out = tmp_path / "site"
    write_bundle({P("index.html"): b"home"}, out)
    old = inode(out / "index.html")
    manifest_path(out).write_bytes(manifest)
    write_bundle({P("index.html"): b"home"}, out)
    assert files(out) == {"index.html": b"home"} and inode(out / "index.html") != old


def test_a_failed_write_leaves_the_previous_output(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    write_bundle({P("index.html"): b"home", P("page.html"): b"page"}, out)

    def broken_link(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt  # the worst moment: halfway through the new folder

    monkeypatch.setattr(os, "link", broken_link)
    with pytest.raises(KeyboardInterrupt):
        write_bundle({P("index.html"): b"home", P("page.html"): b"changed"}, out)
    assert files(out) == {"index.html": b"home", "page.html": b"page"}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["site", manifest_path(out).name])
