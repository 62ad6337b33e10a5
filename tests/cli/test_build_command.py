"""`lessonkit build` as a user runs it: a real process, on a course of 60 chapter files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from benchmarks.generate import generate

LESSONKIT = str(Path(sys.executable).with_name("lessonkit"))


def build(course: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([LESSONKIT, "build", str(course), "--out", str(out), *extra],
                          capture_output=True, text=True, timeout=300, check=False)


def snapshot(site: Path) -> dict[str, tuple[int, bytes]]:
    """Every file of the site: its inode and bytes."""
    return {str(p.relative_to(site)): (p.stat().st_ino, p.read_bytes())
            for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("course") / "bench"
    generate(60, folder)
    return folder


def test_build_edit_break_and_rebuild(course: Path, tmp_path: Path) -> None:
    work = tmp_path / "course"
    shutil.copytree(course, work)
    out = tmp_path / "out"
    first = build(work, out)
    assert first.returncode == 0, first.stderr
    assert "built bench-60" in first.stderr and str(out / "site" / "index.html") in first.stderr
    assert "rendering" not in first.stderr  # no progress bar when stderr is not a terminal
    site = out / "site"
    before = snapshot(site)
    assert len([name for name in before if name.startswith("chapters/")]) == 60
    assert "search/0.js" in before

    # One chapter's text changes: its page is written anew, every other page is the
    # same file as before (hard-linked, not rewritten).
    chapter = work / "s000" / "c00007.yaml"
    chapter.write_text(chapter.read_text().replace("## Topic 7", "## Topic seven"))
    second = build(work, out)
    assert second.returncode == 0, second.stderr
    after = snapshot(site)
    assert b"Topic seven" in after["chapters/chapter-7.html"][1]
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert [name for name in changed if name.startswith("chapters/")] == [
        "chapters/chapter-7.html"]
    assert all(after[n][0] == before[n][0] for n in after
               if n.startswith("chapters/") and n != "chapters/chapter-7.html")

    # A broken chapter stops the build, and the site stays as it was.
    chapter.write_text(chapter.read_text().replace("blocks:", "blocks: [", 1))
    broken = build(work, out)
    assert broken.returncode == 1
    assert "s000/c00007.yaml:" in broken.stderr and "build stopped" in broken.stderr
    assert snapshot(site) == after
    assert sorted(p.name for p in out.iterdir()) == [".cache", ".site.manifest.json", "site"]


def test_one_process_or_several_give_the_same_site(course: Path, tmp_path: Path) -> None:
    sites = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}"
        done = build(course, out, "--jobs", jobs, "--quiet")
        assert done.returncode == 0 and done.stderr == "", done.stderr
        sites.append({name: data for name, (_, data) in snapshot(out / "site").items()})
    assert sites[0] == sites[1]


@pytest.mark.parametrize("no_color", [False, True])
def test_a_terminal_gets_a_progress_bar_by_chapter(course: Path, tmp_path: Path,
                                                   no_color: bool) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    if no_color:
        env["NO_COLOR"] = "1"
    env["TERM"] = "xterm-256color"
    child = pexpect.spawn(LESSONKIT, ["build", str(course), "--out", str(tmp_path / "out")],
                          env=env, dimensions=(24, 100), timeout=120)
    child.expect(pexpect.EOF)
    child.close()
    text = child.before.decode()
    assert child.exitstatus == 0, text
    frames = re.findall(r"rendering\b.*?(\d+)/60\b", text)
    assert frames and int(frames[0]) < 60  # drawn while the pages were rendering
    assert "built bench-60" in text
    colours = re.findall(r"\x1b\[[0-9;]*3[0-9]m|\x1b\[9[0-7]m", text)
    assert (colours == []) is no_color


@pytest.mark.parametrize("fmt", ["html", "gift"])
def test_an_output_folder_that_cannot_be_written_is_a_clear_error(
    course: Path, tmp_path: Path, fmt: str
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = build(course, blocker / "out", "--format", fmt)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        f"build failed: cannot write {blocker / 'out'}: Not a directory")
    assert "Traceback" not in done.stderr
